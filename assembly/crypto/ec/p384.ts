// P-384 (secp384r1, FIPS 186-4 D.1.2.4): the field and the curve constants.
// p = 2^384 - 2^128 - 2^96 + 2^32 - 1. In 29-bit digits (B = 2^29) p is sparse and signed:
//   p = -1 + 2^3*B - 2^9*B^3 - 2^12*B^4 + 2^7*B^13
// and p = -1 mod 2^29, so a Montgomery step's multiplier is the low limb (see p256.ts).
// Elements: 14 limbs, R = 2^406, bound B = 2^385 (mul maps inputs < 2^385 to < p + 2^364).

import { FieldBase } from "./field";

// @ts-ignore: decorator
@inline const MASK: i64 = 0x1fffffff;

export class FieldP384 extends FieldBase {
  constructor() {
    super(14, 48, [
      0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff,
      0xffffffff, 0xfffffffe, 0xffffffff, 0x00000000, 0x00000000, 0xffffffff,
    ]);
    this.initMontgomery();
  }

  /**
   * r = a*b/R mod p (inputs < 2^385, output < 2^385). Product scanning: column by column, each column's
   * Montgomery multiplier m_j taken as soon as the column is complete; p's sparse digits add
   * shifted m_j into later columns. Column sums stay below 2^62.
   */
  mul(r: usize, a: usize, b: usize): void {
    const a0 = <i64>load<u32>(a, 0), a1 = <i64>load<u32>(a, 4), a2 = <i64>load<u32>(a, 8);
    const a3 = <i64>load<u32>(a, 12), a4 = <i64>load<u32>(a, 16), a5 = <i64>load<u32>(a, 20);
    const a6 = <i64>load<u32>(a, 24), a7 = <i64>load<u32>(a, 28), a8 = <i64>load<u32>(a, 32);
    const a9 = <i64>load<u32>(a, 36), a10 = <i64>load<u32>(a, 40), a11 = <i64>load<u32>(a, 44);
    const a12 = <i64>load<u32>(a, 48), a13 = <i64>load<u32>(a, 52);
    const b0 = <i64>load<u32>(b, 0), b1 = <i64>load<u32>(b, 4), b2 = <i64>load<u32>(b, 8);
    const b3 = <i64>load<u32>(b, 12), b4 = <i64>load<u32>(b, 16), b5 = <i64>load<u32>(b, 20);
    const b6 = <i64>load<u32>(b, 24), b7 = <i64>load<u32>(b, 28), b8 = <i64>load<u32>(b, 32);
    const b9 = <i64>load<u32>(b, 36), b10 = <i64>load<u32>(b, 40), b11 = <i64>load<u32>(b, 44);
    const b12 = <i64>load<u32>(b, 48), b13 = <i64>load<u32>(b, 52);
    let c: i64;
    c = a0 * b0;
    const m0 = c & MASK;
    c >>= 29;
    c += a0 * b1 + a1 * b0 + (m0 << 3);
    const m1 = c & MASK;
    c >>= 29;
    c += a0 * b2 + a1 * b1 + a2 * b0 + (m1 << 3);
    const m2 = c & MASK;
    c >>= 29;
    c += a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0 + (m2 << 3) - (m0 << 9);
    const m3 = c & MASK;
    c >>= 29;
    c += a0 * b4 + a1 * b3 + a2 * b2 + a3 * b1 + a4 * b0 + (m3 << 3) - (m1 << 9) - (m0 << 12);
    const m4 = c & MASK;
    c >>= 29;
    c += a0 * b5 + a1 * b4 + a2 * b3 + a3 * b2 + a4 * b1 + a5 * b0 + (m4 << 3) - (m2 << 9) - (m1 << 12);
    const m5 = c & MASK;
    c >>= 29;
    c += a0 * b6 + a1 * b5 + a2 * b4 + a3 * b3 + a4 * b2 + a5 * b1 + a6 * b0 + (m5 << 3) - (m3 << 9) - (m2 << 12);
    const m6 = c & MASK;
    c >>= 29;
    c += a0 * b7 + a1 * b6 + a2 * b5 + a3 * b4 + a4 * b3 + a5 * b2 + a6 * b1 + a7 * b0 + (m6 << 3) - (m4 << 9) - (m3 << 12);
    const m7 = c & MASK;
    c >>= 29;
    c += a0 * b8 + a1 * b7 + a2 * b6 + a3 * b5 + a4 * b4 + a5 * b3 + a6 * b2 + a7 * b1 + a8 * b0 + (m7 << 3) - (m5 << 9) - (m4 << 12);
    const m8 = c & MASK;
    c >>= 29;
    c += a0 * b9 + a1 * b8 + a2 * b7 + a3 * b6 + a4 * b5 + a5 * b4 + a6 * b3 + a7 * b2 + a8 * b1 + a9 * b0 + (m8 << 3) - (m6 << 9) - (m5 << 12);
    const m9 = c & MASK;
    c >>= 29;
    c += a0 * b10 + a1 * b9 + a2 * b8 + a3 * b7 + a4 * b6 + a5 * b5 + a6 * b4 + a7 * b3 + a8 * b2 + a9 * b1 + a10 * b0 + (m9 << 3) - (m7 << 9) - (m6 << 12);
    const m10 = c & MASK;
    c >>= 29;
    c += a0 * b11 + a1 * b10 + a2 * b9 + a3 * b8 + a4 * b7 + a5 * b6 + a6 * b5 + a7 * b4 + a8 * b3 + a9 * b2 + a10 * b1 + a11 * b0 + (m10 << 3) - (m8 << 9) - (m7 << 12);
    const m11 = c & MASK;
    c >>= 29;
    c += a0 * b12 + a1 * b11 + a2 * b10 + a3 * b9 + a4 * b8 + a5 * b7 + a6 * b6 + a7 * b5 + a8 * b4 + a9 * b3 + a10 * b2 + a11 * b1 + a12 * b0 + (m11 << 3) - (m9 << 9) - (m8 << 12);
    const m12 = c & MASK;
    c >>= 29;
    c += a0 * b13 + a1 * b12 + a2 * b11 + a3 * b10 + a4 * b9 + a5 * b8 + a6 * b7 + a7 * b6 + a8 * b5 + a9 * b4 + a10 * b3 + a11 * b2 + a12 * b1 + a13 * b0 + (m12 << 3) - (m10 << 9) - (m9 << 12) + (m0 << 7);
    const m13 = c & MASK;
    c >>= 29;
    c += a1 * b13 + a2 * b12 + a3 * b11 + a4 * b10 + a5 * b9 + a6 * b8 + a7 * b7 + a8 * b6 + a9 * b5 + a10 * b4 + a11 * b3 + a12 * b2 + a13 * b1 + (m13 << 3) - (m11 << 9) - (m10 << 12) + (m1 << 7);
    store<u32>(r, <u32>(c & MASK), 0);
    c >>= 29;
    c += a2 * b13 + a3 * b12 + a4 * b11 + a5 * b10 + a6 * b9 + a7 * b8 + a8 * b7 + a9 * b6 + a10 * b5 + a11 * b4 + a12 * b3 + a13 * b2 - (m12 << 9) - (m11 << 12) + (m2 << 7);
    store<u32>(r, <u32>(c & MASK), 4);
    c >>= 29;
    c += a3 * b13 + a4 * b12 + a5 * b11 + a6 * b10 + a7 * b9 + a8 * b8 + a9 * b7 + a10 * b6 + a11 * b5 + a12 * b4 + a13 * b3 - (m13 << 9) - (m12 << 12) + (m3 << 7);
    store<u32>(r, <u32>(c & MASK), 8);
    c >>= 29;
    c += a4 * b13 + a5 * b12 + a6 * b11 + a7 * b10 + a8 * b9 + a9 * b8 + a10 * b7 + a11 * b6 + a12 * b5 + a13 * b4 - (m13 << 12) + (m4 << 7);
    store<u32>(r, <u32>(c & MASK), 12);
    c >>= 29;
    c += a5 * b13 + a6 * b12 + a7 * b11 + a8 * b10 + a9 * b9 + a10 * b8 + a11 * b7 + a12 * b6 + a13 * b5 + (m5 << 7);
    store<u32>(r, <u32>(c & MASK), 16);
    c >>= 29;
    c += a6 * b13 + a7 * b12 + a8 * b11 + a9 * b10 + a10 * b9 + a11 * b8 + a12 * b7 + a13 * b6 + (m6 << 7);
    store<u32>(r, <u32>(c & MASK), 20);
    c >>= 29;
    c += a7 * b13 + a8 * b12 + a9 * b11 + a10 * b10 + a11 * b9 + a12 * b8 + a13 * b7 + (m7 << 7);
    store<u32>(r, <u32>(c & MASK), 24);
    c >>= 29;
    c += a8 * b13 + a9 * b12 + a10 * b11 + a11 * b10 + a12 * b9 + a13 * b8 + (m8 << 7);
    store<u32>(r, <u32>(c & MASK), 28);
    c >>= 29;
    c += a9 * b13 + a10 * b12 + a11 * b11 + a12 * b10 + a13 * b9 + (m9 << 7);
    store<u32>(r, <u32>(c & MASK), 32);
    c >>= 29;
    c += a10 * b13 + a11 * b12 + a12 * b11 + a13 * b10 + (m10 << 7);
    store<u32>(r, <u32>(c & MASK), 36);
    c >>= 29;
    c += a11 * b13 + a12 * b12 + a13 * b11 + (m11 << 7);
    store<u32>(r, <u32>(c & MASK), 40);
    c >>= 29;
    c += a12 * b13 + a13 * b12 + (m12 << 7);
    store<u32>(r, <u32>(c & MASK), 44);
    c >>= 29;
    c += a13 * b13 + (m13 << 7);
    store<u32>(r, <u32>(c & MASK), 48);
    c >>= 29;
    store<u32>(r, <u32>c, 52);
  }

