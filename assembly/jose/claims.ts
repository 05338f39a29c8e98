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
//   - object or array: standard base64 (with padding) of its compact JSON as protobuf prints it
//     (protobuf-json.ts: escaping, number form; member order is document order here, unspecified
//     map order in Envoy);
//   - null, or a missing claim: no header (null here).

import { JsonValue, JsonKind } from "../json";
import { protobufJsonText } from "./protobuf-json";
import { base64StdEncode } from "./base64-std";
import { printfFixed6 } from "./double-text";

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
