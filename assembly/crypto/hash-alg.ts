// The SHA-2 functions JOSE uses, selected by value (HS/RS/PS/ES 256/384/512), and one incremental
// hasher type over all three so HMAC and MGF1 are written once.
import { Sha256, SHA256_SIZE, SHA256_BLOCK } from "./sha256";
import { Sha512, SHA384_SIZE, SHA512_SIZE, SHA512_BLOCK } from "./sha512";

export enum HashAlg {
  SHA256 = 0,
  SHA384 = 1,
  SHA512 = 2,
}

/** True for the three defined values (HashAlg arrives as a plain i32 across module boundaries). */
export function isHashAlg(alg: i32): bool {
  return <u32>alg <= <u32>HashAlg.SHA512;
}

/** Digest length in bytes (0 for an unknown value). */
export function digestSize(alg: HashAlg): i32 {
  if (alg == HashAlg.SHA256) return SHA256_SIZE;
  if (alg == HashAlg.SHA384) return SHA384_SIZE;
  if (alg == HashAlg.SHA512) return SHA512_SIZE;
  return 0;
}

/** Block length in bytes (0 for an unknown value). */
export function blockSize(alg: HashAlg): i32 {
  if (alg == HashAlg.SHA256) return SHA256_BLOCK;
  return isHashAlg(alg) ? SHA512_BLOCK : 0;
}

/**
 * Incremental hash of a chosen algorithm. An unknown algorithm value yields an empty digest
 * (callers check isHashAlg first; this only keeps bad input from trapping).
 */
export class Hasher {
  readonly alg: HashAlg;
  private s256: Sha256 | null = null;
  private s512: Sha512 | null = null;

  constructor(alg: HashAlg) {
    this.alg = alg;
    if (alg == HashAlg.SHA256) this.s256 = new Sha256();
    else if (alg == HashAlg.SHA384 || alg == HashAlg.SHA512) this.s512 = new Sha512(alg == HashAlg.SHA384);
  }

  get size(): i32 {
    return digestSize(this.alg);
  }

  reset(): Hasher {
    const a = this.s256, b = this.s512;
    if (a !== null) a.reset();
    else if (b !== null) b.reset();
    return this;
  }

  /** Continue from another hasher's state (same algorithm; otherwise nothing happens). */
  copyFrom(other: Hasher): Hasher {
    const a = this.s256, b = this.s512, oa = other.s256, ob = other.s512;
    if (a !== null && oa !== null) a.copyFrom(oa);
    else if (b !== null && ob !== null && this.alg == other.alg) b.copyFrom(ob);
    return this;
  }

  /** Absorbs data[start, end) (clamped to the array). */
  update(data: Uint8Array, start: i32 = 0, end: i32 = data.length): Hasher {
    const a = this.s256, b = this.s512;
    if (a !== null) a.update(data, start, end);
    else if (b !== null) b.update(data, start, end);
    return this;
  }

  /** Absorbs `len` readable bytes at `ptr`. */
  updateRaw(ptr: usize, len: usize): Hasher {
    const a = this.s256, b = this.s512;
    if (a !== null) a.updateRaw(ptr, len);
    else if (b !== null) b.updateRaw(ptr, len);
    return this;
  }

  /** Writes `size` bytes of digest to `out`; reset before reuse. */
  finishRaw(out: usize): void {
    const a = this.s256, b = this.s512;
    if (a !== null) a.finishRaw(out);
    else if (b !== null) b.finishRaw(out);
  }

  digest(): Uint8Array {
    const out = new Uint8Array(this.size);
    this.finishRaw(out.dataStart);
    return out;
  }
}

const h256 = new Hasher(HashAlg.SHA256);
const h384 = new Hasher(HashAlg.SHA384);
const h512 = new Hasher(HashAlg.SHA512);

/** A shared hasher for one-shot use (the caller must finish with it before anything else uses it). */
export function sharedHasher(alg: HashAlg): Hasher | null {
  if (alg == HashAlg.SHA256) return h256;
  if (alg == HashAlg.SHA384) return h384;
  if (alg == HashAlg.SHA512) return h512;
  return null;
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
