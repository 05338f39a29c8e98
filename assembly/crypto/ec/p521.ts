// P-521 (secp521r1, FIPS 186-4 D.1.2.5): the field and the curve constants.
// p = 2^521 - 1 = -1 + 2^28*B^17 in 29-bit digits (B = 2^29), and p = -1 mod 2^29: the same
// Montgomery scheme as p256.ts. 18 limbs hold 522 bits, R = 2^522, so there is only one bit of
// headroom: mul ends with a fold, and elements stay below B = 2^521 + 4.

import { FieldBase, addLimbs, carryLimbs, subLimbs } from "./field";

// @ts-ignore: decorator
@inline const MASK: i64 = 0x1fffffff;

export class FieldP521 extends FieldBase {
  constructor() {
    super(18, 66, [
      0x000001ff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff,
      0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff,
      0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff,
    ], 2);
    this.initMontgomery();
  }

  /**
   * r = a*b/R mod p (inputs < 2^521 + 4, output < 2^521 + 2). Operand scanning: one row per limb of a, the
   * window t0..t17 sliding down a limb per row after m*p is added (p's sparse digits make that
   * a few shifted adds). Column sums stay below 2^63.
   */
  mul(r: usize, a: usize, b: usize): void {
    const b0 = <i64>load<u32>(b, 0), b1 = <i64>load<u32>(b, 4), b2 = <i64>load<u32>(b, 8);
    const b3 = <i64>load<u32>(b, 12), b4 = <i64>load<u32>(b, 16), b5 = <i64>load<u32>(b, 20);
    const b6 = <i64>load<u32>(b, 24), b7 = <i64>load<u32>(b, 28), b8 = <i64>load<u32>(b, 32);
    const b9 = <i64>load<u32>(b, 36), b10 = <i64>load<u32>(b, 40), b11 = <i64>load<u32>(b, 44);
    const b12 = <i64>load<u32>(b, 48), b13 = <i64>load<u32>(b, 52), b14 = <i64>load<u32>(b, 56);
    const b15 = <i64>load<u32>(b, 60), b16 = <i64>load<u32>(b, 64), b17 = <i64>load<u32>(b, 68);
    let t0: i64 = 0, t1: i64 = 0, t2: i64 = 0, t3: i64 = 0, t4: i64 = 0, t5: i64 = 0, t6: i64 = 0, t7: i64 = 0, t8: i64 = 0;
    let t9: i64 = 0, t10: i64 = 0, t11: i64 = 0, t12: i64 = 0, t13: i64 = 0, t14: i64 = 0, t15: i64 = 0, t16: i64 = 0, t17: i64 = 0;
    for (let i: usize = 0; i < 72; i += 4) {
      const x = <i64>load<u32>(a + i);
      t0 += x * b0; t1 += x * b1; t2 += x * b2; t3 += x * b3; t4 += x * b4;
      t5 += x * b5; t6 += x * b6; t7 += x * b7; t8 += x * b8; t9 += x * b9;
      t10 += x * b10; t11 += x * b11; t12 += x * b12; t13 += x * b13; t14 += x * b14;
      t15 += x * b15; t16 += x * b16; t17 = x * b17;
      const m = t0 & MASK;
      t0 = t1 + (t0 >> 29);
      t1 = t2;
      t2 = t3;
      t3 = t4;
      t4 = t5;
      t5 = t6;
      t6 = t7;
      t7 = t8;
      t8 = t9;
      t9 = t10;
      t10 = t11;
      t11 = t12;
      t12 = t13;
      t13 = t14;
      t14 = t15;
      t15 = t16;
      t16 = t17 + (m << 28);
    }
    t1 += t0 >> 29; store<u32>(r, <u32>(t0 & MASK), 0);
    t2 += t1 >> 29; store<u32>(r, <u32>(t1 & MASK), 4);
    t3 += t2 >> 29; store<u32>(r, <u32>(t2 & MASK), 8);
    t4 += t3 >> 29; store<u32>(r, <u32>(t3 & MASK), 12);
    t5 += t4 >> 29; store<u32>(r, <u32>(t4 & MASK), 16);
    t6 += t5 >> 29; store<u32>(r, <u32>(t5 & MASK), 20);
    t7 += t6 >> 29; store<u32>(r, <u32>(t6 & MASK), 24);
    t8 += t7 >> 29; store<u32>(r, <u32>(t7 & MASK), 28);
    t9 += t8 >> 29; store<u32>(r, <u32>(t8 & MASK), 32);
    t10 += t9 >> 29; store<u32>(r, <u32>(t9 & MASK), 36);
    t11 += t10 >> 29; store<u32>(r, <u32>(t10 & MASK), 40);
    t12 += t11 >> 29; store<u32>(r, <u32>(t11 & MASK), 44);
    t13 += t12 >> 29; store<u32>(r, <u32>(t12 & MASK), 48);
    t14 += t13 >> 29; store<u32>(r, <u32>(t13 & MASK), 52);
    t15 += t14 >> 29; store<u32>(r, <u32>(t14 & MASK), 56);
    t16 += t15 >> 29; store<u32>(r, <u32>(t15 & MASK), 60);
    store<u32>(r, <u32>(t16 & MASK), 64);
    store<u32>(r, <u32>(t16 >> 29), 68);
    this.fold(r);
  }

  sqr(r: usize, a: usize): void {
    this.mul(r, a, a);
  }

  add(r: usize, a: usize, b: usize): void {
    addLimbs(r, a, b, 18);
    this.fold(r);
  }

  sub(r: usize, a: usize, b: usize): void {
    subLimbs(r, a, b, changetype<usize>(this.bias), 18);
    this.fold(r);
  }

  /** Normalizes limbs (signed carries) and folds bits >= 2^521 back: 2^521 = 1 (mod p). */
  fold(r: usize): void {
    carryLimbs(r, 18);
    const top = load<i32>(r, 68);
    store<i32>(r, top & 0xfffffff, 68);
    store<i32>(r, load<i32>(r, 0) + (top >> 28), 0);
    carryLimbs(r, 18);
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
