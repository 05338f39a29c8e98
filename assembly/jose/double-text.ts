// Doubles printed the way Envoy's C++ prints claim values, from the exact binary value (every double
// is a finite decimal): glibc printf rounds that exact value half to even.
//   printfFixed6(x)  = printf("%f", x)       (std::to_string(double))
//   protobufDouble(x) = protobuf's SimpleDtoa: printf("%.15g"), or "%.17g" when 15 digits do not
//                       read back as the same double (google.protobuf.Value numbers in JSON output)

import { jsonNumberToF64 } from "../json/decimal";

/** Non-negative big integer in base 10^9 limbs (little-endian): just enough for exact double expansion. */
class BigDecimal {
  limbs: Array<u32> = new Array<u32>();

  constructor(value: u64) {
    while (value > 0) {
      this.limbs.push(<u32>(value % 1000000000));
      value /= 1000000000;
    }
  }

  /** this *= f (f < 2^32; limb * f + carry stays below 2^64). */
  private mulSmall(f: u32): void {
    let carry: u64 = 0;
    const l = this.limbs;
    for (let i = 0, n = l.length; i < n; i++) {
      const t = <u64>unchecked(l[i]) * f + carry;
      unchecked(l[i] = <u32>(t % 1000000000));
      carry = t / 1000000000;
    }
    while (carry > 0) {
      l.push(<u32>(carry % 1000000000));
      carry /= 1000000000;
    }
  }

  mulPow2(n: i32): void {
    for (; n >= 31; n -= 31) this.mulSmall(<u32>1 << 31);
    if (n > 0) this.mulSmall(<u32>1 << n);
  }

  mulPow5(n: i32): void {
    for (; n >= 13; n -= 13) this.mulSmall(1220703125); // 5^13
    let f: u32 = 1;
    for (let i = 0; i < n; i++) f *= 5;
    if (f > 1) this.mulSmall(f);
  }

  toString(): string {
    const l = this.limbs;
    if (l.length == 0) return "0";
    let s = unchecked(l[l.length - 1]).toString();
    for (let i = l.length - 2; i >= 0; i--) {
      const part = unchecked(l[i]).toString();
      s += "0".repeat(9 - part.length) + part;
    }
    return s;
  }
}

/** |x| (finite) as exact decimal: value = digits * 10^-scale, digits without leading zeros ("0" for zero). */
class Exact {
  constructor(readonly digits: string, readonly scale: i32) {}
}

function exact(x: f64): Exact {
  const bits = reinterpret<u64>(x);
  const biased = <i32>((bits >> 52) & 0x7FF);
  let mantissa = bits & 0xFFFFFFFFFFFFF;
  let exp2: i32;
  if (biased == 0) {
    exp2 = -1074;
  } else {
    mantissa |= <u64>1 << 52;
    exp2 = biased - 1075;
  }
  const n = new BigDecimal(mantissa);
  if (mantissa == 0) return new Exact("0", 0);
  if (exp2 >= 0) {
    n.mulPow2(exp2);
    return new Exact(n.toString(), 0);
  }
  // m / 2^k = m * 5^k / 10^k
  n.mulPow5(-exp2);
  return new Exact(n.toString(), -exp2);
}

/**
 * Rounds a digit string to its first `keep` digits, half to even on the exact tail; returns the kept
 * digits (one longer when the rounding carried out of the first digit, e.g. "999" -> "1000").
 */
function roundDigits(digits: string, keep: i32): string {
  if (keep >= digits.length) return digits + "0".repeat(keep - digits.length);
  if (keep < 0) return "";
  const first = digits.charCodeAt(keep) - 0x30;
  let tail = false;
  for (let i = keep + 1; i < digits.length; i++) {
    if (digits.charCodeAt(i) != 0x30) {
      tail = true;
      break;
    }
  }
  const kept = digits.substring(0, keep);
  const lastOdd = keep > 0 && ((kept.charCodeAt(keep - 1) - 0x30) & 1) == 1;
  const up = first > 5 || (first == 5 && (tail || lastOdd));
  return up ? increment(kept) : kept;
}

/** Adds one to a (possibly empty) decimal digit string. */
function increment(s: string): string {
  const out = new StaticArray<u16>(s.length);
  let carry = 1;
  for (let i = s.length - 1; i >= 0; i--) {
    let d = <i32>s.charCodeAt(i) - 0x30 + carry;
    carry = 0;
    if (d == 10) {
      d = 0;
      carry = 1;
    }
    unchecked(out[i] = <u16>(0x30 + d));
  }
  const body = String.UTF16.decodeUnsafe(changetype<usize>(out), <usize>s.length << 1);
  return carry ? "1" + body : body;
}

function special(x: f64, negative: bool): string {
  return isNaN(x) ? (negative ? "-nan" : "nan") : negative ? "-inf" : "inf";
}

/** printf("%f", x): six decimals. */
export function printfFixed6(x: f64): string {
  const negative = (reinterpret<u64>(x) >> 63) != 0;
  if (!isFinite(x)) return special(x, negative);
  const sign = negative ? "-" : "";
  const e = exact(x);
  let digits = e.digits;
  // Integer digits = len - scale (at least one: pad with zeros in front).
  if (digits.length <= e.scale) digits = "0".repeat(e.scale - digits.length + 1) + digits;
  const intLen = digits.length - e.scale;
  const rounded = roundDigits(digits, intLen + 6);
  const split = rounded.length - 6;
  return sign + rounded.substring(0, split) + "." + rounded.substring(split);
}

/** printf("%.<precision>g", x) for 1 <= precision <= 17. */
export function printfG(x: f64, precision: i32): string {
  const negative = (reinterpret<u64>(x) >> 63) != 0;
  if (!isFinite(x)) return special(x, negative);
  const sign = negative ? "-" : "";
  if (x == 0) return sign + "0";
  const e = exact(x);
  // Decimal exponent of the first significant digit.
  let exp10 = e.digits.length - e.scale - 1;
  let sig = roundDigits(e.digits, precision);
  if (sig.length > precision) {
    // Carried into a new leading digit (9.99.. -> 10.0..).
    sig = sig.substring(0, precision);
    exp10++;
  }
  // Trailing zeros go (no '#' flag).
  let end = sig.length;
  while (end > 1 && sig.charCodeAt(end - 1) == 0x30) end--;
  sig = sig.substring(0, end);
  if (exp10 < -4 || exp10 >= precision) {
    const mant = sig.length > 1 ? sig.substring(0, 1) + "." + sig.substring(1) : sig;
    const ae = exp10 < 0 ? -exp10 : exp10;
    return sign + mant + (exp10 < 0 ? "e-" : "e+") + (ae < 10 ? "0" : "") + ae.toString();
  }
  if (exp10 < 0) return sign + "0." + "0".repeat(-exp10 - 1) + sig;
  if (sig.length <= exp10 + 1) return sign + sig + "0".repeat(exp10 + 1 - sig.length);
  return sign + sig.substring(0, exp10 + 1) + "." + sig.substring(exp10 + 1);
}

/** protobuf io::SimpleDtoa: "%.15g" when it reads back exactly, else "%.17g"; "inf"/"-inf"/"nan" as is. */
export function protobufDouble(x: f64): string {
  const short = printfG(x, 15);
  if (!isFinite(x)) return short;
  const bytes = String.UTF8.encode(short);
  if (jsonNumberToF64(changetype<usize>(bytes), bytes.byteLength) == x) return short;
  return printfG(x, 17);
}
