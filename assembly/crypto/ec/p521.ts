// P-521 (secp521r1, FIPS 186-4 D.1.2.5): the field and the curve constants.
// p = 2^521 - 1 = -1 + 2^28*B^17 in 29-bit digits (B = 2^29), and p = -1 mod 2^29: the same
// Montgomery scheme as p256.ts. 18 limbs hold 522 bits, R = 2^522, so there is only one bit of
// headroom: mul ends with a fold, and elements stay below B = 2^521 + 4.

import { FieldBase } from "./field";

// @ts-ignore: decorator
@inline const MASK: i64 = 0x1fffffff;

export class FieldP521 extends FieldBase {
  constructor() {
    super(18, 66, [
      0x000001ff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff,
      0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff,
      0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff,
    ]);
    this.initMontgomery();
  }

  /**
   * r = a*b/R mod p (inputs < 2^521 + 4, output < 2^521 + 2). Product scanning: column by column, each column's
   * Montgomery multiplier m_j taken as soon as the column is complete; p's sparse digits add
   * shifted m_j into later columns. Column sums stay below 2^62.
   */
  mul(r: usize, a: usize, b: usize): void {
    const a0 = <i64>load<u32>(a, 0), a1 = <i64>load<u32>(a, 4), a2 = <i64>load<u32>(a, 8);
    const a3 = <i64>load<u32>(a, 12), a4 = <i64>load<u32>(a, 16), a5 = <i64>load<u32>(a, 20);
    const a6 = <i64>load<u32>(a, 24), a7 = <i64>load<u32>(a, 28), a8 = <i64>load<u32>(a, 32);
    const a9 = <i64>load<u32>(a, 36), a10 = <i64>load<u32>(a, 40), a11 = <i64>load<u32>(a, 44);
    const a12 = <i64>load<u32>(a, 48), a13 = <i64>load<u32>(a, 52), a14 = <i64>load<u32>(a, 56);
    const a15 = <i64>load<u32>(a, 60), a16 = <i64>load<u32>(a, 64), a17 = <i64>load<u32>(a, 68);
    const b0 = <i64>load<u32>(b, 0), b1 = <i64>load<u32>(b, 4), b2 = <i64>load<u32>(b, 8);
    const b3 = <i64>load<u32>(b, 12), b4 = <i64>load<u32>(b, 16), b5 = <i64>load<u32>(b, 20);
    const b6 = <i64>load<u32>(b, 24), b7 = <i64>load<u32>(b, 28), b8 = <i64>load<u32>(b, 32);
    const b9 = <i64>load<u32>(b, 36), b10 = <i64>load<u32>(b, 40), b11 = <i64>load<u32>(b, 44);
    const b12 = <i64>load<u32>(b, 48), b13 = <i64>load<u32>(b, 52), b14 = <i64>load<u32>(b, 56);
    const b15 = <i64>load<u32>(b, 60), b16 = <i64>load<u32>(b, 64), b17 = <i64>load<u32>(b, 68);
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
    c += a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0;
    const m3 = c & MASK;
    c >>= 29;
    c += a0 * b4 + a1 * b3 + a2 * b2 + a3 * b1 + a4 * b0;
    const m4 = c & MASK;
    c >>= 29;
    c += a0 * b5 + a1 * b4 + a2 * b3 + a3 * b2 + a4 * b1 + a5 * b0;
    const m5 = c & MASK;
    c >>= 29;
    c += a0 * b6 + a1 * b5 + a2 * b4 + a3 * b3 + a4 * b2 + a5 * b1 + a6 * b0;
    const m6 = c & MASK;
    c >>= 29;
    c += a0 * b7 + a1 * b6 + a2 * b5 + a3 * b4 + a4 * b3 + a5 * b2 + a6 * b1 + a7 * b0;
    const m7 = c & MASK;
    c >>= 29;
    c += a0 * b8 + a1 * b7 + a2 * b6 + a3 * b5 + a4 * b4 + a5 * b3 + a6 * b2 + a7 * b1 + a8 * b0;
    const m8 = c & MASK;
    c >>= 29;
    c += a0 * b9 + a1 * b8 + a2 * b7 + a3 * b6 + a4 * b5 + a5 * b4 + a6 * b3 + a7 * b2 + a8 * b1 + a9 * b0;
    const m9 = c & MASK;
    c >>= 29;
    c += a0 * b10 + a1 * b9 + a2 * b8 + a3 * b7 + a4 * b6 + a5 * b5 + a6 * b4 + a7 * b3 + a8 * b2 + a9 * b1 + a10 * b0;
    const m10 = c & MASK;
    c >>= 29;
    c += a0 * b11 + a1 * b10 + a2 * b9 + a3 * b8 + a4 * b7 + a5 * b6 + a6 * b5 + a7 * b4 + a8 * b3 + a9 * b2 + a10 * b1 + a11 * b0;
    const m11 = c & MASK;
    c >>= 29;
    c += a0 * b12 + a1 * b11 + a2 * b10 + a3 * b9 + a4 * b8 + a5 * b7 + a6 * b6 + a7 * b5 + a8 * b4 + a9 * b3 + a10 * b2 + a11 * b1 + a12 * b0;
    const m12 = c & MASK;
    c >>= 29;
    c += a0 * b13 + a1 * b12 + a2 * b11 + a3 * b10 + a4 * b9 + a5 * b8 + a6 * b7 + a7 * b6 + a8 * b5 + a9 * b4 + a10 * b3 + a11 * b2 + a12 * b1 + a13 * b0;
    const m13 = c & MASK;
    c >>= 29;
    c += a0 * b14 + a1 * b13 + a2 * b12 + a3 * b11 + a4 * b10 + a5 * b9 + a6 * b8 + a7 * b7 + a8 * b6 + a9 * b5 + a10 * b4 + a11 * b3 + a12 * b2 + a13 * b1 + a14 * b0;
    const m14 = c & MASK;
    c >>= 29;
    c += a0 * b15 + a1 * b14 + a2 * b13 + a3 * b12 + a4 * b11 + a5 * b10 + a6 * b9 + a7 * b8 + a8 * b7 + a9 * b6 + a10 * b5 + a11 * b4 + a12 * b3 + a13 * b2 + a14 * b1 + a15 * b0;
    const m15 = c & MASK;
    c >>= 29;
    c += a0 * b16 + a1 * b15 + a2 * b14 + a3 * b13 + a4 * b12 + a5 * b11 + a6 * b10 + a7 * b9 + a8 * b8 + a9 * b7 + a10 * b6 + a11 * b5 + a12 * b4 + a13 * b3 + a14 * b2 + a15 * b1 + a16 * b0;
    const m16 = c & MASK;
    c >>= 29;
    c += a0 * b17 + a1 * b16 + a2 * b15 + a3 * b14 + a4 * b13 + a5 * b12 + a6 * b11 + a7 * b10 + a8 * b9 + a9 * b8 + a10 * b7 + a11 * b6 + a12 * b5 + a13 * b4 + a14 * b3 + a15 * b2 + a16 * b1 + a17 * b0 + (m0 << 28);
    const m17 = c & MASK;
    c >>= 29;
    c += a1 * b17 + a2 * b16 + a3 * b15 + a4 * b14 + a5 * b13 + a6 * b12 + a7 * b11 + a8 * b10 + a9 * b9 + a10 * b8 + a11 * b7 + a12 * b6 + a13 * b5 + a14 * b4 + a15 * b3 + a16 * b2 + a17 * b1 + (m1 << 28);
    store<u32>(r, <u32>(c & MASK), 0);
    c >>= 29;
    c += a2 * b17 + a3 * b16 + a4 * b15 + a5 * b14 + a6 * b13 + a7 * b12 + a8 * b11 + a9 * b10 + a10 * b9 + a11 * b8 + a12 * b7 + a13 * b6 + a14 * b5 + a15 * b4 + a16 * b3 + a17 * b2 + (m2 << 28);
    store<u32>(r, <u32>(c & MASK), 4);
    c >>= 29;
    c += a3 * b17 + a4 * b16 + a5 * b15 + a6 * b14 + a7 * b13 + a8 * b12 + a9 * b11 + a10 * b10 + a11 * b9 + a12 * b8 + a13 * b7 + a14 * b6 + a15 * b5 + a16 * b4 + a17 * b3 + (m3 << 28);
    store<u32>(r, <u32>(c & MASK), 8);
    c >>= 29;
    c += a4 * b17 + a5 * b16 + a6 * b15 + a7 * b14 + a8 * b13 + a9 * b12 + a10 * b11 + a11 * b10 + a12 * b9 + a13 * b8 + a14 * b7 + a15 * b6 + a16 * b5 + a17 * b4 + (m4 << 28);
    store<u32>(r, <u32>(c & MASK), 12);
    c >>= 29;
    c += a5 * b17 + a6 * b16 + a7 * b15 + a8 * b14 + a9 * b13 + a10 * b12 + a11 * b11 + a12 * b10 + a13 * b9 + a14 * b8 + a15 * b7 + a16 * b6 + a17 * b5 + (m5 << 28);
    store<u32>(r, <u32>(c & MASK), 16);
    c >>= 29;
    c += a6 * b17 + a7 * b16 + a8 * b15 + a9 * b14 + a10 * b13 + a11 * b12 + a12 * b11 + a13 * b10 + a14 * b9 + a15 * b8 + a16 * b7 + a17 * b6 + (m6 << 28);
    store<u32>(r, <u32>(c & MASK), 20);
    c >>= 29;
    c += a7 * b17 + a8 * b16 + a9 * b15 + a10 * b14 + a11 * b13 + a12 * b12 + a13 * b11 + a14 * b10 + a15 * b9 + a16 * b8 + a17 * b7 + (m7 << 28);
    store<u32>(r, <u32>(c & MASK), 24);
    c >>= 29;
    c += a8 * b17 + a9 * b16 + a10 * b15 + a11 * b14 + a12 * b13 + a13 * b12 + a14 * b11 + a15 * b10 + a16 * b9 + a17 * b8 + (m8 << 28);
    store<u32>(r, <u32>(c & MASK), 28);
    c >>= 29;
    c += a9 * b17 + a10 * b16 + a11 * b15 + a12 * b14 + a13 * b13 + a14 * b12 + a15 * b11 + a16 * b10 + a17 * b9 + (m9 << 28);
    store<u32>(r, <u32>(c & MASK), 32);
    c >>= 29;
    c += a10 * b17 + a11 * b16 + a12 * b15 + a13 * b14 + a14 * b13 + a15 * b12 + a16 * b11 + a17 * b10 + (m10 << 28);
    store<u32>(r, <u32>(c & MASK), 36);
    c >>= 29;
    c += a11 * b17 + a12 * b16 + a13 * b15 + a14 * b14 + a15 * b13 + a16 * b12 + a17 * b11 + (m11 << 28);
    store<u32>(r, <u32>(c & MASK), 40);
    c >>= 29;
    c += a12 * b17 + a13 * b16 + a14 * b15 + a15 * b14 + a16 * b13 + a17 * b12 + (m12 << 28);
    store<u32>(r, <u32>(c & MASK), 44);
    c >>= 29;
    c += a13 * b17 + a14 * b16 + a15 * b15 + a16 * b14 + a17 * b13 + (m13 << 28);
    store<u32>(r, <u32>(c & MASK), 48);
    c >>= 29;
    c += a14 * b17 + a15 * b16 + a16 * b15 + a17 * b14 + (m14 << 28);
    store<u32>(r, <u32>(c & MASK), 52);
    c >>= 29;
    c += a15 * b17 + a16 * b16 + a17 * b15 + (m15 << 28);
    store<u32>(r, <u32>(c & MASK), 56);
    c >>= 29;
    c += a16 * b17 + a17 * b16 + (m16 << 28);
    store<u32>(r, <u32>(c & MASK), 60);
    c >>= 29;
    c += a17 * b17 + (m17 << 28);
    store<u32>(r, <u32>(c & MASK), 64);
    c >>= 29;
    store<u32>(r, <u32>c, 68);
    this.fold(r);
  }

