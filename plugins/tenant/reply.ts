// The 401 the plugin answers with. Headers follow Envoy's jwt_authn: `www-authenticate: Bearer
// realm="<scheme>://<host><path>"`, plus `, error="invalid_token"` when a token was present but refused.
// The body is JSON naming the reason (jwt_authn sends a plain sentence such as "Jwt is expired"):
//   {"error":"missing_token","reason":"missing"}   no token anywhere it was looked for
//   {"error":"invalid_token","reason":"expired"}   a token was refused; reason from the JOSE layer or the plugin
import { HeaderPair, HttpContext } from "../../assembly/sdk";
import { JsonObjectWriter } from "../../assembly/json";

export const REASON_MISSING = "missing";
export const REASON_JWKS_UNAVAILABLE = "jwks_unavailable";
export const REASON_UNKNOWN_KID = "unknown_kid";
export const REASON_ISSUER = "issuer";
export const REASON_SIGNATURE_BACKEND = "signature_backend_unavailable";
export const REASON_MALFORMED = "malformed";
export const REASON_NO_PAYLOAD = "no_payload";

/** Envoy cuts the path in the realm at 256 characters. */
const MAX_REALM_PATH: i32 = 256;

/** scheme://host/path as jwt_authn builds the realm; a '"' or '\' (never valid in a path) is percent-encoded. */
export function realmOf(scheme: string, authority: string, path: string): string {
  const p = path.length > MAX_REALM_PATH ? path.substring(0, MAX_REALM_PATH) : path;
  const uri = scheme + "://" + authority + p;
  if (uri.indexOf("\"") < 0 && uri.indexOf("\\") < 0) return uri;
  return uri.replaceAll("\\", "%5C").replaceAll("\"", "%22");
}

export function unauthorizedBody(reason: string): string {
  const missing = reason == REASON_MISSING;
  return new JsonObjectWriter().string("error", missing ? "missing_token" : "invalid_token").string("reason", reason).toString();
}

export function unauthorizedHeaders(realm: string, reason: string): HeaderPair[] {
  let challenge = "Bearer realm=\"" + realm + "\"";
  if (reason != REASON_MISSING) challenge += ", error=\"invalid_token\"";
  return [new HeaderPair("www-authenticate", challenge), new HeaderPair("content-type", "application/json")];
}

/** Sends the 401 on `stream` (from its own callback or a root callback). */
export function sendUnauthorized(stream: HttpContext, realm: string, reason: string): void {
  stream.respond(401, unauthorizedBody(reason), unauthorizedHeaders(realm, reason), "waymark_tenant_denied{" + reason + "}");
}
