// JWS compact serialisation verification (RFC 7515 3.1, 5.2), strictly:
//   - at most maxTokenBytes (checked first), exactly three parts separated by two dots, a non-empty
//     header; JSON serialisations (RFC 7515 7.2) are refused;
//   - every part strict base64url (no padding, no stray characters, canonical trailing bits);
//   - the header a JSON object without duplicate members; "alg" a string, never "none" (any case),
//     one of HS256/384/512, RS256/384/512, PS256/384/512, ES256/384/512, EdDSA (or "Ed25519");
//   - "b64": false (RFC 7797) refused; any "crit" refused (no extension is understood);
//   - the key chosen by kid, then by what allows alg (jwks.ts); alg must fit the key's type, curve,
//     size and own alg, so an RSA/EC/OKP key is never used as an HMAC secret;
//   - the signature exactly the algorithm's length (HMAC: the full tag; RSA: the modulus length;
//     ES256/384/512: 64/96/132 bytes; EdDSA: 64 bytes).
// Header members jku, x5u, jwk, x5c are never used to find keys: only the configured set counts.
// The token is never copied: the signing input is hashed in place, the parts are decoded from views.

import { JsonValue, JsonLimits, parseJson } from "../json";
import { JoseError, reasonCode } from "./errors";
import { JwsAlg, algFromName, algName } from "./alg";
import { Jwk } from "./jwk";
import { JwkSet } from "./jwks";
import { base64urlDecodeRange } from "../encoding/base64url";
import { verifySignature } from "./signature";

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

/** Shared by the header parser: no token header needs deep nesting. */
function headerLimits(maxBytes: i32): JsonLimits {
  const l = new JsonLimits();
  l.maxInputBytes = maxBytes;
  l.maxDepth = 8;
  l.rejectDuplicateKeys = true;
  return l;
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

/** Verifies a compact JWS (ASCII bytes) against a key set. */
export function verifyCompact(token: Uint8Array, keys: JwkSet, limits: JwsLimits = new JwsLimits()): JwsResult {
  const n = token.length;
  if (n > limits.maxTokenBytes) return fail(JoseError.TooLarge, tooLarge(n, limits));
  if (n == 0) return fail(JoseError.Malformed, "token is empty");
  if (unchecked(token[0]) == 0x7B) return fail(JoseError.Malformed, "JWS JSON serialization is not supported; compact form only");

  // Exactly two dots.
  let dot1 = -1, dot2 = -1, dots = 0;
  for (let i = 0; i < n; i++) {
    if (unchecked(token[i]) == 0x2E) {
      dots++;
      if (dots == 1) dot1 = i;
      else if (dots == 2) dot2 = i;
    }
  }
  if (dots != 2) return fail(JoseError.Malformed, "compact JWS has 3 parts; this token has " + (dots + 1).toString());
  if (dot1 == 0) return fail(JoseError.Malformed, "header part is empty");

  const headerBytes = base64urlDecodeRange(token, 0, dot1);
  if (headerBytes === null) return fail(JoseError.Malformed, "header is not valid base64url");
  const parsed = parseJson(headerBytes, headerLimits(n));
  if (!parsed.ok) return fail(JoseError.Malformed, "header is not valid JSON: " + parsed.message);
  const header = parsed.value!;
  if (!header.isObject()) return fail(JoseError.Malformed, "header is not a JSON object");

  // kid (read first so every later failure can report it).
  let kid: string | null = null;
  const kidValue = header.get("kid");
  if (kidValue !== null) {
    kid = kidValue.asString();
    if (kid === null) return fail(JoseError.Malformed, "header kid is not a string", "", null, header);
  }

  const algValue = header.get("alg");
  if (algValue === null) return fail(JoseError.Malformed, "header has no alg", "", kid, header);
  const algText = algValue.asString();
  if (algText === null) return fail(JoseError.Malformed, "header alg is not a string", "", kid, header);
  if (algText.length == 4 && algText.toLowerCase() == "none") {
    return fail(JoseError.AlgNone, "alg '" + algText + "' (unsecured JWS) is never accepted", algText, kid, header);
  }
  const alg = algFromName(algText);
  if (alg == JwsAlg.Unknown) return fail(JoseError.AlgNotAllowed, "alg '" + algText + "' is not supported", algText, kid, header);

  const b64 = header.get("b64");
  if (b64 !== null) {
    if (!b64.isBool()) return fail(JoseError.Malformed, "header b64 is not a boolean", algText, kid, header);
    if (!b64.asBool()) return fail(JoseError.B64False, "unencoded payload (b64: false) is not supported", algText, kid, header);
  }
  if (header.has("crit")) return fail(JoseError.CritUnsupported, "header crit names extensions this verifier does not understand", algText, kid, header);

  const payload = base64urlDecodeRange(token, dot1 + 1, dot2);
  if (payload === null) return fail(JoseError.Malformed, "payload is not valid base64url", algText, kid, header);
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
      if (verifySignature(key, alg, token, dot2, sig)) return success(algText, kid, header, payload, key);
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
      if (verifySignature(key, alg, token, dot2, sig)) return success(algText, kid, header, payload, key);
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

function success(alg: string, kid: string | null, header: JsonValue, payload: Uint8Array, key: Jwk): JwsResult {
  return new JwsResult(JoseError.None, "", alg, kid, header, payload, key);
}