  /** r = a^2/R mod p: as mul, with each cross product taken once and doubled. */
  sqr(r: usize, a: usize): void {
    const a0 = <i64>load<u32>(a, 0), a1 = <i64>load<u32>(a, 4), a2 = <i64>load<u32>(a, 8);
    const a3 = <i64>load<u32>(a, 12), a4 = <i64>load<u32>(a, 16), a5 = <i64>load<u32>(a, 20);
    const a6 = <i64>load<u32>(a, 24), a7 = <i64>load<u32>(a, 28), a8 = <i64>load<u32>(a, 32);
    const a9 = <i64>load<u32>(a, 36), a10 = <i64>load<u32>(a, 40), a11 = <i64>load<u32>(a, 44);
    const a12 = <i64>load<u32>(a, 48), a13 = <i64>load<u32>(a, 52);
    const d0 = a0 << 1, d1 = a1 << 1, d2 = a2 << 1, d3 = a3 << 1;
    const d4 = a4 << 1, d5 = a5 << 1, d6 = a6 << 1, d7 = a7 << 1;
    const d8 = a8 << 1, d9 = a9 << 1, d10 = a10 << 1, d11 = a11 << 1;
    const d12 = a12 << 1;
    let c: i64;
    c = a0 * a0;
    const m0 = c & MASK;
    c >>= 29;
    c += d0 * a1 + (m0 << 3);
    const m1 = c & MASK;
    c >>= 29;
    c += d0 * a2 + a1 * a1 + (m1 << 3);
    const m2 = c & MASK;
    c >>= 29;
    c += d0 * a3 + d1 * a2 + (m2 << 3) - (m0 << 9);
    const m3 = c & MASK;
    c >>= 29;
    c += d0 * a4 + d1 * a3 + a2 * a2 + (m3 << 3) - (m1 << 9) - (m0 << 12);
    const m4 = c & MASK;
    c >>= 29;
    c += d0 * a5 + d1 * a4 + d2 * a3 + (m4 << 3) - (m2 << 9) - (m1 << 12);
    const m5 = c & MASK;
    c >>= 29;
    c += d0 * a6 + d1 * a5 + d2 * a4 + a3 * a3 + (m5 << 3) - (m3 << 9) - (m2 << 12);
    const m6 = c & MASK;
    c >>= 29;
    c += d0 * a7 + d1 * a6 + d2 * a5 + d3 * a4 + (m6 << 3) - (m4 << 9) - (m3 << 12);
    const m7 = c & MASK;
    c >>= 29;
    c += d0 * a8 + d1 * a7 + d2 * a6 + d3 * a5 + a4 * a4 + (m7 << 3) - (m5 << 9) - (m4 << 12);
    const m8 = c & MASK;
    c >>= 29;
    c += d0 * a9 + d1 * a8 + d2 * a7 + d3 * a6 + d4 * a5 + (m8 << 3) - (m6 << 9) - (m5 << 12);
    const m9 = c & MASK;
    c >>= 29;
    c += d0 * a10 + d1 * a9 + d2 * a8 + d3 * a7 + d4 * a6 + a5 * a5 + (m9 << 3) - (m7 << 9) - (m6 << 12);
    const m10 = c & MASK;
    c >>= 29;
    c += d0 * a11 + d1 * a10 + d2 * a9 + d3 * a8 + d4 * a7 + d5 * a6 + (m10 << 3) - (m8 << 9) - (m7 << 12);
    const m11 = c & MASK;
    c >>= 29;
    c += d0 * a12 + d1 * a11 + d2 * a10 + d3 * a9 + d4 * a8 + d5 * a7 + a6 * a6 + (m11 << 3) - (m9 << 9) - (m8 << 12);
    const m12 = c & MASK;
    c >>= 29;
    c += d0 * a13 + d1 * a12 + d2 * a11 + d3 * a10 + d4 * a9 + d5 * a8 + d6 * a7 + (m12 << 3) - (m10 << 9) - (m9 << 12) + (m0 << 7);
    const m13 = c & MASK;
    c >>= 29;
    c += d1 * a13 + d2 * a12 + d3 * a11 + d4 * a10 + d5 * a9 + d6 * a8 + a7 * a7 + (m13 << 3) - (m11 << 9) - (m10 << 12) + (m1 << 7);
    store<u32>(r, <u32>(c & MASK), 0);
    c >>= 29;
    c += d2 * a13 + d3 * a12 + d4 * a11 + d5 * a10 + d6 * a9 + d7 * a8 - (m12 << 9) - (m11 << 12) + (m2 << 7);
    store<u32>(r, <u32>(c & MASK), 4);
    c >>= 29;
    c += d3 * a13 + d4 * a12 + d5 * a11 + d6 * a10 + d7 * a9 + a8 * a8 - (m13 << 9) - (m12 << 12) + (m3 << 7);
    store<u32>(r, <u32>(c & MASK), 8);
    c >>= 29;
    c += d4 * a13 + d5 * a12 + d6 * a11 + d7 * a10 + d8 * a9 - (m13 << 12) + (m4 << 7);
    store<u32>(r, <u32>(c & MASK), 12);
    c >>= 29;
    c += d5 * a13 + d6 * a12 + d7 * a11 + d8 * a10 + a9 * a9 + (m5 << 7);
    store<u32>(r, <u32>(c & MASK), 16);
    c >>= 29;
    c += d6 * a13 + d7 * a12 + d8 * a11 + d9 * a10 + (m6 << 7);
    store<u32>(r, <u32>(c & MASK), 20);
    c >>= 29;
    c += d7 * a13 + d8 * a12 + d9 * a11 + a10 * a10 + (m7 << 7);
    store<u32>(r, <u32>(c & MASK), 24);
    c >>= 29;
    c += d8 * a13 + d9 * a12 + d10 * a11 + (m8 << 7);
    store<u32>(r, <u32>(c & MASK), 28);
    c >>= 29;
    c += d9 * a13 + d10 * a12 + a11 * a11 + (m9 << 7);
    store<u32>(r, <u32>(c & MASK), 32);
    c >>= 29;
    c += d10 * a13 + d11 * a12 + (m10 << 7);
    store<u32>(r, <u32>(c & MASK), 36);
    c >>= 29;
    c += d11 * a13 + a12 * a12 + (m11 << 7);
    store<u32>(r, <u32>(c & MASK), 40);
    c >>= 29;
    c += d12 * a13 + (m12 << 7);
    store<u32>(r, <u32>(c & MASK), 44);
    c >>= 29;
    c += a13 * a13 + (m13 << 7);
    store<u32>(r, <u32>(c & MASK), 48);
    c >>= 29;
    store<u32>(r, <u32>c, 52);
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
    let l9 = <i32>(load<u32>(a, 36) + load<u32>(b, 36));
    let l10 = <i32>(load<u32>(a, 40) + load<u32>(b, 40));
    let l11 = <i32>(load<u32>(a, 44) + load<u32>(b, 44));
    let l12 = <i32>(load<u32>(a, 48) + load<u32>(b, 48));
    let l13 = <i32>(load<u32>(a, 52) + load<u32>(b, 52));
    l1 += l0 >> 29; l0 &= 0x1fffffff;
    l2 += l1 >> 29; l1 &= 0x1fffffff;
    l3 += l2 >> 29; l2 &= 0x1fffffff;
    l4 += l3 >> 29; l3 &= 0x1fffffff;
    l5 += l4 >> 29; l4 &= 0x1fffffff;
    l6 += l5 >> 29; l5 &= 0x1fffffff;
    l7 += l6 >> 29; l6 &= 0x1fffffff;
    l8 += l7 >> 29; l7 &= 0x1fffffff;
    l9 += l8 >> 29; l8 &= 0x1fffffff;
    l10 += l9 >> 29; l9 &= 0x1fffffff;
    l11 += l10 >> 29; l10 &= 0x1fffffff;
    l12 += l11 >> 29; l11 &= 0x1fffffff;
    l13 += l12 >> 29; l12 &= 0x1fffffff;
    const h = l13 >> 7;
    l13 &= 0x7f;
    l0 += h; l1 -= h << 3; l3 += h << 9; l4 += h << 12;
    l1 += l0 >> 29; store<u32>(r, <u32>(l0 & 0x1fffffff), 0);
    l2 += l1 >> 29; store<u32>(r, <u32>(l1 & 0x1fffffff), 4);
    l3 += l2 >> 29; store<u32>(r, <u32>(l2 & 0x1fffffff), 8);
    l4 += l3 >> 29; store<u32>(r, <u32>(l3 & 0x1fffffff), 12);
    l5 += l4 >> 29; store<u32>(r, <u32>(l4 & 0x1fffffff), 16);
    l6 += l5 >> 29; store<u32>(r, <u32>(l5 & 0x1fffffff), 20);
    l7 += l6 >> 29; store<u32>(r, <u32>(l6 & 0x1fffffff), 24);
    l8 += l7 >> 29; store<u32>(r, <u32>(l7 & 0x1fffffff), 28);
    l9 += l8 >> 29; store<u32>(r, <u32>(l8 & 0x1fffffff), 32);
    l10 += l9 >> 29; store<u32>(r, <u32>(l9 & 0x1fffffff), 36);
    l11 += l10 >> 29; store<u32>(r, <u32>(l10 & 0x1fffffff), 40);
    l12 += l11 >> 29; store<u32>(r, <u32>(l11 & 0x1fffffff), 44);
    l13 += l12 >> 29; store<u32>(r, <u32>(l12 & 0x1fffffff), 48);
    store<u32>(r, <u32>l13, 52);
  }

