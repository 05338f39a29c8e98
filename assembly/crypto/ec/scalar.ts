// Integers modulo a group order (ECDSA's n, Ed25519's L): 32-bit limbs, little-endian,
// plain loops. Signature verification needs only a handful of these operations (one
// inversion, a few products, the recoding), so clarity wins over unrolling here.
// Scalars are StaticArray<u32> of `words` limbs; every value handled is < 2^(32*words).
// Everything here is variable-time: verification only ever touches public values.

import { Inverter } from "./modinv";

export class ScalarField {
  /** The modulus (odd), little-endian 32-bit words. */
  readonly n: StaticArray<u32>;
  /** Bit length of n. */
  readonly bits: i32;
  /** -n^-1 mod 2^32 (Montgomery). */
  readonly n0inv: u32;
  /** R^2 mod n and R^3 mod n, R = 2^(32*words). */
  readonly r2: StaticArray<u32>;
  readonly r3: StaticArray<u32>;
  private readonly inverter: Inverter;
  // Scratch: Montgomery accumulator (words + 2) and wide-reduction temporaries.
  private readonly acc: StaticArray<u32>;
  private readonly lo: StaticArray<u32>;
  private readonly hi: StaticArray<u32>;
  private readonly t: StaticArray<u32>;

  /** nWords: the modulus as big-endian 32-bit words (as standards print it). */
  constructor(readonly words: i32, nWords: StaticArray<u32>) {
    const n = new StaticArray<u32>(words);
    const given = nWords.length;
    for (let i = 0; i < given && i < words; i++) unchecked((n[i] = nWords[given - 1 - i]));
    let top = words - 1;
    while (top > 0 && unchecked(n[top]) == 0) top--;
    this.bits = top * 32 + 32 - clz<u32>(unchecked(n[top]));
    // Newton iteration for n^-1 mod 2^32 (each step doubles the correct low bits).
    const n0 = unchecked(n[0]);
    let inv: u32 = n0;
    for (let i = 0; i < 5; i++) inv *= 2 - n0 * inv;
    this.n0inv = 0 - inv;
    this.n = n;
    this.acc = new StaticArray<u32>(words + 2);
    this.lo = new StaticArray<u32>(words);
    this.hi = new StaticArray<u32>(words);
    this.t = new StaticArray<u32>(words);
    this.inverter = new Inverter(n);
    // R^2 mod n by doubling 1 modulo n 2*32*words times (construction only).
    const r2 = new StaticArray<u32>(words);
    const r3 = new StaticArray<u32>(words);
    this.r2 = r2;
    this.r3 = r3;
    r2[0] = 1;
    for (let i = 0; i < 64 * words; i++) this.addMod(r2, r2, r2);
    this.montMul(r3, r2, r2);
  }

  /** Byte length of a scalar in signatures (ceil(bits / 8)). */
  get byteLength(): i32 {
    return (this.bits + 7) >> 3;
  }

  /** r = value of `len` bytes at src (big-endian, or little-endian when `le`); false if it does not fit. */
  fromBytes(r: StaticArray<u32>, src: usize, len: i32, le: bool): bool {
    const words = this.words;
    for (let i = 0; i < words; i++) unchecked((r[i] = 0));
    for (let k = 0; k < len; k++) {
      // k counts from the least significant byte.
      const byte = <u32>load<u8>(src + <usize>(le ? k : len - 1 - k));
      const w = k >> 2;
      if (w >= words) {
        if (byte != 0) return false;
        continue;
      }
      unchecked((r[w] |= byte << ((<u32>k & 3) << 3)));
    }
    return true;
  }

  /** fromBytes, big-endian. */
  fromBytesBE(r: StaticArray<u32>, src: usize, len: i32): bool {
    return this.fromBytes(r, src, len, false);
  }

  /** Writes a as `len` big-endian bytes (the value must fit). */
  toBytesBE(dst: usize, len: i32, a: StaticArray<u32>): void {
    for (let k = 0; k < len; k++) {
      const w = k >> 2;
      const byte = w < this.words ? unchecked(a[w]) >>> ((<u32>k & 3) << 3) : 0;
      store<u8>(dst + <usize>(len - 1 - k), <u8>byte);
    }
  }

  isZero(a: StaticArray<u32>): bool {
    let acc: u32 = 0;
    for (let i = 0; i < this.words; i++) acc |= unchecked(a[i]);
    return acc == 0;
  }

  /** a < n. */
  isReduced(a: StaticArray<u32>): bool {
    return compare(a, this.n, this.words) < 0;
  }

  /** Subtracts n once if a >= n (enough for any a < 2n). */
  reduceOnce(a: StaticArray<u32>): void {
    if (compare(a, this.n, this.words) >= 0) subInPlace(a, this.n, this.words);
  }

  /** r = a + b mod n, for a, b < n. */
  addMod(r: StaticArray<u32>, a: StaticArray<u32>, b: StaticArray<u32>): void {
    const words = this.words;
    let carry: u64 = 0;
    for (let i = 0; i < words; i++) {
      const s = <u64>unchecked(a[i]) + <u64>unchecked(b[i]) + carry;
      unchecked((r[i] = <u32>s));
      carry = s >> 32;
    }
    if (carry != 0 || compare(r, this.n, words) >= 0) subInPlace(r, this.n, words);
  }

