// RS* and ES* tokens with the signature checked by Envoy's verify_signature (BoringSSL) instead of in wasm.
// Everything else stays with the JOSE layer: its compact-form and header rules (a probe against an empty key
// set runs them all and stops at key lookup), its key policy (the keys come from its JwkSet), and its claim
// checks (checkClaims). Only the key walk below mirrors jws.ts: keys with the token's kid, else kid-less keys,
// and only keys that allow the token's alg.
import { JsonValue, JsonLimits, parseJson } from "../../assembly/json";
import { JoseError, reasonCode } from "../../assembly/jose/errors";
import { JwsAlg, AlgFamily, algFromName, algFamily, algHashBytes } from "../../assembly/jose/alg";
import { Jwk } from "../../assembly/jose/jwk";
import { JwkSet, RefusedKey } from "../../assembly/jose/jwks";
import { verifyCompact, JwsLimits } from "../../assembly/jose/jws";
import { JwtOptions, checkClaims } from "../../assembly/jose/jwt";
import { curveByteLength } from "../../assembly/crypto/ecdsa";
import { base64urlDecodeRange } from "../../assembly/encoding/base64url";
import { KeySetHolder } from "./keys";
import { ecdsaJoseToDer } from "./der";
import { hostVerify, HostVerdict } from "./host-signature";
import { TenantMetrics } from "./metrics";

const EMPTY_SET = new JwkSet(new Array<Jwk>(), new Array<RefusedKey>(), false);

export enum HostJwtStatus {
  /** Not an RS* or ES* token (or its header was refused): the caller verifies in wasm. */
  NotForHost = 0,
  Done = 1,
  /** The host failed (function missing, key refused): the caller falls back or refuses. */
  HostFailed = 2,
}

export class HostJwt {
  status: HostJwtStatus = HostJwtStatus.NotForHost;
  error: JoseError = JoseError.None;
  payload: JsonValue | null = null;

  get reason(): string {
    return reasonCode(this.error);
  }
}

function hashName(hashBytes: i32): string {
  return hashBytes == 32 ? "sha256" : hashBytes == 48 ? "sha384" : "sha512";
}

function payloadLimits(maxBytes: i32): JsonLimits {
  const l = new JsonLimits();
  l.maxInputBytes = maxBytes;
  l.maxDepth = 32;
  l.rejectDuplicateKeys = true;
  return l;
}

export function verifyJwtWithHost(token: Uint8Array, holder: KeySetHolder, options: JwtOptions, metrics: TenantMetrics): HostJwt {
  const out = new HostJwt();
  const set = holder.set;
  if (set === null) return out;
  const limits = new JwsLimits();
  limits.maxTokenBytes = options.maxTokenBytes;
  // The JOSE layer's own checks up to key lookup; with no keys, a well-formed token ends in UnknownKid.
  const probe = verifyCompact(token, EMPTY_SET, limits);
  if (probe.error != JoseError.UnknownKid) return out;
  const alg = algFromName(probe.alg);
  const family = algFamily(alg);
  if (family != AlgFamily.RsaPkcs1 && family != AlgFamily.Ecdsa) return out;

  let dot1 = -1, dot2 = -1;
  for (let i = 0; i < token.length; i++) {
    if (unchecked(token[i]) != 0x2e) continue;
    if (dot1 < 0) dot1 = i;
    else { dot2 = i; break; }
  }
  const signature = base64urlDecodeRange(token, dot2 + 1, token.length)!;
  const text = token.subarray(0, dot2);
  const kid = probe.kid;
  out.status = HostJwtStatus.Done;

  let found = false;
  let tried = 0;
  let valid = false;
  const keys = set.keys;
  // Keys named by the token's kid first; when none has it (or there is no kid), the keys without a kid.
  for (let pass = 0; pass < 2 && !valid; pass++) {
    if (pass == 0 && kid === null) continue;
    if (pass == 1 && found) break;
    for (let i = 0; i < keys.length && !valid; i++) {
      const key = unchecked(keys[i]);
      const k = key.kid;
      if (pass == 0 ? (k === null || k != kid!) : (kid !== null && k !== null)) continue;
      found = true;
      if (!key.allows(alg)) continue;
      tried++;
      const verdict = checkWithHost(holder, key, alg, text, signature, metrics);
      if (verdict == HostVerdict.Valid) valid = true;
      else if (verdict != HostVerdict.Invalid) {
        out.status = HostJwtStatus.HostFailed;
        return out;
      }
    }
    if (pass == 0 && !found && set.refusedWithKid(kid!) !== null) {
      out.error = JoseError.BadKey;
      return out;
    }
  }
  if (!valid) {
    out.error = !found ? JoseError.UnknownKid : tried == 0 ? JoseError.AlgNotAllowed : JoseError.BadSignature;
    return out;
  }
  const payloadBytes = base64urlDecodeRange(token, dot1 + 1, dot2)!;
  const parsed = parseJson(payloadBytes, payloadLimits(options.maxTokenBytes));
  if (!parsed.ok || !parsed.value!.isObject()) {
    out.error = JoseError.Malformed;
    return out;
  }
  const payload = parsed.value!;
  const claims = checkClaims(payload, options);
  out.error = claims.error;
  if (claims.ok) out.payload = payload;
  return out;
}

/** One signature through the host; lengths are checked first, as the JOSE layer checks them. */
function checkWithHost(holder: KeySetHolder, key: Jwk, alg: JwsAlg, text: Uint8Array, signature: Uint8Array,
  metrics: TenantMetrics): HostVerdict {
  const der = holder.derFor(key);
  if (der === null) return HostVerdict.Error;
  let sig = signature;
  if (algFamily(alg) == AlgFamily.Ecdsa) {
    if (signature.length != 2 * curveByteLength(key.curve)) return HostVerdict.Invalid;
    sig = ecdsaJoseToDer(signature)!;
  } else {
    const rsa = key.rsa;
    if (rsa === null || signature.length != rsa.modBytes) return HostVerdict.Invalid;
  }
  metrics.signatureHost.increment();
  return hostVerify(hashName(algHashBytes(alg)), der, sig, text);
}
