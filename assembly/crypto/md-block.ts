// The incremental hasher shared by SHA-1, SHA-224/256 and SHA-384/512: block buffering and the
// Merkle-Damgard framing of FIPS 180-4 §5.1 (0x80, zeros, then the bit length big-endian in the
// last 8 bytes of a 64-byte block or the last 16 of a 128-byte one; messages here never reach
// 2^64 bits). Each hash contributes only an MdSpec: its compression function and initial state.

/** Compresses one block at `block` into the chaining state at `h` (native-endian words). */
export type Compress = (h: usize, block: usize) => void;

export class MdSpec {
  constructor(
    /** Digest length in bytes (a prefix of the big-endian state words). */
    readonly size: i32,
    /** Block length in bytes (64 or 128). */
    readonly block: i32,
    /** State word length in bytes (4 or 8); the state is always 8 words. */
    readonly wordBytes: i32,
    readonly compress: Compress,
    /** Initial state: address of a module-level constant (static, never collected). */
    readonly iv: usize,
  ) {}
}

export class MdHash {
  readonly spec: MdSpec;
  /** Chaining state (8 words) followed by the partial block. */
  private state: StaticArray<u8>;
  private buffered: i32 = 0;
  private total: u64 = 0;

  constructor(spec: MdSpec) {
    this.spec = spec;
    this.state = new StaticArray<u8>((spec.wordBytes << 3) + spec.block);
    this.reset();
  }

  /** Digest length in bytes. */
  get size(): i32 {
    return this.spec.size;
  }

  reset(): MdHash {
    memory.copy(changetype<usize>(this.state), this.spec.iv, <usize>this.spec.wordBytes << 3);
    this.buffered = 0;
    this.total = 0;
    return this;
  }

  /** Continues from another hasher's state (HMAC keeps its keyed states this way); same spec only. */
  copyFrom(other: MdHash): MdHash {
    if (other.spec === this.spec) {
      memory.copy(changetype<usize>(this.state), changetype<usize>(other.state), <usize>this.state.length);
      this.buffered = other.buffered;
      this.total = other.total;
    }
    return this;
  }

  /** Absorbs data[start, end) (clamped to the array). */
  update(data: Uint8Array, start: i32 = 0, end: i32 = data.length): MdHash {
    if (start < 0) start = 0;
    if (end > data.length) end = data.length;
    if (end > start) this.updateRaw(data.dataStart + <usize>start, <usize>(end - start));
    return this;
  }

  /** Absorbs `len` bytes at `ptr` (the caller guarantees they are readable). */
  updateRaw(ptr: usize, len: usize): MdHash {
    const spec = this.spec;
    const h = changetype<usize>(this.state);
    const buf = h + (<usize>spec.wordBytes << 3);
    const block = <usize>spec.block;
    const compress = spec.compress;
    this.total += <u64>len;
    let n = <usize>this.buffered;
    if (n > 0) {
      const take = min<usize>(block - n, len);
      memory.copy(buf + n, ptr, take);
      n += take; ptr += take; len -= take;
      if (n < block) {
        this.buffered = <i32>n;
        return this;
      }
      compress(h, buf);
    }
    while (len >= block) {
      compress(h, ptr);
      ptr += block; len -= block;
    }
    if (len > 0) memory.copy(buf, ptr, len);
    this.buffered = <i32>len;
    return this;
  }

  /** Writes the digest (`size` bytes) to `out`. The hasher must be reset before reuse. */
  finishRaw(out: usize): void {
    const spec = this.spec;
    const h = changetype<usize>(this.state);
    const wb = <usize>spec.wordBytes;
    const buf = h + (wb << 3);
    const block = <usize>spec.block;
    const compress = spec.compress;
    let n = <usize>this.buffered;
    store<u8>(buf + n, 0x80);
    n++;
    // The length field is block/8 bytes wide; only its last 8 bytes can be non-zero here.
    if (n > block - (block >> 3)) {
      memory.fill(buf + n, 0, block - n);
      compress(h, buf);
      n = 0;
    }
    memory.fill(buf + n, 0, block - 8 - n);
    store<u64>(buf + block - 8, bswap<u64>(this.total << 3));
    compress(h, buf);
    // Big-endian words: byte i is byte (wb - 1 - i % wb) of native-endian word i / wb.
    for (let i: usize = 0, size = <usize>spec.size; i < size; i++) {
      store<u8>(out + i, load<u8>(h + (i - i % wb) + (wb - 1 - i % wb)));
    }
  }

  /** The digest of everything absorbed; the hasher must be reset before reuse. */
  digest(): Uint8Array {
    const out = new Uint8Array(this.size);
    this.finishRaw(out.dataStart);
    return out;
  }
}
