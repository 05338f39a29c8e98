// Hash functions selected by value, and one incremental hasher type over all of them so HMAC and
// MGF1 are written once. JOSE uses SHA-256/384/512 (HS/RS/PS/ES 256/384/512); SHA-1 and SHA-224
// exist only for RSA-PSS parameter sets outside JOSE, and the JOSE layer never maps an alg to them.
import { MdHash, MdSpec } from "./md-block";
import { SHA1_SPEC } from "./sha1";
import { SHA224_SPEC, SHA256_SPEC, SHA256_BLOCK } from "./sha256";
import { SHA384_SPEC, SHA512_SPEC } from "./sha512";

export enum HashAlg {
  SHA256 = 0,
  SHA384 = 1,
  SHA512 = 2,
  SHA1 = 3,
  SHA224 = 4,
}

/** True for the defined values (HashAlg arrives as a plain i32 across module boundaries). */
export function isHashAlg(alg: i32): bool {
  return <u32>alg <= <u32>HashAlg.SHA224;
}

/** Digest length in bytes (0 for an unknown value). */
export function digestSize(alg: HashAlg): i32 {
  return specFor(alg).size;
}

/** Block length in bytes (0 for an unknown value). */
export function blockSize(alg: HashAlg): i32 {
  return isHashAlg(alg) ? specFor(alg).block : 0;
}

// Unknown algorithm values get a spec whose digest is empty (callers check isHashAlg first; this
// only keeps bad input from trapping).
const NO_HASH = new MdSpec(0, SHA256_BLOCK, 4, SHA256_SPEC.compress, SHA256_SPEC.iv);

function specFor(alg: HashAlg): MdSpec {
  switch (alg) {
    case HashAlg.SHA256: return SHA256_SPEC;
    case HashAlg.SHA384: return SHA384_SPEC;
    case HashAlg.SHA512: return SHA512_SPEC;
    case HashAlg.SHA1: return SHA1_SPEC;
    case HashAlg.SHA224: return SHA224_SPEC;
  }
  return NO_HASH;
}

/** Incremental hash of a chosen algorithm (an unknown value yields an empty digest). */
export class Hasher extends MdHash {
  readonly alg: HashAlg;

  constructor(alg: HashAlg) {
    super(specFor(alg));
    this.alg = alg;
  }
}

// One lazily created hasher per algorithm for one-shot use.
const shared = new StaticArray<Hasher | null>(5);

/** A shared hasher for one-shot use (the caller must finish with it before anything else uses it). */
export function sharedHasher(alg: HashAlg): Hasher | null {
  if (!isHashAlg(alg)) return null;
  let h = unchecked(shared[alg]);
  if (h === null) {
    h = new Hasher(alg);
    unchecked(shared[alg] = h);
  }
  return h;
}

/** Digest of data[start, end) (clamped); empty for an unknown algorithm. */
export function digestRange(alg: HashAlg, data: Uint8Array, start: i32, end: i32): Uint8Array {
  const h = sharedHasher(alg);
  if (h === null) return new Uint8Array(0);
  return h.reset().update(data, start, end).digest();
}

/** Digest of the whole array; empty for an unknown algorithm. */
export function digest(alg: HashAlg, data: Uint8Array): Uint8Array {
  return digestRange(alg, data, 0, data.length);
}
