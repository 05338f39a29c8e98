// Envoy's MurmurHash::murmurHash2: the 64-bit MurmurHash2 variant of libstdc++'s std::_Hash_bytes,
// used by ring hash with hash_function MURMUR_HASH_2. Envoy reads words little-endian on every
// platform, as wasm does, so plain loads match.

import { Utf8Scratch } from "../encoding/utf8-scratch";

/** The UTF-8 of a string being hashed (no allocation per call). */
const scratch = new Utf8Scratch();

/** Seed Envoy passes (libstdc++'s std::hash<std::string> seed). */
export const MURMUR2_STD_SEED: u64 = 0xc70f6907;

// @ts-ignore: decorator
@inline const MUL: u64 = 0xc6a4a7935bd1e995;

// @ts-ignore: decorator
@inline function shiftMix(v: u64): u64 {
  return v ^ (v >> 47);
}

/** MurmurHash2-64 of `len` bytes at `ptr`. Unsafe: the caller guarantees the range is in memory. */
export function murmur2Raw(ptr: usize, len: usize, seed: u64 = MURMUR2_STD_SEED): u64 {
  const tail = len & 7;
  const end = ptr + (len - tail);
  let h = seed ^ (<u64>len * MUL);
  for (let p = ptr; p < end; p += 8) {
    h = (h ^ (shiftMix(load<u64>(p) * MUL) * MUL)) * MUL;
  }
  if (tail != 0) {
    // The last 1..7 bytes, little-endian, zero-extended.
    let t: u64 = 0;
    for (let i = <isize>tail - 1; i >= 0; i--) {
      t = (t << 8) | <u64>load<u8>(end + <usize>i);
    }
    h = (h ^ t) * MUL;
  }
  h = shiftMix(h) * MUL;
  return shiftMix(h);
}

/** MurmurHash2-64 of all bytes of `data`. */
export function murmur2(data: Uint8Array, seed: u64 = MURMUR2_STD_SEED): u64 {
  return murmur2Raw(data.dataStart, <usize>data.length, seed);
}

/** MurmurHash2-64 of the UTF-8 bytes of `s`. */
export function murmur2String(s: string, seed: u64 = MURMUR2_STD_SEED): u64 {
  const at = scratch.write(s);
  return murmur2Raw(at, scratch.length, seed);
}
