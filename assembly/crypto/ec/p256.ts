// P-256 (secp256r1, FIPS 186-4 D.1.2.3): the field and the curve constants.
// p = 2^256 - 2^224 + 2^192 + 2^96 - 1. In 29-bit digits p is sparse and signed:
//   p = -1 + 2^9*B^3 + 2^18*B^6 - 2^21*B^7 + 2^24*B^8   (B = 2^29)
// and p = -1 mod 2^29, so a Montgomery step's multiplier is just the low limb and adding
// m*p costs four shifted adds instead of nine products.
// Elements: 9 limbs, R = 2^261, bound B = 2^257 (mul maps inputs < 2^257 to < p + 2^253).

import { FieldBase } from "./field";

// @ts-ignore: decorator
@inline const MASK: i64 = 0x1fffffff;

export class FieldP256 extends FieldBase {
  constructor() {
    super(9, 32, [0xffffffff, 0x00000001, 0x00000000, 0x00000000, 0x00000000, 0xffffffff, 0xffffffff, 0xffffffff]);
    this.initMontgomery();
  }

  /** r = a*b/R mod p (operand-scanning Montgomery; inputs < 2^257, output < 2^257). */
  mul(r: usize, a: usize, b: usize): void {
    const b0 = <i64>load<u32>(b, 0), b1 = <i64>load<u32>(b, 4), b2 = <i64>load<u32>(b, 8);
    const b3 = <i64>load<u32>(b, 12), b4 = <i64>load<u32>(b, 16), b5 = <i64>load<u32>(b, 20);
    const b6 = <i64>load<u32>(b, 24), b7 = <i64>load<u32>(b, 28), b8 = <i64>load<u32>(b, 32);
    let t0: i64 = 0, t1: i64 = 0, t2: i64 = 0, t3: i64 = 0, t4: i64 = 0, t5: i64 = 0, t6: i64 = 0, t7: i64 = 0, t8: i64 = 0;
    for (let i: usize = 0; i < 36; i += 4) {
      const x = <i64>load<u32>(a + i);
      t0 += x * b0; t1 += x * b1; t2 += x * b2; t3 += x * b3; t4 += x * b4;
      t5 += x * b5; t6 += x * b6; t7 += x * b7; t8 = x * b8;
      const m = t0 & MASK;
      t0 = t1 + (t0 >> 29);
      t1 = t2;
      t2 = t3 + (m << 9);
      t3 = t4;
      t4 = t5;
      t5 = t6 + (m << 18);
      t6 = t7 - (m << 21);
      t7 = t8 + (m << 24);
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
    const h = l8 >> 24;
    l8 &= 0xffffff;
    l0 += h; l3 -= h << 9; l6 -= h << 18; l7 += h << 21;
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
    let l0 = <i32>load<u32>(a, 0) - <i32>load<u32>(b, 0) + 0x1ffffffc;
    let l1 = <i32>load<u32>(a, 4) - <i32>load<u32>(b, 4) + 0x1fffffff;
    let l2 = <i32>load<u32>(a, 8) - <i32>load<u32>(b, 8) + 0x1fffffff;
    let l3 = <i32>load<u32>(a, 12) - <i32>load<u32>(b, 12) + 0x7ff;
    let l4 = <i32>load<u32>(a, 16) - <i32>load<u32>(b, 16);
    let l5 = <i32>load<u32>(a, 20) - <i32>load<u32>(b, 20);
    let l6 = <i32>load<u32>(a, 24) - <i32>load<u32>(b, 24) + 0x100000;
    let l7 = <i32>load<u32>(a, 28) - <i32>load<u32>(b, 28) + 0x1f800000;
    let l8 = <i32>load<u32>(a, 32) - <i32>load<u32>(b, 32) + 0x3ffffff;
    l1 += l0 >> 29; l0 &= 0x1fffffff;
    l2 += l1 >> 29; l1 &= 0x1fffffff;
    l3 += l2 >> 29; l2 &= 0x1fffffff;
    l4 += l3 >> 29; l3 &= 0x1fffffff;
    l5 += l4 >> 29; l4 &= 0x1fffffff;
    l6 += l5 >> 29; l5 &= 0x1fffffff;
    l7 += l6 >> 29; l6 &= 0x1fffffff;
    l8 += l7 >> 29; l7 &= 0x1fffffff;
    const h = l8 >> 24;
    l8 &= 0xffffff;
    l0 += h; l3 -= h << 9; l6 -= h << 18; l7 += h << 21;
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

  /** Normalizes limbs (signed carries) and folds bits >= 2^256 back: 2^256 = 2^224 - 2^192 - 2^96 + 1 (mod p). */
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
    const h = l8 >> 24;
    l8 &= 0xffffff;
    l0 += h; l3 -= h << 9; l6 -= h << 18; l7 += h << 21;
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

/** Curve coefficient b and base point G (a = -3), big-endian words. */
export const P256_B: StaticArray<u32> = [0x5ac635d8, 0xaa3a93e7, 0xb3ebbd55, 0x769886bc, 0x651d06b0, 0xcc53b0f6, 0x3bce3c3e, 0x27d2604b];
export const P256_GX: StaticArray<u32> = [0x6b17d1f2, 0xe12c4247, 0xf8bce6e5, 0x63a440f2, 0x77037d81, 0x2deb33a0, 0xf4a13945, 0xd898c296];
export const P256_GY: StaticArray<u32> = [0x4fe342e2, 0xfe1a7f9b, 0x8ee7eb4a, 0x7c0f9e16, 0x2bce3357, 0x6b315ece, 0xcbb64068, 0x37bf51f5];
/** Group order n. */
export const P256_N: StaticArray<u32> = [0xffffffff, 0x00000000, 0xffffffff, 0xffffffff, 0xbce6faad, 0xa7179e84, 0xf3b9cac2, 0xfc632551];
