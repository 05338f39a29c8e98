// The field of edwards25519 (RFC 8032 5.1): p = 2^255 - 19, in the same Montgomery/radix-2^29
// form as the NIST fields (field.ts), so the generic helpers serve it too.
// In 29-bit digits (B = 2^29) p = -19 + 2^23*B^8, and p = -19 mod 2^29: a Montgomery step's
// multiplier is m = t0 * 19^-1 mod 2^29, and adding m*p costs one small product and one shift.
// Elements: 9 limbs, R = 2^261, bound B = 2^256 (mul maps inputs < 2^256 to < p + 2^251).

import { FieldBase } from "./field";

// @ts-ignore: decorator
@inline const MASK: i64 = 0x1fffffff;
/** 19^-1 mod 2^29. */
// @ts-ignore: decorator
@inline const INV19: i64 = 0x86bca1b;

export class Field25519 extends FieldBase {
  constructor() {
    super(9, 32, [0x7fffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffed]);
    this.initMontgomery();
  }

  /** r = a*b/R mod p (operand-scanning Montgomery; inputs < 2^256, output < 2^256). */
  mul(r: usize, a: usize, b: usize): void {
    const b0 = <i64>load<u32>(b, 0), b1 = <i64>load<u32>(b, 4), b2 = <i64>load<u32>(b, 8);
    const b3 = <i64>load<u32>(b, 12), b4 = <i64>load<u32>(b, 16), b5 = <i64>load<u32>(b, 20);
    const b6 = <i64>load<u32>(b, 24), b7 = <i64>load<u32>(b, 28), b8 = <i64>load<u32>(b, 32);
    let t0: i64 = 0, t1: i64 = 0, t2: i64 = 0, t3: i64 = 0, t4: i64 = 0, t5: i64 = 0, t6: i64 = 0, t7: i64 = 0, t8: i64 = 0;
    for (let i: usize = 0; i < 36; i += 4) {
      const x = <i64>load<u32>(a + i);
      t0 += x * b0; t1 += x * b1; t2 += x * b2; t3 += x * b3; t4 += x * b4;
      t5 += x * b5; t6 += x * b6; t7 += x * b7; t8 = x * b8;
      const m = ((t0 & MASK) * INV19) & MASK;
      t0 = t1 + ((t0 - m * 19) >> 29);
      t1 = t2;
      t2 = t3;
      t3 = t4;
      t4 = t5;
      t5 = t6;
      t6 = t7;
      t7 = t8 + (m << 23);
    }
    t1 += t0 >> 29; store<u32>(r, <u32>(t0 & MASK), 0);
    t2 += t1 >> 29; store<u32>(r, <u32>(t1 & MASK), 4);
    t3 += t2 >> 29; store<u32>(r, <u32>(t2 & MASK), 8);
    t4 += t3 >> 29; store<u32>(r, <u32>(t3 & MASK), 12);
    t5 += t4 >> 29; store<u32>(r, <u32>(t4 & MASK), 16);
    t6 += t5 >> 29; store<u32>(r, <u32>(t5 & MASK), 20);
    t7 += t6 >> 29; store<u32>(r, <u32>(t6 & MASK), 24);
    store<u32>(r, <u32>(t7 & MASK), 28);
    store<u32>(r, <u32>(t7 >> 29), 32);
  }

