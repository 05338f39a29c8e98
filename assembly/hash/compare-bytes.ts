// Byte-wise (unsigned) order with the shorter string first on a common prefix: what
// std::string_view's operator< does, which is how Envoy sorts Maglev keys and header values.

export function compareBytes(a: Uint8Array, b: Uint8Array): i32 {
  const la = a.length;
  const lb = b.length;
  const c = memory.compare(a.dataStart, b.dataStart, <usize>(la < lb ? la : lb));
  return c != 0 ? c : la - lb;
}
