// Prime-field arithmetic shared by the curves, in Montgomery form over radix-2^29 limbs.
// Each curve's field class (p256.ts, p384.ts, p521.ts, fe25519.ts) extends FieldBase with the
// methods written out for its prime: mul(r, a, b) (Montgomery product, R = 2^(29*N)), sqr(r, a),
// add, sub, and fold(r) (carry-propagate, then fold the bits at or above the prime's top bit back
// in). The two 9-limb fields (P-256, edwards25519), whose speed matters most, are fully unrolled;
// P-384 and P-521 multiply one row per loop turn and share the loop helpers below.
// All these primes have few, small digits in radix 2^29, which is what makes a Montgomery step
// a handful of shifted adds: each file's header lists them.
// The functions here are generic over the field class, so every call is static (no virtual dispatch).
//
// Elements are "loose": normalized limbs, any value below the field's bound B (a small
// multiple of p fixed per field, see each class); only fcanon() yields the value in [0, p).
// Element arguments are addresses of N-limb vectors; r may alias a or b everywhere.

import {
  LIMB_BITS, LIMB_MASK, addr, newLimbs, limbsCompare, limbsCopy, limbsEqual, limbsFromBytes,
  limbsFromWordsBE, limbsIsZero, limbsSetSmall, limbsSubInPlace, limbsToBytes,
} from "./limbs";

export class FieldBase {
  /** The prime, canonical limbs, and 2p. */
  readonly p: StaticArray<u32>;
  readonly p2: StaticArray<u32>;
  /** The element 0. */
  readonly zero: StaticArray<u32>;
  /** k*p (k = biasMultiple), at least the bound: what subLimbs adds so limb sums stay non-negative in total. */
  readonly bias: StaticArray<u32>;
  /** R^2 mod p, to enter Montgomery form. */
  readonly r2: StaticArray<u32>;
  /** 1 in Montgomery form (R mod p). */
  readonly one: StaticArray<u32>;
  /** p - 2, big-endian bytes: the inversion exponent. */
  readonly invExp: StaticArray<u8>;
  /** Scratch for the generic helpers (never held across calls into other helpers that use it). */
  readonly t0: StaticArray<u32>;
  readonly t1: StaticArray<u32>;
  readonly t2: StaticArray<u32>;
  readonly tab: StaticArray<u32>;

  /**
   * n: limb count; bytes: encoded length; pWords: p as big-endian 32-bit words; biasMultiple: k
   * for `bias` (only fields whose sub uses subLimbs need it).
   */
  constructor(readonly n: i32, readonly bytes: i32, pWords: StaticArray<u32>, biasMultiple: u32 = 4) {
    const p = newLimbs(n);
    limbsFromWordsBE(addr(p), n, pWords);
    // p - 2 as bytes (p is odd and > 2, so the subtraction only touches the low byte).
    const e = new StaticArray<u8>(bytes);
    limbsToBytes(changetype<usize>(e), bytes, addr(p), n, false);
    unchecked((e[bytes - 1] = unchecked(e[bytes - 1]) - 2));
    this.p = p;
    const p2 = newLimbs(n);
    limbsCopy(addr(p2), addr(p), n);
    doubleNoReduce(addr(p2), n);
    this.p2 = p2;
    this.zero = newLimbs(n);
    this.bias = multipleOfP(p, biasMultiple);
    this.invExp = e;
    this.r2 = newLimbs(n);
    this.one = newLimbs(n);
    this.t0 = newLimbs(n);
    this.t1 = newLimbs(n);
    this.t2 = newLimbs(n);
    this.tab = newLimbs(n << 4);
  }

  /** Fills one (R mod p) and r2 (R^2 mod p) by doubling 1 modulo p: only at construction. */
  protected initMontgomery(): void {
    const n = this.n;
    const bits = n * LIMB_BITS;
    const v = addr(this.t0);
    limbsSetSmall(v, n, 1);
    for (let i = 0; i < 2 * bits; i++) {
      doubleModP(v, addr(this.p), n);
      if (i == bits - 1) limbsCopy(addr(this.one), v, n);
    }
    limbsCopy(addr(this.r2), v, n);
  }
}

/** v = 2v mod p for canonical v (plain limb arithmetic, used only to derive constants). */
function doubleModP(v: usize, p: usize, n: i32): void {
  doubleNoReduce(v, n);
  if (limbsCompare(v, p, n) >= 0) limbsSubInPlace(v, p, n);
}

