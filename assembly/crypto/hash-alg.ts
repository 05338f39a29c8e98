// Hash functions selected by value, and one incremental hasher type over all of them so HMAC and
// MGF1 are written once. JOSE uses SHA-256/384/512 (HS/RS/PS/ES 256/384/512); SHA-1 and SHA-224
// exist only for RSA-PSS parameter sets outside JOSE, and the JOSE layer never maps an alg to them.
import { Sha1, SHA1_SIZE, SHA1_BLOCK } from "./sha1";
import { Sha256, SHA224_SIZE, SHA256_SIZE, SHA256_BLOCK } from "./sha256";
import { Sha512, SHA384_SIZE, SHA512_SIZE, SHA512_BLOCK } from "./sha512";

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
  switch (alg) {
    case HashAlg.SHA256: return SHA256_SIZE;
    case HashAlg.SHA384: return SHA384_SIZE;
    case HashAlg.SHA512: return SHA512_SIZE;
    case HashAlg.SHA1: return SHA1_SIZE;
    case HashAlg.SHA224: return SHA224_SIZE;
  }
  return 0;
}

/** Block length in bytes (0 for an unknown value). */
export function blockSize(alg: HashAlg): i32 {
  if (alg == HashAlg.SHA384 || alg == HashAlg.SHA512) return SHA512_BLOCK;
  if (alg == HashAlg.SHA1) return SHA1_BLOCK;
  return isHashAlg(alg) ? SHA256_BLOCK : 0;
}

/**
 * Incremental hash of a chosen algorithm. An unknown algorithm value yields an empty digest
 * (callers check isHashAlg first; this only keeps bad input from trapping).
 */
export class Hasher {
  readonly alg: HashAlg;
  private s1: Sha1 | null = null;
  private s256: Sha256 | null = null;
  private s512: Sha512 | null = null;

  constructor(alg: HashAlg) {
    this.alg = alg;
    if (alg == HashAlg.SHA256 || alg == HashAlg.SHA224) this.s256 = new Sha256(alg == HashAlg.SHA224);
    else if (alg == HashAlg.SHA384 || alg == HashAlg.SHA512) this.s512 = new Sha512(alg == HashAlg.SHA384);
    else if (alg == HashAlg.SHA1) this.s1 = new Sha1();
  }

  get size(): i32 {
    return digestSize(this.alg);
  }

  reset(): Hasher {
    const a = this.s256, b = this.s512, c = this.s1;
    if (a !== null) a.reset();
    else if (b !== null) b.reset();
    else if (c !== null) c.reset();
    return this;
  }

  /** Continue from another hasher's state (same algorithm; otherwise nothing happens). */
  copyFrom(other: Hasher): Hasher {
    if (this.alg != other.alg) return this;
    const a = this.s256, b = this.s512, c = this.s1, oa = other.s256, ob = other.s512, oc = other.s1;
    if (a !== null && oa !== null) a.copyFrom(oa);
    else if (b !== null && ob !== null) b.copyFrom(ob);
    else if (c !== null && oc !== null) c.copyFrom(oc);
    return this;
  }

  /** Absorbs data[start, end) (clamped to the array). */
  update(data: Uint8Array, start: i32 = 0, end: i32 = data.length): Hasher {
    if (start < 0) start = 0;
    if (end > data.length) end = data.length;
    if (end > start) this.updateRaw(data.dataStart + <usize>start, <usize>(end - start));
    return this;
  }

  /** Absorbs `len` readable bytes at `ptr`. */
  updateRaw(ptr: usize, len: usize): Hasher {
    const a = this.s256, b = this.s512, c = this.s1;
    if (a !== null) a.updateRaw(ptr, len);
    else if (b !== null) b.updateRaw(ptr, len);
    else if (c !== null) c.updateRaw(ptr, len);
    return this;
  }

  /** Writes `size` bytes of digest to `out`; reset before reuse. */
  finishRaw(out: usize): void {
    const a = this.s256, b = this.s512, c = this.s1;
    if (a !== null) a.finishRaw(out);
    else if (b !== null) b.finishRaw(out);
    else if (c !== null) c.finishRaw(out);
  }

  digest(): Uint8Array {
    const out = new Uint8Array(this.size);
    this.finishRaw(out.dataStart);
    return out;
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
