// P-256 (secp256r1, FIPS 186-4 D.1.2.3): the field and the curve constants.
// p = 2^256 - 2^224 + 2^192 + 2^96 - 1. In 29-bit digits p is sparse and signed:
//   p = -1 + 2^9*B^3 + 2^18*B^6 - 2^21*B^7 + 2^24*B^8   (B = 2^29)
// and p = -1 mod 2^29, so a Montgomery step's multiplier is just the low limb and adding
// m*p costs four shifted adds instead of nine products.
// Elements: 9 limbs, R = 2^261, bound B = 2^257 (mul maps inputs < 2^257 to < p + 2^253).

import { FieldBase, add9, fold9 } from "./field";

// @ts-ignore: decorator
@inline const MASK: i64 = 0x1fffffff;

export class FieldP256 extends FieldBase {
  constructor() {
    super(9, 32, [0xffffffff, 0x00000001, 0x00000000, 0x00000000, 0x00000000, 0xffffffff, 0xffffffff, 0xffffffff]);
    this.initMontgomery();
  }

  /**
   * r = a*b/R mod p (inputs < 2^257, output < 2^257). Product scanning: column by column, each column's
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
    const m0 = c & MASK;
    c >>= 29;
    c += a0 * b1 + a1 * b0;
    const m1 = c & MASK;
    c >>= 29;
    c += a0 * b2 + a1 * b1 + a2 * b0;
    const m2 = c & MASK;
    c >>= 29;
    c += a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0 + (m0 << 9);
    const m3 = c & MASK;
    c >>= 29;
    c += a0 * b4 + a1 * b3 + a2 * b2 + a3 * b1 + a4 * b0 + (m1 << 9);
    const m4 = c & MASK;
    c >>= 29;
    c += a0 * b5 + a1 * b4 + a2 * b3 + a3 * b2 + a4 * b1 + a5 * b0 + (m2 << 9);
    const m5 = c & MASK;
    c >>= 29;
    c += a0 * b6 + a1 * b5 + a2 * b4 + a3 * b3 + a4 * b2 + a5 * b1 + a6 * b0 + (m3 << 9) + (m0 << 18);
    const m6 = c & MASK;
    c >>= 29;
    c += a0 * b7 + a1 * b6 + a2 * b5 + a3 * b4 + a4 * b3 + a5 * b2 + a6 * b1 + a7 * b0 + (m4 << 9) + (m1 << 18) - (m0 << 21);
    const m7 = c & MASK;
    c >>= 29;
    c += a0 * b8 + a1 * b7 + a2 * b6 + a3 * b5 + a4 * b4 + a5 * b3 + a6 * b2 + a7 * b1 + a8 * b0 + (m5 << 9) + (m2 << 18) - (m1 << 21) + (m0 << 24);
    const m8 = c & MASK;
    c >>= 29;
    c += a1 * b8 + a2 * b7 + a3 * b6 + a4 * b5 + a5 * b4 + a6 * b3 + a7 * b2 + a8 * b1 + (m6 << 9) + (m3 << 18) - (m2 << 21) + (m1 << 24);
    store<u32>(r, <u32>(c & MASK), 0);
    c >>= 29;
    c += a2 * b8 + a3 * b7 + a4 * b6 + a5 * b5 + a6 * b4 + a7 * b3 + a8 * b2 + (m7 << 9) + (m4 << 18) - (m3 << 21) + (m2 << 24);
    store<u32>(r, <u32>(c & MASK), 4);
    c >>= 29;
    c += a3 * b8 + a4 * b7 + a5 * b6 + a6 * b5 + a7 * b4 + a8 * b3 + (m8 << 9) + (m5 << 18) - (m4 << 21) + (m3 << 24);
    store<u32>(r, <u32>(c & MASK), 8);
    c >>= 29;
    c += a4 * b8 + a5 * b7 + a6 * b6 + a7 * b5 + a8 * b4 + (m6 << 18) - (m5 << 21) + (m4 << 24);
    store<u32>(r, <u32>(c & MASK), 12);
    c >>= 29;
    c += a5 * b8 + a6 * b7 + a7 * b6 + a8 * b5 + (m7 << 18) - (m6 << 21) + (m5 << 24);
    store<u32>(r, <u32>(c & MASK), 16);
    c >>= 29;
    c += a6 * b8 + a7 * b7 + a8 * b6 + (m8 << 18) - (m7 << 21) + (m6 << 24);
    store<u32>(r, <u32>(c & MASK), 20);
    c >>= 29;
    c += a7 * b8 + a8 * b7 - (m8 << 21) + (m7 << 24);
    store<u32>(r, <u32>(c & MASK), 24);
    c >>= 29;
    c += a8 * b8 + (m8 << 24);
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
    const m0 = c & MASK;
    c >>= 29;
    c += d0 * a1;
    const m1 = c & MASK;
    c >>= 29;
    c += d0 * a2 + a1 * a1;
    const m2 = c & MASK;
    c >>= 29;
    c += d0 * a3 + d1 * a2 + (m0 << 9);
    const m3 = c & MASK;
    c >>= 29;
    c += d0 * a4 + d1 * a3 + a2 * a2 + (m1 << 9);
    const m4 = c & MASK;
    c >>= 29;
    c += d0 * a5 + d1 * a4 + d2 * a3 + (m2 << 9);
    const m5 = c & MASK;
    c >>= 29;
    c += d0 * a6 + d1 * a5 + d2 * a4 + a3 * a3 + (m3 << 9) + (m0 << 18);
    const m6 = c & MASK;
    c >>= 29;
    c += d0 * a7 + d1 * a6 + d2 * a5 + d3 * a4 + (m4 << 9) + (m1 << 18) - (m0 << 21);
    const m7 = c & MASK;
    c >>= 29;
    c += d0 * a8 + d1 * a7 + d2 * a6 + d3 * a5 + a4 * a4 + (m5 << 9) + (m2 << 18) - (m1 << 21) + (m0 << 24);
    const m8 = c & MASK;
    c >>= 29;
    c += d1 * a8 + d2 * a7 + d3 * a6 + d4 * a5 + (m6 << 9) + (m3 << 18) - (m2 << 21) + (m1 << 24);
    store<u32>(r, <u32>(c & MASK), 0);
    c >>= 29;
    c += d2 * a8 + d3 * a7 + d4 * a6 + a5 * a5 + (m7 << 9) + (m4 << 18) - (m3 << 21) + (m2 << 24);
    store<u32>(r, <u32>(c & MASK), 4);
    c >>= 29;
    c += d3 * a8 + d4 * a7 + d5 * a6 + (m8 << 9) + (m5 << 18) - (m4 << 21) + (m3 << 24);
    store<u32>(r, <u32>(c & MASK), 8);
    c >>= 29;
    c += d4 * a8 + d5 * a7 + a6 * a6 + (m6 << 18) - (m5 << 21) + (m4 << 24);
    store<u32>(r, <u32>(c & MASK), 12);
    c >>= 29;
    c += d5 * a8 + d6 * a7 + (m7 << 18) - (m6 << 21) + (m5 << 24);
    store<u32>(r, <u32>(c & MASK), 16);
    c >>= 29;
    c += d6 * a8 + a7 * a7 + (m8 << 18) - (m7 << 21) + (m6 << 24);
    store<u32>(r, <u32>(c & MASK), 20);
    c >>= 29;
    c += d7 * a8 - (m8 << 21) + (m7 << 24);
    store<u32>(r, <u32>(c & MASK), 24);
    c >>= 29;
    c += a8 * a8 + (m8 << 24);
    store<u32>(r, <u32>(c & MASK), 28);
    c >>= 29;
    store<u32>(r, <u32>c, 32);
  }

  add(r: usize, a: usize, b: usize): void {
    add9<FieldP256>(this, r, a, b);
  }

  /** r = a - b + k*p (k*p at least the bound, so the total is non-negative). */
  sub(r: usize, a: usize, b: usize): void {
    const l0 = <i32>load<u32>(a, 0) - <i32>load<u32>(b, 0) + 0x1ffffffc;
    const l1 = <i32>load<u32>(a, 4) - <i32>load<u32>(b, 4) + 0x1fffffff;
    const l2 = <i32>load<u32>(a, 8) - <i32>load<u32>(b, 8) + 0x1fffffff;
    const l3 = <i32>load<u32>(a, 12) - <i32>load<u32>(b, 12) + 0x7ff;
    const l4 = <i32>load<u32>(a, 16) - <i32>load<u32>(b, 16);
    const l5 = <i32>load<u32>(a, 20) - <i32>load<u32>(b, 20);
    const l6 = <i32>load<u32>(a, 24) - <i32>load<u32>(b, 24) + 0x100000;
    const l7 = <i32>load<u32>(a, 28) - <i32>load<u32>(b, 28) + 0x1f800000;
    const l8 = <i32>load<u32>(a, 32) - <i32>load<u32>(b, 32) + 0x3ffffff;
    this.finish(r, l0, l1, l2, l3, l4, l5, l6, l7, l8);
  }

  fold(r: usize): void {
    fold9<FieldP256>(this, r);
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
