// Block buffering and final padding shared by SHA-1, SHA-256 and SHA-512 (the Merkle-Damgard
// framing of FIPS 180-4 §5.1: 0x80, zeros, then the bit length big-endian in the last 8 bytes of a
// 64-byte block or the last 16 of a 128-byte one; messages here never reach 2^64 bits).

/** Compresses one block at `block` into the chaining state at `h`. */
export type Compress = (h: usize, block: usize) => void;

/**
 * Absorbs `len` readable bytes at `ptr` into a hasher whose partial block (holding `buffered` bytes)
 * lives at `buf`. Returns the new number of buffered bytes.
 */
export function mdAbsorb(h: usize, buf: usize, buffered: i32, ptr: usize, len: usize, block: usize, compress: Compress): i32 {
  let n = <usize>buffered;
  if (n > 0) {
    const take = min<usize>(block - n, len);
    memory.copy(buf + n, ptr, take);
    n += take; ptr += take; len -= take;
    if (n < block) return <i32>n;
    compress(h, buf);
  }
  while (len >= block) {
    compress(h, ptr);
    ptr += block; len -= block;
  }
  if (len > 0) memory.copy(buf, ptr, len);
  return <i32>len;
}

/** Pads the partial block and compresses the final block(s) for a message of `total` bytes. */
export function mdFinish(h: usize, buf: usize, buffered: i32, total: u64, block: usize, compress: Compress): void {
  let n = <usize>buffered;
  store<u8>(buf + n, 0x80);
  n++;
  const lengthAt = block - 8;
  // The length field is block/8 bytes wide; only its last 8 bytes can be non-zero here.
  if (n > block - (block >> 3)) {
    memory.fill(buf + n, 0, block - n);
    compress(h, buf);
    n = 0;
  }
  memory.fill(buf + n, 0, lengthAt - n);
  store<u64>(buf + lengthAt, bswap<u64>(total << 3));
  compress(h, buf);
}
