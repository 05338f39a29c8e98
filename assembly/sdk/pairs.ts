// The ABI's map encoding (header maps, property maps): u32 count, then (u32 key_len, u32 value_len) per pair,
// then each key and value followed by a NUL. Decoding never trusts the sizes: a malformed map decodes to null.

export class HeaderPair {
  constructor(public key: string, public value: string) {}
}

/** A pair whose value is kept as bytes: property maps carry numbers and nested maps in their values. */
export class BytesPair {
  constructor(public key: string, public value: Uint8Array) {}
}

export function encodePairs(pairs: HeaderPair[]): ArrayBuffer {
  const n = pairs.length;
  const keys = new Array<ArrayBuffer>(n);
  const values = new Array<ArrayBuffer>(n);
  let size = 4;
  for (let i = 0; i < n; i++) {
    const k = String.UTF8.encode(unchecked(pairs[i]).key);
    const v = String.UTF8.encode(unchecked(pairs[i]).value);
    unchecked((keys[i] = k));
    unchecked((values[i] = v));
    size += 8 + k.byteLength + v.byteLength + 2;
  }
  const out = new ArrayBuffer(size);
  const base = changetype<usize>(out);
  store<u32>(base, n);
  let sizes = base + 4;
  let data = base + 4 + 8 * n;
  for (let i = 0; i < n; i++) {
    const k = unchecked(keys[i]);
    const v = unchecked(values[i]);
    store<u32>(sizes, k.byteLength);
    store<u32>(sizes, v.byteLength, 4);
    sizes += 8;
    memory.copy(data, changetype<usize>(k), k.byteLength);
    data += k.byteLength;
    store<u8>(data++, 0);
    memory.copy(data, changetype<usize>(v), v.byteLength);
    data += v.byteLength;
    store<u8>(data++, 0);
  }
  return out;
}

/** Checks the framing of a pairs buffer and returns the pair count, or -1 when it is malformed. */
export function pairsCount(ptr: usize, size: usize): i32 {
  if (size < 4) return -1;
  const n = load<u32>(ptr);
  if (<u64>n * 8 + 4 > <u64>size) return -1;
  let expected: u64 = 4 + <u64>n * 8;
  for (let i: u32 = 0; i < n; i++) {
    const at = ptr + 4 + <usize>i * 8;
    expected += <u64>load<u32>(at) + <u64>load<u32>(at, 4) + 2;
  }
  return expected == <u64>size ? <i32>n : -1;
}

function headerPairAt(key: string, valuePtr: usize, valueLen: u32): HeaderPair {
  return new HeaderPair(key, String.UTF8.decodeUnsafe(valuePtr, valueLen));
}

function bytesPairAt(key: string, valuePtr: usize, valueLen: u32): BytesPair {
  const value = new Uint8Array(valueLen);
  if (valueLen > 0) memory.copy(value.dataStart, valuePtr, valueLen);
  return new BytesPair(key, value);
}

/** Walks a well-framed pairs buffer, building each pair with `make` from its key and the span of its value. */
function decodeWith<P>(ptr: usize, size: usize, make: (key: string, valuePtr: usize, valueLen: u32) => P): P[] | null {
  if (size == 0) return [];
  const n = pairsCount(ptr, size);
  if (n < 0) return null;
  const out = new Array<P>(n);
  let data = ptr + 4 + <usize>n * 8;
  for (let i = 0; i < n; i++) {
    const at = ptr + 4 + <usize>i * 8;
    const klen = load<u32>(at);
    const vlen = load<u32>(at, 4);
    const key = String.UTF8.decodeUnsafe(data, klen);
    data += klen + 1;
    unchecked((out[i] = make(key, data, vlen)));
    data += vlen + 1;
  }
  return out;
}

export function decodePairs(ptr: usize, size: usize): HeaderPair[] | null {
  return decodeWith<HeaderPair>(ptr, size, headerPairAt);
}

export function decodeBytesPairs(ptr: usize, size: usize): BytesPair[] | null {
  return decodeWith<BytesPair>(ptr, size, bytesPairAt);
}

/** Decodes a pairs buffer held in a managed array (nested maps inside property values). */
export function decodeBytesPairsFrom(bytes: Uint8Array): BytesPair[] | null {
  return decodeBytesPairs(bytes.dataStart, <usize>bytes.length);
}
