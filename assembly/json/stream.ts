// Streaming JSON Pointer scanner: finds the values a few pointers name in a body that arrives in
// chunks, and stops reading as soon as every pointer is decided, so a rule on "/customer/segment"
// does not wait for the rest of a 64 KiB body.
//
// The scanner is a resumable byte-level automaton: chunks may split anywhere (inside a string, an
// escape, a \uXXXX, a UTF-8 sequence, a number, a literal). Its state is bounded: one frame per
// open container (at most maxDepth), and one capture buffer of at most maxStringLength bytes for a
// string or number value some pointer targets. Strings and numbers nobody targets are validated
// without being stored, and containers no pointer can be inside are scanned on a fast path that
// does no pointer work at all.
//
// Each pointer ends up:
//   Found   - the value was seen: scalars are captured (see value()); for an object or array
//             target the kind is known as soon as its opening bracket arrives (enough for `exists`).
//   Absent  - the document structure proves it cannot appear: the enclosing object or array
//             closed without it, a step lands on a scalar, or an array step is not an index.
//   Pending - undecided so far.
// Everything scanned is validated; malformed JSON before a decision is an error, never an answer.
// Bytes after the decision are not examined at all (the document may be invalid further on).
//
// Duplicate keys: streaming cannot look ahead, so the FIRST occurrence of a key decides (the DOM
// parser's JsonValue.get takes the last).

import { JsonLimits } from "./limits";
import { JsonError, describeJsonError, describeByte } from "./errors";
import { JsonKind, JsonValue } from "./value";
import { JsonPointer } from "./pointer";
import { JsonPointerSet } from "./pointer-set";
import { jsonNumberToF64 } from "./decimal";
import { utf8Lead, utf8Store } from "./utf8";
import { shortEscape, hexDigit } from "./escape";

export enum PointerStatus {
  Pending = 0,
  Found = 1,
  Absent = 2,
}

export enum ScanState {
  /** More input is needed to decide at least one pointer. */
  InProgress = 0,
  /** Every pointer is Found or Absent; further input is ignored. */
  Complete = 1,
  /** See failure() / errorMessage(); pointers decided before the error keep their answers. */
  Error = 2,
}

export enum ScanFailure {
  None = 0,
  /** Not JSON (any syntax, escape or UTF-8 error). */
  Malformed = 1,
  /** Nesting deeper than maxDepth. */
  TooDeep = 2,
  /** More than maxInputBytes fed before a decision, a captured value longer than maxStringLength,
   *  or a container with more than maxMembers entries. */
  TooLarge = 3,
  /** The stream ended before the document (and some pointer) was complete. */
  Truncated = 4,
  /** The pointer set is not usable (more than MAX_SCAN_POINTERS pointers); nothing is scanned. */
  TooManyPointers = 5,
}

// Lexical modes.
const M_VALUE: i32 = 0; // a value is expected (root, after ':' or after ',' in an array)
const M_ARRAY_FIRST: i32 = 1; // after '[': a value or ']'
const M_OBJECT_FIRST: i32 = 2; // after '{': a key or '}'
const M_KEY: i32 = 3; // after ',' in an object: a key
const M_COLON: i32 = 4; // after a key
const M_AFTER: i32 = 5; // after a value inside a container: ',' or the closing bracket
const M_STRING: i32 = 6; // inside a key or string value
const M_NUMBER: i32 = 7;
const M_LITERAL: i32 = 8; // inside true / false / null
const M_DONE: i32 = 9; // the top-level value is complete: only whitespace may follow

// Number sub-states.
const N_MINUS: i32 = 0; // after '-'
const N_ZERO: i32 = 1; // integer part is "0"
const N_INT: i32 = 2;
const N_DOT: i32 = 3;
const N_FRAC: i32 = 4;
const N_EXP_MARK: i32 = 5; // after 'e' / 'E'
const N_EXP_SIGN: i32 = 6;
const N_EXP: i32 = 7;

// Escape sub-states inside strings.
const E_NONE: i32 = 0;
const E_BACKSLASH: i32 = 1; // after '\'
const E_HEX: i32 = 2; // reading the 4 hex digits of \u (escHex counts them)
const E_LOW_BACKSLASH: i32 = 3; // after a high surrogate escape: '\' must follow
const E_LOW_U: i32 = 4; // then 'u'
const E_LOW_HEX: i32 = 5; // then 4 hex digits of a low surrogate

/** Frame flag in frameInfo (the rest is the member count shifted left by 1). */
const FRAME_OBJECT: u64 = 1;