  /** r = a - b + k*p (k*p is at least the bound, so the sum is non-negative), folded. */
  sub(r: usize, a: usize, b: usize): void {
    let l0 = <i32>load<u32>(a, 0) - <i32>load<u32>(b, 0) + 0x1ffffffc;
    let l1 = <i32>load<u32>(a, 4) - <i32>load<u32>(b, 4) + 0x1f;
    let l2 = <i32>load<u32>(a, 8) - <i32>load<u32>(b, 8);
    let l3 = <i32>load<u32>(a, 12) - <i32>load<u32>(b, 12) + 0x1ffff800;
    let l4 = <i32>load<u32>(a, 16) - <i32>load<u32>(b, 16) + 0x1fffbfff;
    let l5 = <i32>load<u32>(a, 20) - <i32>load<u32>(b, 20) + 0x1fffffff;
    let l6 = <i32>load<u32>(a, 24) - <i32>load<u32>(b, 24) + 0x1fffffff;
    let l7 = <i32>load<u32>(a, 28) - <i32>load<u32>(b, 28) + 0x1fffffff;
    let l8 = <i32>load<u32>(a, 32) - <i32>load<u32>(b, 32) + 0x1fffffff;
    let l9 = <i32>load<u32>(a, 36) - <i32>load<u32>(b, 36) + 0x1fffffff;
    let l10 = <i32>load<u32>(a, 40) - <i32>load<u32>(b, 40) + 0x1fffffff;
    let l11 = <i32>load<u32>(a, 44) - <i32>load<u32>(b, 44) + 0x1fffffff;
    let l12 = <i32>load<u32>(a, 48) - <i32>load<u32>(b, 48) + 0x1fffffff;
    let l13 = <i32>load<u32>(a, 52) - <i32>load<u32>(b, 52) + 0x1ff;
    l1 += l0 >> 29; l0 &= 0x1fffffff;
    l2 += l1 >> 29; l1 &= 0x1fffffff;
    l3 += l2 >> 29; l2 &= 0x1fffffff;
    l4 += l3 >> 29; l3 &= 0x1fffffff;
    l5 += l4 >> 29; l4 &= 0x1fffffff;
    l6 += l5 >> 29; l5 &= 0x1fffffff;
    l7 += l6 >> 29; l6 &= 0x1fffffff;
    l8 += l7 >> 29; l7 &= 0x1fffffff;
    l9 += l8 >> 29; l8 &= 0x1fffffff;
    l10 += l9 >> 29; l9 &= 0x1fffffff;
    l11 += l10 >> 29; l10 &= 0x1fffffff;
    l12 += l11 >> 29; l11 &= 0x1fffffff;
    l13 += l12 >> 29; l12 &= 0x1fffffff;
    const h = l13 >> 7;
    l13 &= 0x7f;
    l0 += h; l1 -= h << 3; l3 += h << 9; l4 += h << 12;
    l1 += l0 >> 29; store<u32>(r, <u32>(l0 & 0x1fffffff), 0);
    l2 += l1 >> 29; store<u32>(r, <u32>(l1 & 0x1fffffff), 4);
    l3 += l2 >> 29; store<u32>(r, <u32>(l2 & 0x1fffffff), 8);
    l4 += l3 >> 29; store<u32>(r, <u32>(l3 & 0x1fffffff), 12);
    l5 += l4 >> 29; store<u32>(r, <u32>(l4 & 0x1fffffff), 16);
    l6 += l5 >> 29; store<u32>(r, <u32>(l5 & 0x1fffffff), 20);
    l7 += l6 >> 29; store<u32>(r, <u32>(l6 & 0x1fffffff), 24);
    l8 += l7 >> 29; store<u32>(r, <u32>(l7 & 0x1fffffff), 28);
    l9 += l8 >> 29; store<u32>(r, <u32>(l8 & 0x1fffffff), 32);
    l10 += l9 >> 29; store<u32>(r, <u32>(l9 & 0x1fffffff), 36);
    l11 += l10 >> 29; store<u32>(r, <u32>(l10 & 0x1fffffff), 40);
    l12 += l11 >> 29; store<u32>(r, <u32>(l11 & 0x1fffffff), 44);
    l13 += l12 >> 29; store<u32>(r, <u32>(l12 & 0x1fffffff), 48);
    store<u32>(r, <u32>l13, 52);
  }

