// RS* and ES* signatures checked by Envoy's verify_signature (BoringSSL) instead of in wasm. This is only the
// signature arithmetic: the JOSE layer keeps every other rule (compact form, header, key selection and policy,
// signature lengths, claims) by taking this checker in place of its own.
import { JwsAlg, AlgFamily, algFamily, algHashBytes } from "../../assembly/jose/alg";
import { Jwk } from "../../assembly/jose/jwk";
import { SignatureChecker } from "../../assembly/jose/signature";
import { curveByteLength } from "../../assembly/crypto/ecdsa";
import { KeySetHolder } from "./keys";
import { ecdsaJoseToDer } from "./der";
import { hostVerify, HostVerdict } from "./host-signature";
import { TenantMetrics } from "./metrics";

/**
 * Where RS* and ES* signatures are checked: never in the host, the host when it can, only the host. "The host
 * when it can" leaves ES256 to wasm: measured in Envoy 1.40, an ES256 check in wasm (the key's table of
 * multiples prepared once) costs less CPU than verify_signature, which parses the key on every call
 * (bench/cost.bench.ts: 57.3 against 68.3 µs per request with the cache disabled).
 */
export enum HostMode { Never = 0, Prefer = 1, Only = 2 }

function hashName(hashBytes: i32): string {
  return hashBytes == 32 ? "sha256" : hashBytes == 48 ? "sha384" : "sha512";
}

/** The tenant plugin's signature checks: the host for RSA and ECDSA (per `signature_backend`, see HostMode), wasm for the rest. */
export class TenantSignatureChecker extends SignatureChecker {
  /** Set when the host could not judge a signature (no such function, a key it refused) in host-only mode. */
  hostFailed: bool = false;

  constructor(private readonly holder: KeySetHolder, private readonly mode: HostMode, private readonly metrics: TenantMetrics) {
    super();
  }

  verify(key: Jwk, alg: JwsAlg, token: Uint8Array, end: i32, sig: Uint8Array): bool {
    const family = algFamily(alg);
    if (this.usesHost(alg, family)) {
      const verdict = this.checkWithHost(key, alg, token.subarray(0, end), sig);
      if (verdict == HostVerdict.Valid) return true;
      if (verdict == HostVerdict.Invalid) return false;
      if (this.mode == HostMode.Only) {
        this.hostFailed = true;
        return false;
      }
      // Prefer: the host could not judge this one, so the plugin's own code does.
    }
    this.metrics.signatureWasm.increment();
    return super.verify(key, alg, token, end, sig);
  }

  private usesHost(alg: JwsAlg, family: AlgFamily): bool {
    if (family != AlgFamily.RsaPkcs1 && family != AlgFamily.Ecdsa) return false;
    return this.mode == HostMode.Only || (this.mode == HostMode.Prefer && alg != JwsAlg.ES256);
  }

  /** One signature through the host, in the form BoringSSL expects (DER for ECDSA). */
  private checkWithHost(key: Jwk, alg: JwsAlg, text: Uint8Array, signature: Uint8Array): HostVerdict {
    const der = this.holder.derFor(key);
    if (der === null) return HostVerdict.Error;
    let sig = signature;
    if (algFamily(alg) == AlgFamily.Ecdsa) {
      if (signature.length != 2 * curveByteLength(key.curve)) return HostVerdict.Invalid;
      const converted = ecdsaJoseToDer(signature);
      if (converted === null) return HostVerdict.Invalid;
      sig = converted;
    } else {
      const rsa = key.rsa;
      if (rsa === null || signature.length != rsa.modBytes) return HostVerdict.Invalid;
    }
    this.metrics.signatureHost.increment();
    return hostVerify(hashName(algHashBytes(alg)), der, sig, text);
  }
}
