// The field of edwards25519 (RFC 8032 5.1): p = 2^255 - 19, in the same Montgomery/radix-2^29
// form as the NIST fields (field.ts), so the generic helpers serve it too.
// In 29-bit digits (B = 2^29) p = -19 + 2^23*B^8, and p = -19 mod 2^29: a Montgomery step's
// multiplier is m = t0 * 19^-1 mod 2^29, and adding m*p costs one small product and one shift.
// Elements: 9 limbs, R = 2^261, bound B = 2^256 (mul maps inputs < 2^256 to < p + 2^251).

import { FieldBase, add9, fold9 } from "./field";

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

  /**
   * r = a*b/R mod p (inputs < 2^256, output < 2^256). Product scanning: column by column, each column's
   * Montgomery multiplier m_j taken as soon as the column is complete; p's sparse digits add
   * shifted m_j into later columns. Column sums stay below 2^62.
   */
  mul(r: usize, a: usize, b: usize): void {
    const a0 = <i64>load<u32>(a, 0), a1 = <i64>load<u32>(a, 4), a2 = <i64>load<u32>(a, 8);
    const a3 = <i64>load<u32>(a, 12), a4 = <i64>load<u32>(a, 16), a5 = <i64>load<u32>(a, 20);
    const a6 = <i64>load<u32>(a, 24), a7 = <i64>load<u32>(a, 28), a8 = <i64>load<u32>(a, 32);
    const b0 = <i64>load<u32>(b, 0), b1 = <i64>load<u32>(b, 4), b2 = <i64>load<u32>(b, 8);
    const b3 = <i64>load<u32>(b, 12), b4 = <i64>load<u32>(b, 16), b5 = <i64>load<u32>(b, 20);
    const b6 = <i64>load<u32>(b, 24), b7 = <i64>load<u32>(b, 28), b8 = <i64>load<u32>(b, 32);
    let c: i64;
    c = a0 * b0;
    const m0 = ((c & MASK) * INV19) & MASK;
    c = (c - m0 * 19) >> 29;
    c += a0 * b1 + a1 * b0;
    const m1 = ((c & MASK) * INV19) & MASK;
    c = (c - m1 * 19) >> 29;
    c += a0 * b2 + a1 * b1 + a2 * b0;
    const m2 = ((c & MASK) * INV19) & MASK;
    c = (c - m2 * 19) >> 29;
    c += a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0;
    const m3 = ((c & MASK) * INV19) & MASK;
    c = (c - m3 * 19) >> 29;
    c += a0 * b4 + a1 * b3 + a2 * b2 + a3 * b1 + a4 * b0;
    const m4 = ((c & MASK) * INV19) & MASK;
    c = (c - m4 * 19) >> 29;
    c += a0 * b5 + a1 * b4 + a2 * b3 + a3 * b2 + a4 * b1 + a5 * b0;
    const m5 = ((c & MASK) * INV19) & MASK;
    c = (c - m5 * 19) >> 29;
    c += a0 * b6 + a1 * b5 + a2 * b4 + a3 * b3 + a4 * b2 + a5 * b1 + a6 * b0;
    const m6 = ((c & MASK) * INV19) & MASK;
    c = (c - m6 * 19) >> 29;
    c += a0 * b7 + a1 * b6 + a2 * b5 + a3 * b4 + a4 * b3 + a5 * b2 + a6 * b1 + a7 * b0;
    const m7 = ((c & MASK) * INV19) & MASK;
    c = (c - m7 * 19) >> 29;
    c += a0 * b8 + a1 * b7 + a2 * b6 + a3 * b5 + a4 * b4 + a5 * b3 + a6 * b2 + a7 * b1 + a8 * b0 + (m0 << 23);
    const m8 = ((c & MASK) * INV19) & MASK;
    c = (c - m8 * 19) >> 29;
    c += a1 * b8 + a2 * b7 + a3 * b6 + a4 * b5 + a5 * b4 + a6 * b3 + a7 * b2 + a8 * b1 + (m1 << 23);
    store<u32>(r, <u32>(c & MASK), 0);
    c >>= 29;
    c += a2 * b8 + a3 * b7 + a4 * b6 + a5 * b5 + a6 * b4 + a7 * b3 + a8 * b2 + (m2 << 23);
    store<u32>(r, <u32>(c & MASK), 4);
    c >>= 29;
    c += a3 * b8 + a4 * b7 + a5 * b6 + a6 * b5 + a7 * b4 + a8 * b3 + (m3 << 23);
    store<u32>(r, <u32>(c & MASK), 8);
    c >>= 29;
    c += a4 * b8 + a5 * b7 + a6 * b6 + a7 * b5 + a8 * b4 + (m4 << 23);
    store<u32>(r, <u32>(c & MASK), 12);
    c >>= 29;
    c += a5 * b8 + a6 * b7 + a7 * b6 + a8 * b5 + (m5 << 23);
    store<u32>(r, <u32>(c & MASK), 16);
    c >>= 29;
    c += a6 * b8 + a7 * b7 + a8 * b6 + (m6 << 23);
    store<u32>(r, <u32>(c & MASK), 20);
    c >>= 29;
    c += a7 * b8 + a8 * b7 + (m7 << 23);
    store<u32>(r, <u32>(c & MASK), 24);
    c >>= 29;
    c += a8 * b8 + (m8 << 23);
    store<u32>(r, <u32>(c & MASK), 28);
    c >>= 29;
    store<u32>(r, <u32>c, 32);
  }

  /** r = a^2/R mod p: as mul, with each cross product taken once and doubled. */
  sqr(r: usize, a: usize): void {
    const a0 = <i64>load<u32>(a, 0), a1 = <i64>load<u32>(a, 4), a2 = <i64>load<u32>(a, 8);
    const a3 = <i64>load<u32>(a, 12), a4 = <i64>load<u32>(a, 16), a5 = <i64>load<u32>(a, 20);
    const a6 = <i64>load<u32>(a, 24), a7 = <i64>load<u32>(a, 28), a8 = <i64>load<u32>(a, 32);
    const d0 = a0 << 1, d1 = a1 << 1, d2 = a2 << 1, d3 = a3 << 1;
    const d4 = a4 << 1, d5 = a5 << 1, d6 = a6 << 1, d7 = a7 << 1;
    let c: i64;
    c = a0 * a0;
    const m0 = ((c & MASK) * INV19) & MASK;
    c = (c - m0 * 19) >> 29;
    c += d0 * a1;
    const m1 = ((c & MASK) * INV19) & MASK;
    c = (c - m1 * 19) >> 29;
    c += d0 * a2 + a1 * a1;
    const m2 = ((c & MASK) * INV19) & MASK;
    c = (c - m2 * 19) >> 29;
    c += d0 * a3 + d1 * a2;
    const m3 = ((c & MASK) * INV19) & MASK;
    c = (c - m3 * 19) >> 29;
    c += d0 * a4 + d1 * a3 + a2 * a2;
    const m4 = ((c & MASK) * INV19) & MASK;
    c = (c - m4 * 19) >> 29;
    c += d0 * a5 + d1 * a4 + d2 * a3;
    const m5 = ((c & MASK) * INV19) & MASK;
    c = (c - m5 * 19) >> 29;
    c += d0 * a6 + d1 * a5 + d2 * a4 + a3 * a3;
    const m6 = ((c & MASK) * INV19) & MASK;
    c = (c - m6 * 19) >> 29;
    c += d0 * a7 + d1 * a6 + d2 * a5 + d3 * a4;
    const m7 = ((c & MASK) * INV19) & MASK;
    c = (c - m7 * 19) >> 29;
    c += d0 * a8 + d1 * a7 + d2 * a6 + d3 * a5 + a4 * a4 + (m0 << 23);
    const m8 = ((c & MASK) * INV19) & MASK;
    c = (c - m8 * 19) >> 29;
    c += d1 * a8 + d2 * a7 + d3 * a6 + d4 * a5 + (m1 << 23);
    store<u32>(r, <u32>(c & MASK), 0);
    c >>= 29;
    c += d2 * a8 + d3 * a7 + d4 * a6 + a5 * a5 + (m2 << 23);
    store<u32>(r, <u32>(c & MASK), 4);
    c >>= 29;
    c += d3 * a8 + d4 * a7 + d5 * a6 + (m3 << 23);
    store<u32>(r, <u32>(c & MASK), 8);
    c >>= 29;
    c += d4 * a8 + d5 * a7 + a6 * a6 + (m4 << 23);
    store<u32>(r, <u32>(c & MASK), 12);
    c >>= 29;
    c += d5 * a8 + d6 * a7 + (m5 << 23);
    store<u32>(r, <u32>(c & MASK), 16);
    c >>= 29;
    c += d6 * a8 + a7 * a7 + (m6 << 23);
    store<u32>(r, <u32>(c & MASK), 20);
    c >>= 29;
    c += d7 * a8 + (m7 << 23);
    store<u32>(r, <u32>(c & MASK), 24);
    c >>= 29;
    c += a8 * a8 + (m8 << 23);
    store<u32>(r, <u32>(c & MASK), 28);
    c >>= 29;
    store<u32>(r, <u32>c, 32);
  }

  add(r: usize, a: usize, b: usize): void {
    add9<Field25519>(this, r, a, b);
  }

  /** r = a - b + k*p (k*p at least the bound, so the total is non-negative). */
  sub(r: usize, a: usize, b: usize): void {
    const l0 = <i32>load<u32>(a, 0) - <i32>load<u32>(b, 0) + 0x1fffffb4;
    const l1 = <i32>load<u32>(a, 4) - <i32>load<u32>(b, 4) + 0x1fffffff;
    const l2 = <i32>load<u32>(a, 8) - <i32>load<u32>(b, 8) + 0x1fffffff;
    const l3 = <i32>load<u32>(a, 12) - <i32>load<u32>(b, 12) + 0x1fffffff;
    const l4 = <i32>load<u32>(a, 16) - <i32>load<u32>(b, 16) + 0x1fffffff;
    const l5 = <i32>load<u32>(a, 20) - <i32>load<u32>(b, 20) + 0x1fffffff;
    const l6 = <i32>load<u32>(a, 24) - <i32>load<u32>(b, 24) + 0x1fffffff;
    const l7 = <i32>load<u32>(a, 28) - <i32>load<u32>(b, 28) + 0x1fffffff;
    const l8 = <i32>load<u32>(a, 32) - <i32>load<u32>(b, 32) + 0x1ffffff;
    this.finish(r, l0, l1, l2, l3, l4, l5, l6, l7, l8);
  }

  fold(r: usize): void {
    fold9<Field25519>(this, r);
  }

  /**
   * Stores limbs after signed carry propagation, folding the bits above p's top bit back in.
   * add(), sub() and fold() all end here (inlined: the limbs stay in locals).
   */
  // @ts-ignore: decorator
  @inline finish(r: usize, l0: i32, l1: i32, l2: i32, l3: i32, l4: i32, l5: i32, l6: i32, l7: i32, l8: i32): void {
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
