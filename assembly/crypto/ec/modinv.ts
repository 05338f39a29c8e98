// Modular inversion by binary GCD in batches (T. Pornin, "Optimized Binary GCD for Modular
// Inversion", 2020): 30 binary-GCD steps run on 62-bit approximations of a and b (their low 30
// bits, exact, and their top 32 bits), the steps are recorded as a 2x2 matrix, and the matrix is
// then applied once to the full-size values. Approximate comparisons can make a or b negative:
// they are negated back. About 2*bits/30 batches instead of 2*bits full-size steps.
// Variable-time (only public values are inverted), and it loops until a reaches 0 under a hard cap.
//
// Internal numbers use signed 30-bit limbs (i64 while computing) so the exact division by 2^30
// after each batch is a one-limb shift. Invariants: a = u*y, b = v*y (mod m); at the end b = 1.

// @ts-ignore: decorator
@inline const B30: i64 = 30;
// @ts-ignore: decorator
@inline const M30: i64 = 0x3fffffff;

export class Inverter {
  /** Limbs: enough for the modulus plus a sign/overflow limb. */
  readonly limbs: i32;
  readonly m: StaticArray<i64>;
  /** -m^-1 mod 2^30. */
  readonly minv: i64;
  private readonly a: StaticArray<i64>;
  private readonly b: StaticArray<i64>;
  private readonly u: StaticArray<i64>;
  private readonly v: StaticArray<i64>;
  private readonly ta: StaticArray<i64>;
  private readonly tb: StaticArray<i64>;

  /** m: odd modulus as 32-bit little-endian words. */
  constructor(mWords: StaticArray<u32>) {
    const words = mWords.length;
    const limbs = (words * 32 + 29) / 30 + 1;
    this.limbs = limbs;
    const m = new StaticArray<i64>(limbs);
    from32(m, mWords, words);
    this.m = m;
    const m0 = <u64>unchecked(m[0]);
    let inv: u64 = m0;
    for (let i = 0; i < 5; i++) inv *= 2 - m0 * inv;
    this.minv = <i64>(0 - inv) & M30;
    this.a = new StaticArray<i64>(limbs);
    this.b = new StaticArray<i64>(limbs);
    this.u = new StaticArray<i64>(limbs);
    this.v = new StaticArray<i64>(limbs);
    this.ta = new StaticArray<i64>(limbs);
    this.tb = new StaticArray<i64>(limbs);
  }

  /** r = y^-1 mod m (32-bit word arrays, y < m). False when y = 0 or gcd(y, m) != 1. */
  invert(r: StaticArray<u32>, y: StaticArray<u32>, words: i32): bool {
    const n = this.limbs;
    const a = this.a, b = this.b, u = this.u, v = this.v, m = this.m;
    from32(a, y, words);
    for (let i = 0; i < n; i++) {
      unchecked((b[i] = m[i]));
      unchecked((u[i] = 0));
      unchecked((v[i] = 0));
    }
    unchecked((u[0] = 1));
    // Each batch removes about 30 bits from len(a) + len(b); the cap only guards against a bug.
    const cap = (2 * n * 30) / 29 + 4;
    let batches = 0;
    while (!isZero(a, n)) {
      if (++batches > cap) return false;
      // 62-bit approximations: low 30 bits exact, top 32 bits of the longer value's length.
      let len = bitLength(a, n);
      const lb = bitLength(b, n);
      if (lb > len) len = lb;
      let xa: i64, xb: i64;
      if (len <= 62) {
        xa = unchecked(a[0]) | (unchecked(a[1]) << B30) | (unchecked(a[2]) << 60);
        xb = unchecked(b[0]) | (unchecked(b[1]) << B30) | (unchecked(b[2]) << 60);
      } else {
        xa = unchecked(a[0]) | (topBits32(a, len) << B30);
        xb = unchecked(b[0]) | (topBits32(b, len) << B30);
      }
      // 30 steps; (f0 g0; f1 g1) maps the batch's starting (a, b) to 2^30 * (a', b').
      let f0: i64 = 1, g0: i64 = 0, f1: i64 = 0, g1: i64 = 1;
      for (let j = 0; j < 30; j++) {
        if (xa & 1) {
          if (xa < xb) {
            const t = xa; xa = xb; xb = t;
            const tf = f0; f0 = f1; f1 = tf;
            const tg = g0; g0 = g1; g1 = tg;
          }
          xa -= xb;
          f0 -= f1;
          g0 -= g1;
        }
        xa >>= 1;
        f1 <<= 1;
        g1 <<= 1;
      }
      // a' = (a f0 + b g0) / 2^30, b' = (a f1 + b g1) / 2^30 (exact), made non-negative.
      const ta = this.ta, tb = this.tb;
      combineShift(ta, a, b, f0, g0, n);
      combineShift(tb, a, b, f1, g1, n);
      if (isNegative(ta, n)) {
        negate(ta, n);
        f0 = -f0;
        g0 = -g0;
      }
      if (isNegative(tb, n)) {
        negate(tb, n);
        f1 = -f1;
        g1 = -g1;
      }
      for (let i = 0; i < n; i++) {
        unchecked((a[i] = ta[i]));
        unchecked((b[i] = tb[i]));
      }
      // Same matrix on (u, v), divided by 2^30 modulo m.
      this.combineMod(ta, u, v, f0, g0);
      this.combineMod(tb, u, v, f1, g1);
      for (let i = 0; i < n; i++) {
        unchecked((u[i] = ta[i]));
        unchecked((v[i] = tb[i]));
      }
    }
    // gcd = b must be 1; then v * y = 1.
    if (unchecked(b[0]) != 1) return false;
    for (let i = 1; i < n; i++) if (unchecked(b[i]) != 0) return false;
    to32(r, v, words);
    return true;
  }

