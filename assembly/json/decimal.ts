// Correctly rounded (round-half-even) conversion of a JSON number literal to f64, so a value read
// here equals what JSON.parse / Envoy's JSON parser produce. The standard library's parseFloat is
// not usable: it keeps 19 digits and loses precision (even orders of magnitude) on large exponents.
//
// Fast path (Clinger): when the significant digits fit in 2^53 and the power of ten is exact in
// f64 (10^0..10^22), one IEEE multiplication or division is already correctly rounded.
// Slow path: take an approximation within a few ulps, then compare the exact decimal value with the
// midpoints to the neighbouring doubles in big-integer arithmetic and step until it is the nearest.

/** Significant digits kept exactly; any further non-zero digit only acts as a sticky bit. 767 is
 *  the most a midpoint between two doubles can need, so 768 + sticky decides every tie correctly. */
const MAX_DIGITS = 768;
/** 32-bit limbs of the comparison integers: ~2700 bits is the worst case, keep headroom. */
const LIMBS = 128;

// Exact powers of ten representable in f64.
const EXACT_POW10: StaticArray<f64> = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/**
 * Value of the JSON number literal at [ptr, ptr+len). The bytes must already be validated against
 * the RFC 8259 number grammar; overflow gives ±Infinity, underflow ±0 (as JSON.parse does).
 */
export function jsonNumberToF64(ptr: usize, len: i32): f64 {
  let i = 0;
  let negative = false;
  if (len > 0 && load<u8>(ptr) == 0x2D) {
    negative = true;
    i = 1;
  }
  // First pass: locate the significant digits (leading zeros of the integer or fraction part
  // dropped) and the decimal exponent.
  let firstSig = -1; // byte index of the first non-zero digit
  let lastSig = -1; // byte index of the last non-zero digit
  let digitsBeforeDotFromFirst = 0; // significant-position count of integer-part digits at or after firstSig
  let sawDot = false;
  let fracDigitsBeforeFirst = 0; // fraction zeros preceding the first significant digit
  let mantEnd = len;
  for (let j = i; j < len; j++) {
    const c = <u32>load<u8>(ptr + j);
    if (c == 0x2E) {
      sawDot = true;
      continue;
    }
    if (c == 0x65 || c == 0x45) {
      mantEnd = j;
      break;
    }
    if (c != 0x30) {
      if (firstSig < 0) firstSig = j;
      lastSig = j;
    } else if (firstSig < 0 && sawDot) {
      fracDigitsBeforeFirst++;
    }
    if (firstSig >= 0 && !sawDot) digitsBeforeDotFromFirst++;
  }
  if (firstSig < 0) return negative ? -0.0 : 0.0;

  // Exponent part, saturated far beyond any value that still matters.
  let exp10: i64 = 0;
  if (mantEnd < len) {
    let j = mantEnd + 1;
    let expNegative = false;
    const s = <u32>load<u8>(ptr + j);
    if (s == 0x2D || s == 0x2B) {
      expNegative = s == 0x2D;
      j++;
    }
    for (; j < len; j++) {
      if (exp10 < 100000000) exp10 = exp10 * 10 + <i64>(load<u8>(ptr + j) - 0x30);
    }
    if (expNegative) exp10 = -exp10;
  }

  // Collect the significant digits firstSig..lastSig (skipping the dot). Value = D * 10^E where
  // D is the integer formed by those digits.
  let nDigits = 0;
  let mant: u64 = 0;
  for (let j = firstSig; j <= lastSig; j++) {
    const c = <u32>load<u8>(ptr + j);
    if (c == 0x2E) continue;
    if (nDigits < 19) mant = mant * 10 + <u64>(c - 0x30);
    nDigits++;
  }
  // Value = 0.d1d2..dn * 10^point. At most one of the two counts is non-zero: a first significant
  // digit in the fraction means the integer part was "0".
  const point: i64 = <i64>digitsBeforeDotFromFirst - <i64>fracDigitsBeforeFirst + exp10;
  const e10: i64 = point - <i64>nDigits;

  if (point > 310) return negative ? -Infinity : Infinity;
  if (point < -324) return negative ? -0.0 : 0.0;

  let value: f64;
  if (nDigits <= 19 && mant <= (<u64>1 << 53) && e10 >= -22 && e10 <= 22 + 15) {
    value = fastPath(mant, <i32>e10);
    if (!isNaN(value)) return negative ? -value : value;
  }
  value = slowPath(ptr, firstSig, lastSig, nDigits, mant, <i32>e10);
  return negative ? -value : value;
}