/** 1 for bytes that stand for themselves inside a string: 0x20..0x7F except '"' and '\'. */
const PLAIN: StaticArray<u8> = plainTable();

function plainTable(): StaticArray<u8> {
  const t = new StaticArray<u8>(256);
  for (let c = 0x20; c < 0x80; c++) t[c] = c == 0x22 || c == 0x5C ? 0 : 1;
  return t;
}

// @ts-ignore: decorator
@inline
function isPlain(c: u32): bool {
  return load<u8>(changetype<usize>(PLAIN) + c) != 0;
}

// @ts-ignore: decorator
@inline
function isWhitespace(c: u32): bool {
  return c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09;
}

/** "true", "false" and "null" back to back (offsets 0, 4 and 9), for byte-wise matching. */
const LITERALS = memory.data<u8>([0x74, 0x72, 0x75, 0x65, 0x66, 0x61, 0x6C, 0x73, 0x65, 0x6E, 0x75, 0x6C, 0x6C]);

export class JsonPointerScanner {
  private set: JsonPointerSet;
  private maxDepth: i32;

  // Answers: bit p of found / absent.
  private found: u64 = 0;
  private absent: u64 = 0;
  private kinds: StaticArray<u8>;
  private values: StaticArray<JsonValue | null>;

  // Scan state.
  private scanState: ScanState = ScanState.InProgress;
  private failureKind: ScanFailure = ScanFailure.None;
  private pending: u64 = 0;
  private mode: i32 = M_VALUE;
  private depth: i32 = 0;
  /** Per open container d: frames[2d] = pointers that may still lie inside it, frames[2d + 1] =
   *  members seen so far << 1 | FRAME_OBJECT. Grows with the document up to maxDepth. */
  private frames: StaticArray<u64>;
  private valueMask: u64 = 0; // pointers selected by the key just read
  // Current string or number.
  private isKey: bool = false;
  private keyMask: u64 = 0; // pointers whose token still equals the key prefix read so far
  private keyPos: i32 = 0;
  private captureMask: u64 = 0; // pointers that target the scalar being read
  private capture: StaticArray<u8> = new StaticArray<u8>(0);
  private captureLength: i32 = 0;
  private escape: i32 = E_NONE;
  private escHex: i32 = 0;
  private escValue: u32 = 0;
  private highSurrogate: u32 = 0;
  private utf8Need: i32 = 0; // continuation bytes still expected
  private utf8Low: u32 = 0x80; // allowed range of the next continuation byte
  private utf8High: u32 = 0xBF;
  private numberState: i32 = 0;
  private numberIsInteger: bool = true;
  private literalAt: i32 = 0; // position of the expected byte in LITERALS
  private literalEnd: i32 = 0;
  // Position.
  private streamOffset: i64 = 0; // stream offset of the first byte of the current chunk range
  private chunkStart: i32 = 0;
  private scanned: i64 = 0;
  // Error.
  private errorCode: JsonError = JsonError.None;
  private errorAt: i64 = 0;
  private errorFound: i32 = -1;
  private errorDetail: string = "";

  /** A scanner for one document. Build the set once (e.g. at configuration) and a scanner per body. */
  constructor(set: JsonPointerSet) {
    this.set = set;
    const maxDepth = set.limits.maxDepth > 0 ? set.limits.maxDepth : 0;
    this.maxDepth = maxDepth;
    this.kinds = new StaticArray<u8>(set.count);
    this.values = new StaticArray<JsonValue | null>(set.count);
    this.frames = new StaticArray<u64>((maxDepth < 16 ? maxDepth : 16) << 1);
    this.reset();
  }

  /** Convenience for one-off use: compiles `pointers` (see JsonPointerSet) and makes a scanner. */
  static create(pointers: Array<JsonPointer>, limits: JsonLimits = new JsonLimits()): JsonPointerScanner {
    return new JsonPointerScanner(new JsonPointerSet(pointers, limits));
  }

  /** Forgets all input and answers, ready for another document. */
  reset(): void {
    const n = this.set.count;
    for (let p = 0; p < n && p < this.values.length; p++) unchecked((this.values[p] = null));
    this.found = 0;
    this.absent = 0;
    this.scanState = ScanState.InProgress;
    this.failureKind = ScanFailure.None;
    this.errorCode = JsonError.None;
    this.errorAt = 0;
    this.errorFound = -1;
    this.errorDetail = "";
    this.mode = M_VALUE;
    this.depth = 0;
    this.valueMask = 0;
    this.keyMask = 0;
    this.captureMask = 0;
    this.captureLength = 0;
    this.escape = E_NONE;
    this.utf8Need = 0;
    this.streamOffset = 0;
    this.scanned = 0;
    this.pending = this.set.all;
    if (!this.set.ok) {
      this.scanState = ScanState.Error;
      this.failureKind = ScanFailure.TooManyPointers;
    } else if (this.pending == 0) {
      this.scanState = ScanState.Complete;
    }
  }