  /** Normalizes limbs (signed carries) and folds bits >= 2^384 back: 2^384 = 2^128 + 2^96 - 2^32 + 1 (mod p). */
  fold(r: usize): void {
    let l0 = <i32>load<u32>(r, 0), l1 = <i32>load<u32>(r, 4), l2 = <i32>load<u32>(r, 8);
    let l3 = <i32>load<u32>(r, 12), l4 = <i32>load<u32>(r, 16), l5 = <i32>load<u32>(r, 20);
    let l6 = <i32>load<u32>(r, 24), l7 = <i32>load<u32>(r, 28), l8 = <i32>load<u32>(r, 32);
    let l9 = <i32>load<u32>(r, 36), l10 = <i32>load<u32>(r, 40), l11 = <i32>load<u32>(r, 44);
    let l12 = <i32>load<u32>(r, 48), l13 = <i32>load<u32>(r, 52);
    l1 += l0 >> 29; l0 &= 0x1fffffff;
    l2 += l1 >> 29; l1 &= 0x1fffffff;
    l3 += l2 >> 29; l2 &= 0x1fffffff;
    l4 += l3 >> 29; l3 &= 0x1fffffff;
    l5 += l4 >> 29; l4 &= 0x1fffffff;
    l6 += l5 >> 29; l5 &= 0x1fffffff;
    l7 += l6 >> 29; l6 &= 0x1fffffff;
    l8 += l7 >> 29; l7 &= 0x1fffffff;
    l9 += l8 >> 29; l8 &= 0x1fffffff;
    l10 += l9 >> 29; l9 &= 0x1fffffff;
    l11 += l10 >> 29; l10 &= 0x1fffffff;
    l12 += l11 >> 29; l11 &= 0x1fffffff;
    l13 += l12 >> 29; l12 &= 0x1fffffff;
    const h = l13 >> 7;
    l13 &= 0x7f;
    l0 += h; l1 -= h << 3; l3 += h << 9; l4 += h << 12;
    l1 += l0 >> 29; store<u32>(r, <u32>(l0 & 0x1fffffff), 0);
    l2 += l1 >> 29; store<u32>(r, <u32>(l1 & 0x1fffffff), 4);
    l3 += l2 >> 29; store<u32>(r, <u32>(l2 & 0x1fffffff), 8);
    l4 += l3 >> 29; store<u32>(r, <u32>(l3 & 0x1fffffff), 12);
    l5 += l4 >> 29; store<u32>(r, <u32>(l4 & 0x1fffffff), 16);
    l6 += l5 >> 29; store<u32>(r, <u32>(l5 & 0x1fffffff), 20);
    l7 += l6 >> 29; store<u32>(r, <u32>(l6 & 0x1fffffff), 24);
    l8 += l7 >> 29; store<u32>(r, <u32>(l7 & 0x1fffffff), 28);
    l9 += l8 >> 29; store<u32>(r, <u32>(l8 & 0x1fffffff), 32);
    l10 += l9 >> 29; store<u32>(r, <u32>(l9 & 0x1fffffff), 36);
    l11 += l10 >> 29; store<u32>(r, <u32>(l10 & 0x1fffffff), 40);
    l12 += l11 >> 29; store<u32>(r, <u32>(l11 & 0x1fffffff), 44);
    l13 += l12 >> 29; store<u32>(r, <u32>(l12 & 0x1fffffff), 48);
    store<u32>(r, <u32>l13, 52);
  }
}