  /** r = a + b, folded. */
  add(r: usize, a: usize, b: usize): void {
    let l0 = <i32>(load<u32>(a, 0) + load<u32>(b, 0));
    let l1 = <i32>(load<u32>(a, 4) + load<u32>(b, 4));
    let l2 = <i32>(load<u32>(a, 8) + load<u32>(b, 8));
    let l3 = <i32>(load<u32>(a, 12) + load<u32>(b, 12));
    let l4 = <i32>(load<u32>(a, 16) + load<u32>(b, 16));
    let l5 = <i32>(load<u32>(a, 20) + load<u32>(b, 20));
    let l6 = <i32>(load<u32>(a, 24) + load<u32>(b, 24));
    let l7 = <i32>(load<u32>(a, 28) + load<u32>(b, 28));
    let l8 = <i32>(load<u32>(a, 32) + load<u32>(b, 32));
    l1 += l0 >> 29; l0 &= 0x1fffffff;
    l2 += l1 >> 29; l1 &= 0x1fffffff;
    l3 += l2 >> 29; l2 &= 0x1fffffff;
    l4 += l3 >> 29; l3 &= 0x1fffffff;
    l5 += l4 >> 29; l4 &= 0x1fffffff;
    l6 += l5 >> 29; l5 &= 0x1fffffff;
    l7 += l6 >> 29; l6 &= 0x1fffffff;
    l8 += l7 >> 29; l7 &= 0x1fffffff;
    const h = l8 >> 23;
    l8 &= 0x7fffff;
    l0 += h * 19;
    l1 += l0 >> 29; store<u32>(r, <u32>(l0 & 0x1fffffff), 0);
    l2 += l1 >> 29; store<u32>(r, <u32>(l1 & 0x1fffffff), 4);
    l3 += l2 >> 29; store<u32>(r, <u32>(l2 & 0x1fffffff), 8);
    l4 += l3 >> 29; store<u32>(r, <u32>(l3 & 0x1fffffff), 12);
    l5 += l4 >> 29; store<u32>(r, <u32>(l4 & 0x1fffffff), 16);
    l6 += l5 >> 29; store<u32>(r, <u32>(l5 & 0x1fffffff), 20);
    l7 += l6 >> 29; store<u32>(r, <u32>(l6 & 0x1fffffff), 24);
    l8 += l7 >> 29; store<u32>(r, <u32>(l7 & 0x1fffffff), 28);
    store<u32>(r, <u32>l8, 32);
  }

  /** r = a - b + k*p (k*p is at least the bound, so the sum is non-negative), folded. */
  sub(r: usize, a: usize, b: usize): void {
    let l0 = <i32>load<u32>(a, 0) - <i32>load<u32>(b, 0) + 0x1fffffb4;
    let l1 = <i32>load<u32>(a, 4) - <i32>load<u32>(b, 4) + 0x1fffffff;
    let l2 = <i32>load<u32>(a, 8) - <i32>load<u32>(b, 8) + 0x1fffffff;
    let l3 = <i32>load<u32>(a, 12) - <i32>load<u32>(b, 12) + 0x1fffffff;
    let l4 = <i32>load<u32>(a, 16) - <i32>load<u32>(b, 16) + 0x1fffffff;
    let l5 = <i32>load<u32>(a, 20) - <i32>load<u32>(b, 20) + 0x1fffffff;
    let l6 = <i32>load<u32>(a, 24) - <i32>load<u32>(b, 24) + 0x1fffffff;
    let l7 = <i32>load<u32>(a, 28) - <i32>load<u32>(b, 28) + 0x1fffffff;
    let l8 = <i32>load<u32>(a, 32) - <i32>load<u32>(b, 32) + 0x1ffffff;
    l1 += l0 >> 29; l0 &= 0x1fffffff;
    l2 += l1 >> 29; l1 &= 0x1fffffff;
    l3 += l2 >> 29; l2 &= 0x1fffffff;
    l4 += l3 >> 29; l3 &= 0x1fffffff;
    l5 += l4 >> 29; l4 &= 0x1fffffff;
    l6 += l5 >> 29; l5 &= 0x1fffffff;
    l7 += l6 >> 29; l6 &= 0x1fffffff;
    l8 += l7 >> 29; l7 &= 0x1fffffff;
    const h = l8 >> 23;
    l8 &= 0x7fffff;
    l0 += h * 19;
    l1 += l0 >> 29; store<u32>(r, <u32>(l0 & 0x1fffffff), 0);
    l2 += l1 >> 29; store<u32>(r, <u32>(l1 & 0x1fffffff), 4);
    l3 += l2 >> 29; store<u32>(r, <u32>(l2 & 0x1fffffff), 8);
    l4 += l3 >> 29; store<u32>(r, <u32>(l3 & 0x1fffffff), 12);
    l5 += l4 >> 29; store<u32>(r, <u32>(l4 & 0x1fffffff), 16);
    l6 += l5 >> 29; store<u32>(r, <u32>(l5 & 0x1fffffff), 20);
    l7 += l6 >> 29; store<u32>(r, <u32>(l6 & 0x1fffffff), 24);
    l8 += l7 >> 29; store<u32>(r, <u32>(l7 & 0x1fffffff), 28);
    store<u32>(r, <u32>l8, 32);
  }

