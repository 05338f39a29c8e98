// One reusable scratch area for hashing AssemblyScript (UTF-16) strings as UTF-8 bytes, so the
// string forms of the hashes allocate nothing per call. Contents are valid only until the next
// utf8Scratch call; callers must hash the bytes before encoding another string.

let scratch: usize = 0;
let capacity: usize = 0;

function reserve(n: usize): void {
  if (n <= capacity) return;
  // Grow geometrically so a run of longer keys does not reallocate each time.
  let cap = capacity < 64 ? <usize>64 : capacity;
  while (cap < n) cap <<= 1;
  if (scratch != 0) heap.free(scratch);
  scratch = heap.alloc(cap);
  capacity = cap;
}

/** Encodes `s` as UTF-8 (lone surrogates as WTF-8) into the scratch area; returns the byte length. */
export function utf8Scratch(s: string): usize {
  const units = <usize>s.length;
  reserve(units);
  // Host keys and header values are nearly always ASCII: narrow four code units per step and
  // fall back to the general encoder at the first non-ASCII one.
  const src = changetype<usize>(s);
  let i: usize = 0;
  const blocks = units & ~(<usize>3);
  while (i < blocks) {
    const v = load<u64>(src + (i << 1));
    if ((v & 0xff80ff80ff80ff80) != 0) return encodeSlow(s);
    const pairs = (v | (v >> 8)) & 0x0000ffff0000ffff;
    store<u32>(scratch + i, <u32>(pairs | (pairs >> 16)));
    i += 4;
  }
  while (i < units) {
    const c = <u32>load<u16>(src + (i << 1));
    if (c >= 0x80) return encodeSlow(s);
    store<u8>(scratch + i, <u8>c);
    i++;
  }
  return units;
}

function encodeSlow(s: string): usize {
  reserve(<usize>String.UTF8.byteLength(s));
  return String.UTF8.encodeUnsafe(changetype<usize>(s), s.length, scratch);
}

/** Address of the scratch bytes written by the last utf8Scratch call. */
export function scratchPtr(): usize {
  return scratch;
}