/** Curve coefficient b and base point G (a = -3), big-endian words. */
export const P384_B: StaticArray<u32> = [
  0xb3312fa7, 0xe23ee7e4, 0x988e056b, 0xe3f82d19, 0x181d9c6e, 0xfe814112,
  0x0314088f, 0x5013875a, 0xc656398d, 0x8a2ed19d, 0x2a85c8ed, 0xd3ec2aef,
];
export const P384_GX: StaticArray<u32> = [
  0xaa87ca22, 0xbe8b0537, 0x8eb1c71e, 0xf320ad74, 0x6e1d3b62, 0x8ba79b98,
  0x59f741e0, 0x82542a38, 0x5502f25d, 0xbf55296c, 0x3a545e38, 0x72760ab7,
];
export const P384_GY: StaticArray<u32> = [
  0x3617de4a, 0x96262c6f, 0x5d9e98bf, 0x9292dc29, 0xf8f41dbd, 0x289a147c,
  0xe9da3113, 0xb5f0b8c0, 0x0a60b1ce, 0x1d7e819d, 0x7a431d7c, 0x90ea0e5f,
];
/** Group order n. */
export const P384_N: StaticArray<u32> = [
  0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff,
  0xc7634d81, 0xf4372ddf, 0x581a0db2, 0x48b0a77a, 0xecec196a, 0xccc52973,
];
