// JOSE exports for the `waymark jws verify` command, the tests and the benchmark
// (dist/tools/jose.{wasm,js}). Every decision is made by assembly/jose: this file only moves text in
// and out. Results are "valid" or "invalid: <reason>" (reason = a stable code from errors.ts).
import { JsonValue, JsonLimits, parseJsonString, stringifyJson } from "../../assembly/json";
import { JwkSet, JwksResult } from "../../assembly/jose/jwks";
import { parseJwk } from "../../assembly/jose/jwk";
import { verifyCompact, JwsLimits } from "../../assembly/jose/jws";
import { verifyJwsWithOptionalClaims, verifyJwt, JwtOptions, JwtResult } from "../../assembly/jose/jwt";
import { claimToHeaderValue } from "../../assembly/jose/claims";

function encode(s: string): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode(s));
}

function outcome(r: JwtResult, withDetail: bool): string {
  if (r.ok) return "valid";
  return "invalid: " + r.reason + (withDetail ? "\n" + r.detail : "");
}

function keyFailure(set: JwksResult, withDetail: bool): string {
  return "invalid: bad_key" + (withDetail ? "\n" + set.error : "");
}

/** The command's check: signature, then exp/nbf/iat when the payload is a JSON object (no iss/aud configured). */
function verifyText(jwkOrJwks: string, jws: string, nowSeconds: f64, withDetail: bool): string {
  const set = JwkSet.parseString(jwkOrJwks);
  if (!set.ok) return keyFailure(set, withDetail);
  const options = new JwtOptions();
  options.nowSeconds = nowSeconds;
  return outcome(verifyJwsWithOptionalClaims(encode(jws), set.set!, options), withDetail);
}

/** "valid" or "invalid: <reason>" for a JWK or JWKS (JSON text) and a compact JWS, at nowSeconds. */
export function verifyWithJwk(jwkOrJwks: string, jws: string, nowSeconds: f64): string {
  return verifyText(jwkOrJwks, jws, nowSeconds, false);
}

/** Same as verifyWithJwk, with a second line of English detail when invalid. */
export function verifyWithJwkDetail(jwkOrJwks: string, jws: string, nowSeconds: f64): string {
  return verifyText(jwkOrJwks, jws, nowSeconds, true);
}

// Key sets of recent batch lines, by canonical JSON text: batches usually repeat a handful of keys,
// and preparing a key costs about one verification.
const CACHE_SIZE = 16;
const cacheText = new Array<string>();
const cacheSet = new Array<JwksResult>();
let cacheNext = 0;

function keySetFor(jwk: JsonValue): JwksResult {
  const text = stringifyJson(jwk);
  for (let i = 0; i < cacheText.length; i++) {
    if (unchecked(cacheText[i]) == text) return unchecked(cacheSet[i]);
  }
  const result = JwkSet.fromValue(jwk);
  if (cacheText.length < CACHE_SIZE) {
    cacheText.push(text);
    cacheSet.push(result);
  } else {
    unchecked(cacheText[cacheNext] = text);
    unchecked(cacheSet[cacheNext] = result);
    cacheNext = (cacheNext + 1) % CACHE_SIZE;
  }
  return result;
}

/**
 * One line of `waymark jws verify --batch`: {"jwk": {JWK or JWKS}, "jws": "<compact>"}. Anything else
 * (not JSON, duplicate members, jwk not an object, jws not a string) is "invalid: bad_input".
 */
export function verifyBatchLine(line: string, nowSeconds: f64): string {
  const limits = new JsonLimits();
  limits.rejectDuplicateKeys = true;
  // Long tokens must reach the verifier, which answers too_large for them.
  limits.maxStringLength = limits.maxInputBytes;
  const parsed = parseJsonString(line, limits);
  if (!parsed.ok) return "invalid: bad_input";
  const doc = parsed.value!;
  if (!doc.isObject()) return "invalid: bad_input";
  const jwk = doc.get("jwk");
  const jws = doc.get("jws");
  if (jwk === null || !jwk.isObject() || jws === null || !jws.isString()) return "invalid: bad_input";
  const set = keySetFor(jwk);
  if (!set.ok) return "invalid: bad_key";
  const options = new JwtOptions();
  options.nowSeconds = nowSeconds;
  return outcome(verifyJwsWithOptionalClaims(encode(jws.asString()!), set.set!, options), false);
}