/** Exact-operand result when available, NaN otherwise. */
function fastPath(mant: u64, e10: i32): f64 {
  const m = <f64>mant; // exact: mant <= 2^53
  if (e10 < 0) return m / unchecked(EXACT_POW10[-e10]);
  if (e10 <= 22) return m * unchecked(EXACT_POW10[e10]);
  // Move the excess of the exponent into the mantissa while that stays exact.
  const scaled = mant * <u64>unchecked(EXACT_POW10[e10 - 22]);
  if (scaled > (<u64>1 << 53) || scaled / <u64>unchecked(EXACT_POW10[e10 - 22]) != mant) return NaN;
  return <f64>scaled * 1e22;
}

function slowPath(ptr: usize, firstSig: i32, lastSig: i32, nDigits: i32, top19: u64, e10: i32): f64 {
  // D as a big integer, at most MAX_DIGITS digits plus a sticky 1 for anything non-zero beyond.
  const d = new BigInt();
  let kept = 0;
  let chunk: u32 = 0;
  let chunkLen = 0;
  let sticky = false;
  for (let j = firstSig; j <= lastSig; j++) {
    const c = <u32>load<u8>(ptr + j);
    if (c == 0x2E) continue;
    if (kept == MAX_DIGITS) {
      if (c != 0x30) sticky = true;
      continue;
    }
    chunk = chunk * 10 + (c - 0x30);
    chunkLen++;
    kept++;
    if (chunkLen == 9) {
      d.mulAdd(1000000000, chunk);
      chunk = 0;
      chunkLen = 0;
    }
  }
  if (chunkLen > 0) d.mulAdd(<u32>unchecked(EXACT_POW10[chunkLen]), chunk);
  let e = e10 + (nDigits - kept);
  if (sticky) {
    d.mulAdd(10, 1);
    e -= 1;
  }

  // Approximation from the first 19 digits: a few ulps off at most.
  const topDigits = nDigits < 19 ? nDigits : 19;
  const k = e10 + (nDigits - topDigits);
  let approx = <f64>top19;
  if (k > 0) approx *= Math.pow(10, <f64>k);
  else if (k < -300) approx = approx / 1e300 / Math.pow(10, <f64>(-k - 300));
  else if (k < 0) approx /= Math.pow(10, <f64>-k);

  // D * 5^e when e >= 0 does not change between comparisons.
  let scaledD = d;
  if (e > 0) {
    scaledD = d.clone();
    scaledD.mulPow5(e);
  }
  let b = approx;
  for (let iter = 0; iter < 200; iter++) {
    const bits = reinterpret<u64>(b);
    if (bits < 0x7FF0000000000000) {
      const up = reinterpret<f64>(bits + 1);
      const c = compareWithMidpoint(scaledD, e, b, up);
      if (c > 0 || (c == 0 && (bits & 1) != 0)) {
        b = up;
        continue;
      }
    }
    if (bits != 0) {
      const down = reinterpret<f64>(bits - 1);
      const c = compareWithMidpoint(scaledD, e, down, b);
      if (c < 0 || (c == 0 && (bits & 1) != 0)) {
        b = down;
        continue;
      }
    }
    break;
  }
  return b;
}

/** Sign of (D * 10^e) - (lo + hi) / 2 for adjacent non-negative doubles lo < hi (hi may be +Infinity,
 *  read as 2^1024). `scaledD` already includes 5^e when e > 0. */
