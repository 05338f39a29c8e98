// RSASSA-PSS verification (RFC 8017 §8.1.2 with EMSA-PSS-VERIFY §9.1.2 and MGF1 §B.2.1), for any
// message hash, MGF1 hash and fixed salt length. JWS PS256/384/512 use MGF1 with the message hash
// and sLen = hLen; other parameter sets exist for completeness (and the Wycheproof suite).
import { HashAlg, Hasher, digestSize, isHashAlg, sharedHasher } from "./hash-alg";
import { RsaPublicKey } from "./rsa-key";

// Message digest (64 bytes max), then MGF1 block input counter / output (4 + 64 bytes).
const mHashScratch = new StaticArray<u8>(64);
const mgfOut = new StaticArray<u8>(64);
const counter = new StaticArray<u8>(4);
const ZEROS8 = new StaticArray<u8>(8);

/** dst[0, len) ^= MGF1(seed[0, seedLen), len) with the given hash (§B.2.1). */
function xorMgf1(h: Hasher, seed: usize, seedLen: usize, dst: usize, len: i32): void {
  const out = changetype<usize>(mgfOut);
  const c = changetype<usize>(counter);
  const hLen = h.size;
  for (let done = 0, i: u32 = 0; done < len; i++) {
    store<u32>(c, bswap<u32>(i));
    h.reset().updateRaw(seed, seedLen).updateRaw(c, 4).finishRaw(out);
    const n = min<i32>(hLen, len - done);
    for (let j = 0; j < n; j++) {
      const p = dst + <usize>(done + j);
      store<u8>(p, load<u8>(p) ^ load<u8>(out + <usize>j));
    }
    done += n;
  }
}

/** EMSA-PSS-VERIFY after RSAVP1, with the message digest (hLen bytes) at mHash. */
function verifyCore(key: RsaPublicKey, hash: HashAlg, mgfHash: HashAlg, saltLen: i32, mHash: usize, sig: Uint8Array): bool {
  const hLen = digestSize(hash);
  if (hLen == 0 || !isHashAlg(mgfHash)) return false;
  const emBits = key.modBits - 1;
  const emLen = (emBits + 7) >> 3;
  // saltLen is checked on its own first so that hLen + saltLen + 2 cannot overflow.
  if (saltLen < 0 || saltLen > emLen || emLen < hLen + saltLen + 2) return false;
  const em = key.em;
  if (!key.publicOp(sig, em)) return false;
  // I2OSP(m, emLen): when modBits = 8 * emLen + 1 the leading byte of the modulus-length encoding must be zero.
  const off = key.modBytes - emLen;
  if (off > 0 && unchecked(em[0]) != 0) return false;
  const EM = em.dataStart + <usize>off;
  if (load<u8>(EM + <usize>(emLen - 1)) != 0xbc) return false;
  const dbLen = emLen - hLen - 1;
  const H = EM + <usize>dbLen;
  // Bits of the first byte above emBits must be zero in maskedDB, and are cleared in DB.
  const topMask = <u8>(<u32>0xff >> <u32>(8 * emLen - emBits));
  if ((load<u8>(EM) & ~topMask) != 0) return false;
  const db = key.work.dataStart;
  memory.copy(db, EM, <usize>dbLen);
  const mgf = sharedHasher(mgfHash);
  if (mgf === null) return false;
  xorMgf1(mgf, H, <usize>hLen, db, dbLen);
  store<u8>(db, load<u8>(db) & topMask);
  // DB = PS (zeros) || 0x01 || salt.
  const psLen = dbLen - saltLen - 1;
  let bad: u32 = 0;
  for (let i = 0; i < psLen; i++) bad |= load<u8>(db + <usize>i);
  if (bad != 0 || load<u8>(db + <usize>psLen) != 0x01) return false;
  // H' = Hash(0x00 * 8 || mHash || salt) must equal H.
  const h = sharedHasher(hash);
  if (h === null) return false;
  const hPrime = changetype<usize>(mgfOut);
  h.reset().updateRaw(changetype<usize>(ZEROS8), 8).updateRaw(mHash, <usize>hLen)
    .updateRaw(db + <usize>(dbLen - saltLen), <usize>saltLen).finishRaw(hPrime);
  return memory.compare(hPrime, H, <usize>hLen) == 0;
}

/** Verifies sig over a precomputed message digest (its length must match `hash`). */
export function rsaPssVerifyDigest(key: RsaPublicKey, hash: HashAlg, mgfHash: HashAlg, saltLen: i32, mHash: Uint8Array, sig: Uint8Array): bool {
  if (mHash.length != digestSize(hash)) return false;
  return verifyCore(key, hash, mgfHash, saltLen, mHash.dataStart, sig);
}

/** Verifies sig over msg[start, end) (clamped to the array) with a prepared key. */
export function rsaPssVerifyPrepared(
  key: RsaPublicKey, hash: HashAlg, mgfHash: HashAlg, saltLen: i32, msg: Uint8Array, start: i32, end: i32, sig: Uint8Array,
): bool {
  const h = sharedHasher(hash);
  if (h === null) return false;
  const m = changetype<usize>(mHashScratch);
  h.reset().update(msg, start, end).finishRaw(m);
  return verifyCore(key, hash, mgfHash, saltLen, m, sig);
}

/** One-shot: prepares (n, e) (see RsaPublicKey.create) and verifies sig over the whole msg. */
export function rsaPssVerify(
  n: Uint8Array, e: Uint8Array, hash: HashAlg, mgfHash: HashAlg, saltLen: i32, msg: Uint8Array, sig: Uint8Array,
): bool {
  const key = RsaPublicKey.create(n, e);
  return key !== null && rsaPssVerifyPrepared(key, hash, mgfHash, saltLen, msg, 0, msg.length, sig);
}
