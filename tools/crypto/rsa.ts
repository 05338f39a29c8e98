// RSA, HMAC, hash and base64url exports for tests and benchmarks (dist/tools/crypto.js). Prepared keys
// cannot cross the JS boundary as objects, so they live in tables here and JS holds their index.
import { HashAlg, digest } from "../../assembly/crypto/hash-alg";
import { HmacKey, hmac } from "../../assembly/crypto/hmac";
import { MontModulus } from "../../assembly/crypto/montgomery";
import { RsaPublicKey } from "../../assembly/crypto/rsa-key";
import { rsaPkcs1Verify, rsaPkcs1VerifyPrepared } from "../../assembly/crypto/rsa-pkcs1";
import { rsaPssVerify, rsaPssVerifyPrepared } from "../../assembly/crypto/rsa-pss";
import { base64urlDecode, base64urlDecodeRange, base64urlEncode } from "../../assembly/encoding/base64url";

const rsaKeys = new Array<RsaPublicKey>();
const hmacKeys = new Array<HmacKey>();

/** Digest of data with HashAlg `alg` (0 SHA-256, 1 SHA-384, 2 SHA-512, 3 SHA-1, 4 SHA-224). */
export function hashDigest(alg: i32, data: Uint8Array): Uint8Array {
  return digest(<HashAlg>alg, data);
}

/** Full HMAC tag (empty for an unknown algorithm). */
export function hmacCompute(alg: i32, key: Uint8Array, msg: Uint8Array): Uint8Array {
  return hmac(<HashAlg>alg, key, msg);
}

/** Prepares an HMAC key; returns its handle. */
export function hmacKeyLoad(alg: i32, key: Uint8Array): i32 {
  hmacKeys.push(new HmacKey(<HashAlg>alg, key));
  return hmacKeys.length - 1;
}

/** Checks a (possibly truncated) tag with a prepared key; false for an unknown handle. */
export function hmacVerify(handle: i32, msg: Uint8Array, tag: Uint8Array): bool {
  if (handle < 0 || handle >= hmacKeys.length) return false;
  return unchecked(hmacKeys[handle]).verify(msg, 0, msg.length, tag);
}

/** Prepares an RSA public key from big-endian n and e; returns its handle, or -1 if refused. */
export function rsaKeyLoad(n: Uint8Array, e: Uint8Array): i32 {
  const key = RsaPublicKey.create(n, e);
  if (key === null) return -1;
  rsaKeys.push(key);
  return rsaKeys.length - 1;
}

/** Forgets every prepared RSA and HMAC key. */
export function rsaKeysClear(): void {
  rsaKeys.length = 0;
  hmacKeys.length = 0;
}

/** RSASSA-PKCS1-v1_5 with a prepared key (false for an unknown handle). */
export function rsaPkcs1VerifyKey(handle: i32, hash: i32, msg: Uint8Array, sig: Uint8Array): bool {
  if (handle < 0 || handle >= rsaKeys.length) return false;
  return rsaPkcs1VerifyPrepared(unchecked(rsaKeys[handle]), <HashAlg>hash, msg, 0, msg.length, sig);
}

/** RSASSA-PSS with a prepared key (false for an unknown handle). */
export function rsaPssVerifyKey(handle: i32, hash: i32, mgfHash: i32, saltLen: i32, msg: Uint8Array, sig: Uint8Array): bool {
  if (handle < 0 || handle >= rsaKeys.length) return false;
  return rsaPssVerifyPrepared(unchecked(rsaKeys[handle]), <HashAlg>hash, <HashAlg>mgfHash, saltLen, msg, 0, msg.length, sig);
}

/** One-shot RSASSA-PKCS1-v1_5 (key prepared and dropped). */
export function rsaPkcs1VerifyOnce(n: Uint8Array, e: Uint8Array, hash: i32, msg: Uint8Array, sig: Uint8Array): bool {
  return rsaPkcs1Verify(n, e, <HashAlg>hash, msg, sig);
}

/** One-shot RSASSA-PSS (key prepared and dropped). */
export function rsaPssVerifyOnce(n: Uint8Array, e: Uint8Array, hash: i32, mgfHash: i32, saltLen: i32, msg: Uint8Array, sig: Uint8Array): bool {
  return rsaPssVerify(n, e, <HashAlg>hash, <HashAlg>mgfHash, saltLen, msg, sig);
}

/**
 * Test hook for the Montgomery exponentiation: base^e mod n as n's byte length, big-endian.
 * Empty when n is refused (even, < 2 or too long) or base >= n. base may be any length.
 */
export function montPow(n: Uint8Array, e: Uint8Array, base: Uint8Array): Uint8Array {
  const m = MontModulus.create(n);
  if (m === null) return new Uint8Array(0);
  const padded = new Uint8Array(m.bytes);
  const len = base.length;
  for (let i = 0; i < len; i++) {
    const v = unchecked(base[len - 1 - i]);
    if (i >= m.bytes) {
      if (v != 0) return new Uint8Array(0);
    } else {
      unchecked(padded[m.bytes - 1 - i] = v);
    }
  }
  const out = new Uint8Array(m.bytes);
  return m.powBytes(out.dataStart, padded.dataStart, e) ? out : new Uint8Array(0);
}

// Benchmark loops: `iterations` verifications inside wasm (one JS call), returning how many
// succeeded, so figures exclude the JS<->wasm call and argument copying.

export function benchRsaPkcs1(handle: i32, hash: i32, msg: Uint8Array, sig: Uint8Array, iterations: i32): i32 {
  let ok = 0;
  for (let i = 0; i < iterations; i++) if (rsaPkcs1VerifyKey(handle, hash, msg, sig)) ok++;
  return ok;
}

export function benchRsaPss(handle: i32, hash: i32, saltLen: i32, msg: Uint8Array, sig: Uint8Array, iterations: i32): i32 {
  let ok = 0;
  for (let i = 0; i < iterations; i++) if (rsaPssVerifyKey(handle, hash, hash, saltLen, msg, sig)) ok++;
  return ok;
}

export function benchHmac(handle: i32, msg: Uint8Array, tag: Uint8Array, iterations: i32): i32 {
  let ok = 0;
  for (let i = 0; i < iterations; i++) if (hmacVerify(handle, msg, tag)) ok++;
  return ok;
}

/** Key preparation cost (Montgomery constants), for the benchmark's notes. */
export function benchRsaKeyLoad(n: Uint8Array, e: Uint8Array, iterations: i32): i32 {
  let ok = 0;
  for (let i = 0; i < iterations; i++) if (RsaPublicKey.create(n, e) !== null) ok++;
  return ok;
}

/** Strict base64url decode (null when invalid), for differential tests. */
export function b64urlDecode(s: string): Uint8Array | null {
  return base64urlDecode(s);
}

/** Strict base64url decode of bytes[start, end) (null when invalid or out of range). */
export function b64urlDecodeRange(bytes: Uint8Array, start: i32, end: i32): Uint8Array | null {
  return base64urlDecodeRange(bytes, start, end);
}

/** base64url without padding. */
export function b64urlEncode(data: Uint8Array): string {
  return base64urlEncode(data);
}
