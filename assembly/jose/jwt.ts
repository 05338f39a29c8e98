// JWT (RFC 7519) on top of JWS compact verification: the payload must be a JSON object (no duplicate
// members), then the registered claims are checked against the options:
//   - exp: expired when exp <= now - skew (RFC 7519 4.1.4: now must be before exp);
//   - nbf: not yet valid when nbf > now + skew;
//   - iat: refused when iat > now + skew (a token from the future means a broken issuer clock or a forgery);
//   - exp, nbf, iat, when present, must be numbers (fractions allowed, as NumericDate permits);
//   - iss: when an issuer is configured, iss must be a string equal to it (exact, case-sensitive);
//   - aud: when audiences are configured, aud (a string or an array of strings) must contain one of them.
// exp is not required (Envoy's jwt_authn does not require it either); set requireExp to demand it.
// Claims are checked only after the signature verified, so unauthenticated data never decides a reason.

import { JsonValue, parseJson } from "../json";
import { strictJsonLimits } from "./header";
import { JoseError, reasonCode } from "./errors";
import { Jwk } from "./jwk";
import { JwkSet } from "./jwks";
import { JwsLimits, JwsResult, verifyCompact, DEFAULT_MAX_TOKEN_BYTES } from "./jws";
import { SignatureChecker, WASM_SIGNATURES } from "./signature";

/** Envoy's jwt_authn default clock_skew_seconds. */
export const DEFAULT_CLOCK_SKEW_SECONDS: f64 = 60;

export class JwtOptions {
  /** Required iss; "" = not checked. */
  issuer: string = "";
  /** Accepted audiences; empty = aud not checked. */
  audiences: Array<string> = new Array<string>();
  clockSkewSeconds: f64 = DEFAULT_CLOCK_SKEW_SECONDS;
  /** The current time in Unix seconds (plugins: the host clock; no Date in AssemblyScript). */
  nowSeconds: f64 = 0;
  maxTokenBytes: i32 = DEFAULT_MAX_TOKEN_BYTES;
  /** Refuse tokens without exp (reason bad_claim). */
  requireExp: bool = false;
}

export class JwtResult {
  constructor(
    readonly error: JoseError,
    readonly detail: string,
    /** The verified JWS (header, kid, alg, key); always set. */
    readonly jws: JwsResult,
    /** The claims object: set when the signature verified and the payload is a JSON object (also when a claim check failed). */
    readonly payload: JsonValue | null,
  ) {}

  get ok(): bool {
    return this.error == JoseError.None;
  }

  get reason(): string {
    return reasonCode(this.error);
  }

  get alg(): string {
    return this.jws.alg;
  }

  get kid(): string | null {
    return this.jws.kid;
  }

  get header(): JsonValue | null {
    return this.jws.header;
  }

  get key(): Jwk | null {
    return this.jws.key;
  }
}

/** Outcome of checkClaims. */
export class ClaimsCheck {
  constructor(readonly error: JoseError, readonly detail: string) {}

  get ok(): bool {
    return this.error == JoseError.None;
  }
}

const CLAIMS_OK = new ClaimsCheck(JoseError.None, "");

/** Claims objects: no duplicate members, modest nesting; their size is bounded by the token bound. */
const PAYLOAD_LIMITS = strictJsonLimits(32);

/** Verifies a compact JWS and then its JWT claims; `checker` does the signature arithmetic. */
export function verifyJwt(token: Uint8Array, keys: JwkSet, options: JwtOptions, checker: SignatureChecker = WASM_SIGNATURES): JwtResult {
  const limits = new JwsLimits();
  limits.maxTokenBytes = options.maxTokenBytes;
  const jws = verifyCompact(token, keys, limits, checker);
  if (!jws.ok) return new JwtResult(jws.error, jws.detail, jws, null);
  return claimsOf(jws, options);
}

/** Parses the verified payload as a JWT claims object and checks it. */
function claimsOf(jws: JwsResult, options: JwtOptions): JwtResult {
  const parsed = parseJson(jws.payload!, PAYLOAD_LIMITS);
  if (!parsed.ok) return new JwtResult(JoseError.Malformed, "payload is not valid JSON: " + parsed.message, jws, null);
  const payload = parsed.value!;
  if (!payload.isObject()) return new JwtResult(JoseError.Malformed, "payload is not a JSON object", jws, null);
  const check = checkClaims(payload, options);
  return new JwtResult(check.error, check.detail, jws, payload);
}

