// Radix-2^29 limb vectors: the representation every elliptic-curve field here uses.
// 29-bit limbs leave room in an i64 for a sum of 18 limb products plus carries, so
// multiplication accumulates without per-product carry handling (wasm has no 64x64->128).
// A vector is `n` u32 words at a raw address (little-endian limb order). "Normalized"
// means every limb but the top one is < 2^29; the top limb may carry the excess.
// Callers own the memory and guarantee the addresses are valid for `n` words.

export const LIMB_BITS: i32 = 29;
export const LIMB_MASK: u32 = 0x1fffffff;

/** Allocates a zeroed vector of `n` limbs; the array keeps the memory alive, the caller uses its address. */
export function newLimbs(n: i32): StaticArray<u32> {
  return new StaticArray<u32>(n);
}

/** Address of a limb vector's first word. */
// @ts-ignore: decorator
@inline export function addr(a: StaticArray<u32>): usize {
  return changetype<usize>(a);
}

export function limbsCopy(r: usize, a: usize, n: i32): void {
  memory.copy(r, a, (<usize>n) << 2);
}

export function limbsZero(r: usize, n: i32): void {
  memory.fill(r, 0, (<usize>n) << 2);
}

/** r = small integer v (< 2^29). */
export function limbsSetSmall(r: usize, n: i32, v: u32): void {
  limbsZero(r, n);
  store<u32>(r, v);
}

export function limbsIsZero(a: usize, n: i32): bool {
  let acc: u32 = 0;
  for (let i = 0; i < n; i++) acc |= load<u32>(a + ((<usize>i) << 2));
  return acc == 0;
}

export function limbsEqual(a: usize, b: usize, n: i32): bool {
  for (let i = 0; i < n; i++) {
    if (load<u32>(a + ((<usize>i) << 2)) != load<u32>(b + ((<usize>i) << 2))) return false;
  }
  return true;
}

/** Compares normalized vectors: -1, 0 or 1. */
export function limbsCompare(a: usize, b: usize, n: i32): i32 {
  for (let i = n - 1; i >= 0; i--) {
    const x = load<u32>(a + ((<usize>i) << 2));
    const y = load<u32>(b + ((<usize>i) << 2));
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

/** a -= b for normalized a >= b; the result is normalized. */
export function limbsSubInPlace(a: usize, b: usize, n: i32): void {
  let borrow: i32 = 0;
  for (let i = 0; i < n; i++) {
    const p = a + ((<usize>i) << 2);
    const v = <i32>load<u32>(p) - <i32>load<u32>(b + ((<usize>i) << 2)) + borrow;
    if (i < n - 1) {
      store<u32>(p, <u32>v & LIMB_MASK);
      borrow = v >> LIMB_BITS;
    } else {
      store<u32>(p, <u32>v);
    }
  }
}

/**
 * Reads `len` bytes at `src` (big-endian, or little-endian when `le`) into `n` limbs. Returns
 * false when the value does not fit in 29*n bits (the vector is then unspecified).
 */
export function limbsFromBytes(r: usize, n: i32, src: usize, len: i32, le: bool): bool {
  limbsZero(r, n);
  let acc: u64 = 0;
  let accBits: i32 = 0;
  let limb = 0;
  for (let k = 0; k < len; k++) {
    // k counts from the least significant byte.
    acc |= (<u64>load<u8>(src + <usize>(le ? k : len - 1 - k))) << accBits;
    accBits += 8;
    if (accBits >= LIMB_BITS) {
      if (limb >= n) return false;
      store<u32>(r + ((<usize>limb) << 2), <u32>acc & LIMB_MASK);
      limb++;
      acc >>= LIMB_BITS;
      accBits -= LIMB_BITS;
    }
  }
  if (acc != 0) {
    if (limb >= n) return false;
    store<u32>(r + ((<usize>limb) << 2), <u32>acc);
  }
  return true;
}

/** Writes a normalized vector as `len` bytes, big-endian or little-endian when `le` (the value must fit). */
export function limbsToBytes(dst: usize, len: i32, a: usize, n: i32, le: bool): void {
  let acc: u64 = 0;
  let accBits: i32 = 0;
  let limb = 0;
  for (let k = 0; k < len; k++) {
    if (accBits < 8) {
      if (limb < n) acc |= (<u64>load<u32>(a + ((<usize>limb) << 2))) << accBits;
      limb++;
      accBits += LIMB_BITS;
    }
    store<u8>(dst + <usize>(le ? k : len - 1 - k), <u8>acc);
    acc >>= 8;
    accBits -= 8;
  }
}

/** Loads a constant written as big-endian 32-bit words (the way standards print them). */
export function limbsFromWordsBE(r: usize, n: i32, words: StaticArray<u32>): void {
  const len = words.length << 2;
  const tmp = new StaticArray<u8>(len);
  for (let i = 0; i < words.length; i++) {
    const w = unchecked(words[i]);
    unchecked((tmp[i << 2] = <u8>(w >>> 24)));
    unchecked((tmp[(i << 2) + 1] = <u8>(w >>> 16)));
    unchecked((tmp[(i << 2) + 2] = <u8>(w >>> 8)));
    unchecked((tmp[(i << 2) + 3] = <u8>w));
  }
  limbsFromBytes(r, n, changetype<usize>(tmp), len, false);
}