  /** Normalizes limbs (signed carries) and folds bits >= 2^255 back: 2^255 = 19 (mod p). */
  fold(r: usize): void {
    let l0 = <i32>load<u32>(r, 0), l1 = <i32>load<u32>(r, 4), l2 = <i32>load<u32>(r, 8);
    let l3 = <i32>load<u32>(r, 12), l4 = <i32>load<u32>(r, 16), l5 = <i32>load<u32>(r, 20);
    let l6 = <i32>load<u32>(r, 24), l7 = <i32>load<u32>(r, 28), l8 = <i32>load<u32>(r, 32);
    l1 += l0 >> 29; l0 &= 0x1fffffff;
    l2 += l1 >> 29; l1 &= 0x1fffffff;
    l3 += l2 >> 29; l2 &= 0x1fffffff;
    l4 += l3 >> 29; l3 &= 0x1fffffff;
    l5 += l4 >> 29; l4 &= 0x1fffffff;
    l6 += l5 >> 29; l5 &= 0x1fffffff;
    l7 += l6 >> 29; l6 &= 0x1fffffff;
    l8 += l7 >> 29; l7 &= 0x1fffffff;
    const h = l8 >> 23;
    l8 &= 0x7fffff;
    l0 += h * 19;
    l1 += l0 >> 29; store<u32>(r, <u32>(l0 & 0x1fffffff), 0);
    l2 += l1 >> 29; store<u32>(r, <u32>(l1 & 0x1fffffff), 4);
    l3 += l2 >> 29; store<u32>(r, <u32>(l2 & 0x1fffffff), 8);
    l4 += l3 >> 29; store<u32>(r, <u32>(l3 & 0x1fffffff), 12);
    l5 += l4 >> 29; store<u32>(r, <u32>(l4 & 0x1fffffff), 16);
    l6 += l5 >> 29; store<u32>(r, <u32>(l5 & 0x1fffffff), 20);
    l7 += l6 >> 29; store<u32>(r, <u32>(l6 & 0x1fffffff), 24);
    l8 += l7 >> 29; store<u32>(r, <u32>(l7 & 0x1fffffff), 28);
    store<u32>(r, <u32>l8, 32);
  }
}

/** Curve constant d = -121665/121666, big-endian words. */
export const ED25519_D: StaticArray<u32> = [0x52036cee, 0x2b6ffe73, 0x8cc74079, 0x7779e898, 0x00700a4d, 0x4141d8ab, 0x75eb4dca, 0x135978a3];
/** sqrt(-1) = 2^((p-1)/4). */
export const ED25519_SQRTM1: StaticArray<u32> = [0x2b832480, 0x4fc1df0b, 0x2b4d0099, 0x3dfbd7a7, 0x2f431806, 0xad2fe478, 0xc4ee1b27, 0x4a0ea0b0];
/** Base point B (x positive/even, y = 4/5). */
export const ED25519_BX: StaticArray<u32> = [0x216936d3, 0xcd6e53fe, 0xc0a4e231, 0xfdd6dc5c, 0x692cc760, 0x9525a7b2, 0xc9562d60, 0x8f25d51a];
export const ED25519_BY: StaticArray<u32> = [0x66666666, 0x66666666, 0x66666666, 0x66666666, 0x66666666, 0x66666666, 0x66666666, 0x66666658];
/** Group order L = 2^252 + 27742317777372353535851937790883648493. */
export const ED25519_L: StaticArray<u32> = [0x10000000, 0x00000000, 0x00000000, 0x00000000, 0x14def9de, 0xa2f79cd6, 0x5812631a, 0x5cf5d3ed];
/** (p - 5) / 8 = 2^252 - 3, big-endian bytes: the square-root exponent. */
export const ED25519_SQRT_EXP: StaticArray<u8> = [
  0x0f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfd,
];
