// A prepared RSA public key: the modulus's Montgomery constants are computed once (JWKS load), so
// each verification costs one exponentiation. Shared by RSASSA-PKCS1-v1_5 and RSASSA-PSS.
import { MontModulus, MONT_MAX_BITS, firstNonZero } from "./montgomery";

/** Smallest modulus the primitive accepts (JOSE policy, 2048 bits, is the JWK layer's job). */
export const RSA_MIN_MODULUS_BITS: i32 = 512;
/** Largest modulus accepted (bounded work per verification). */
export const RSA_MAX_MODULUS_BITS: i32 = MONT_MAX_BITS;
/** Largest public exponent accepted, in bits (FIPS 186-5 allows up to 256); bounds the squarings. */
export const RSA_MAX_EXPONENT_BITS: i32 = 256;

export class RsaPublicKey {
  readonly mod: MontModulus;
  /** Public exponent, big-endian, no leading zero bytes. */
  readonly e: Uint8Array;
  /** Encoded-message scratch (modulus length), reused by every verification with this key. */
  readonly em: Uint8Array;
  /** Second scratch of the same length (expected encoding, PSS data block). */
  readonly work: Uint8Array;

  private constructor(mod: MontModulus, e: Uint8Array) {
    this.mod = mod;
    this.e = e;
    this.em = new Uint8Array(mod.bytes);
    this.work = new Uint8Array(mod.bytes);
  }

  /**
   * Prepares a key from big-endian n and e (leading zero bytes allowed). Null unless n is odd with
   * RSA_MIN_MODULUS_BITS..RSA_MAX_MODULUS_BITS bits and e is odd, >= 3, at most
   * RSA_MAX_EXPONENT_BITS bits and below n.
   */
  static create(n: Uint8Array, e: Uint8Array): RsaPublicKey | null {
    const mod = MontModulus.create(n);
    if (mod === null || mod.bits < RSA_MIN_MODULUS_BITS) return null;
    const i = firstNonZero(e);
    const elen = e.length - i;
    if (elen == 0 || elen * 8 > RSA_MAX_EXPONENT_BITS) return null;
    if ((unchecked(e[e.length - 1]) & 1) == 0) return null;
    if (elen == 1 && unchecked(e[i]) < 3) return null;
    // e has at most 256 bits and n at least 512, so e < n holds already.
    return new RsaPublicKey(mod, e.slice(i));
  }

  /** Modulus length in bits. */
  get modBits(): i32 {
    return this.mod.bits;
  }

  /** Modulus length in bytes: the only valid signature length. */
  get modBytes(): i32 {
    return this.mod.bytes;
  }

  /**
   * RSAVP1 (RFC 8017 §5.2.2): em = sig^e mod n, big-endian, modBytes long. False if sig is not
   * exactly modBytes long or its value is >= n.
   */
  publicOp(sig: Uint8Array, em: Uint8Array): bool {
    const len = this.mod.bytes;
    if (sig.length != len || em.length != len) return false;
    return this.mod.powBytes(em.dataStart, sig.dataStart, this.e);
  }
}