  /**
   * Scans chunk[start, end). Pass endOfStream = true with the last chunk (it may be empty).
   * Returns the overall state; once it is not InProgress, further calls do nothing.
   * Out-of-range start/end are clamped to the chunk.
   */
  feed(chunk: Uint8Array, start: i32 = 0, end: i32 = chunk.length, endOfStream: bool = false): ScanState {
    if (this.scanState != ScanState.InProgress) return this.scanState;
    const length = chunk.length;
    if (end < 0 || end > length) end = length;
    if (start < 0) start = 0;
    if (start > end) start = end;

    // Bytes past maxInputBytes are never scanned; reaching the limit undecided is an error.
    const room = <i64>this.set.limits.maxInputBytes - this.scanned;
    let stop = end;
    if (<i64>(end - start) > room) stop = start + <i32>(room > 0 ? room : 0);

    this.chunkStart = start;
    this.streamOffset = this.scanned;
    const i = this.run(chunk.dataStart, start, stop);
    this.scanned = this.streamOffset + <i64>(i - start);
    if (this.scanState != ScanState.InProgress) return this.scanState;

    if (stop < end) {
      this.fail(JsonError.InputTooLarge, i, -1, this.set.limits.maxInputBytes.toString());
      return this.scanState;
    }
    if (endOfStream) this.finish(i);
    return this.scanState;
  }

  /** Same as feed(empty chunk, endOfStream = true). */
  end(): ScanState {
    return this.feed(new Uint8Array(0), 0, 0, true);
  }

  get state(): ScanState {
    return this.scanState;
  }

  /** Number of pointers in the set. */
  get pointerCount(): i32 {
    return this.set.count;
  }

  /** Bytes examined so far (the scan stops at the decision, so this can be less than what was fed). */
  get bytesScanned(): i64 {
    return this.scanned;
  }

  status(pointer: i32): PointerStatus {
    if (pointer < 0 || pointer >= 64) return PointerStatus.Pending;
    const bit = (<u64>1) << <u64>pointer;
    if (this.found & bit) return PointerStatus.Found;
    if (this.absent & bit) return PointerStatus.Absent;
    return PointerStatus.Pending;
  }

  /** Kind of a Found target (Object / Array included); Null when not Found. */
  kind(pointer: i32): JsonKind {
    if (this.status(pointer) != PointerStatus.Found) return JsonKind.Null;
    return <JsonKind>unchecked(this.kinds[pointer]);
  }

  /** The Found scalar (string, number with its text, bool, null); null for containers and undecided pointers. */
  value(pointer: i32): JsonValue | null {
    if (this.status(pointer) != PointerStatus.Found) return null;
    return unchecked(this.values[pointer]);
  }

  failure(): ScanFailure {
    return this.failureKind;
  }

  /** Parser-level error code (JsonError.None unless state is Error for a document reason). */
  get error(): JsonError {
    return this.errorCode;
  }

  /** 0-based stream offset of the error. */
  get errorOffset(): i64 {
    return this.errorAt;
  }

  errorMessage(): string {
    if (this.failureKind == ScanFailure.TooManyPointers) return this.set.error;
    return describeJsonError(this.errorCode, this.errorAt, this.errorFound, this.errorDetail);
  }

  // ---- the automaton ----

