// Streaming JSON Pointer scanner: finds the values a few pointers name in a body that arrives in
// chunks, and stops reading as soon as every pointer is decided, so a rule on "/customer/segment"
// does not wait for the rest of a 64 KiB body.
//
// The scanner is a resumable byte-level automaton: chunks may split anywhere (inside a string, an
// escape, a \uXXXX, a UTF-8 sequence, a number, a literal). Its state is bounded: one frame per
// open container (at most maxDepth), the pointer tables, and one capture buffer of at most
// maxStringLength bytes for a string or number value some pointer targets. Strings and numbers
// nobody targets are validated without being stored.
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
// parser's JsonValue.get takes the last). Pointers are tracked with one bit each in a u64 mask.

import { JsonLimits } from "./limits";
import { JsonError, describeJsonError, describeByte } from "./errors";
import { JsonKind, JsonValue } from "./value";
import { JsonPointer } from "./pointer";
import { jsonNumberToF64 } from "./decimal";
import { utf8Lead, utf8Store, hexDigit } from "./utf8";

/** Most pointers one scanner follows (one bit each in a u64). */
export const MAX_SCAN_POINTERS = 64;

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
  /** More than MAX_SCAN_POINTERS pointers were given; nothing is scanned. */
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

export class JsonPointerScanner {
  // Pointer tables, fixed at construction.
  private count: i32;
  private tokenBase: StaticArray<i32>; // per pointer: index of its first token in the token tables
  private tokenStart: StaticArray<i32>; // per token: offset of its UTF-8 bytes in tokenBytes
  private tokenLength: StaticArray<i32>;
  private tokenIndex: StaticArray<i32>; // per token: array index it selects, or -1
  private tokenBytes: Uint8Array;
  /** lengthMask[d]: pointers with exactly d tokens (whose target sits at path length d). */
  private lengthMask: StaticArray<u64>;
  private limits: JsonLimits;

  // Answers.
  private statuses: StaticArray<u8>;
  private kinds: StaticArray<u8>;
  private values: Array<JsonValue | null>;

  // Scan state.
  private scanState: ScanState = ScanState.InProgress;
  private failureKind: ScanFailure = ScanFailure.None;
  private pending: u64 = 0;
  private mode: i32 = M_VALUE;
  private depth: i32 = 0;
  private frameIsObject: StaticArray<u8>;
  private frameMask: StaticArray<u64>; // pointers that may still lie inside the open container
  private frameCount: StaticArray<i32>; // members / items seen so far
  private valueMask: u64 = 0; // pointers selected by the key just read
  // Current string or number.
  private isKey: bool = false;
  private keyMask: u64 = 0; // pointers whose token still equals the key prefix read so far
  private keyPos: i32 = 0;
  private captureMask: u64 = 0; // pointers that target the scalar being read
  private capture: StaticArray<u8>;
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
  private literal: string = "";
  private literalPos: i32 = 0;
  // Position.
  private streamOffset: i64 = 0; // stream offset of the first byte of the current chunk range
  private chunkStart: i32 = 0;
  private scanned: i64 = 0;
  // Error.
  private errorCode: JsonError = JsonError.None;
  private errorAt: i64 = 0;
  private errorFound: i32 = -1;
  private errorDetail: string = "";

  /**
   * `pointers`: at most MAX_SCAN_POINTERS (otherwise the scanner starts in the Error state with
   * failure TooManyPointers). `limits`: maxDepth, maxInputBytes (bytes fed before a decision),
   * maxStringLength (captured string / number values) and maxMembers apply; rejectDuplicateKeys
   * does not (first occurrence wins).
   */
  constructor(pointers: Array<JsonPointer>, limits: JsonLimits = new JsonLimits()) {
    this.limits = limits;
    const n = pointers.length;
    this.count = n;
    this.statuses = new StaticArray<u8>(n);
    this.kinds = new StaticArray<u8>(n);
    this.values = new Array<JsonValue | null>(n);
    const maxDepth = limits.maxDepth > 0 ? limits.maxDepth : 0;
    this.frameIsObject = new StaticArray<u8>(maxDepth);
    this.frameMask = new StaticArray<u64>(maxDepth);
    this.frameCount = new StaticArray<i32>(maxDepth);
    this.lengthMask = new StaticArray<u64>(maxDepth + 1);
    this.capture = new StaticArray<u8>(0);
    this.tokenBase = new StaticArray<i32>(n);

    let tokens = 0;
    let byteLength = 0;
    for (let p = 0; p < n; p++) {
      const ptr = unchecked(pointers[p]);
      tokens += ptr.tokens.length;
      for (let t = 0; t < ptr.tokens.length; t++) byteLength += String.UTF8.byteLength(unchecked(ptr.tokens[t]));
    }
    this.tokenStart = new StaticArray<i32>(tokens);
    this.tokenLength = new StaticArray<i32>(tokens);
    this.tokenIndex = new StaticArray<i32>(tokens);
    this.tokenBytes = new Uint8Array(byteLength);
    let k = 0;
    let at = 0;
    for (let p = 0; p < n; p++) {
      const ptr = unchecked(pointers[p]);
      unchecked((this.tokenBase[p] = k));
      for (let t = 0; t < ptr.tokens.length; t++) {
        const token = unchecked(ptr.tokens[t]);
        const written = <i32>String.UTF8.encodeUnsafe(changetype<usize>(token), token.length, this.tokenBytes.dataStart + at);
        unchecked((this.tokenStart[k] = at));
        unchecked((this.tokenLength[k] = written));
        unchecked((this.tokenIndex[k] = unchecked(ptr.indices[t])));
        at += written;
        k++;
      }
      // Pointers longer than maxDepth can only be reached through a too-deep document.
      const len = ptr.tokens.length;
      if (len <= maxDepth && p < MAX_SCAN_POINTERS) unchecked((this.lengthMask[len] |= (<u64>1) << <u64>p));
    }
    this.reset();
  }