/** v = 2v, limbs kept normalized (the top limb takes the carry). */
function doubleNoReduce(v: usize, n: i32): void {
  let carry: u32 = 0;
  for (let i = 0; i < n; i++) {
    const q = v + ((<usize>i) << 2);
    const x = (load<u32>(q) << 1) | carry;
    if (i < n - 1) {
      store<u32>(q, x & LIMB_MASK);
      carry = x >>> LIMB_BITS;
    } else {
      store<u32>(q, x);
    }
  }
}

/** k*p as normalized limbs (the top limb takes the excess). */
function multipleOfP(p: StaticArray<u32>, k: u32): StaticArray<u32> {
  const n = p.length;
  const r = newLimbs(n);
  let carry: u64 = 0;
  for (let i = 0; i < n; i++) {
    const v = <u64>unchecked(p[i]) * k + carry;
    if (i < n - 1) {
      unchecked((r[i] = <u32>v & LIMB_MASK));
      carry = v >> LIMB_BITS;
    } else {
      unchecked((r[i] = <u32>v));
    }
  }
  return r;
}

/** add() of the 9-limb fields: the limb sums go straight to the field's unrolled finish(). */
// @ts-ignore: decorator
@inline export function add9<F extends FieldBase>(f: F, r: usize, a: usize, b: usize): void {
  f.finish(r,
    <i32>(load<u32>(a, 0) + load<u32>(b, 0)), <i32>(load<u32>(a, 4) + load<u32>(b, 4)), <i32>(load<u32>(a, 8) + load<u32>(b, 8)),
    <i32>(load<u32>(a, 12) + load<u32>(b, 12)), <i32>(load<u32>(a, 16) + load<u32>(b, 16)), <i32>(load<u32>(a, 20) + load<u32>(b, 20)),
    <i32>(load<u32>(a, 24) + load<u32>(b, 24)), <i32>(load<u32>(a, 28) + load<u32>(b, 28)), <i32>(load<u32>(a, 32) + load<u32>(b, 32)));
}

/** fold() of the 9-limb fields. */
// @ts-ignore: decorator
@inline export function fold9<F extends FieldBase>(f: F, r: usize): void {
  f.finish(r,
    load<i32>(r, 0), load<i32>(r, 4), load<i32>(r, 8), load<i32>(r, 12), load<i32>(r, 16),
    load<i32>(r, 20), load<i32>(r, 24), load<i32>(r, 28), load<i32>(r, 32));
}

/** Signed carry propagation: every limb but the top one ends in [0, 2^29), the top one takes the rest. */
export function carryLimbs(r: usize, n: i32): void {
  let c: i32 = 0;
  for (let i = 0; i < n - 1; i++) {
    const q = r + ((<usize>i) << 2);
    const v = load<i32>(q) + c;
    store<u32>(q, <u32>v & LIMB_MASK);
    c = v >> LIMB_BITS;
  }
  const top = r + ((<usize>(n - 1)) << 2);
  store<i32>(top, load<i32>(top) + c);
}

/** r = a + b limb by limb, without carries (the field's fold() follows). */
export function addLimbs(r: usize, a: usize, b: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = (<usize>i) << 2;
    store<u32>(r + o, load<u32>(a + o) + load<u32>(b + o));
  }
}

/**
 * r = a - b + bias limb by limb, without carries: limbs may go negative, and the field's fold()
 * (which follows) propagates them as signed values. bias = k*p with k*p at least the field's bound.
 */
export function subLimbs(r: usize, a: usize, b: usize, bias: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = (<usize>i) << 2;
    store<u32>(r + o, load<u32>(a + o) + load<u32>(bias + o) - load<u32>(b + o));
  }
}

/** r = a + b. */
// @ts-ignore: decorator
@inline export function fadd<F extends FieldBase>(f: F, r: usize, a: usize, b: usize): void {
  f.add(r, a, b);
}

/** r = a - b. */
// @ts-ignore: decorator
@inline export function fsub<F extends FieldBase>(f: F, r: usize, a: usize, b: usize): void {
  f.sub(r, a, b);
}

/** r = -a. */
// @ts-ignore: decorator
@inline export function fneg<F extends FieldBase>(f: F, r: usize, a: usize): void {
  f.sub(r, addr(f.zero), a);
}

/** r = a fully reduced: the unique representative in [0, p), limbs normalized. */
export function fcanon<F extends FieldBase>(f: F, r: usize, a: usize): void {
  const n = f.n;
  if (r != a) limbsCopy(r, a, n);
  f.fold(r);
  const p = addr(f.p);
  while (limbsCompare(r, p, n) >= 0) limbsSubInPlace(r, p, n);
}