  /**
   * Scans [i, stop) of the memory at base; returns where it stopped (at the offending byte on an
   * error, right after the deciding byte on completion). Mode and depth live in locals here and
   * are written back before anything that reads them from the object.
   */
  private run(base: usize, i: i32, stop: i32): i32 {
    let mode = this.mode;
    let depth = this.depth;
    const maxDepth = this.maxDepth;
    const maxMembers = this.set.limits.maxMembers;
    let masks = changetype<usize>(this.frames);
    let infos = masks + 8;
    while (i < stop) {
      let c = <u32>load<u8>(base + i);

      if (mode == M_STRING) {
        if (this.escape == E_NONE && this.utf8Need == 0 && (this.isKey ? this.keyMask : this.captureMask) == 0) {
          // Fast path: a string nobody needs the content of; find its end or the next special byte.
          while (isPlain(c)) {
            if (++i == stop) break;
            c = <u32>load<u8>(base + i);
          }
          if (i == stop) break;
          if (c == 0x22) {
            i++;
            if (this.isKey) {
              this.valueMask = 0;
              mode = M_COLON;
            } else {
              mode = depth == 0 ? M_DONE : M_AFTER;
            }
            continue;
          }
        }
      }

      if (mode == M_NUMBER && this.captureMask == 0) {
        const ns = this.numberState;
        if (ns == N_INT || ns == N_FRAC || ns == N_EXP) {
          // Fast path: digits of a number nobody captures; a byte that cannot continue any number
          // ends it here, anything else ('.', 'e', a sign, an error) goes to scanNumber.
          while (c - 0x30 < 10) {
            if (++i == stop) break;
            c = <u32>load<u8>(base + i);
          }
          if (i == stop) break;
          if (c != 0x2E && (c | 0x20) != 0x65 && c != 0x2B && c != 0x2D) {
            mode = depth == 0 ? M_DONE : M_AFTER;
            continue;
          }
        }
      }

      if (mode == M_STRING || mode == M_NUMBER) {
        // The general string / number automata (escapes, UTF-8, captures, key matching).
        this.mode = mode;
        this.depth = depth;
        i = mode == M_STRING ? this.scanString(base, i, stop) : this.scanNumber(base, i, stop);
        mode = this.mode;
        if (this.scanState != ScanState.InProgress) break;
        continue;
      }

      if (mode == M_LITERAL) {
        // Checked before whitespace: "n ull" is not null.
        const at = this.literalAt;
        if (c != <u32>load<u8>(LITERALS + <usize>at)) {
          const end = this.literalEnd;
          this.fail(JsonError.UnexpectedCharacter, i, c, "expected '" + (end == 4 ? "true" : end == 9 ? "false" : "null") + "'");
          break;
        }
        i++;
        if (at + 1 < this.literalEnd) {
          this.literalAt = at + 1;
          continue;
        }
        mode = depth == 0 ? M_DONE : M_AFTER;
        const targets = this.captureMask & this.pending;
        if (targets != 0) {
          if (this.literalEnd == 13) this.resolveFound(targets, JsonKind.Null, JsonValue.makeNull());
          else this.resolveFound(targets, JsonKind.Bool, JsonValue.makeBool(this.literalEnd == 4));
          if (this.scanState != ScanState.InProgress) break;
        }
        continue;
      }

      if (isWhitespace(c)) {
        i++;
        continue;
      }

      // Structural byte. `closing` collects the three ways a container ends.
      let closing = false;
      if (mode == M_AFTER) {
        const isObject = (load<u64>(infos + (<usize>(depth - 1) << 4)) & FRAME_OBJECT) != 0;
        if (c == 0x2C) {
          mode = isObject ? M_KEY : M_VALUE;
          i++;
          continue;
        }
        if (c != (isObject ? <u32>0x7D : <u32>0x5D)) {
          this.fail(JsonError.UnexpectedCharacter, i, c, isObject ? "expected ',' or '}'" : "expected ',' or ']'");
          break;
        }
        closing = true;
      } else if (mode == M_KEY || mode == M_OBJECT_FIRST) {
        if (c == 0x22) {
          const info = infos + (<usize>(depth - 1) << 4);
          const counted = load<u64>(info);
          if (<i64>(counted >> 1) >= <i64>maxMembers) {
            this.fail(JsonError.TooManyMembers, i, -1, maxMembers.toString() + " members in an object");
            break;
          }
          store<u64>(info, counted + 2);
          this.isKey = true;
          this.keyMask = load<u64>(masks + (<usize>(depth - 1) << 4)) & this.pending;
          this.keyPos = 0;
          mode = M_STRING;
          i++;
          continue;
        }
        if (c != 0x7D || mode != M_OBJECT_FIRST) {
          this.fail(JsonError.UnexpectedCharacter, i, c, "expected an object key");
          break;
        }
        closing = true;
      } else if (mode == M_COLON) {
        if (c != 0x3A) {
          this.fail(JsonError.UnexpectedCharacter, i, c, "expected ':' after object key");
          break;
        }
        mode = M_VALUE;
        i++;
        continue;
      } else if (mode == M_VALUE || mode == M_ARRAY_FIRST) {
        if (c == 0x5D && mode == M_ARRAY_FIRST) {
          closing = true;
        } else {
          // A value starts: which pending pointers continue into it?
          let selected: u64 = 0;
          if (depth == 0) {
            selected = this.pending;
          } else {
            const info = infos + (<usize>(depth - 1) << 4);
            const counted = load<u64>(info);
            if (counted & FRAME_OBJECT) {
              selected = this.valueMask & this.pending;
            } else {
              const index = <i32>(counted >> 1);
              if (index >= maxMembers) {
                this.fail(JsonError.TooManyMembers, i, -1, maxMembers.toString() + " items in an array");
                break;
              }
              store<u64>(info, counted + 2);
              const live = load<u64>(masks + (<usize>(depth - 1) << 4)) & this.pending;
              if (live != 0) selected = this.selectItem(live, depth - 1, index);
            }
          }
          if (c == 0x7B || c == 0x5B) {
            if (depth >= maxDepth) {
              this.fail(JsonError.TooDeep, i, -1, maxDepth.toString());
              break;
            }
            const isObject = c == 0x7B;
            const inside = selected != 0 ? this.enterContainer(selected, depth, isObject) : 0;
            if ((depth << 1) >= this.frames.length) {
              this.growFrames();
              masks = changetype<usize>(this.frames);
              infos = masks + 8;
            }
            store<u64>(masks + (<usize>depth << 4), inside);
            store<u64>(infos + (<usize>depth << 4), isObject ? FRAME_OBJECT : 0);
            depth++;
            mode = isObject ? M_OBJECT_FIRST : M_ARRAY_FIRST;
            i++;
            if (this.scanState != ScanState.InProgress) break;
            continue;
          }
          if (c == 0x22) {
            this.isKey = false;
            mode = M_STRING;
          } else if (c == 0x2D || c - 0x30 < 10) {
            this.numberIsInteger = true;
            this.numberState = c == 0x2D ? N_MINUS : c == 0x30 ? N_ZERO : N_INT;
            mode = M_NUMBER;
          } else if (c == 0x74 || c == 0x66 || c == 0x6E) {
            // Offsets of "true", "false", "null" in LITERALS; the first byte is already matched.
            const at = c == 0x74 ? 0 : c == 0x66 ? 4 : 9;
            this.literalAt = at + 1;
            this.literalEnd = c == 0x74 ? 4 : c == 0x66 ? 9 : 13;
            mode = M_LITERAL;
          } else {
            this.fail(JsonError.UnexpectedCharacter, i, c, "expected a value");
            break;
          }
          this.captureMask = 0;
          if (selected != 0) {
            this.enterScalar(selected, depth, c, i);
            i++;
            if (this.scanState != ScanState.InProgress) break;
            continue;
          }
          i++;
          continue;
        }
      } else {
        // M_DONE
        this.fail(JsonError.TrailingData, i, c, "");
        break;
      }

      // closing: the innermost container ends; pointers still expected inside it are absent.
      depth--;
      const missing = load<u64>(masks + (<usize>depth << 4)) & this.pending;
      mode = depth == 0 ? M_DONE : M_AFTER;
      i++;
      if (missing != 0) {
        this.resolveAbsent(missing);
        if (this.scanState != ScanState.InProgress) break;
      }
    }
    this.mode = mode;
    this.depth = depth;
    return i;
  }

