// JWS compact serialisation verification (RFC 7515 3.1, 5.2), strictly:
//   - at most maxTokenBytes (checked first), exactly three parts separated by two dots, a non-empty
//     header; JSON serialisations (RFC 7515 7.2) are refused;
//   - every part strict base64url (no padding, no stray characters, canonical trailing bits);
//   - the header (header.ts) a JSON object without duplicate members; "alg" a string, never "none"
//     (any case), one of HS256/384/512, RS256/384/512, PS256/384/512, ES256/384/512, EdDSA (or
//     "Ed25519"); "b64": false (RFC 7797) refused; any "crit" refused (no extension is understood);
//   - the key chosen by kid, then by what allows alg (jwks.ts); alg must fit the key's type, curve,
//     size and own alg, so an RSA/EC/OKP key is never used as an HMAC secret;
//   - the signature exactly the algorithm's length (HMAC: the full tag; RSA: the modulus length;
//     ES256/384/512: 64/96/132 bytes; EdDSA: 64 bytes).
// Header members jku, x5u, jwk, x5c are never used to find keys: only the configured set counts.
// The token is never copied: the signing input is hashed in place, the parts are decoded from views.

import { JsonValue } from "../json";
import { JoseError, reasonCode } from "./errors";
import { JwsAlg, algName } from "./alg";
import { headerOf } from "./header";
import { Jwk } from "./jwk";
import { JwkSet } from "./jwks";
import { base64urlDecodeRange } from "../encoding/base64url";
import { SignatureChecker, WASM_SIGNATURES } from "./signature";

export const DEFAULT_MAX_TOKEN_BYTES: i32 = 16 * 1024;

export class JwsLimits {
  /** Longest token accepted, in bytes (Envoy's jwt_authn has no such bound; 16 KiB fits any sane JWT). */
  maxTokenBytes: i32 = DEFAULT_MAX_TOKEN_BYTES;
}

export class JwsResult {
  constructor(
    readonly error: JoseError,
    /** Longer explanation ("header has no alg", "key 'k1' was refused: ..."); "" when ok. */
    readonly detail: string,
    /** Header alg as written ("" when unreadable). */
    readonly alg: string,
    /** Header kid (null when absent or unreadable). */
    readonly kid: string | null,
    /** Parsed protected header (null when unreadable). */
    readonly header: JsonValue | null,
    /** Decoded payload (set only when ok). */
    readonly payload: Uint8Array | null,
    /** The key that verified the signature (set only when ok). */
    readonly key: Jwk | null,
  ) {}

  get ok(): bool {
    return this.error == JoseError.None;
  }

  /** The stable reason code ("" when ok). */
  get reason(): string {
    return reasonCode(this.error);
  }
}

function fail(error: JoseError, detail: string, alg: string = "", kid: string | null = null, header: JsonValue | null = null): JwsResult {
  return new JwsResult(error, detail, alg, kid, header, null, null);
}

/** Verifies a compact JWS given as a string (encoded to UTF-8 once). */
export function verifyCompactString(token: string, keys: JwkSet, limits: JwsLimits = new JwsLimits()): JwsResult {
  // A string longer than the bound in UTF-16 units is certainly longer in UTF-8 bytes: refuse before encoding.
  if (token.length > limits.maxTokenBytes) return fail(JoseError.TooLarge, tooLarge(token.length, limits));
  return verifyCompact(Uint8Array.wrap(String.UTF8.encode(token)), keys, limits);
}

function tooLarge(length: i32, limits: JwsLimits): string {
  return "token is " + length.toString() + " bytes; at most " + limits.maxTokenBytes.toString() + " accepted";
}