/** verifyJwt on the UTF-8 encoding of `token`. */
export function verifyJwtString(token: string, keys: JwkSet, options: JwtOptions): JwtResult {
  if (token.length > options.maxTokenBytes) {
    // Longer in UTF-16 units means longer in UTF-8 bytes: refuse without encoding it.
    const detail = "token is " + token.length.toString() + " bytes; at most " + options.maxTokenBytes.toString() + " accepted";
    return new JwtResult(JoseError.TooLarge, detail, new JwsResult(JoseError.TooLarge, detail, "", null, null, null, null), null);
  }
  return verifyJwt(Uint8Array.wrap(String.UTF8.encode(token)), keys, options);
}

/**
 * For tools that take any JWS (the `waymark jws verify` command): the signature is verified, and a
 * payload that is a JSON object (first non-blank byte '{') is then parsed strictly and checked as JWT
 * claims; any other payload ("Payload", "foo", binary) is an opaque JWS and needs no claims.
 */
export function verifyJwsWithOptionalClaims(token: Uint8Array, keys: JwkSet, options: JwtOptions): JwtResult {
  const limits = new JwsLimits();
  limits.maxTokenBytes = options.maxTokenBytes;
  const jws = verifyCompact(token, keys, limits);
  if (!jws.ok) return new JwtResult(jws.error, jws.detail, jws, null);
  const payload = jws.payload!;
  let i = 0;
  while (i < payload.length && isJsonBlank(unchecked(payload[i]))) i++;
  if (i == payload.length || unchecked(payload[i]) != 0x7B) return new JwtResult(JoseError.None, "", jws, null);
  return claimsOf(jws, options);
}

function isJsonBlank(c: u8): bool {
  return c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D;
}

/** The time claims, iss and aud of an already verified payload (also usable on a payload Envoy verified). */
export function checkClaims(payload: JsonValue, options: JwtOptions): ClaimsCheck {
  const now = options.nowSeconds;
  const skew = options.clockSkewSeconds;

  const exp = payload.get("exp");
  if (exp !== null) {
    if (!isFiniteNumber(exp)) return new ClaimsCheck(JoseError.BadClaim, "exp is not a number");
    if (exp.asNumber() <= now - skew) return new ClaimsCheck(JoseError.Expired, "token expired at " + exp.numberText()!);
  } else if (options.requireExp) {
    return new ClaimsCheck(JoseError.BadClaim, "exp is required");
  }

  const nbf = payload.get("nbf");
  if (nbf !== null) {
    if (!isFiniteNumber(nbf)) return new ClaimsCheck(JoseError.BadClaim, "nbf is not a number");
    if (nbf.asNumber() > now + skew) return new ClaimsCheck(JoseError.NotYetValid, "token is not valid before " + nbf.numberText()!);
  }

  const iat = payload.get("iat");
  if (iat !== null) {
    if (!isFiniteNumber(iat)) return new ClaimsCheck(JoseError.BadClaim, "iat is not a number");
    if (iat.asNumber() > now + skew) return new ClaimsCheck(JoseError.IssuedInFuture, "token issued in the future (iat " + iat.numberText()! + ")");
  }

  if (options.issuer.length > 0) {
    const iss = payload.get("iss");
    if (iss === null) return new ClaimsCheck(JoseError.Issuer, "iss is missing");
    const text = iss.asString();
    if (text === null) return new ClaimsCheck(JoseError.BadClaim, "iss is not a string");
    if (text != options.issuer) return new ClaimsCheck(JoseError.Issuer, "iss '" + text + "' is not the configured issuer");
  }

  if (options.audiences.length > 0) {
    const aud = payload.get("aud");
    if (aud === null) return new ClaimsCheck(JoseError.Audience, "aud is missing");
    const single = aud.asString();
    if (single !== null) {
      if (!options.audiences.includes(single)) return new ClaimsCheck(JoseError.Audience, "aud '" + single + "' is not an accepted audience");
    } else {
      if (!aud.isArray()) return new ClaimsCheck(JoseError.BadClaim, "aud is neither a string nor an array of strings");
      let match = false;
      for (let i = 0, n = aud.length; i < n; i++) {
        const s = aud.at(i)!.asString();
        if (s === null) return new ClaimsCheck(JoseError.BadClaim, "aud is neither a string nor an array of strings");
        if (!match && options.audiences.includes(s)) match = true;
      }
      if (!match) return new ClaimsCheck(JoseError.Audience, "aud names none of the accepted audiences");
    }
  }
  return CLAIMS_OK;
}

function isFiniteNumber(v: JsonValue): bool {
  return v.isNumber() && isFinite(v.asNumber());
}