  /** Room for one more open container (called only below maxDepth): double, capped at maxDepth. */
  private growFrames(): void {
    const old = this.frames;
    const levels = old.length >> 1;
    let wanted = levels == 0 ? 1 : levels << 1;
    if (wanted > this.maxDepth) wanted = this.maxDepth;
    const next = new StaticArray<u64>(wanted << 1);
    memory.copy(changetype<usize>(next), changetype<usize>(old), <usize>old.length << 3);
    this.frames = next;
  }

  /** Pointers of `live` (inside the array at frame `top`) whose step there is item `index`. */
  private selectItem(live: u64, top: i32, index: i32): u64 {
    const set = this.set;
    let selected: u64 = 0;
    let m = live;
    while (m != 0) {
      const p = <i32>ctz(m);
      m &= m - 1;
      if (unchecked(set.tokenIndex[unchecked(set.tokenBase[p]) + top]) == index) selected |= (<u64>1) << <u64>p;
    }
    return selected;
  }

  /** An object / array opens at `depth` for the `selected` pointers: resolves those that target
   *  it, and returns those that may lie inside. */
  private enterContainer(selected: u64, depth: i32, isObject: bool): u64 {
    const set = this.set;
    const targets = selected & set.targetsAt(depth);
    let inside = selected & ~targets;
    if (!isObject && inside != 0) {
      // Steps that are not array indices can never match inside an array.
      let m = inside;
      let never: u64 = 0;
      while (m != 0) {
        const p = <i32>ctz(m);
        m &= m - 1;
        if (unchecked(set.tokenIndex[unchecked(set.tokenBase[p]) + depth]) < 0) never |= (<u64>1) << <u64>p;
      }
      inside &= ~never;
      if (never != 0) this.resolveAbsent(never);
    }
    if (targets != 0) this.resolveFound(targets, isObject ? JsonKind.Object : JsonKind.Array, null);
    return inside;
  }

