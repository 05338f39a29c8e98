// One reusable scratch area for hashing AssemblyScript (UTF-16) strings as UTF-8 bytes, so the
// string forms of the hashes allocate nothing per call. Contents are valid only until the next
// utf8Scratch call; callers must hash the bytes before encoding another string.

let scratch: usize = 0;
let capacity: usize = 0;

/** Encodes `s` as UTF-8 (lone surrogates as WTF-8) into the scratch area; returns the byte length. */
export function utf8Scratch(s: string): usize {
  const n = <usize>String.UTF8.byteLength(s);
  if (n > capacity) {
    // Grow geometrically so a run of longer keys does not reallocate each time.
    let cap = capacity < 64 ? <usize>64 : capacity;
    while (cap < n) cap <<= 1;
    if (scratch != 0) heap.free(scratch);
    scratch = heap.alloc(cap);
    capacity = cap;
  }
  return String.UTF8.encodeUnsafe(changetype<usize>(s), s.length, scratch);
}

/** Address of the scratch bytes written by the last utf8Scratch call. */
export function scratchPtr(): usize {
  return scratch;
}