/** a = 0 (mod p). Every stored element is normalized and below 3p, so that means 0, p or 2p. */
export function fisZero<F extends FieldBase>(f: F, a: usize): bool {
  const n = f.n;
  return limbsIsZero(a, n) || limbsEqual(a, addr(f.p), n) || limbsEqual(a, addr(f.p2), n);
}

export function fequal<F extends FieldBase>(f: F, a: usize, b: usize): bool {
  const t = addr(f.t0);
  f.sub(t, a, b);
  return fisZero<F>(f, t);
}

/** Parity of the canonical value of a (a in Montgomery form). */
export function fisOdd<F extends FieldBase>(f: F, a: usize): bool {
  const t = addr(f.t0);
  fromMont<F>(f, t, a);
  return (load<u32>(t) & 1) != 0;
}

/** Montgomery form of a canonical plain value. */
export function toMont<F extends FieldBase>(f: F, r: usize, a: usize): void {
  f.mul(r, a, addr(f.r2));
}

/** Canonical plain value of a Montgomery-form element. */
export function fromMont<F extends FieldBase>(f: F, r: usize, a: usize): void {
  const one = addr(f.t1);
  limbsSetSmall(one, f.n, 1);
  f.mul(r, a, one);
  fcanon<F>(f, r, r);
}

/** Reads a field element of `len` bytes (big-endian, or little-endian when `le`); false unless it is < p. */
export function fromBytes<F extends FieldBase>(f: F, r: usize, src: usize, len: i32, le: bool): bool {
  const n = f.n;
  if (!limbsFromBytes(r, n, src, len, le)) return false;
  if (limbsCompare(r, addr(f.p), n) >= 0) return false;
  toMont<F>(f, r, r);
  return true;
}

/** Reads a big-endian field element exactly f.bytes long; false unless it is < p. */
export function fromBytesBE<F extends FieldBase>(f: F, r: usize, src: usize): bool {
  return fromBytes<F>(f, r, src, f.bytes, false);
}

/** Writes the canonical value as f.bytes bytes (big-endian, or little-endian when `le`). */
export function toBytes<F extends FieldBase>(f: F, dst: usize, a: usize, le: bool): void {
  const t = addr(f.t2);
  fromMont<F>(f, t, a);
  limbsToBytes(dst, f.bytes, t, f.n, le);
}

/** Writes the canonical value as f.bytes big-endian bytes. */
export function toBytesBE<F extends FieldBase>(f: F, dst: usize, a: usize): void {
  toBytes<F>(f, dst, a, false);
}

/** Montgomery-form constant from big-endian 32-bit words (the value must be < p). */
export function constFromWords<F extends FieldBase>(f: F, words: StaticArray<u32>): StaticArray<u32> {
  const r = newLimbs(f.n);
  limbsFromWordsBE(addr(r), f.n, words);
  toMont<F>(f, addr(r), addr(r));
  return r;
}

/** Montgomery form of a small integer. */
export function constSmall<F extends FieldBase>(f: F, v: u32): StaticArray<u32> {
  const r = newLimbs(f.n);
  limbsSetSmall(addr(r), f.n, v);
  toMont<F>(f, addr(r), addr(r));
  return r;
}

/**
 * r = a^e, e given as big-endian bytes. Fixed 4-bit windows over a table of a^0..a^15;
 * exponents here are public constants (inversion, square roots), so timing is not a concern.
 */
export function fpow<F extends FieldBase>(f: F, r: usize, a: usize, e: StaticArray<u8>): void {
  const n = f.n;
  const stride = (<usize>n) << 2;
  const tab = addr(f.tab);
  limbsCopy(tab, addr(f.one), n);
  limbsCopy(tab + stride, a, n);
  for (let i = 2; i < 16; i++) f.mul(tab + stride * i, tab + stride * (i - 1), a);
  const acc = addr(f.t2);
  limbsCopy(acc, addr(f.one), n);
  let started = false;
  for (let i = 0; i < e.length; i++) {
    const byte = <u32>unchecked(e[i]);
    for (let half = 0; half < 2; half++) {
      if (started) {
        for (let s = 0; s < 4; s++) f.sqr(acc, acc);
      }
      const nib = half == 0 ? byte >>> 4 : byte & 15;
      if (nib != 0) {
        f.mul(acc, acc, tab + stride * nib);
        started = true;
      }
    }
  }
  limbsCopy(r, acc, n);
}

/** r = 1/a (a != 0; 1/0 yields 0). */
export function finv<F extends FieldBase>(f: F, r: usize, a: usize): void {
  fpow<F>(f, r, a, f.invExp);
}