  /** A scalar starting with byte c at i, at `depth`, for the `selected` pointers: those that target
   *  it are captured, the rest can never be found (nothing lies inside a scalar). */
  private enterScalar(selected: u64, depth: i32, c: u32, i: i32): void {
    const targets = selected & this.set.targetsAt(depth);
    this.captureMask = targets;
    this.captureLength = 0;
    // A number's first byte is consumed here; strings and literals capture later.
    if (targets != 0 && (c == 0x2D || c - 0x30 < 10)) this.captureByte(c, i, true);
    const deeper = selected & ~targets;
    if (deeper != 0) this.resolveAbsent(deeper);
  }

  private finish(i: i32): void {
    if (this.mode == M_NUMBER) {
      // The end of the stream terminates a number like any other delimiter.
      const s = this.numberState;
      if (s == N_ZERO || s == N_INT || s == N_FRAC || s == N_EXP) {
        this.endNumber();
        if (this.scanState != ScanState.InProgress) return;
      }
    }
    if (this.mode == M_DONE) {
      this.scanState = ScanState.Complete;
      return;
    }
    this.fail(JsonError.UnexpectedEnd, i, -1, this.depth > 0 || this.mode != M_VALUE ? "document incomplete" : "expected a value");
  }

  private fail(error: JsonError, i: i32, found: i32, detail: string): void {
    if (this.scanState == ScanState.Error) return;
    this.scanState = ScanState.Error;
    this.errorCode = error;
    this.errorAt = this.streamOffset + <i64>(i - this.chunkStart);
    this.errorFound = found;
    this.errorDetail = detail;
    if (error == JsonError.TooDeep) this.failureKind = ScanFailure.TooDeep;
    else if (error == JsonError.UnexpectedEnd) this.failureKind = ScanFailure.Truncated;
    else if (
      error == JsonError.InputTooLarge ||
      error == JsonError.StringTooLong ||
      error == JsonError.NumberTooLong ||
      error == JsonError.TooManyMembers
    ) {
      this.failureKind = ScanFailure.TooLarge;
    } else this.failureKind = ScanFailure.Malformed;
  }

  private resolveFound(mask: u64, kind: JsonKind, value: JsonValue | null): void {
    let m = mask;
    while (m != 0) {
      const p = <i32>ctz(m);
      m &= m - 1;
      unchecked((this.kinds[p] = <u8>kind));
      unchecked((this.values[p] = value));
    }
    this.found |= mask;
    this.pending &= ~mask;
    if (this.pending == 0) this.scanState = ScanState.Complete;
  }

  private resolveAbsent(mask: u64): void {
    this.absent |= mask;
    this.pending &= ~mask;
    if (this.pending == 0) this.scanState = ScanState.Complete;
  }

  private valueDone(): void {
    this.mode = this.depth == 0 ? M_DONE : M_AFTER;
  }

  // ---- numbers ----

  private scanNumber(base: usize, i: i32, stop: i32): i32 {
    const capturing = this.captureMask != 0;
    let s = this.numberState;
    while (i < stop) {
      const c = <u32>load<u8>(base + i);
      const digit = c - 0x30 < 10;
      if (digit) {
        if (s == N_MINUS) s = c == 0x30 ? N_ZERO : N_INT;
        else if (s == N_ZERO) {
          this.numberState = s;
          this.fail(JsonError.InvalidNumber, i, c, "leading zero");
          return i;
        } else if (s == N_DOT) s = N_FRAC;
        else if (s == N_EXP_MARK || s == N_EXP_SIGN) s = N_EXP;
        // N_INT, N_FRAC, N_EXP stay.
      } else if (c == 0x2E && (s == N_ZERO || s == N_INT)) {
        s = N_DOT;
        this.numberIsInteger = false;
      } else if ((c | 0x20) == 0x65 && (s == N_ZERO || s == N_INT || s == N_FRAC)) {
        s = N_EXP_MARK;
        this.numberIsInteger = false;
      } else if ((c == 0x2B || c == 0x2D) && s == N_EXP_MARK) {
        s = N_EXP_SIGN;
      } else {
        // Any other byte ends the number; it is then read as the byte after a value.
        this.numberState = s;
        if (s == N_ZERO || s == N_INT || s == N_FRAC || s == N_EXP) {
          this.endNumber();
          return i;
        }
        this.fail(JsonError.InvalidNumber, i, c, s == N_MINUS ? "expected a digit after '-'" : s == N_DOT ? "expected a digit after '.'" : "expected a digit in the exponent");
        return i;
      }
      if (capturing) {
        this.numberState = s;
        if (!this.captureByte(c, i, true)) return i;
      }
      i++;
    }
    this.numberState = s;
    return i;
  }