/** Verifies a compact JWS (ASCII bytes) against a key set; `checker` does the signature arithmetic. */
export function verifyCompact(token: Uint8Array, keys: JwkSet, limits: JwsLimits = new JwsLimits(),
  checker: SignatureChecker = WASM_SIGNATURES): JwsResult {
  const n = token.length;
  if (n > limits.maxTokenBytes) return fail(JoseError.TooLarge, tooLarge(n, limits));
  if (n == 0) return fail(JoseError.Malformed, "token is empty");
  if (unchecked(token[0]) == 0x7B) return fail(JoseError.Malformed, "JWS JSON serialization is not supported; compact form only");

  // Exactly two dots.
  const dots = findDots(token);
  const dot1 = <i32>(dots >>> 32), dot2 = <i32>(dots & 0xFFFFFFFF);
  if (dot2 < 0) return fail(JoseError.Malformed, "compact JWS has 3 parts; this token has " + (countDots(token) + 1).toString());

  const h = headerOf(token, dot1);
  const header = h.value;
  const kid = h.kid;
  const algText = h.algText;
  if (h.error != JoseError.None) return fail(h.error, h.detail, algText, kid, header);
  const alg = h.alg;

  const payload = base64urlDecodeRange(token, dot1 + 1, dot2);
  if (payload === null) return fail(JoseError.Malformed, "payload is not valid base64url", algText, kid, header);
  const headerValue = header!;
  const sig = base64urlDecodeRange(token, dot2 + 1, n);
  if (sig === null) return fail(JoseError.Malformed, "signature is not valid base64url", algText, kid, header);

  // Key selection: keys carrying the token's kid; when none has it (or the token has no kid), keys
  // without a kid (all keys for a token without kid). Then only keys that allow alg are tried.
  let tried = 0;
  let found = false;
  const set = keys.keys;
  if (kid !== null) {
    const wanted = kid!;
    for (let i = 0, m = set.length; i < m; i++) {
      const key = unchecked(set[i]);
      const k = key.kid;
      if (k === null || k != wanted) continue;
      found = true;
      if (!key.allows(alg)) continue;
      tried++;
      if (checker.verify(key, alg, token, dot2, sig)) return success(algText, kid, headerValue, payload, key);
    }
    if (!found) {
      const refused = keys.refusedWithKid(wanted);
      if (refused !== null) return fail(JoseError.BadKey, "key '" + wanted + "' was refused: " + refused.reason, algText, kid, header);
    }
  }
  if (!found) {
    for (let i = 0, m = set.length; i < m; i++) {
      const key = unchecked(set[i]);
      if (kid !== null && key.kid !== null) continue;
      found = true;
      if (!key.allows(alg)) continue;
      tried++;
      if (checker.verify(key, alg, token, dot2, sig)) return success(algText, kid, headerValue, payload, key);
    }
    if (!found) {
      const why = kid !== null ? "no key has kid '" + kid! + "'" : "the key set is empty";
      return fail(JoseError.UnknownKid, why, algText, kid, header);
    }
  }
  if (tried == 0) {
    const what = kid !== null ? "no key with kid '" + kid! + "' allows " : "no key in the set allows ";
    return fail(JoseError.AlgNotAllowed, what + algName(alg), algText, kid, header);
  }
  return fail(JoseError.BadSignature, "signature does not verify", algText, kid, header);
}

const DOTS: u64 = 0x2E2E2E2E2E2E2E2E;
const LOW: u64 = 0x0101010101010101;
const HIGH: u64 = 0x8080808080808080;

/**
 * Positions of the two dots of a compact JWS packed as (dot1 << 32) | dot2, or dot2 = -1 when the
 * token does not have exactly two. Tokens are mostly dot-free, so eight bytes are tested at a time.
 */
function findDots(token: Uint8Array): u64 {
  const p = token.dataStart;
  const n = <usize>token.length;
  let first: i32 = -1, second: i32 = -1;
  let count = 0;
  let i: usize = 0;
  for (; i + 8 <= n; i += 8) {
    const v = load<u64>(p + i) ^ DOTS;
    if (((v - LOW) & ~v & HIGH) == 0) continue;
    for (let j: usize = 0; j < 8; j++) {
      if (load<u8>(p + i + j) != 0x2E) continue;
      count++;
      if (count == 1) first = <i32>(i + j);
      else if (count == 2) second = <i32>(i + j);
    }
  }
  for (; i < n; i++) {
    if (load<u8>(p + i) != 0x2E) continue;
    count++;
    if (count == 1) first = <i32>i;
    else if (count == 2) second = <i32>i;
  }
  if (count != 2) second = -1;
  return (<u64>(<u32>first) << 32) | <u64>(<u32>second);
}

function countDots(token: Uint8Array): i32 {
  let count = 0;
  for (let i = 0, n = token.length; i < n; i++) if (unchecked(token[i]) == 0x2E) count++;
  return count;
}

function success(alg: string, kid: string | null, header: JsonValue, payload: Uint8Array, key: Jwk): JwsResult {
  return new JwsResult(JoseError.None, "", alg, kid, header, payload, key);
}
