// JOSE exports for the `waymark jws verify` command and the tests (dist/tools/jose.{wasm,js}).
import { JwkSet } from "../../assembly/jose/jwks";
import { parseJsonString } from "../../assembly/json";
import { claimToHeaderValue } from "../../assembly/jose/claims";
import { verifyJwsWithOptionalClaims, JwtOptions } from "../../assembly/jose/jwt";

/** "valid" or "invalid: <reason>" for a JWK or JWKS (JSON text) and a compact JWS, at nowSeconds. */
export function verifyWithJwk(jwkOrJwks: string, jws: string, nowSeconds: f64): string {
  const set = JwkSet.parseString(jwkOrJwks);
  if (!set.ok) return "invalid: bad_key";
  const options = new JwtOptions();
  options.nowSeconds = nowSeconds;
  const r = verifyJwsWithOptionalClaims(Uint8Array.wrap(String.UTF8.encode(jws)), set.set!, options);
  return r.ok ? "valid" : "invalid: " + r.reason;
}

/** claim_to_headers text of claim `path` in a JSON payload, or "\u0000none" when Envoy adds no header. */
export function claimHeader(payloadJson: string, path: string): string {
  const parsed = parseJsonString(payloadJson);
  if (!parsed.ok) return "\u0000none";
  const v = claimToHeaderValue(parsed.value!, path);
  return v !== null ? v : "\u0000none";
}