  private endNumber(): void {
    const targets = this.captureMask & this.pending;
    this.valueDone();
    if (targets == 0) return;
    const ptr = changetype<usize>(this.capture);
    const n = this.captureLength;
    const value = JsonValue.makeNumber(String.UTF8.decodeUnsafe(ptr, n), jsonNumberToF64(ptr, n), this.numberIsInteger);
    this.resolveFound(targets, JsonKind.Number, value);
  }

  // ---- strings ----

  /** Appends one byte of a captured value; fails (false) past maxStringLength. The buffer
   *  grows by doubling, so a short value never costs a maxStringLength allocation. */
  private captureByte(c: u32, i: i32, isNumber: bool): bool {
    const n = this.captureLength;
    const limit = this.set.limits.maxStringLength;
    if (n >= limit) {
      this.fail(isNumber ? JsonError.NumberTooLong : JsonError.StringTooLong, i, -1, limit.toString());
      return false;
    }
    let buffer = this.capture;
    if (n >= buffer.length) {
      let size = buffer.length < 32 ? 32 : buffer.length << 1;
      if (size > limit) size = limit;
      const grown = new StaticArray<u8>(size);
      memory.copy(changetype<usize>(grown), changetype<usize>(buffer), <usize>n);
      this.capture = buffer = grown;
    }
    store<u8>(changetype<usize>(buffer) + <usize>n, <u8>c);
    this.captureLength = n + 1;
    return true;
  }

  /** One decoded byte of the current key or string value. */
  private emit(c: u32, i: i32): void {
    if (this.isKey) {
      let m = this.keyMask;
      if (m == 0) return;
      const pos = this.keyPos;
      const top = this.depth - 1;
      const set = this.set;
      const bytes = changetype<usize>(set.tokenBytes);
      let keep = m;
      while (m != 0) {
        const p = <i32>ctz(m);
        m &= m - 1;
        const k = unchecked(set.tokenBase[p]) + top;
        if (pos >= unchecked(set.tokenLength[k]) || <u32>load<u8>(bytes + <usize>(unchecked(set.tokenStart[k]) + pos)) != c) {
          keep &= ~((<u64>1) << <u64>p);
        }
      }
      this.keyMask = keep;
      this.keyPos = pos + 1;
    } else if (this.captureMask != 0) {
      this.captureByte(c, i, false);
    }
  }

  /** A code point decoded from an escape, as UTF-8 bytes. */
  private emitCodePoint(cp: u32, i: i32): void {
    if (cp < 0x80) {
      this.emit(cp, i);
      return;
    }
    const tmp = memory.data(4);
    const n = utf8Store(tmp, cp);
    for (let k = 0; k < n; k++) this.emit(<u32>load<u8>(tmp + <usize>k), i);
  }

  private endString(): void {
    if (this.isKey) {
      // The key matches the pointers whose token is exactly as long as what was read.
      let m = this.keyMask;
      const top = this.depth - 1;
      const set = this.set;
      let keep = m;
      while (m != 0) {
        const p = <i32>ctz(m);
        m &= m - 1;
        if (unchecked(set.tokenLength[unchecked(set.tokenBase[p]) + top]) != this.keyPos) keep &= ~((<u64>1) << <u64>p);
      }
      this.valueMask = keep;
      this.mode = M_COLON;
      return;
    }
    const targets = this.captureMask & this.pending;
    this.valueDone();
    if (targets == 0) return;
    const text = String.UTF8.decodeUnsafe(changetype<usize>(this.capture), this.captureLength);
    this.resolveFound(targets, JsonKind.String, JsonValue.makeString(text));
  }