  /** r = a^2/R mod p: as mul, with each cross product taken once and doubled. */
  sqr(r: usize, a: usize): void {
    const a0 = <i64>load<u32>(a, 0), a1 = <i64>load<u32>(a, 4), a2 = <i64>load<u32>(a, 8);
    const a3 = <i64>load<u32>(a, 12), a4 = <i64>load<u32>(a, 16), a5 = <i64>load<u32>(a, 20);
    const a6 = <i64>load<u32>(a, 24), a7 = <i64>load<u32>(a, 28), a8 = <i64>load<u32>(a, 32);
    const a9 = <i64>load<u32>(a, 36), a10 = <i64>load<u32>(a, 40), a11 = <i64>load<u32>(a, 44);
    const a12 = <i64>load<u32>(a, 48), a13 = <i64>load<u32>(a, 52), a14 = <i64>load<u32>(a, 56);
    const a15 = <i64>load<u32>(a, 60), a16 = <i64>load<u32>(a, 64), a17 = <i64>load<u32>(a, 68);
    const d0 = a0 << 1, d1 = a1 << 1, d2 = a2 << 1, d3 = a3 << 1;
    const d4 = a4 << 1, d5 = a5 << 1, d6 = a6 << 1, d7 = a7 << 1;
    const d8 = a8 << 1, d9 = a9 << 1, d10 = a10 << 1, d11 = a11 << 1;
    const d12 = a12 << 1, d13 = a13 << 1, d14 = a14 << 1, d15 = a15 << 1;
    const d16 = a16 << 1;
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
    c += d0 * a3 + d1 * a2;
    const m3 = c & MASK;
    c >>= 29;
    c += d0 * a4 + d1 * a3 + a2 * a2;
    const m4 = c & MASK;
    c >>= 29;
    c += d0 * a5 + d1 * a4 + d2 * a3;
    const m5 = c & MASK;
    c >>= 29;
    c += d0 * a6 + d1 * a5 + d2 * a4 + a3 * a3;
    const m6 = c & MASK;
    c >>= 29;
    c += d0 * a7 + d1 * a6 + d2 * a5 + d3 * a4;
    const m7 = c & MASK;
    c >>= 29;
    c += d0 * a8 + d1 * a7 + d2 * a6 + d3 * a5 + a4 * a4;
    const m8 = c & MASK;
    c >>= 29;
    c += d0 * a9 + d1 * a8 + d2 * a7 + d3 * a6 + d4 * a5;
    const m9 = c & MASK;
    c >>= 29;
    c += d0 * a10 + d1 * a9 + d2 * a8 + d3 * a7 + d4 * a6 + a5 * a5;
    const m10 = c & MASK;
    c >>= 29;
    c += d0 * a11 + d1 * a10 + d2 * a9 + d3 * a8 + d4 * a7 + d5 * a6;
    const m11 = c & MASK;
    c >>= 29;
    c += d0 * a12 + d1 * a11 + d2 * a10 + d3 * a9 + d4 * a8 + d5 * a7 + a6 * a6;
    const m12 = c & MASK;
    c >>= 29;
    c += d0 * a13 + d1 * a12 + d2 * a11 + d3 * a10 + d4 * a9 + d5 * a8 + d6 * a7;
    const m13 = c & MASK;
    c >>= 29;
    c += d0 * a14 + d1 * a13 + d2 * a12 + d3 * a11 + d4 * a10 + d5 * a9 + d6 * a8 + a7 * a7;
    const m14 = c & MASK;
    c >>= 29;
    c += d0 * a15 + d1 * a14 + d2 * a13 + d3 * a12 + d4 * a11 + d5 * a10 + d6 * a9 + d7 * a8;
    const m15 = c & MASK;
    c >>= 29;
    c += d0 * a16 + d1 * a15 + d2 * a14 + d3 * a13 + d4 * a12 + d5 * a11 + d6 * a10 + d7 * a9 + a8 * a8;
    const m16 = c & MASK;
    c >>= 29;
    c += d0 * a17 + d1 * a16 + d2 * a15 + d3 * a14 + d4 * a13 + d5 * a12 + d6 * a11 + d7 * a10 + d8 * a9 + (m0 << 28);
    const m17 = c & MASK;
    c >>= 29;
    c += d1 * a17 + d2 * a16 + d3 * a15 + d4 * a14 + d5 * a13 + d6 * a12 + d7 * a11 + d8 * a10 + a9 * a9 + (m1 << 28);
    store<u32>(r, <u32>(c & MASK), 0);
    c >>= 29;
    c += d2 * a17 + d3 * a16 + d4 * a15 + d5 * a14 + d6 * a13 + d7 * a12 + d8 * a11 + d9 * a10 + (m2 << 28);
    store<u32>(r, <u32>(c & MASK), 4);
    c >>= 29;
    c += d3 * a17 + d4 * a16 + d5 * a15 + d6 * a14 + d7 * a13 + d8 * a12 + d9 * a11 + a10 * a10 + (m3 << 28);
    store<u32>(r, <u32>(c & MASK), 8);
    c >>= 29;
    c += d4 * a17 + d5 * a16 + d6 * a15 + d7 * a14 + d8 * a13 + d9 * a12 + d10 * a11 + (m4 << 28);
    store<u32>(r, <u32>(c & MASK), 12);
    c >>= 29;
    c += d5 * a17 + d6 * a16 + d7 * a15 + d8 * a14 + d9 * a13 + d10 * a12 + a11 * a11 + (m5 << 28);
    store<u32>(r, <u32>(c & MASK), 16);
    c >>= 29;
    c += d6 * a17 + d7 * a16 + d8 * a15 + d9 * a14 + d10 * a13 + d11 * a12 + (m6 << 28);
    store<u32>(r, <u32>(c & MASK), 20);
    c >>= 29;
    c += d7 * a17 + d8 * a16 + d9 * a15 + d10 * a14 + d11 * a13 + a12 * a12 + (m7 << 28);
    store<u32>(r, <u32>(c & MASK), 24);
    c >>= 29;
    c += d8 * a17 + d9 * a16 + d10 * a15 + d11 * a14 + d12 * a13 + (m8 << 28);
    store<u32>(r, <u32>(c & MASK), 28);
    c >>= 29;
    c += d9 * a17 + d10 * a16 + d11 * a15 + d12 * a14 + a13 * a13 + (m9 << 28);
    store<u32>(r, <u32>(c & MASK), 32);
    c >>= 29;
    c += d10 * a17 + d11 * a16 + d12 * a15 + d13 * a14 + (m10 << 28);
    store<u32>(r, <u32>(c & MASK), 36);
    c >>= 29;
    c += d11 * a17 + d12 * a16 + d13 * a15 + a14 * a14 + (m11 << 28);
    store<u32>(r, <u32>(c & MASK), 40);
    c >>= 29;
    c += d12 * a17 + d13 * a16 + d14 * a15 + (m12 << 28);
    store<u32>(r, <u32>(c & MASK), 44);
    c >>= 29;
    c += d13 * a17 + d14 * a16 + a15 * a15 + (m13 << 28);
    store<u32>(r, <u32>(c & MASK), 48);
    c >>= 29;
    c += d14 * a17 + d15 * a16 + (m14 << 28);
    store<u32>(r, <u32>(c & MASK), 52);
    c >>= 29;
    c += d15 * a17 + a16 * a16 + (m15 << 28);
    store<u32>(r, <u32>(c & MASK), 56);
    c >>= 29;
    c += d16 * a17 + (m16 << 28);
    store<u32>(r, <u32>(c & MASK), 60);
    c >>= 29;
    c += a17 * a17 + (m17 << 28);
    store<u32>(r, <u32>(c & MASK), 64);
    c >>= 29;
    store<u32>(r, <u32>c, 68);
    this.fold(r);
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
    let l14 = <i32>(load<u32>(a, 56) + load<u32>(b, 56));
    let l15 = <i32>(load<u32>(a, 60) + load<u32>(b, 60));
    let l16 = <i32>(load<u32>(a, 64) + load<u32>(b, 64));
    let l17 = <i32>(load<u32>(a, 68) + load<u32>(b, 68));
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
    l14 += l13 >> 29; l13 &= 0x1fffffff;
    l15 += l14 >> 29; l14 &= 0x1fffffff;
    l16 += l15 >> 29; l15 &= 0x1fffffff;
    l17 += l16 >> 29; l16 &= 0x1fffffff;
    const h = l17 >> 28;
    l17 &= 0xfffffff;
    l0 += h;
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
    l14 += l13 >> 29; store<u32>(r, <u32>(l13 & 0x1fffffff), 52);
    l15 += l14 >> 29; store<u32>(r, <u32>(l14 & 0x1fffffff), 56);
    l16 += l15 >> 29; store<u32>(r, <u32>(l15 & 0x1fffffff), 60);
    l17 += l16 >> 29; store<u32>(r, <u32>(l16 & 0x1fffffff), 64);
    store<u32>(r, <u32>l17, 68);
  }

