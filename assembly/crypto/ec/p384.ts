// P-384 (secp384r1, FIPS 186-4 D.1.2.4): the field and the curve constants.
// p = 2^384 - 2^128 - 2^96 + 2^32 - 1. In 29-bit digits (B = 2^29) p is sparse and signed:
//   p = -1 + 2^3*B - 2^9*B^3 - 2^12*B^4 + 2^7*B^13
// and p = -1 mod 2^29, so a Montgomery step's multiplier is the low limb (see p256.ts).
// Elements: 14 limbs, R = 2^406, bound B = 2^385 (mul maps inputs < 2^385 to < p + 2^364).

import { FieldBase, addLimbs, carryLimbs, subLimbs } from "./field";

// @ts-ignore: decorator
@inline const MASK: i64 = 0x1fffffff;

export class FieldP384 extends FieldBase {
  constructor() {
    super(14, 48, [
      0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff,
      0xffffffff, 0xfffffffe, 0xffffffff, 0x00000000, 0x00000000, 0xffffffff,
    ], 4);
    this.initMontgomery();
  }

  /**
   * r = a*b/R mod p (inputs < 2^385, output < 2^385). Operand scanning: one row per limb of a, the
   * window t0..t13 sliding down a limb per row after m*p is added (p's sparse digits make that
   * a few shifted adds). Column sums stay below 2^63.
   */
  mul(r: usize, a: usize, b: usize): void {
    const b0 = <i64>load<u32>(b, 0), b1 = <i64>load<u32>(b, 4), b2 = <i64>load<u32>(b, 8);
    const b3 = <i64>load<u32>(b, 12), b4 = <i64>load<u32>(b, 16), b5 = <i64>load<u32>(b, 20);
    const b6 = <i64>load<u32>(b, 24), b7 = <i64>load<u32>(b, 28), b8 = <i64>load<u32>(b, 32);
    const b9 = <i64>load<u32>(b, 36), b10 = <i64>load<u32>(b, 40), b11 = <i64>load<u32>(b, 44);
    const b12 = <i64>load<u32>(b, 48), b13 = <i64>load<u32>(b, 52);
    let t0: i64 = 0, t1: i64 = 0, t2: i64 = 0, t3: i64 = 0, t4: i64 = 0, t5: i64 = 0, t6: i64 = 0, t7: i64 = 0, t8: i64 = 0;
    let t9: i64 = 0, t10: i64 = 0, t11: i64 = 0, t12: i64 = 0, t13: i64 = 0;
    for (let i: usize = 0; i < 56; i += 4) {
      const x = <i64>load<u32>(a + i);
      t0 += x * b0; t1 += x * b1; t2 += x * b2; t3 += x * b3; t4 += x * b4;
      t5 += x * b5; t6 += x * b6; t7 += x * b7; t8 += x * b8; t9 += x * b9;
      t10 += x * b10; t11 += x * b11; t12 += x * b12; t13 = x * b13;
      const m = t0 & MASK;
      t0 = t1 + (m << 3) + (t0 >> 29);
      t1 = t2;
      t2 = t3 - (m << 9);
      t3 = t4 - (m << 12);
      t4 = t5;
      t5 = t6;
      t6 = t7;
      t7 = t8;
      t8 = t9;
      t9 = t10;
      t10 = t11;
      t11 = t12;
      t12 = t13 + (m << 7);
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
    store<u32>(r, <u32>(t12 & MASK), 48);
    store<u32>(r, <u32>(t12 >> 29), 52);
  }

  sqr(r: usize, a: usize): void {
    this.mul(r, a, a);
  }

  add(r: usize, a: usize, b: usize): void {
    addLimbs(r, a, b, 14);
    this.fold(r);
  }

  sub(r: usize, a: usize, b: usize): void {
    subLimbs(r, a, b, changetype<usize>(this.bias), 14);
    this.fold(r);
  }

  /** Normalizes limbs (signed carries) and folds bits >= 2^384 back: 2^384 = 2^128 + 2^96 - 2^32 + 1 (mod p). */
  fold(r: usize): void {
    carryLimbs(r, 14);
    const top = load<i32>(r, 52);
    const h = top >> 7;
    store<i32>(r, top & 0x7f, 52);
    store<i32>(r, load<i32>(r, 0) + h, 0);
    store<i32>(r, load<i32>(r, 4) - (h << 3), 4);
    store<i32>(r, load<i32>(r, 12) + (h << 9), 12);
    store<i32>(r, load<i32>(r, 16) + (h << 12), 16);
    carryLimbs(r, 14);
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
