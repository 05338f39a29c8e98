// Signature and MAC checks for each JWS algorithm family, over the signing input token[0, end)
// hashed in place (never copied). The key has already been judged to allow the algorithm.

import { HashAlg, digestRange } from "../crypto/hash-alg";
import { ecdsaVerify, curveByteLength } from "../crypto/ecdsa";
import { ed25519VerifyWithKey } from "../crypto/ed25519";
import { rsaPkcs1VerifyPrepared } from "../crypto/rsa-pkcs1";
import { rsaPssVerifyPrepared } from "../crypto/rsa-pss";
import { JwsAlg, AlgFamily, algFamily, algHashBytes } from "./alg";
import { Jwk } from "./jwk";

/** The SHA-2 function of HS/RS/PS/ES algorithms with this digest length. */
export function hashAlgForBytes(hashBytes: i32): HashAlg {
  return hashBytes == 32 ? HashAlg.SHA256 : hashBytes == 48 ? HashAlg.SHA384 : HashAlg.SHA512;
}

/** True when `sig` is a valid signature (or MAC) by `key` with `alg` over token[0, end). */
export function verifySignature(key: Jwk, alg: JwsAlg, token: Uint8Array, end: i32, sig: Uint8Array): bool {
  const family = algFamily(alg);
  const hashBytes = algHashBytes(alg);
  if (family == AlgFamily.Hmac) {
    // Full-length tags only: JWS never truncates (RFC 7518 3.2).
    if (sig.length != hashBytes) return false;
    const mac = key.hmacFor(hashAlgForBytes(hashBytes));
    return mac !== null && mac.verify(token, 0, end, sig);
  }
  if (family == AlgFamily.RsaPkcs1 || family == AlgFamily.RsaPss) {
    const r = key.rsa;
    if (r === null || sig.length != r.modBytes) return false;
    const hash = hashAlgForBytes(hashBytes);
    // PS*: MGF1 with the same hash, salt as long as the hash (RFC 7518 3.5).
    return family == AlgFamily.RsaPkcs1
      ? rsaPkcs1VerifyPrepared(r, hash, token, 0, end, sig)
      : rsaPssVerifyPrepared(r, hash, hash, hashBytes, token, 0, end, sig);
  }
  if (family == AlgFamily.Ecdsa) {
    const e = key.ec;
    if (e === null || sig.length != 2 * curveByteLength(e.curve)) return false;
    return ecdsaVerify(e, digestRange(hashAlgForBytes(hashBytes), token, 0, end), sig);
  }
  if (family == AlgFamily.EdDSA) {
    const d = key.ed;
    return d !== null && sig.length == 64 && ed25519VerifyWithKey(d, token.subarray(0, end), sig);
  }
  return false;
}

/**
 * Checks one signature for the JWS layer. The default is the AssemblyScript code above; a plugin may pass its
 * own (one that asks the host, say) and keep every other rule of the JOSE layer: compact form, header, key
 * selection and policy, signature lengths, claims.
 */
export class SignatureChecker {
  verify(key: Jwk, alg: JwsAlg, token: Uint8Array, end: i32, sig: Uint8Array): bool {
    return verifySignature(key, alg, token, end, sig);
  }
}

export const WASM_SIGNATURES = new SignatureChecker();
