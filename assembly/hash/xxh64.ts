// XXH64 (Cyan4973 xxHash, 64-bit variant): the hash Envoy uses for route hash policies, Maglev
// offsets/skips and ring hash points. Must match the reference bit for bit; wasm is little-endian,
// which is the byte order XXH64 reads its lanes in, so plain loads are correct.

import { Utf8Scratch } from "../encoding/utf8-scratch";

/** The UTF-8 of a string being hashed (no allocation per call). */
const scratch = new Utf8Scratch();

// @ts-ignore: decorator
@inline const P1: u64 = 0x9e3779b185ebca87;
// @ts-ignore: decorator
@inline const P2: u64 = 0xc2b2ae3d27d4eb4f;
// @ts-ignore: decorator
@inline const P3: u64 = 0x165667b19e3779f9;
// @ts-ignore: decorator
@inline const P4: u64 = 0x85ebca77c2b2ae63;
// @ts-ignore: decorator
@inline const P5: u64 = 0x27d4eb2f165667c5;

// @ts-ignore: decorator
@inline function round(acc: u64, lane: u64): u64 {
  return rotl<u64>(acc + lane * P2, 31) * P1;
}

// @ts-ignore: decorator
@inline function mergeRound(h: u64, acc: u64): u64 {
  return (h ^ round(0, acc)) * P1 + P4;
}

/**
 * XXH64 of `len` bytes at linear-memory address `ptr`.
 * Unsafe: the caller guarantees [ptr, ptr+len) is inside memory (use the Uint8Array forms otherwise).
 */
export function xxh64Raw(ptr: usize, len: usize, seed: u64 = 0): u64 {
  const end = ptr + len;
  let p = ptr;
  let h: u64;
  if (len >= 32) {
    let v1 = seed + P1 + P2;
    let v2 = seed + P2;
    let v3 = seed;
    let v4 = seed - P1;
    const limit = end - 32;
    do {
      v1 = round(v1, load<u64>(p));
      v2 = round(v2, load<u64>(p, 8));
      v3 = round(v3, load<u64>(p, 16));
      v4 = round(v4, load<u64>(p, 24));
      p += 32;
    } while (p <= limit);
    h = rotl<u64>(v1, 1) + rotl<u64>(v2, 7) + rotl<u64>(v3, 12) + rotl<u64>(v4, 18);
    h = mergeRound(h, v1);
    h = mergeRound(h, v2);
    h = mergeRound(h, v3);
    h = mergeRound(h, v4);
  } else {
    h = seed + P5;
  }
  h += <u64>len;
  while (p + 8 <= end) {
    h = rotl<u64>(h ^ round(0, load<u64>(p)), 27) * P1 + P4;
    p += 8;
  }
  if (p + 4 <= end) {
    h = rotl<u64>(h ^ (<u64>load<u32>(p) * P1), 23) * P2 + P3;
    p += 4;
  }
  while (p < end) {
    h = rotl<u64>(h ^ (<u64>load<u8>(p) * P5), 11) * P1;
    p++;
  }
  h ^= h >> 33;
  h *= P2;
  h ^= h >> 29;
  h *= P3;
  h ^= h >> 32;
  return h;
}

/** XXH64 of all bytes of `data`. */
export function xxh64(data: Uint8Array, seed: u64 = 0): u64 {
  return xxh64Raw(data.dataStart, <usize>data.length, seed);
}

/**
 * XXH64 of data[start, end). Out-of-range bounds are clamped to the array (never traps);
 * start >= end hashes the empty string.
 */
export function xxh64Range(data: Uint8Array, start: i32, end: i32, seed: u64 = 0): u64 {
  const n = data.length;
  const s = start < 0 ? 0 : start > n ? n : start;
  const e = end < s ? s : end > n ? n : end;
  return xxh64Raw(data.dataStart + <usize>s, <usize>(e - s), seed);
}

/** XXH64 of the UTF-8 bytes of `s` (encoded into a reused scratch area, no allocation per call). */
export function xxh64String(s: string, seed: u64 = 0): u64 {
  const at = scratch.write(s);
  return xxh64Raw(at, scratch.length, seed);
}