  private scanString(base: usize, i: i32, stop: i32): i32 {
    while (i < stop) {
      if (this.escape != E_NONE) {
        this.escapeByte(<u32>load<u8>(base + i), i);
        if (this.scanState != ScanState.InProgress) return i;
        i++;
        continue;
      }
      if (this.utf8Need != 0) {
        const b = <u32>load<u8>(base + i);
        if (b < this.utf8Low || b > this.utf8High) {
          this.fail(JsonError.InvalidUtf8, i, b, b - 0x80 < 0x40 ? "overlong, surrogate or beyond U+10FFFF" : "expected a continuation byte");
          return i;
        }
        this.emit(b, i);
        this.utf8Need--;
        this.utf8Low = 0x80;
        this.utf8High = 0xBF;
        i++;
        continue;
      }
      const collecting = this.isKey ? this.keyMask != 0 : this.captureMask != 0;
      if (!collecting) {
        // Hot path: nothing to record, just find the next byte that needs attention.
        while (i < stop && isPlain(<u32>load<u8>(base + i))) i++;
        if (i >= stop) return i;
      }
      const c = <u32>load<u8>(base + i);
      if (isPlain(c)) {
        this.emit(c, i);
        if (this.scanState != ScanState.InProgress) return i;
        i++;
        continue;
      }
      if (c == 0x22) {
        this.endString();
        return i + 1;
      }
      if (c == 0x5C) {
        this.escape = E_BACKSLASH;
        i++;
        continue;
      }
      if (c < 0x20) {
        this.fail(JsonError.ControlCharacter, i, c, "");
        return i;
      }
      const info = utf8Lead(c);
      if (info == 0) {
        this.fail(JsonError.InvalidUtf8, i, c, c < 0xC0 ? "unexpected continuation byte" : "not a valid lead byte");
        return i;
      }
      this.utf8Need = <i32>(info & 0xFF);
      this.utf8Low = (info >> 8) & 0xFF;
      this.utf8High = info >> 16;
      this.emit(c, i);
      if (this.scanState != ScanState.InProgress) return i;
      i++;
    }
    return i;
  }

  /** One byte of an escape sequence (the backslash itself already consumed). */
  private escapeByte(c: u32, i: i32): void {
    const state = this.escape;
    if (state == E_BACKSLASH) {
      const decoded = shortEscape(c);
      if (decoded >= 0) {
        this.escape = E_NONE;
        this.emit(<u32>decoded, i);
      } else if (c == 0x75) {
        this.escape = E_HEX;
        this.escHex = 0;
        this.escValue = 0;
      } else {
        this.fail(JsonError.InvalidEscape, i - 1, c, "backslash followed by " + describeByte(c));
      }
      return;
    }
    if (state == E_HEX || state == E_LOW_HEX) {
      const h = hexDigit(c);
      if (h < 0) {
        this.fail(JsonError.InvalidUnicodeEscape, i, c, "expected 4 hex digits after \\u");
        return;
      }
      this.escValue = (this.escValue << 4) | <u32>h;
      if (++this.escHex < 4) return;
      const v = this.escValue;
      if (state == E_HEX) {
        if (v >= 0xD800 && v <= 0xDBFF) {
          this.highSurrogate = v;
          this.escape = E_LOW_BACKSLASH;
          return;
        }
        if (v >= 0xDC00 && v <= 0xDFFF) {
          this.fail(JsonError.LoneSurrogate, i, -1, "low surrogate without a preceding high surrogate");
          return;
        }
        this.escape = E_NONE;
        this.emitCodePoint(v, i);
        return;
      }
      if (v < 0xDC00 || v > 0xDFFF) {
        this.fail(JsonError.LoneSurrogate, i, -1, "high surrogate not followed by a \\u low surrogate");
        return;
      }
      this.escape = E_NONE;
      this.emitCodePoint(0x10000 + ((this.highSurrogate - 0xD800) << 10) + (v - 0xDC00), i);
      return;
    }
    if (state == E_LOW_BACKSLASH) {
      if (c != 0x5C) {
        this.fail(JsonError.LoneSurrogate, i, -1, "high surrogate not followed by a \\u low surrogate");
        return;
      }
      this.escape = E_LOW_U;
      return;
    }
    // E_LOW_U
    if (c != 0x75) {
      this.fail(JsonError.LoneSurrogate, i, -1, "high surrogate not followed by a \\u low surrogate");
      return;
    }
    this.escape = E_LOW_HEX;
    this.escHex = 0;
    this.escValue = 0;
  }
}