  /** r = a - b + k*p (k*p is at least the bound, so the sum is non-negative), folded. */
  sub(r: usize, a: usize, b: usize): void {
    let l0 = <i32>load<u32>(a, 0) - <i32>load<u32>(b, 0) + 0x1ffffffe;
    let l1 = <i32>load<u32>(a, 4) - <i32>load<u32>(b, 4) + 0x1fffffff;
    let l2 = <i32>load<u32>(a, 8) - <i32>load<u32>(b, 8) + 0x1fffffff;
    let l3 = <i32>load<u32>(a, 12) - <i32>load<u32>(b, 12) + 0x1fffffff;
    let l4 = <i32>load<u32>(a, 16) - <i32>load<u32>(b, 16) + 0x1fffffff;
    let l5 = <i32>load<u32>(a, 20) - <i32>load<u32>(b, 20) + 0x1fffffff;
    let l6 = <i32>load<u32>(a, 24) - <i32>load<u32>(b, 24) + 0x1fffffff;
    let l7 = <i32>load<u32>(a, 28) - <i32>load<u32>(b, 28) + 0x1fffffff;
    let l8 = <i32>load<u32>(a, 32) - <i32>load<u32>(b, 32) + 0x1fffffff;
    let l9 = <i32>load<u32>(a, 36) - <i32>load<u32>(b, 36) + 0x1fffffff;
    let l10 = <i32>load<u32>(a, 40) - <i32>load<u32>(b, 40) + 0x1fffffff;
    let l11 = <i32>load<u32>(a, 44) - <i32>load<u32>(b, 44) + 0x1fffffff;
    let l12 = <i32>load<u32>(a, 48) - <i32>load<u32>(b, 48) + 0x1fffffff;
    let l13 = <i32>load<u32>(a, 52) - <i32>load<u32>(b, 52) + 0x1fffffff;
    let l14 = <i32>load<u32>(a, 56) - <i32>load<u32>(b, 56) + 0x1fffffff;
    let l15 = <i32>load<u32>(a, 60) - <i32>load<u32>(b, 60) + 0x1fffffff;
    let l16 = <i32>load<u32>(a, 64) - <i32>load<u32>(b, 64) + 0x1fffffff;
    let l17 = <i32>load<u32>(a, 68) - <i32>load<u32>(b, 68) + 0x1fffffff;
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
    l14 += l13 >> 29; l13 &= 0x1fffffff;
    l15 += l14 >> 29; l14 &= 0x1fffffff;
    l16 += l15 >> 29; l15 &= 0x1fffffff;
    l17 += l16 >> 29; l16 &= 0x1fffffff;
    const h = l17 >> 28;
    l17 &= 0xfffffff;
    l0 += h;
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
    l14 += l13 >> 29; store<u32>(r, <u32>(l13 & 0x1fffffff), 52);
    l15 += l14 >> 29; store<u32>(r, <u32>(l14 & 0x1fffffff), 56);
    l16 += l15 >> 29; store<u32>(r, <u32>(l15 & 0x1fffffff), 60);
    l17 += l16 >> 29; store<u32>(r, <u32>(l16 & 0x1fffffff), 64);
    store<u32>(r, <u32>l17, 68);
  }