  /** r = (x f + y g) / 2^30 mod m, in [0, m), for x, y in [0, m) and |f|, |g| <= 2^30. */
  private combineMod(r: StaticArray<i64>, x: StaticArray<i64>, y: StaticArray<i64>, f: i64, g: i64): void {
    const n = this.limbs;
    const m = this.m;
    // q makes the lowest limb vanish: (x f + y g + q m) = 0 mod 2^30.
    const low = (unchecked(x[0]) * f + unchecked(y[0]) * g) & M30;
    const q = (low * this.minv) & M30;
    let c: i64 = (unchecked(x[0]) * f + unchecked(y[0]) * g + q * unchecked(m[0])) >> B30;
    for (let i = 1; i < n; i++) {
      c += unchecked(x[i]) * f + unchecked(y[i]) * g + q * unchecked(m[i]);
      unchecked((r[i - 1] = c & M30));
      c >>= B30;
    }
    unchecked((r[n - 1] = c));
    // |result| < 3m: bring it into [0, m).
    while (isNegative(r, n)) addTo(r, m, n, 1);
    while (compare(r, m, n) >= 0) addTo(r, m, n, -1);
  }
}

/** 32-bit words to 30-bit limbs (the top limb takes the rest). */
function from32(dst: StaticArray<i64>, src: StaticArray<u32>, words: i32): void {
  const n = dst.length;
  let acc: u64 = 0;
  let bits = 0;
  let k = 0;
  for (let i = 0; i < n; i++) {
    while (bits < 30 && k < words) {
      acc |= (<u64>unchecked(src[k])) << bits;
      bits += 32;
      k++;
    }
    unchecked((dst[i] = <i64>(acc & <u64>M30)));
    acc >>= 30;
    bits = bits > 30 ? bits - 30 : 0;
  }
}

/** Non-negative normalized 30-bit limbs to 32-bit words (value must fit). */
function to32(dst: StaticArray<u32>, src: StaticArray<i64>, words: i32): void {
  const n = src.length;
  let acc: u64 = 0;
  let bits = 0;
  let k = 0;
  for (let i = 0; i < words; i++) {
    while (bits < 32 && k < n) {
      acc |= (<u64>unchecked(src[k])) << bits;
      bits += 30;
      k++;
    }
    unchecked((dst[i] = <u32>acc));
    acc >>= 32;
    bits = bits > 32 ? bits - 32 : 0;
  }
}

function isZero(x: StaticArray<i64>, n: i32): bool {
  for (let i = 0; i < n; i++) if (unchecked(x[i]) != 0) return false;
  return true;
}

// @ts-ignore: decorator
@inline function isNegative(x: StaticArray<i64>, n: i32): bool {
  return unchecked(x[n - 1]) < 0;
}

/** Bit length of a non-negative normalized value. */
function bitLength(x: StaticArray<i64>, n: i32): i32 {
  for (let i = n - 1; i >= 0; i--) {
    const w = unchecked(x[i]);
    if (w != 0) return i * 30 + 64 - <i32>clz<i64>(w);
  }
  return 0;
}

/** Bits [len - 32, len) of x (len > 62). */
function topBits32(x: StaticArray<i64>, len: i32): i64 {
  const lo = len - 32;
  const li = lo / 30;
  const sh = lo % 30;
  // Up to three limbs cover 32 bits starting inside limb li.
  let v: u64 = <u64>unchecked(x[li]);
  v |= (<u64>unchecked(x[li + 1])) << 30;
  if (li + 2 < x.length) v |= (<u64>unchecked(x[li + 2])) << 60;
  return <i64>((v >> <u64>sh) & 0xffffffff);
}

/** r = (x f + y g) >> 30 for normalized x, y (exact: the low limb of x f + y g is 0). */
function combineShift(r: StaticArray<i64>, x: StaticArray<i64>, y: StaticArray<i64>, f: i64, g: i64, n: i32): void {
  let c: i64 = (unchecked(x[0]) * f + unchecked(y[0]) * g) >> B30;
  for (let i = 1; i < n; i++) {
    c += unchecked(x[i]) * f + unchecked(y[i]) * g;
    unchecked((r[i - 1] = c & M30));
    c >>= B30;
  }
  unchecked((r[n - 1] = c));
}

/** x = -x (signed normalized limbs). */
function negate(x: StaticArray<i64>, n: i32): void {
  let c: i64 = 0;
  for (let i = 0; i < n - 1; i++) {
    c -= unchecked(x[i]);
    unchecked((x[i] = c & M30));
    c >>= B30;
  }
  unchecked((x[n - 1] = c - unchecked(x[n - 1])));
}

/** x += sign * m (sign = +-1). */
function addTo(x: StaticArray<i64>, m: StaticArray<i64>, n: i32, sign: i64): void {
  let c: i64 = 0;
  for (let i = 0; i < n - 1; i++) {
    c += unchecked(x[i]) + sign * unchecked(m[i]);
    unchecked((x[i] = c & M30));
    c >>= B30;
  }
  unchecked((x[n - 1] = c + unchecked(x[n - 1]) + sign * unchecked(m[n - 1])));
}

function compare(x: StaticArray<i64>, y: StaticArray<i64>, n: i32): i32 {
  for (let i = n - 1; i >= 0; i--) {
    const p = unchecked(x[i]), q = unchecked(y[i]);
    if (p != q) return p < q ? -1 : 1;
  }
  return 0;
}
