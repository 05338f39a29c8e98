import { Utf8Scratch } from "../encoding/utf8-scratch";

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

export function clearResultSlots(): void {
  store<u64>(RESULT_SLOTS, 0);
  store<u64>(RESULT_SLOTS + 8, 0);
}

/** For the key argument of a host call, and for its value argument: two, since some calls take both. */
export const keyScratch = new Utf8Scratch();
export const valueScratch = new Utf8Scratch();