  /** Normalizes limbs (signed carries) and folds bits >= 2^521 back: 2^521 = 1 (mod p). */
  fold(r: usize): void {
    let l0 = <i32>load<u32>(r, 0), l1 = <i32>load<u32>(r, 4), l2 = <i32>load<u32>(r, 8);
    let l3 = <i32>load<u32>(r, 12), l4 = <i32>load<u32>(r, 16), l5 = <i32>load<u32>(r, 20);
    let l6 = <i32>load<u32>(r, 24), l7 = <i32>load<u32>(r, 28), l8 = <i32>load<u32>(r, 32);
    let l9 = <i32>load<u32>(r, 36), l10 = <i32>load<u32>(r, 40), l11 = <i32>load<u32>(r, 44);
    let l12 = <i32>load<u32>(r, 48), l13 = <i32>load<u32>(r, 52), l14 = <i32>load<u32>(r, 56);
    let l15 = <i32>load<u32>(r, 60), l16 = <i32>load<u32>(r, 64), l17 = <i32>load<u32>(r, 68);
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
    l14 += l13 >> 29; l13 &= 0x1fffffff;
    l15 += l14 >> 29; l14 &= 0x1fffffff;
    l16 += l15 >> 29; l15 &= 0x1fffffff;
    l17 += l16 >> 29; l16 &= 0x1fffffff;
    const h = l17 >> 28;
    l17 &= 0xfffffff;
    l0 += h;
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
    l14 += l13 >> 29; store<u32>(r, <u32>(l13 & 0x1fffffff), 52);
    l15 += l14 >> 29; store<u32>(r, <u32>(l14 & 0x1fffffff), 56);
    l16 += l15 >> 29; store<u32>(r, <u32>(l15 & 0x1fffffff), 60);
    l17 += l16 >> 29; store<u32>(r, <u32>(l16 & 0x1fffffff), 64);
    store<u32>(r, <u32>l17, 68);
  }
}