  /** r = a*b/R mod n for a < R, b < n (CIOS Montgomery); r may alias a or b. */
  montMul(r: StaticArray<u32>, a: StaticArray<u32>, b: StaticArray<u32>): void {
    const words = this.words;
    const t = this.acc;
    const n = this.n;
    for (let i = 0; i < words + 2; i++) unchecked((t[i] = 0));
    for (let i = 0; i < words; i++) {
      const bi = <u64>unchecked(b[i]);
      let c: u64 = 0;
      for (let j = 0; j < words; j++) {
        const s = <u64>unchecked(t[j]) + <u64>unchecked(a[j]) * bi + c;
        unchecked((t[j] = <u32>s));
        c = s >> 32;
      }
      let s = <u64>unchecked(t[words]) + c;
      unchecked((t[words] = <u32>s));
      unchecked((t[words + 1] = <u32>(s >> 32)));
      const m = <u64>(unchecked(t[0]) * this.n0inv);
      c = (<u64>unchecked(t[0]) + m * <u64>unchecked(n[0])) >> 32;
      for (let j = 1; j < words; j++) {
        s = <u64>unchecked(t[j]) + m * <u64>unchecked(n[j]) + c;
        unchecked((t[j - 1] = <u32>s));
        c = s >> 32;
      }
      s = <u64>unchecked(t[words]) + c;
      unchecked((t[words - 1] = <u32>s));
      unchecked((t[words] = unchecked(t[words + 1]) + <u32>(s >> 32)));
    }
    // t < 2n: one conditional subtraction.
    const over = unchecked(t[words]) != 0 || compare(t, n, words) >= 0;
    for (let i = 0; i < words; i++) unchecked((r[i] = t[i]));
    if (over) subInPlace(r, n, words);
  }

  /** r = a*b mod n for a < R, b < n. */
  mulMod(r: StaticArray<u32>, a: StaticArray<u32>, b: StaticArray<u32>): void {
    this.montMul(r, a, b);
    this.montMul(r, r, this.r2);
  }

  /** r = a^-1 mod n (0 < a < n). False for a = 0. */
  invert(r: StaticArray<u32>, a: StaticArray<u32>): bool {
    return this.inverter.invert(r, a, this.words);
  }

  /**
   * r = (little-endian 64-byte value at src) mod n, for words == 8 (Ed25519's L):
   * lo + hi*2^256 = MontRedc(lo*R^2 + hi*R^3).
   */
  reduceWide64LE(r: StaticArray<u32>, src: usize): void {
    const lo = this.lo, hi = this.hi, t = this.t;
    this.fromBytes(lo, src, 32, true);
    this.fromBytes(hi, src + 32, 32, true);
    this.montMul(lo, lo, this.r2);
    this.montMul(hi, hi, this.r3);
    this.addMod(t, lo, hi);
    for (let i = 0; i < this.words; i++) unchecked((lo[i] = 0));
    unchecked((lo[0] = 1));
    this.montMul(r, t, lo);
  }
}

/** -1, 0, 1 comparing the low `words` limbs. */
export function compare(a: StaticArray<u32>, b: StaticArray<u32>, words: i32): i32 {
  for (let i = words - 1; i >= 0; i--) {
    const x = unchecked(a[i]), y = unchecked(b[i]);
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

/** a -= b (a >= b). */
function subInPlace(a: StaticArray<u32>, b: StaticArray<u32>, words: i32): void {
  let borrow: i64 = 0;
  for (let i = 0; i < words; i++) {
    const d = <i64>unchecked(a[i]) - <i64>unchecked(b[i]) + borrow;
    unchecked((a[i] = <u32>d));
    borrow = d >> 32;
  }
}

/**
 * Width-w NAF of a scalar: out[i] in {0, ±1, ±3, .., ±(2^(w-1)-1)}, sum out[i]*2^i = k, nonzero
 * digits at least w apart. out must hold bits(k) + 1 entries (digits above are left 0).
 */
export function wnaf(out: StaticArray<i8>, k: StaticArray<u32>, words: i32, w: i32): void {
  const len = out.length;
  for (let i = 0; i < len; i++) unchecked((out[i] = 0));
  const totalBits = words * 32;
  const full = 1 << w;
  const half = 1 << (w - 1);
  let carry = 0;
  let i = 0;
  while (i < totalBits + 1) {
    const bit = <i32>bitAt(k, words, i);
    if (bit == carry) {
      i++;
      continue;
    }
    let window = <i32>bitsAt(k, words, i, w) + carry;
    if (window & half) {
      window -= full;
      carry = 1;
    } else {
      carry = 0;
    }
    if (i < len) unchecked((out[i] = <i8>window));
    i += w;
  }
}

function bitAt(k: StaticArray<u32>, words: i32, i: i32): u32 {
  const w = i >> 5;
  return w < words ? (unchecked(k[w]) >>> (<u32>i & 31)) & 1 : 0;
}

/** w (<= 24) bits of k starting at bit i, zero beyond the end. */
function bitsAt(k: StaticArray<u32>, words: i32, i: i32, w: i32): u32 {
  const wi = i >> 5;
  const sh = <u32>i & 31;
  let v: u64 = wi < words ? <u64>unchecked(k[wi]) : 0;
  if (wi + 1 < words) v |= (<u64>unchecked(k[wi + 1])) << 32;
  return <u32>(v >> sh) & ((1 << w) - 1);
}
