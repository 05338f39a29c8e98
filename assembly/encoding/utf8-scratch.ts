// A reusable area for the UTF-8 bytes of a string, so code that only needs the bytes for a moment (hashing a key,
// passing a header name to the host) allocates nothing per call. The area grows to the longest string seen, up
// to `maxRetained`; a longer string is encoded into a one-off buffer, held until the next write.

export class Utf8Scratch {
  /** Byte length of the last string written. */
  length: usize = 0;
  private area: usize = 0;
  private capacity: usize = 0;
  private overflow: ArrayBuffer | null = null;

  constructor(private readonly maxRetained: usize = 64 * 1024) {}

  /** Writes the UTF-8 of `s` (lone surrogates as WTF-8) and returns where it is; valid until the next write. */
  write(s: string): usize {
    const units = <usize>s.length;
    if (units * 3 > this.maxRetained) {
      const buf = String.UTF8.encode(s);
      this.overflow = buf;
      this.length = <usize>buf.byteLength;
      return changetype<usize>(buf);
    }
    // Only when set: storing a reference costs a GC write barrier on every call.
    if (this.overflow !== null) this.overflow = null;
    this.reserve(units);
    // Names, keys and header values are nearly always ASCII: narrow four code units per step and fall back
    // to the general encoder at the first non-ASCII one.
    const src = changetype<usize>(s);
    const dst = this.area;
    let i: usize = 0;
    const blocks = units & ~(<usize>3);
    while (i < blocks) {
      const v = load<u64>(src + (i << 1));
      if ((v & 0xff80ff80ff80ff80) != 0) return this.writeSlow(s);
      const pairs = (v | (v >> 8)) & 0x0000ffff0000ffff;
      store<u32>(dst + i, <u32>(pairs | (pairs >> 16)));
      i += 4;
    }
    while (i < units) {
      const c = <u32>load<u16>(src + (i << 1));
      if (c >= 0x80) return this.writeSlow(s);
      store<u8>(dst + i, <u8>c);
      i++;
    }
    this.length = units;
    return dst;
  }

  private writeSlow(s: string): usize {
    this.reserve(<usize>String.UTF8.byteLength(s));
    this.length = String.UTF8.encodeUnsafe(changetype<usize>(s), s.length, this.area);
    return this.area;
  }

  private reserve(n: usize): void {
    if (n <= this.capacity) return;
    // Grow geometrically so a run of longer strings does not reallocate each time.
    let cap = this.capacity < 64 ? <usize>64 : this.capacity;
    while (cap < n) cap <<= 1;
    if (this.area != 0) heap.free(this.area);
    this.area = heap.alloc(cap);
    this.capacity = cap;
  }
}
