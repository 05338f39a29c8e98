// Claim values turned into header text exactly as Envoy's jwt_authn `claim_to_headers` does
// (source/extensions/filters/http/jwt_authn/authenticator.cc, addJWTClaimToHeader, and the nested
// lookup in jwt_verify_lib StructUtils::GetValue):
//   - the claim name is split on every '.', each segment an object member ("org.tenant_id"); every
//     segment but the last must name an object. No array indexing, no escaping ("a[0]" is a plain key);
//   - string: as is; an empty string adds no header;
//   - number (a double once parsed): when it is not negative, below 2^64 and integral, the unsigned
//     64-bit integer in decimal ("9999", "12345678901234567168" for 12345678901234567890); otherwise
//     C++ std::to_string(double), i.e. printf "%f": six decimals, exact binary value rounded half-even
//     ("1.500000", "-5.000000", "0.100000", "100000000000000000000.000000" for 1e20);
//   - boolean: "true" / "false";
//   - object or array: standard base64 (with padding) of its compact JSON (see json-text in
//     claimJsonText for the exact form), as Envoy >= 1.27 does;
//   - null, or a missing claim: no header (null here).

import { JsonValue, JsonKind } from "../json";
import { protobufJsonText } from "./protobuf-json";
import { base64StdEncode } from "./base64-std";

/** Header text for claim `path` of a verified payload, or null when Envoy would add no header. */
export function claimToHeaderValue(payload: JsonValue, path: string): string | null {
  const value = payload.getPath(path);
  if (value === null) return null;
  return claimValueToHeader(value);
}

/** Header text of one claim value (null when Envoy adds no header for it). */
export function claimValueToHeader(value: JsonValue): string | null {
  switch (value.kind) {
    case JsonKind.String: {
      const s = value.asString()!;
      return s.length > 0 ? s : null;
    }
    case JsonKind.Number:
      return claimNumberText(value.asNumber());
    case JsonKind.Bool:
      return value.asBool() ? "true" : "false";
    case JsonKind.Object:
    case JsonKind.Array: {
      const json = protobufJsonText(value);
      if (json === null) return null;
      return base64StdEncode(Uint8Array.wrap(String.UTF8.encode(json)));
    }
  }
  return null;
}

/** 2^64 as a double: the first value Envoy no longer prints as an unsigned integer. */
const TWO_POW_64: f64 = 18446744073709551616.0;

/** Envoy's convertClaimDoubleToString. */
export function claimNumberText(x: f64): string {
  if (x >= 0 && x < TWO_POW_64 && Math.floor(x) == x) return (<u64>x).toString();
  return printfFixed6(x);
}

/**
 * printf("%f", x) as glibc prints it: the exact binary value rounded half-even to six decimals,
 * "-" for negative values (also when they round to zero), "inf"/"-inf"/"nan"/"-nan" for non-finite.
 */
export function printfFixed6(x: f64): string {
  const bits = reinterpret<u64>(x);
  const negative = (bits >> 63) != 0;
  const sign = negative ? "-" : "";
  const biased = <i32>((bits >> 52) & 0x7FF);
  let mantissa = bits & 0xFFFFFFFFFFFFF;
  if (biased == 0x7FF) return mantissa != 0 ? sign + "nan" : sign + "inf";
  let exp2: i32;
  if (biased == 0) {
    exp2 = -1074;
  } else {
    mantissa |= <u64>1 << 52;
    exp2 = biased - 1075;
  }
  // Exact value = mantissa * 2^exp2 = digits * 10^-scale with digits an integer.
  const digits = new Decimal(mantissa);
  let scale = 0;
  if (exp2 >= 0) {
    digits.mulPow2(exp2);
  } else {
    // m / 2^k = m * 5^k / 10^k
    digits.mulPow5(-exp2);
    scale = -exp2;
  }
  let text = digits.toString();
  // Pad so there is at least one integer digit.
  if (text.length <= scale) text = "0".repeat(scale - text.length + 1) + text;
  let intPart = text.substring(0, text.length - scale);
  let frac = text.substring(text.length - scale);
  if (frac.length <= 6) return sign + intPart + "." + frac + "0".repeat(6 - frac.length);
  // Round the exact fraction to six digits, half to even.
  const kept = frac.substring(0, 6);
  const first = frac.charCodeAt(6) - 0x30;
  let restNonZero = false;
  for (let i = 7; i < frac.length; i++) {
    if (frac.charCodeAt(i) != 0x30) {
      restNonZero = true;
      break;
    }
  }
  const lastKept = (intPart + kept).charCodeAt(intPart.length + 5) - 0x30;
  const up = first > 5 || (first == 5 && (restNonZero || (lastKept & 1) == 1));
  let all = intPart + kept;
  if (up) all = incrementDecimal(all);
  const split = all.length - 6;
  return sign + all.substring(0, split) + "." + all.substring(split);
}

/** Adds one to a string of decimal digits ("0999" -> "1000", "999" -> "1000"). */
function incrementDecimal(s: string): string {
  const out = new Array<i32>(s.length);
  let carry = 1;
  for (let i = s.length - 1; i >= 0; i--) {
    let d = s.charCodeAt(i) - 0x30 + carry;
    carry = d == 10 ? 1 : 0;
    if (d == 10) d = 0;
    unchecked(out[i] = d + 0x30);
  }
  let r = carry ? "1" : "";
  for (let i = 0; i < out.length; i++) r += String.fromCharCode(unchecked(out[i]));
  return r;
}

/** Non-negative big integer in base 10^9 limbs (little-endian), just enough for exact double printing. */
class Decimal {
  limbs: Array<u32> = new Array<u32>();

  constructor(value: u64) {
    while (value > 0) {
      this.limbs.push(<u32>(value % 1000000000));
      value /= 1000000000;
    }
  }

  private mulSmall(f: u32): void {
    let carry: u64 = 0;
    const l = this.limbs;
    for (let i = 0; i < l.length; i++) {
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
    while (n >= 29) {
      this.mulSmall(1 << 29);
      n -= 29;
    }
    if (n > 0) this.mulSmall(<u32>1 << n);
  }

  mulPow5(n: i32): void {
    // 5^13 = 1220703125 < 2^32
    while (n >= 13) {
      this.mulSmall(1220703125);
      n -= 13;
    }
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
