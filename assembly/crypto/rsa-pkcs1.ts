// RSASSA-PKCS1-v1_5 verification (RFC 8017 §8.2.2) for SHA-256/384/512. The expected encoding
// 00 01 FF..FF 00 || DigestInfo || H is built and compared whole (§8.2.2 step 4 option 2), never
// parsed: any other DigestInfo form (BER lengths, absent NULL parameters, trailing data) is rejected.
import { HashAlg, digestSize, sharedHasher } from "./hash-alg";
import { RsaPublicKey } from "./rsa-key";

// DER of DigestInfo { AlgorithmIdentifier { OID, NULL }, OCTET STRING (hLen) } up to the hash (RFC 8017 §9.2 note 1).
const PREFIX_SHA256: StaticArray<u8> = [
  0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
];
const PREFIX_SHA384: StaticArray<u8> = [
  0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30,
];
const PREFIX_SHA512: StaticArray<u8> = [
  0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40,
];

function digestInfoPrefix(hash: HashAlg): StaticArray<u8> | null {
  if (hash == HashAlg.SHA256) return PREFIX_SHA256;
  if (hash == HashAlg.SHA384) return PREFIX_SHA384;
  if (hash == HashAlg.SHA512) return PREFIX_SHA512;
  return null;
}

/**
 * Fills key.work with the expected encoding except its last hLen bytes (where the digest goes).
 * Returns the digest offset, or -1 if the hash is unsupported or the modulus too short for it.
 */
function prepareExpected(key: RsaPublicKey, hash: HashAlg): i32 {
  const prefix = digestInfoPrefix(hash);
  if (prefix === null) return -1;
  const hLen = digestSize(hash);
  const k = key.modBytes;
  const tLen = prefix.length + hLen;
  if (k < tLen + 11) return -1;
  const w = key.work.dataStart;
  store<u8>(w, 0);
  store<u8>(w, 1, 1);
  memory.fill(w + 2, 0xff, <usize>(k - tLen - 3));
  store<u8>(w + <usize>(k - tLen - 1), 0);
  memory.copy(w + <usize>(k - tLen), changetype<usize>(prefix), <usize>prefix.length);
  return k - hLen;
}

/** Applies RSAVP1 to sig and compares with the expected encoding now complete in key.work. */
function compareEncoding(key: RsaPublicKey, sig: Uint8Array): bool {
  if (!key.publicOp(sig, key.em)) return false;
  return memory.compare(key.em.dataStart, key.work.dataStart, <usize>key.modBytes) == 0;
}

/** Verifies sig over a precomputed message digest (digest length must match the hash). */
export function rsaPkcs1VerifyDigest(key: RsaPublicKey, hash: HashAlg, digest: Uint8Array, sig: Uint8Array): bool {
  const at = prepareExpected(key, hash);
  if (at < 0 || digest.length != digestSize(hash)) return false;
  memory.copy(key.work.dataStart + <usize>at, digest.dataStart, <usize>digest.length);
  return compareEncoding(key, sig);
}

/**
 * Verifies sig over msg[start, end) (a JWS signing input inside the token; the range is clamped to
 * the array) with a prepared key.
 */
export function rsaPkcs1VerifyPrepared(key: RsaPublicKey, hash: HashAlg, msg: Uint8Array, start: i32, end: i32, sig: Uint8Array): bool {
  const at = prepareExpected(key, hash);
  const h = sharedHasher(hash);
  if (at < 0 || h === null) return false;
  h.reset().update(msg, start, end).finishRaw(key.work.dataStart + <usize>at);
  return compareEncoding(key, sig);
}

/** One-shot: prepares (n, e) (see RsaPublicKey.create) and verifies sig over the whole msg. */
export function rsaPkcs1Verify(n: Uint8Array, e: Uint8Array, hash: HashAlg, msg: Uint8Array, sig: Uint8Array): bool {
  const key = RsaPublicKey.create(n, e);
  return key !== null && rsaPkcs1VerifyPrepared(key, hash, msg, 0, msg.length, sig);
}
