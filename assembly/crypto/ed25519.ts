// Ed25519 signature verification (RFC 8032 5.1.7; JWS "EdDSA" with crv "Ed25519", RFC 8037).
// Strict: S must be canonical (S < L), the public key must decode (canonical y < p, a square
// root exists, no "negative zero" x), and the check is the cofactorless one RFC 8032 gives,
// done by encoding [S]B - [k]A and comparing the bytes with R, so every non-canonical or
// off-curve R is rejected too. This is the behaviour Wycheproof's ed25519_test.json pins.
//
// A key is decoded and prepared once (Ed25519PublicKey.fromBytes): about one verification's
// work and 6.9 KB for its table. The base point's table (28 KB) is built on first use.

import { Edwards25519 } from "./ec/edwards25519";

let curve: Edwards25519 | null = null;

function ed(): Edwards25519 {
  let c = curve;
  if (c === null) {
    c = new Edwards25519();
    curve = c;
  }
  return c;
}

/** A decoded Ed25519 public key, ready for repeated verification. */
export class Ed25519PublicKey {
  private constructor(
    /** The 32-byte encoding (hashed into every challenge). */
    readonly bytes: StaticArray<u8>,
    readonly table: StaticArray<u32>,
  ) {}

  /** Key from its 32-byte encoding; null if it is not 32 bytes or does not decode to a curve point. */
  static fromBytes(pk: Uint8Array): Ed25519PublicKey | null {
    if (pk.length != 32) return null;
    const c = ed();
    const x = new StaticArray<u32>(9), y = new StaticArray<u32>(9);
    if (!c.decompress(changetype<usize>(x), changetype<usize>(y), pk.dataStart)) return null;
    const bytes = new StaticArray<u8>(32);
    memory.copy(changetype<usize>(bytes), pk.dataStart, 32);
    return new Ed25519PublicKey(bytes, c.keyTable(changetype<usize>(x), changetype<usize>(y)));
  }
}

/**
 * Verification given the challenge hash h = SHA-512(R || A || M) (64 bytes): the part of
 * RFC 8032 5.1.7 after hashing. False for a signature that is not 64 bytes, S >= L, or h not 64 bytes.
 */
export function ed25519VerifyChallenge(key: Ed25519PublicKey, sig: Uint8Array, h: Uint8Array): bool {
  if (sig.length != 64 || h.length != 64) return false;
  const c = ed();
  if (!c.scalarS(sig.dataStart + 32)) return false;
  c.scalarK(h.dataStart);
  return c.checkR(key.table, sig.dataStart);
}