function compareWithMidpoint(scaledD: BigInt, e: i32, lo: f64, hi: f64): i32 {
  const loBits = reinterpret<u64>(lo);
  const hiBits = reinterpret<u64>(hi);
  const loExp = <i32>(loBits >> 52);
  const hiExp = <i32>(hiBits >> 52);
  const loMant = loExp == 0 ? loBits & 0xFFFFFFFFFFFFF : (loBits & 0xFFFFFFFFFFFFF) | (<u64>1 << 52);
  const hiMant = hiExp == 0 ? hiBits & 0xFFFFFFFFFFFFF : (hiBits & 0xFFFFFFFFFFFFF) | (<u64>1 << 52);
  const loQ = loExp == 0 ? -1074 : loExp - 1075;
  const hiQ = hiExp == 0 ? -1074 : hiExp - 1075;
  // lo + hi = (loMant + hiMant * 2^(hiQ-loQ)) * 2^loQ, and hiQ - loQ is 0 or 1 for neighbours.
  const sum = loMant + (hiMant << <u64>(hiQ - loQ));
  const midQ = loQ - 1;

  const left = scaledD.clone();
  const right = new BigInt();
  right.setU64(sum);
  if (e < 0) right.mulPow5(-e);
  // Remaining powers of two: left * 2^e versus right * 2^midQ.
  const shift = e - midQ;
  if (shift > 0) left.shl(shift);
  else if (shift < 0) right.shl(-shift);
  return left.compare(right);
}

/** Non-negative integer in little-endian 32-bit limbs, just the operations the comparison needs.
 *  Sizes are bounded by the digit and exponent limits above; `overflow` marks a result that did not
 *  fit (cannot happen with those bounds, but is checked instead of trapping). */
class BigInt {
  limbs: StaticArray<u32> = new StaticArray<u32>(LIMBS);
  size: i32 = 0;
  overflow: bool = false;

  clone(): BigInt {
    const r = new BigInt();
    memory.copy(changetype<usize>(r.limbs), changetype<usize>(this.limbs), <usize>this.size << 2);
    r.size = this.size;
    r.overflow = this.overflow;
    return r;
  }

  setU64(v: u64): void {
    unchecked((this.limbs[0] = <u32>v));
    unchecked((this.limbs[1] = <u32>(v >> 32)));
    this.size = v == 0 ? 0 : v >> 32 ? 2 : 1;
  }

  /** this = this * m + a */
  mulAdd(m: u32, a: u32): void {
    let carry: u64 = a;
    const limbs = this.limbs;
    for (let i = 0; i < this.size; i++) {
      const t = <u64>unchecked(limbs[i]) * m + carry;
      unchecked((limbs[i] = <u32>t));
      carry = t >> 32;
    }
    if (carry != 0) this.push(<u32>carry);
  }

  mulPow5(n: i32): void {
    // 5^13 is the largest power of five below 2^32.
    while (n >= 13) {
      this.mulAdd(1220703125, 0);
      n -= 13;
    }
    if (n > 0) {
      let p: u32 = 1;
      while (n-- > 0) p *= 5;
      this.mulAdd(p, 0);
    }
  }

  shl(bits: i32): void {
    if (this.size == 0) return;
    const words = bits >> 5;
    const rem = bits & 31;
    if (this.size + words + 1 > LIMBS) {
      this.overflow = true;
      return;
    }
    const limbs = this.limbs;
    if (rem == 0) {
      for (let i = this.size - 1; i >= 0; i--) unchecked((limbs[i + words] = limbs[i]));
    } else {
      unchecked((limbs[this.size + words] = 0));
      for (let i = this.size - 1; i >= 0; i--) {
        const v = unchecked(limbs[i]);
        unchecked((limbs[i + words + 1] |= v >> (32 - rem)));
        unchecked((limbs[i + words] = v << rem));
      }
      this.size += 1;
    }
    for (let i = 0; i < words; i++) unchecked((limbs[i] = 0));
    this.size += words;
    while (this.size > 0 && unchecked(limbs[this.size - 1]) == 0) this.size--;
  }

  compare(other: BigInt): i32 {
    if (this.size != other.size) return this.size > other.size ? 1 : -1;
    for (let i = this.size - 1; i >= 0; i--) {
      const a = unchecked(this.limbs[i]);
      const b = unchecked(other.limbs[i]);
      if (a != b) return a > b ? 1 : -1;
    }
    return 0;
  }

  private push(v: u32): void {
    if (this.size >= LIMBS) {
      this.overflow = true;
      return;
    }
    unchecked((this.limbs[this.size] = v));
    this.size++;
  }
}
