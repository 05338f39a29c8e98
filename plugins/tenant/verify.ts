// The plugin's use of the JOSE layer: verify a token for one provider (issuer, audiences, clock skew, key
// set), peek at its iss to pick providers, and turn claims into header values the way jwt_authn does.
import { HeaderPair } from "../../assembly/sdk";
import { JsonValue, JsonLimits, parseJson } from "../../assembly/json";
import { verifyJwt, JwtOptions } from "../../assembly/jose/jwt";
import { JoseError } from "../../assembly/jose/errors";
import { claimToHeaderValue } from "../../assembly/jose/claims";
import { base64urlDecodeRange } from "../../assembly/encoding/base64url";
import { Provider, ClaimHeader } from "./config";
import { KeySetHolder } from "./keys";
import { TenantMetrics } from "./metrics";
import { REASON_MALFORMED, REASON_SIGNATURE_BACKEND } from "./reply";
import { TenantSignatureChecker, HostMode } from "./host-jws";

export enum VerifyStatus { Valid = 0, Invalid = 1, UnknownKid = 2 }

export { HostMode };

/** A token on its way through the providers: its bytes once, its iss read only if someone asks. */
export class ParsedToken {
  error: string = "";
  private issuerRead: bool = false;
  private issuerValue: string | null = null;

  constructor(public readonly bytes: Uint8Array) {}

  /** The unverified iss (only to choose which provider verifies); null when absent or unreadable. */
  get issuer(): string | null {
    if (!this.issuerRead) {
      this.issuerRead = true;
      this.issuerValue = peekIssuer(this.bytes);
    }
    return this.issuerValue;
  }
}

export function parseToken(token: Uint8Array): ParsedToken {
  const parsed = new ParsedToken(token);
  if (token.length == 0) parsed.error = REASON_MALFORMED;
  return parsed;
}

const PEEK_LIMITS = peekLimits();

function peekLimits(): JsonLimits {
  const l = new JsonLimits();
  l.maxInputBytes = 16 * 1024;
  l.maxDepth = 32;
  return l;
}

/** iss of a compact JWS payload, without verifying anything. */
function peekIssuer(token: Uint8Array): string | null {
  let dot1 = -1;
  let dot2 = -1;
  for (let i = 0; i < token.length; i++) {
    if (unchecked(token[i]) != 0x2e) continue;
    if (dot1 < 0) dot1 = i;
    else { dot2 = i; break; }
  }
  if (dot2 < 0) return null;
  const payload = base64urlDecodeRange(token, dot1 + 1, dot2);
  if (payload === null) return null;
  const parsed = parseJson(payload, PEEK_LIMITS);
  if (!parsed.ok) return null;
  const iss = parsed.value!.get("iss");
  return iss !== null ? iss.asString() : null;
}

export class VerifyOutcome {
  status: VerifyStatus = VerifyStatus.Invalid;
  reason: string = "";
  payload: JsonValue | null = null;
  /** exp (seconds), or NaN when the token has none. */
  exp: f64 = NaN;
}

/** Full verification of `token` for `provider` at `nowSeconds`. */
export function verifyParsed(token: ParsedToken, provider: Provider, keys: KeySetHolder, nowSeconds: i64,
  hostMode: HostMode, metrics: TenantMetrics): VerifyOutcome {
  const out = new VerifyOutcome();
  const set = keys.set;
  if (set === null) {
    out.reason = "bad_key";
    return out;
  }
  const options = new JwtOptions();
  options.issuer = provider.issuer;
  options.audiences = provider.audiences;
  options.clockSkewSeconds = <f64>provider.clockSkewSeconds;
  options.nowSeconds = <f64>nowSeconds;
  const checker = new TenantSignatureChecker(keys, hostMode, metrics);
  const r = verifyJwt(token.bytes, set, options, checker);
  if (checker.hostFailed) {
    out.reason = REASON_SIGNATURE_BACKEND;
    return out;
  }
  return finish(out, r.error, r.reason, r.payload);
}

function finish(out: VerifyOutcome, error: JoseError, reason: string, payload: JsonValue | null): VerifyOutcome {
  if (error != JoseError.None) {
    out.status = error == JoseError.UnknownKid ? VerifyStatus.UnknownKid : VerifyStatus.Invalid;
    out.reason = reason;
    return out;
  }
  out.status = VerifyStatus.Valid;
  out.payload = payload;
  const exp = payload!.get("exp");
  if (exp !== null && exp.isNumber()) out.exp = exp.asNumber();
  return out;
}

/**
 * claim_to_headers: one header per claim present with a string, number or boolean value. A value with a
 * control character (CR, LF, NUL, ...) is never written: it could split or corrupt the upstream request.
 */
export function claimHeaders(payload: JsonValue, claims: ClaimHeader[]): HeaderPair[] {
  const out = new Array<HeaderPair>();
  for (let i = 0; i < claims.length; i++) {
    const c = unchecked(claims[i]);
    const value = claimToHeaderValue(payload, c.claim);
    if (value !== null && value.length > 0 && isHeaderValue(value)) out.push(new HeaderPair(c.header, value));
  }
  return out;
}

function isHeaderValue(s: string): bool {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c != 0x09) || c == 0x7f) return false;
  }
  return true;
}
