// One walk over the request headers exactly as the host hands them over (the pairs encoding, taken once per
// callback by the SDK's request snapshot and shared with every header lookup), decoding only what the plugin
// needs. The SDK's pairs() turns every name and value into a string; on the hot path (a token already in the
// cache) that costs more than everything else the plugin does, so names are compared as bytes here, tokens
// are read in place, and only cookie and :path values are ever copied out.
import { requestSnapshot } from "../../assembly/sdk/header-snapshot";

export class HeaderScan {
  private base: usize = 0;
  private count: u32 = 0;
  private index: u32 = 0;
  private data: usize = 0;
  /** The pair the last next() moved to. */
  keyPtr: usize = 0;
  keyLen: u32 = 0;
  valuePtr: usize = 0;
  valueLen: u32 = 0;

  /** Starts a walk over the request headers; false (nothing to walk) when absent or badly framed. */
  load(): bool {
    this.release();
    if (!requestSnapshot.load()) return false;
    const ptr = requestSnapshot.buffer;
    const n = requestSnapshot.pairCount;
    this.base = ptr;
    this.count = n;
    this.index = 0;
    this.data = ptr + 4 + <usize>n * 8;
    return true;
  }

  next(): bool {
    if (this.index >= this.count) return false;
    const sizes = this.base + 4 + <usize>this.index * 8;
    this.keyLen = load<u32>(sizes);
    this.valueLen = load<u32>(sizes, 4);
    this.keyPtr = this.data;
    this.valuePtr = this.data + this.keyLen + 1;
    this.data = this.valuePtr + this.valueLen + 1;
    this.index++;
    return true;
  }

  /** Whether the current name is exactly `name` (lower-case ASCII, as Envoy keeps header names). */
  keyIs(name: string): bool {
    const n = name.length;
    if (<u32>n != this.keyLen) return false;
    for (let i = 0; i < n; i++) if (<u32>load<u8>(this.keyPtr + <usize>i) != <u32>name.charCodeAt(i)) return false;
    return true;
  }

  /** The first byte of the current name (':' for pseudo-headers). */
  get keyFirst(): u32 {
    return this.keyLen > 0 ? <u32>load<u8>(this.keyPtr) : 0;
  }

  valueString(): string {
    return String.UTF8.decodeUnsafe(this.valuePtr, this.valueLen);
  }

  /** Ends the walk (the buffer belongs to the snapshot, which frees it when the callback is over). */
  release(): void {
    this.base = 0;
    this.count = 0;
  }
}

/** One walker for the whole VM: streams run one callback at a time. */
export const headerScan = new HeaderScan();