  /** Forgets all input and answers, ready for another document with the same pointers and limits. */
  reset(): void {
    const n = this.count;
    for (let p = 0; p < n; p++) {
      unchecked((this.statuses[p] = <u8>PointerStatus.Pending));
      unchecked((this.kinds[p] = 0));
      unchecked((this.values[p] = null));
    }
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
    if (n > MAX_SCAN_POINTERS) {
      this.scanState = ScanState.Error;
      this.failureKind = ScanFailure.TooManyPointers;
      this.pending = 0;
      return;
    }
    this.pending = n == 64 ? <u64>-1 : ((<u64>1) << <u64>n) - 1;
    if (this.pending == 0) this.scanState = ScanState.Complete;
  }

  /**
   * Scans chunk[start, end). Pass endOfStream = true with the last chunk (it may be empty).
   * Returns the overall state; once it is not InProgress, further calls do nothing.
   */
  feed(chunk: Uint8Array, start: i32 = 0, end: i32 = chunk.length, endOfStream: bool = false): ScanState {
    if (this.scanState != ScanState.InProgress) return this.scanState;
    const length = chunk.length;
    if (end < 0 || end > length) end = length;
    if (start < 0) start = 0;
    if (start > end) start = end;

    // Bytes past maxInputBytes are never scanned; reaching the limit undecided is an error.
    const room = <i64>this.limits.maxInputBytes - this.scanned;
    let stop = end;
    if (<i64>(end - start) > room) stop = start + <i32>(room > 0 ? room : 0);

    this.chunkStart = start;
    this.streamOffset = this.scanned;
    const i = this.run(chunk.dataStart, start, stop);
    this.scanned = this.streamOffset + <i64>(i - start);
    if (this.scanState != ScanState.InProgress) return this.scanState;

    if (stop < end) {
      this.fail(JsonError.InputTooLarge, i, -1, this.limits.maxInputBytes.toString());
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

  /** Number of pointers given at construction. */
  get pointerCount(): i32 {
    return this.count;
  }

  /** Bytes examined so far (the scan stops at the decision, so this can be less than what was fed). */
  get bytesScanned(): i64 {
    return this.scanned;
  }

  status(pointer: i32): PointerStatus {
    if (pointer < 0 || pointer >= this.count) return PointerStatus.Pending;
    return <PointerStatus>unchecked(this.statuses[pointer]);
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
    if (this.failureKind == ScanFailure.TooManyPointers) {
      return "more than " + MAX_SCAN_POINTERS.toString() + " JSON pointers (" + this.count.toString() + ")";
    }
    return describeJsonError(this.errorCode, this.errorAt, this.errorFound, this.errorDetail);
  }

  // ---- the automaton ----

  /** Scans [i, stop) of the memory at base; returns where it stopped. */
  private run(base: usize, i: i32, stop: i32): i32 {
    while (i < stop) {
      const mode = this.mode;
      if (mode == M_STRING) {
        i = this.scanString(base, i, stop);
      } else if (mode == M_NUMBER) {
        i = this.scanNumber(base, i, stop);
      } else {
        const c = <u32>load<u8>(base + i);
        if (mode == M_LITERAL) {
          // Checked before whitespace: "n ull" is not null.
          this.literalByte(c, i);
        } else if (isWhitespace(c)) {
          i++;
          continue;
        } else if (mode == M_AFTER) {
          this.afterValueByte(c, i);
        } else if (mode == M_VALUE) {
          this.startValue(c, i);
        } else if (mode == M_COLON) {
          if (c == 0x3A) this.mode = M_VALUE;
          else this.fail(JsonError.UnexpectedCharacter, i, c, "expected ':' after object key");
        } else if (mode == M_KEY || mode == M_OBJECT_FIRST) {
          if (c == 0x22) this.startKey(i);
          else if (c == 0x7D && mode == M_OBJECT_FIRST) this.closeContainer();
          else this.fail(JsonError.UnexpectedCharacter, i, c, "expected an object key");
        } else if (mode == M_ARRAY_FIRST) {
          if (c == 0x5D) this.closeContainer();
          else this.startValue(c, i);
        } else {
          // M_DONE
          this.fail(JsonError.TrailingData, i, c, "");
        }
        i++;
      }
      if (this.scanState != ScanState.InProgress) {
        // An error leaves i at the offending byte; a decision stops right after the deciding byte.
        return i;
      }
    }
    return i;
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
      unchecked((this.statuses[p] = <u8>PointerStatus.Found));
      unchecked((this.kinds[p] = <u8>kind));
      unchecked((this.values[p] = value));
    }
    this.pending &= ~mask;
    if (this.pending == 0) this.scanState = ScanState.Complete;
  }

  private resolveAbsent(mask: u64): void {
    let m = mask;
    while (m != 0) {
      const p = <i32>ctz(m);
      m &= m - 1;
      unchecked((this.statuses[p] = <u8>PointerStatus.Absent));
    }
    this.pending &= ~mask;
    if (this.pending == 0) this.scanState = ScanState.Complete;
  }

  /** A value begins with byte c at i (whitespace already skipped). */
  private startValue(c: u32, i: i32): void {
    const depth = this.depth;
    // Which pending pointers continue into this value?
    let selected: u64;
    if (depth == 0) {
      selected = this.pending;
    } else {
      const top = depth - 1;
      if (unchecked(this.frameIsObject[top])) {
        selected = this.valueMask & this.pending;
      } else {
        const index = unchecked(this.frameCount[top]);
        if (index >= this.limits.maxMembers) {
          this.fail(JsonError.TooManyMembers, i, -1, this.limits.maxMembers.toString() + " items in an array");
          return;
        }
        unchecked((this.frameCount[top] = index + 1));
        selected = 0;
        let m = unchecked(this.frameMask[top]) & this.pending;
        while (m != 0) {
          const p = <i32>ctz(m);
          m &= m - 1;
          if (unchecked(this.tokenIndex[unchecked(this.tokenBase[p]) + top]) == index) selected |= (<u64>1) << <u64>p;
        }
      }
    }
    // depth <= maxDepth here, and lengthMask has maxDepth + 1 entries.
    const targets = selected & unchecked(this.lengthMask[depth]);
    const deeper = selected & ~targets;

    if (c == 0x7B || c == 0x5B) {
      const isObject = c == 0x7B;
      if (depth >= this.limits.maxDepth) {
        this.fail(JsonError.TooDeep, i, -1, this.limits.maxDepth.toString());
        return;
      }
      let inside = deeper;
      if (!isObject && inside != 0) {
        // Steps that are not array indices can never match inside an array.
        let m = inside;
        let never: u64 = 0;
        while (m != 0) {
          const p = <i32>ctz(m);
          m &= m - 1;
          if (unchecked(this.tokenIndex[unchecked(this.tokenBase[p]) + depth]) < 0) never |= (<u64>1) << <u64>p;
        }
        inside &= ~never;
        if (never != 0) this.resolveAbsent(never);
      }
      unchecked((this.frameIsObject[depth] = isObject ? 1 : 0));
      unchecked((this.frameMask[depth] = inside));
      unchecked((this.frameCount[depth] = 0));
      this.depth = depth + 1;
      this.mode = isObject ? M_OBJECT_FIRST : M_ARRAY_FIRST;
      if (targets != 0) this.resolveFound(targets, isObject ? JsonKind.Object : JsonKind.Array, null);
      return;
    }

    // A scalar: nothing can lie inside it.
    this.captureMask = targets;
    this.captureLength = 0;
    if (c == 0x22) {
      this.isKey = false;
      this.escape = E_NONE;
      this.utf8Need = 0;
      this.mode = M_STRING;
      if (targets != 0) this.ensureCapture();
    } else if (c == 0x2D || c - 0x30 < 10) {
      this.mode = M_NUMBER;
      this.numberIsInteger = true;
      this.numberState = c == 0x2D ? N_MINUS : c == 0x30 ? N_ZERO : N_INT;
      if (targets != 0) {
        this.ensureCapture();
        this.captureByte(c, i, true);
      }
    } else if (c == 0x74 || c == 0x66 || c == 0x6E) {
      this.mode = M_LITERAL;
      this.literal = c == 0x74 ? "true" : c == 0x66 ? "false" : "null";
      this.literalPos = 1;
    } else {
      this.fail(JsonError.UnexpectedCharacter, i, c, "expected a value");
      return;
    }
    if (deeper != 0) this.resolveAbsent(deeper);
  }

  private startKey(i: i32): void {
    const top = this.depth - 1;
    const count = unchecked(this.frameCount[top]);
    if (count >= this.limits.maxMembers) {
      this.fail(JsonError.TooManyMembers, i, -1, this.limits.maxMembers.toString() + " members in an object");
      return;
    }
    unchecked((this.frameCount[top] = count + 1));
    this.isKey = true;
    this.keyMask = unchecked(this.frameMask[top]) & this.pending;
    this.keyPos = 0;
    this.escape = E_NONE;
    this.utf8Need = 0;
    this.mode = M_STRING;
  }

  /** Byte c at i after a complete value inside a container. */
  private afterValueByte(c: u32, i: i32): void {
    const top = this.depth - 1;
    const isObject = unchecked(this.frameIsObject[top]) != 0;
    if (c == 0x2C) {
      this.mode = isObject ? M_KEY : M_VALUE;
    } else if (c == (isObject ? <u32>0x7D : <u32>0x5D)) {
      this.closeContainer();
    } else {
      this.fail(JsonError.UnexpectedCharacter, i, c, isObject ? "expected ',' or '}'" : "expected ',' or ']'");
    }
  }

  private closeContainer(): void {
    const top = this.depth - 1;
    const missing = unchecked(this.frameMask[top]) & this.pending;
    this.depth = top;
    this.valueDone();
    if (missing != 0) this.resolveAbsent(missing);
  }

  private valueDone(): void {
    this.mode = this.depth == 0 ? M_DONE : M_AFTER;
  }

  private literalByte(c: u32, i: i32): void {
    const word = this.literal;
    if (c != <u32>word.charCodeAt(this.literalPos)) {
      this.fail(JsonError.UnexpectedCharacter, i, c, "expected '" + word + "'");
      return;
    }
    this.literalPos++;
    if (this.literalPos < word.length) return;
    const targets = this.captureMask & this.pending;
    this.valueDone();
    if (targets == 0) return;
    const first = word.charCodeAt(0);
    if (first == 0x6E) this.resolveFound(targets, JsonKind.Null, JsonValue.makeNull());
    else this.resolveFound(targets, JsonKind.Bool, JsonValue.makeBool(first == 0x74));
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

  private ensureCapture(): void {
    if (this.capture.length == 0) {
      // Room for the whole limit plus one UTF-8 sequence, so captureByte needs no growth logic.
      const limit = this.limits.maxStringLength;
      this.capture = new StaticArray<u8>((limit > 0 ? limit : 0) + 4);
    }
  }

  /** Appends one byte of a captured value; fails (false) past maxStringLength. */
  // @ts-ignore: decorator
  @inline
  private captureByte(c: u32, i: i32, isNumber: bool): bool {
    const n = this.captureLength;
    if (n >= this.limits.maxStringLength) {
      this.fail(isNumber ? JsonError.NumberTooLong : JsonError.StringTooLong, i, -1, this.limits.maxStringLength.toString());
      return false;
    }
    store<u8>(changetype<usize>(this.capture) + <usize>n, <u8>c);
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
      const bytes = this.tokenBytes.dataStart;
      let keep = m;
      while (m != 0) {
        const p = <i32>ctz(m);
        m &= m - 1;
        const k = unchecked(this.tokenBase[p]) + top;
        if (pos >= unchecked(this.tokenLength[k]) || <u32>load<u8>(bytes + <usize>(unchecked(this.tokenStart[k]) + pos)) != c) {
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
      let keep = m;
      while (m != 0) {
        const p = <i32>ctz(m);
        m &= m - 1;
        if (unchecked(this.tokenLength[unchecked(this.tokenBase[p]) + top]) != this.keyPos) keep &= ~((<u64>1) << <u64>p);
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
      let decoded: u32 = 0;
      if (c == 0x22 || c == 0x5C || c == 0x2F) decoded = c;
      else if (c == 0x62) decoded = 0x08;
      else if (c == 0x66) decoded = 0x0C;
      else if (c == 0x6E) decoded = 0x0A;
      else if (c == 0x72) decoded = 0x0D;
      else if (c == 0x74) decoded = 0x09;
      else if (c == 0x75) {
        this.escape = E_HEX;
        this.escHex = 0;
        this.escValue = 0;
        return;
      } else {
        this.fail(JsonError.InvalidEscape, i - 1, c, "backslash followed by " + describeByte(c));
        return;
      }
      this.escape = E_NONE;
      this.emit(decoded, i);
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
