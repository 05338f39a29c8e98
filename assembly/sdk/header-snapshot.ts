// The request headers as one host buffer, taken at the first lookup in a callback and answering every lookup
// after it until the callback ends. A header get that finds a value costs Envoy a call into the VM (to
// allocate the value's memory here) on top of the get itself: about 0.5 µs, where the whole map costs one such
// call. The module's own changes (add, replace, remove) are noted beside the buffer, so a lookup sees them.
// Another filter can change the headers only between callbacks: every callback (and every switch of the
// effective context) starts afresh.
import { proxy_get_header_map_pairs } from "./imports";
import { MapType, Status } from "./enums";
import { RET_PTR, RET_SIZE, clearResultSlots } from "./memory";
import { pairsCount } from "./pairs";

const enum Change { Removed = 0, Replaced = 1, Added = 2 }

/** One change; the objects are kept and reused from callback to callback (no garbage per request). */
class Noted {
  name: string = "";
  change: Change = Change.Removed;
  value: string = "";
}

/** A header found in the buffer: where its value is. */
export class FoundValue {
  ptr: usize = 0;
  len: u32 = 0;
}

export class HeaderSnapshot {
  /** The host's buffer (0: not taken in this callback) and its size. */
  private base: usize = 0;
  private size: usize = 0;
  private count: u32 = 0;
  /** The walk failed (no map, or badly framed): lookups go to the host one by one. */
  private unusable: bool = false;
  /** changes[0 .. changeCount) hold this callback's changes, in order. */
  private changes: Noted[] = [];
  private changeCount: i32 = 0;
  private readonly found: FoundValue = new FoundValue();

  /** Forgets the buffer (a new callback, or another context): the next lookup takes the map again. */
  reset(): void {
    if (this.base != 0) heap.free(this.base);
    this.base = 0;
    this.size = 0;
    this.count = 0;
    this.unusable = false;
    this.changeCount = 0;
  }

  /** Takes the map from the host when not taken yet; false when it cannot answer (use the host instead). */
  load(): bool {
    if (this.base != 0) return true;
    if (this.unusable) return false;
    clearResultSlots();
    if (proxy_get_header_map_pairs(MapType.RequestHeaders, RET_PTR, RET_SIZE) != Status.Ok) {
      this.unusable = true;
      return false;
    }
    const ptr = load<usize>(RET_PTR);
    const size = <usize>load<u32>(RET_SIZE);
    const n = ptr != 0 ? pairsCount(ptr, size) : -1;
    if (n < 0) {
      if (ptr != 0) heap.free(ptr);
      this.unusable = true;
      return false;
    }
    this.base = ptr;
    this.size = size;
    this.count = <u32>n;
    return true;
  }

  /** The buffer in the ABI's pairs encoding (valid until reset), for a walk over every header; load() first. */
  get buffer(): usize { return this.base; }
  get pairCount(): u32 { return this.count; }

  /** Whether the module changed any header in this callback. */
  get hasChanges(): bool { return this.changeCount > 0; }

  /** Whether the module changed header `name` in this callback (the buffer alone no longer tells its value). */
  changed(name: string): bool {
    const changes = this.changes;
    for (let i = 0, n = this.changeCount; i < n; i++) if (sameName(unchecked(changes[i]).name, name)) return true;
    return false;
  }

  /** The first value of `name` in the buffer as the host gave it, or null; load() first. */
  findInBuffer(name: string): FoundValue | null {
    const n = this.count;
    const nameLen = <u32>name.length;
    let sizes = this.base + 4;
    let data = this.base + 4 + <usize>n * 8;
    for (let i: u32 = 0; i < n; i++) {
      const keyLen = load<u32>(sizes);
      const valueLen = load<u32>(sizes, 4);
      if (keyLen == nameLen && bufferNameIs(data, name)) {
        const f = this.found;
        f.ptr = data + keyLen + 1;
        f.len = valueLen;
        return f;
      }
      data += <usize>keyLen + <usize>valueLen + 2;
      sizes += 8;
    }
    return null;
  }

  /** The first value of `name` with this callback's changes applied; `inBuffer` is what the buffer holds. */
  applyChanges(name: string, inBuffer: string | null): string | null {
    let value = inBuffer;
    const changes = this.changes;
    for (let i = 0, n = this.changeCount; i < n; i++) {
      const c = unchecked(changes[i]);
      if (!sameName(c.name, name)) continue;
      if (c.change == Change.Removed) value = null;
      else if (c.change == Change.Replaced) value = c.value;
      else if (value === null) value = c.value; // an added value is first only when there was none
    }
    return value;
  }

  noteRemoved(name: string): void { this.note(name, Change.Removed, ""); }
  noteReplaced(name: string, value: string): void { this.note(name, Change.Replaced, value); }
  noteAdded(name: string, value: string): void { this.note(name, Change.Added, value); }

  private note(name: string, change: Change, value: string): void {
    // Before the map is taken the host's answer already includes the change.
    if (this.base == 0) return;
    if (this.changeCount == this.changes.length) this.changes.push(new Noted());
    const c = unchecked(this.changes[this.changeCount++]);
    c.name = name;
    c.change = change;
    c.value = value;
  }
}

/** ASCII letters in lower case (header names are ASCII; Envoy compares them ignoring case). */
// @ts-ignore: decorator
@inline function lower(c: u32): u32 {
  return c - 0x41 < 26 ? c | 0x20 : c;
}

/** Whether the name at `ptr` in the buffer (Envoy keeps names in lower case) is `name`, ignoring case. */
function bufferNameIs(ptr: usize, name: string): bool {
  const src = changetype<usize>(name);
  for (let i: usize = 0, n = <usize>name.length; i < n; i++) {
    if (<u32>load<u8>(ptr + i) != lower(<u32>load<u16>(src + (i << 1)))) return false;
  }
  return true;
}

function sameName(a: string, b: string): bool {
  const n = a.length;
  if (n != b.length) return false;
  const pa = changetype<usize>(a);
  const pb = changetype<usize>(b);
  for (let i: usize = 0; i < <usize>n; i++) {
    if (lower(<u32>load<u16>(pa + (i << 1))) != lower(<u32>load<u16>(pb + (i << 1)))) return false;
  }
  return true;
}

/** The request headers of the current callback. */
export const requestSnapshot = new HeaderSnapshot();
