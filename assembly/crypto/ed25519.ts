// Ed25519 signature verification (RFC 8032 5.1.7; JWS "EdDSA" with crv "Ed25519", RFC 8037).
// Strict: S must be canonical (S < L), the public key must decode (canonical y < p, a square
// root exists, no "negative zero" x), and the check is the cofactorless one RFC 8032 gives,
// done by encoding [S]B - [k]A and comparing the bytes with R, so every non-canonical or
// off-curve R is rejected too. This is the behaviour Wycheproof's ed25519_test.json pins.
//
// A key is decoded and prepared once (Ed25519PublicKey.fromBytes): about one verification's
// work and 6.9 KB for its table. The base point's table (28 KB) is built on first use.

import { Edwards25519 } from "./ec/edwards25519";
import { Sha512 } from "./sha512";

let curve: Edwards25519 | null = null;
let hasher: Sha512 | null = null;
const challenge = new StaticArray<u8>(64);

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
 * Verifies an Ed25519 signature (64 bytes: R || S) on msg with a prepared key (RFC 8032 5.1.7).
 * False for a signature of any other length, non-canonical S, or a failed check.
 */
export function ed25519VerifyWithKey(key: Ed25519PublicKey, msg: Uint8Array, sig: Uint8Array): bool {
  if (sig.length != 64) return false;
  const c = ed();
  if (!c.scalarS(sig.dataStart + 32)) return false;
  let h = hasher;
  if (h === null) {
    h = new Sha512();
    hasher = h;
  }
  // k = SHA-512(R || A || M) mod L
  h.reset();
  h.updateRaw(sig.dataStart, 32);
  h.updateRaw(changetype<usize>(key.bytes), 32);
  h.update(msg);
  const k = changetype<usize>(challenge);
  h.finishRaw(k);
  c.scalarK(k);
  return c.checkR(key.table, sig.dataStart);
}

/**
 * One-shot verification with the 32-byte public key. Decoding and preparing the key costs about
 * as much as a verification: callers that see a key more than once should keep an Ed25519PublicKey.
 */
export function ed25519Verify(publicKey: Uint8Array, msg: Uint8Array, sig: Uint8Array): bool {
  const key = Ed25519PublicKey.fromBytes(publicKey);
  return key !== null && ed25519VerifyWithKey(key, msg, sig);
}