/** Key-policy check of a JWK or JWKS: "ok" (then one "skipped: ..." line per refused key) or "refused: <why>". */
export function jwksPolicy(json: string): string {
  const set = JwkSet.parseString(json);
  if (!set.ok) return "refused: " + set.error;
  const warnings = set.set!.warnings();
  let out = "ok";
  for (let i = 0; i < warnings.length; i++) out += "\nskipped: " + unchecked(warnings[i]);
  return out;
}

/** One JWK's verdict: "ok" or the refusal sentence. */
export function jwkPolicy(json: string): string {
  const parsed = parseJsonString(json);
  if (!parsed.ok) return "not JSON: " + parsed.message;
  const r = parseJwk(parsed.value!);
  return r.ok ? "ok" : r.error;
}

/**
 * Full JWT verification with options given as JSON: {"issuer", "audiences", "clockSkewSeconds",
 * "nowSeconds", "maxTokenBytes", "requireExp"} (all optional). "valid" or "invalid: <reason>\n<detail>".
 */
export function verifyJwtWithOptions(jwkOrJwks: string, jws: string, optionsJson: string): string {
  const set = JwkSet.parseString(jwkOrJwks);
  if (!set.ok) return keyFailure(set, true);
  const options = new JwtOptions();
  const parsed = parseJsonString(optionsJson);
  if (parsed.ok && parsed.value!.isObject()) {
    const o = parsed.value!;
    const iss = o.get("issuer");
    if (iss !== null && iss.isString()) options.issuer = iss.asString()!;
    const aud = o.get("audiences");
    if (aud !== null && aud.isArray()) {
      for (let i = 0; i < aud.length; i++) {
        const a = aud.at(i)!.asString();
        if (a !== null) options.audiences.push(a);
      }
    }
    const skew = o.get("clockSkewSeconds");
    if (skew !== null && skew.isNumber()) options.clockSkewSeconds = skew.asNumber();
    const now = o.get("nowSeconds");
    if (now !== null && now.isNumber()) options.nowSeconds = now.asNumber();
    const max = o.get("maxTokenBytes");
    if (max !== null && max.isNumber()) options.maxTokenBytes = <i32>max.asNumber();
    const req = o.get("requireExp");
    if (req !== null && req.isBool()) options.requireExp = req.asBool();
  }
  return outcome(verifyJwt(encode(jws), set.set!, options), true);
}

/** claim_to_headers text of claim `path` in a JSON payload, or "\u0000none" when Envoy adds no header. */
export function claimHeader(payloadJson: string, path: string): string {
  const parsed = parseJsonString(payloadJson);
  if (!parsed.ok) return "\u0000none";
  const v = claimToHeaderValue(parsed.value!, path);
  return v !== null ? v : "\u0000none";
}

// Benchmark hooks: a key set is prepared once and kept here; JS holds its index.
const sets = new Array<JwkSet>();
const benchLimits = new JwsLimits();

/** Parses and prepares a JWK or JWKS; its handle, or -1 when refused. */
export function keySetLoad(json: string): i32 {
  const r = JwkSet.parseString(json);
  if (!r.ok) return -1;
  sets.push(r.set!);
  return sets.length - 1;
}

/** JWS compact verification of token bytes with a prepared set: 0 when valid, else the JoseError code. */
export function verifyTokenBytes(handle: i32, token: Uint8Array): i32 {
  if (handle < 0 || handle >= sets.length) return -1;
  return verifyCompact(token, unchecked(sets[handle]), benchLimits).error;
}

/** Forgets every prepared key set. */
export function keySetsClear(): void {
  sets.length = 0;
}
