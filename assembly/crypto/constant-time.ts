// Comparison whose running time does not depend on where secret bytes differ (MAC tags).

/** Equality of `len` bytes at a and b, reading every byte. */
export function constantTimeEqualRaw(a: usize, b: usize, len: usize): bool {
  let diff: u32 = 0;
  let i: usize = 0;
  for (; i + 8 <= len; i += 8) {
    const x = load<u64>(a + i) ^ load<u64>(b + i);
    diff |= <u32>x | <u32>(x >>> 32);
  }
  for (; i < len; i++) diff |= <u32>(load<u8>(a + i) ^ load<u8>(b + i));
  return diff == 0;
}

/** Byte equality without an early exit on content. Lengths are public: a mismatch returns false at once. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  return constantTimeEqualRaw(a.dataStart, b.dataStart, <usize>a.length);
}
