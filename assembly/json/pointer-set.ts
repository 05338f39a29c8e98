// The pointers a JsonPointerScanner follows, compiled once (at plugin configuration) into flat
// tables: every reference token as UTF-8 bytes (keys are matched byte by byte as they stream in,
// escapes decoded) and as an array index, plus per-length bit masks. Scanners built from one set
// share it, so a scanner per request costs only its own small state.

import { JsonLimits } from "./limits";
import { JsonPointer } from "./pointer";

/** Most pointers one set holds (one bit each in a u64). */
export const MAX_SCAN_POINTERS = 64;

export class JsonPointerSet {
  /** Number of pointers; answers are indexed 0..count-1 in the order given. */
  readonly count: i32;
  readonly limits: JsonLimits;
  /** "" when usable, otherwise why not (too many pointers). */
  readonly error: string;
  /** Per pointer: index of its first token in the token tables. */
  tokenBase: StaticArray<i32>;
  /** Per token: offset of its UTF-8 bytes in tokenBytes, their length, and the array index it selects (or -1). */
  tokenStart: StaticArray<i32>;
  tokenLength: StaticArray<i32>;
  tokenIndex: StaticArray<i32>;
  tokenBytes: StaticArray<u8>;
  /** lengthMask[d]: pointers with exactly d tokens, i.e. whose target sits at nesting depth d
   *  (sized by the longest pointer, not by maxDepth; use targetsAt). */
  lengthMask: StaticArray<u64>;
  /** Bit p set for every pointer p. */
  readonly all: u64;

  /**
   * `limits`: maxDepth, maxInputBytes (bytes fed before a decision), maxStringLength (captured
   * string and number values) and maxMembers apply to scanning; rejectDuplicateKeys does not
   * (streaming takes the first occurrence of a key).
   */
  constructor(pointers: Array<JsonPointer>, limits: JsonLimits = new JsonLimits()) {
    const n = pointers.length;
    this.limits = limits;
    this.count = n;
    const maxDepth = limits.maxDepth > 0 ? limits.maxDepth : 0;
    let longest = 0;
    for (let p = 0; p < n; p++) longest = max(longest, unchecked(pointers[p]).tokens.length);
    this.lengthMask = new StaticArray<u64>((longest < maxDepth ? longest : maxDepth) + 1);
    // An unusable set keeps empty tables; scanners built from it start in the Error state.
    const usable = n <= MAX_SCAN_POINTERS;
    this.error = usable ? "" : "more than " + MAX_SCAN_POINTERS.toString() + " JSON pointers (" + n.toString() + ")";
    this.all = !usable ? 0 : n == 64 ? <u64>-1 : ((<u64>1) << <u64>n) - 1;
    const count = usable ? n : 0;

    let tokens = 0;
    let byteLength = 0;
    for (let p = 0; p < count; p++) {
      const list = unchecked(pointers[p]).tokens;
      tokens += list.length;
      for (let t = 0; t < list.length; t++) byteLength += String.UTF8.byteLength(unchecked(list[t]));
    }
    this.tokenBase = new StaticArray<i32>(count);
    this.tokenStart = new StaticArray<i32>(tokens);
    this.tokenLength = new StaticArray<i32>(tokens);
    this.tokenIndex = new StaticArray<i32>(tokens);
    this.tokenBytes = new StaticArray<u8>(byteLength);
    let k = 0;
    let at = 0;
    for (let p = 0; p < count; p++) {
      const ptr = unchecked(pointers[p]);
      unchecked((this.tokenBase[p] = k));
      const list = ptr.tokens;
      for (let t = 0; t < list.length; t++) {
        const token = unchecked(list[t]);
        const written = <i32>String.UTF8.encodeUnsafe(changetype<usize>(token), token.length, changetype<usize>(this.tokenBytes) + <usize>at);
        unchecked((this.tokenStart[k] = at));
        unchecked((this.tokenLength[k] = written));
        unchecked((this.tokenIndex[k] = unchecked(ptr.indices[t])));
        at += written;
        k++;
      }
      // A pointer longer than maxDepth could only be reached through a too-deep document.
      if (list.length <= maxDepth) unchecked((this.lengthMask[list.length] |= (<u64>1) << <u64>p));
    }
  }

  /** Pointers whose target sits at nesting depth `depth`. */
  // @ts-ignore: decorator
  @inline
  targetsAt(depth: i32): u64 {
    const masks = this.lengthMask;
    return depth < masks.length ? unchecked(masks[depth]) : 0;
  }

  get ok(): bool {
    return this.error.length == 0;
  }
}