/** Curve coefficient b and base point G (a = -3), big-endian words. */
export const P521_B: StaticArray<u32> = [
  0x00000051, 0x953eb961, 0x8e1c9a1f, 0x929a21a0, 0xb68540ee, 0xa2da725b,
  0x99b315f3, 0xb8b48991, 0x8ef109e1, 0x56193951, 0xec7e937b, 0x1652c0bd,
  0x3bb1bf07, 0x3573df88, 0x3d2c34f1, 0xef451fd4, 0x6b503f00,
];
export const P521_GX: StaticArray<u32> = [
  0x000000c6, 0x858e06b7, 0x0404e9cd, 0x9e3ecb66, 0x2395b442, 0x9c648139,
  0x053fb521, 0xf828af60, 0x6b4d3dba, 0xa14b5e77, 0xefe75928, 0xfe1dc127,
  0xa2ffa8de, 0x3348b3c1, 0x856a429b, 0xf97e7e31, 0xc2e5bd66,
];
export const P521_GY: StaticArray<u32> = [
  0x00000118, 0x39296a78, 0x9a3bc004, 0x5c8a5fb4, 0x2c7d1bd9, 0x98f54449,
  0x579b4468, 0x17afbd17, 0x273e662c, 0x97ee7299, 0x5ef42640, 0xc550b901,
  0x3fad0761, 0x353c7086, 0xa272c240, 0x88be9476, 0x9fd16650,
];
/** Group order n. */
export const P521_N: StaticArray<u32> = [
  0x000001ff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff,
  0xffffffff, 0xffffffff, 0xfffffffa, 0x51868783, 0xbf2f966b, 0x7fcc0148,
  0xf709a5d0, 0x3bb5c9b8, 0x899c47ae, 0xbb6fb71e, 0x91386409,
];
