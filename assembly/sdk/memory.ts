// Memory shared with the host: the allocator the host calls, result slots, and taking ownership of host buffers.

/** Slots the host writes results into (a pointer and a size, or one u64). The VM is single-threaded: one call at a time. */
const RESULT_SLOTS: usize = memory.data(16, 8);
export const RET_PTR: usize = RESULT_SLOTS;
export const RET_SIZE: usize = RESULT_SLOTS + 4;
export const RET_EXTRA: usize = RESULT_SLOTS + 8;

/** The host allocates every buffer it hands over through this; the module owns (and frees) it afterwards. */
export function allocateForHost(size: usize): usize {
  return heap.alloc(size > 0 ? size : 1);
}

/** Copies the host buffer described by the result slots into a managed array and frees the host's copy. */
export function takeHostBytes(): Uint8Array {
  const ptr = load<usize>(RET_PTR);
  const size = <i32>load<usize>(RET_SIZE);
  const out = new Uint8Array(size);
  if (size > 0) memory.copy(out.dataStart, ptr, size);
  if (ptr != 0) heap.free(ptr);
  return out;
}

/** As takeHostBytes, decoding UTF-8 (invalid sequences become U+FFFD, as the host may hand over any bytes). */
export function takeHostString(): string {
  const ptr = load<usize>(RET_PTR);
  const size = load<usize>(RET_SIZE);
  const out = size > 0 ? String.UTF8.decodeUnsafe(ptr, size) : "";
  if (ptr != 0) heap.free(ptr);
  return out;
}

/** Frees a host buffer the caller decided not to read. */
export function dropHostBytes(): void {
  const ptr = load<usize>(RET_PTR);
  if (ptr != 0) heap.free(ptr);
}

export function clearResultSlots(): void {
  store<u64>(RESULT_SLOTS, 0);
  store<u64>(RESULT_SLOTS + 8, 0);
}

// Two scratch areas for the UTF-8 of names and values passed to the host, so a header get or add allocates
// nothing on the way in. Strings too long for them fall back to an allocation held until the next call.
const SCRATCH_BYTES: usize = 2048;
const SCRATCH_KEY: usize = memory.data(<i32>SCRATCH_BYTES);
const SCRATCH_VALUE: usize = memory.data(<i32>SCRATCH_BYTES);
let scratchKeyOverflow: ArrayBuffer | null = null;
let scratchValueOverflow: ArrayBuffer | null = null;
/** Byte lengths of the last strings written by keyUtf8 and valueUtf8. */
export let keyUtf8Length: usize = 0;
export let valueUtf8Length: usize = 0;

/** The UTF-8 of `s` for the host's key argument; valid until the next keyUtf8 call. */
export function keyUtf8(s: string): usize {
  if (<usize>s.length * 3 <= SCRATCH_BYTES) {
    keyUtf8Length = String.UTF8.encodeUnsafe(changetype<usize>(s), s.length, SCRATCH_KEY);
    return SCRATCH_KEY;
  }
  const buf = String.UTF8.encode(s);
  scratchKeyOverflow = buf;
  keyUtf8Length = <usize>buf.byteLength;
  return changetype<usize>(buf);
}

/** The UTF-8 of `s` for the host's value argument; valid until the next valueUtf8 call. */
export function valueUtf8(s: string): usize {
  if (<usize>s.length * 3 <= SCRATCH_BYTES) {
    valueUtf8Length = String.UTF8.encodeUnsafe(changetype<usize>(s), s.length, SCRATCH_VALUE);
    return SCRATCH_VALUE;
  }
  const buf = String.UTF8.encode(s);
  scratchValueOverflow = buf;
  valueUtf8Length = <usize>buf.byteLength;
  return changetype<usize>(buf);
}
