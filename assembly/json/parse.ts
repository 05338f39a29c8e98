// Strict RFC 8259 parser producing a JsonValue tree. Iterative (an explicit container stack
// bounded by JsonLimits.maxDepth), so hostile nesting can neither recurse nor trap; every rule
// violation and every exceeded limit comes back as a JsonParseResult error with the byte offset.

import { JsonValue } from "./value";
import { JsonLimits } from "./limits";
import { JsonError, describeJsonError, describeByte } from "./errors";
import { jsonNumberToF64 } from "./decimal";
import { utf8Lead, utf8LeadBits, utf8Width } from "./utf8";
import { shortEscape, hexDigit } from "./escape";
import { quoteJsonString } from "./write";

/** Limits used when the caller passes none (never handed out, so nobody can change them). */
const DEFAULT_LIMITS = new JsonLimits();

// Work areas reused by every parse (wasm runs one parse at a time and the parser calls nothing
// back): members of the open containers waiting for their closing bracket, and string scratch.
// Keeping them avoids several allocations per document; they are emptied after each parse.
const pendingValues = new Array<JsonValue>();
const pendingKeys = new Array<string>();
/** Per open container: pendingKeys start << 33 | pendingValues start << 1 | 1 for an object. */
let frames = new StaticArray<i64>(64);
let scratch = new StaticArray<u16>(256);
/** Scratch above this many code units is released after the parse that needed it. */
const SCRATCH_KEEP = 4096;

/** Above this many members, duplicate-key detection switches from a linear scan to a Set. */
const LINEAR_DUPLICATE_SCAN = 16;
/** Keys quoted in "duplicate key" messages are cut to this many characters. */
const MESSAGE_KEY_CHARS = 64;

export class JsonParseResult {
  constructor(
    /** The document, or null on error. */
    readonly value: JsonValue | null,
    readonly error: JsonError,
    /** 0-based byte offset of the error in the input (0 when ok). */
    readonly offset: i32,
    /** e.g. "unexpected character '}' at byte 17 (expected a value)"; "" when ok. */
    readonly message: string,
  ) {}

  get ok(): bool {
    return this.error == JsonError.None;
  }
}

/** Parses exactly one JSON value (surrounded by optional whitespace) from UTF-8 bytes. */
export function parseJson(bytes: Uint8Array, limits: JsonLimits = DEFAULT_LIMITS): JsonParseResult {
  const parser = PARSER;
  parser.begin(bytes.dataStart, bytes.length, limits);
  const value = parser.run();
  pendingValues.length = 0;
  pendingKeys.length = 0;
  if (scratch.length > SCRATCH_KEEP) scratch = new StaticArray<u16>(256);
  if (parser.error != JsonError.None) {
    return new JsonParseResult(
      null,
      parser.error,
      parser.errorAt,
      describeJsonError(parser.error, parser.errorAt, parser.found, parser.detail),
    );
  }
  return new JsonParseResult(value, JsonError.None, 0, "");
}

/** Same as parseJson on the UTF-8 encoding of `text` (lone surrogates in `text` are rejected as invalid UTF-8). */
export function parseJsonString(text: string, limits: JsonLimits = DEFAULT_LIMITS): JsonParseResult {
  return parseJson(Uint8Array.wrap(String.UTF8.encode(text)), limits);
}

class Parser {
  error: JsonError = JsonError.None;
  errorAt: i32 = 0;
  found: i32 = -1;
  detail: string = "";

  private pos: i32 = 0;
  private base: usize = 0;
  private len: i32 = 0;
  private limits: JsonLimits = DEFAULT_LIMITS;

  begin(base: usize, len: i32, limits: JsonLimits): void {
    this.base = base;
    this.len = len;
    this.limits = limits;
    this.pos = 0;
    this.error = JsonError.None;
    this.errorAt = 0;
    this.found = -1;
    this.detail = "";
  }

  run(): JsonValue | null {
    const limits = this.limits;
    if (this.len > limits.maxInputBytes) {
      return this.fail(JsonError.InputTooLarge, limits.maxInputBytes, -1, limits.maxInputBytes.toString());
    }
    // Open containers: where their members start in pendingValues / pendingKeys, whether they
    // are objects, and (for large objects while rejecting duplicates) the keys seen so far.
    let depth = 0;
    // Key sets of large open objects, by depth (only while rejecting duplicates).
    let keySets: Array<Set<string> | null> | null = null;
    const base = this.base;
    const len = this.len;

    this.skipWhitespace();
    while (true) {
      // A value starts at pos.
      let value: JsonValue;
      const start = this.pos;
      if (start >= len) return this.fail(JsonError.UnexpectedEnd, len, -1, "expected a value");
      const c = <u32>load<u8>(base + start);
      if (c == 0x7B || c == 0x5B) {
        // '{' or '['
        if (depth >= limits.maxDepth) {
          return this.fail(JsonError.TooDeep, start, -1, limits.maxDepth.toString());
        }
        const isObject = c == 0x7B;
        this.pos = start + 1;
        this.skipWhitespace();
        const close: u32 = isObject ? 0x7D : 0x5D;
        if (this.pos < len && <u32>load<u8>(base + this.pos) == close) {
          this.pos++;
          value = isObject
            ? JsonValue.makeObject(new StaticArray<string>(0), new StaticArray<JsonValue>(0))
            : JsonValue.makeArray(new StaticArray<JsonValue>(0));
        } else {
          if (depth == frames.length) growFrames(); // grows with the document, never to maxDepth up front
          unchecked((frames[depth] = (<i64>pendingKeys.length << 33) | (<i64>pendingValues.length << 1) | (isObject ? 1 : 0)));
          depth++;
          if (!this.checkRoom(0, isObject)) return null;
          if (isObject) {
            const key = this.readKey(null, pendingKeys.length);
            if (changetype<usize>(key) == 0) return null; // (not `== null`: that calls String.__eq)
            pendingKeys.push(key);
          }
          continue;
        }
      } else if (c == 0x22) {
        const s = this.readString();
        if (changetype<usize>(s) == 0) return null;
        value = JsonValue.makeString(s);
      } else if (c == 0x2D || c - 0x30 < 10) {
        const n = this.readNumber();
        if (!n) return null;
        value = n;
      } else if (c == 0x74) {
        if (!this.readLiteral("true")) return null;
        value = JsonValue.makeBool(true);
      } else if (c == 0x66) {
        if (!this.readLiteral("false")) return null;
        value = JsonValue.makeBool(false);
      } else if (c == 0x6E) {
        if (!this.readLiteral("null")) return null;
        value = JsonValue.makeNull();
      } else {
        return this.fail(JsonError.UnexpectedCharacter, start, c, "expected a value");
      }

      // The value is complete: add it to its container, then close as many containers as the input closes.
      while (true) {
        if (depth == 0) {
          this.skipWhitespace();
          if (this.pos < len) {
            return this.fail(JsonError.TrailingData, this.pos, load<u8>(base + this.pos), "");
          }
          return value;
        }
        pendingValues.push(value);
        const frame = unchecked(frames[depth - 1]);
        const isObject = (frame & 1) != 0;
        const valuesStart = <i32>((frame >> 1) & 0xFFFFFFFF);
        const keysStart = <i32>(frame >> 33);

        this.skipWhitespace();
        const at = this.pos;
        const close: u32 = isObject ? 0x7D : 0x5D;
        if (at >= len) {
          return this.fail(JsonError.UnexpectedEnd, len, -1, isObject ? "expected ',' or '}'" : "expected ',' or ']'");
        }
        const d = <u32>load<u8>(base + at);
        if (d == 0x2C) {
          this.pos = at + 1;
          this.skipWhitespace();
          const count = pendingValues.length - valuesStart;
          if (!this.checkRoom(count, isObject)) return null;
          if (isObject) {
            let seen: Set<string> | null = null;
            if (limits.rejectDuplicateKeys && count >= LINEAR_DUPLICATE_SCAN) {
              // Large object: a linear scan per key would be quadratic in attacker-chosen member counts.
              if (!keySets) keySets = new Array<Set<string> | null>();
              while (keySets.length <= depth) keySets.push(null);
              seen = unchecked(keySets[depth]);
              if (!seen) {
                seen = new Set<string>();
                for (let k = keysStart; k < pendingKeys.length; k++) seen.add(unchecked(pendingKeys[k]));
                unchecked((keySets[depth] = seen));
              }
            }
            const key = this.readKey(seen, keysStart);
            if (changetype<usize>(key) == 0) return null;
            pendingKeys.push(key);
          }
          break; // next value
        }
        if (d != close) {
          return this.fail(JsonError.UnexpectedCharacter, at, d, isObject ? "expected ',' or '}'" : "expected ',' or ']'");
        }
        this.pos = at + 1;
        // Close: move the members into exact-size storage.
        const n = pendingValues.length - valuesStart;
        const values = new StaticArray<JsonValue>(n);
        for (let k = 0; k < n; k++) unchecked((values[k] = unchecked(pendingValues[valuesStart + k])));
        pendingValues.length = valuesStart;
        if (isObject) {
          const keys = new StaticArray<string>(n);
          for (let k = 0; k < n; k++) unchecked((keys[k] = unchecked(pendingKeys[keysStart + k])));
          pendingKeys.length = keysStart;
          value = JsonValue.makeObject(keys, values);
          if (keySets && keySets.length > depth) unchecked((keySets[depth] = null));
        } else {
          value = JsonValue.makeArray(values);
        }
        depth--;
      }
    }
  }

  private fail(error: JsonError, at: i32, found: i32, detail: string): JsonValue | null {
    if (this.error == JsonError.None) {
      this.error = error;
      this.errorAt = at;
      this.found = found;
      this.detail = detail;
    }
    return null;
  }

  // @ts-ignore: decorator
  @inline
  private skipWhitespace(): void {
    const base = this.base;
    const len = this.len;
    let p = this.pos;
    while (p < len) {
      const c = load<u8>(base + p);
      if (c != 0x20 && c != 0x0A && c != 0x0D && c != 0x09) break;
      p++;
    }
    this.pos = p;
  }

  /** Fails unless a container holding `count` members may take one more. */
  private checkRoom(count: i32, isObject: bool): bool {
    const max = this.limits.maxMembers;
    if (count < max) return true;
    this.fail(JsonError.TooManyMembers, this.pos, -1, max.toString() + (isObject ? " members in an object" : " items in an array"));
    return false;
  }

  /**
   * Reads `"key" :` (and the whitespace after it) for the innermost object, whose keys so far are
   * pendingKeys[keysStart..]; null after failing. `seen` holds them when the object is large.
   */
  private readKey(seen: Set<string> | null, keysStart: i32): string | null {
    const at = this.pos;
    if (!this.expectByte(0x22, "expected an object key")) return null;
    this.pos = at;
    const key = this.readString();
    if (changetype<usize>(key) == 0) return null;
    if (this.limits.rejectDuplicateKeys) {
      let duplicate = false;
      if (seen) {
        duplicate = seen.has(key);
        if (!duplicate) seen.add(key);
      } else {
        for (let k = keysStart, n = pendingKeys.length; k < n; k++) {
          if (unchecked(pendingKeys[k]) == key) {
            duplicate = true;
            break;
          }
        }
      }
      if (duplicate) {
        const shown = key.length > MESSAGE_KEY_CHARS ? key.substring(0, MESSAGE_KEY_CHARS) + "..." : key;
        this.fail(JsonError.DuplicateKey, at, -1, quoteJsonString(shown));
        return null;
      }
    }
    this.skipWhitespace();
    if (!this.expectByte(0x3A, "expected ':' after object key")) return null;
    this.skipWhitespace();
    return key;
  }

  /** Consumes `want` at pos, or fails with `detail` as what was expected. */
  private expectByte(want: u32, detail: string): bool {
    const p = this.pos;
    if (p >= this.len) {
      this.fail(JsonError.UnexpectedEnd, this.len, -1, detail);
      return false;
    }
    const c = <u32>load<u8>(this.base + p);
    if (c != want) {
      this.fail(JsonError.UnexpectedCharacter, p, c, detail);
      return false;
    }
    this.pos = p + 1;
    return true;
  }

  private readLiteral(word: string): bool {
    const start = this.pos;
    const n = word.length;
    for (let i = 0; i < n; i++) {
      const p = start + i;
      if (p >= this.len) {
        this.fail(JsonError.UnexpectedEnd, this.len, -1, "expected '" + word + "'");
        return false;
      }
      const c = <u32>load<u8>(this.base + p);
      if (c != <u32>word.charCodeAt(i)) {
        this.fail(JsonError.UnexpectedCharacter, p, c, i == 0 ? "expected a value" : "expected '" + word + "'");
        return false;
      }
    }
    this.pos = start + n;
    return true;
  }

  private readNumber(): JsonValue | null {
    const base = this.base;
    const len = this.len;
    const start = this.pos;
    let p = start;
    if (load<u8>(base + p) == 0x2D) p++;
    if (p >= len) return this.fail(JsonError.UnexpectedEnd, len, -1, "expected a digit after '-'");
    let c = <u32>load<u8>(base + p);
    if (c == 0x30) {
      p++;
      if (p < len && <u32>load<u8>(base + p) - 0x30 < 10) return this.fail(JsonError.InvalidNumber, p, -1, "leading zero");
    } else if (c - 0x31 < 9) {
      p++;
      while (p < len && <u32>load<u8>(base + p) - 0x30 < 10) p++;
    } else {
      return this.fail(JsonError.InvalidNumber, p, c, "expected a digit after '-'");
    }
    let integer = true;
    if (p < len && load<u8>(base + p) == 0x2E) {
      integer = false;
      p++;
      const digits = p;
      while (p < len && <u32>load<u8>(base + p) - 0x30 < 10) p++;
      if (p == digits) {
        if (p >= len) return this.fail(JsonError.UnexpectedEnd, len, -1, "expected a digit after '.'");
        return this.fail(JsonError.InvalidNumber, p, -1, "expected a digit after '.'");
      }
    }
    if (p < len && (load<u8>(base + p) | 0x20) == 0x65) {
      integer = false;
      p++;
      if (p < len && (load<u8>(base + p) == 0x2B || load<u8>(base + p) == 0x2D)) p++;
      const digits = p;
      while (p < len && <u32>load<u8>(base + p) - 0x30 < 10) p++;
      if (p == digits) {
        if (p >= len) return this.fail(JsonError.UnexpectedEnd, len, -1, "expected a digit in the exponent");
        return this.fail(JsonError.InvalidNumber, p, -1, "expected a digit in the exponent");
      }
    }
    const n = p - start;
    if (n > this.limits.maxStringLength) {
      return this.fail(JsonError.NumberTooLong, start, -1, this.limits.maxStringLength.toString());
    }
    this.pos = p;
    const text = String.UTF8.decodeUnsafe(base + start, n);
    return JsonValue.makeNumber(text, jsonNumberToF64(base + start, n), integer);
  }

  /** Reads the string starting at the '"' at pos; null on error. */
  private readString(): string | null {
    const base = this.base;
    const len = this.len;
    const quote = this.pos;
    const max = this.limits.maxStringLength;
    let p = quote + 1;
    let units = 0; // UTF-16 code units written to scratch
    let bytes = 0; // UTF-8 length of the decoded string
    // Units never exceed the input bytes consumed, nor max + 2 before the limit check fails, so
    // one capacity check per string is enough.
    const room = len - quote < max ? len - quote : max;
    if (scratch.length < room + 4) growScratch(room + 4);
    const out = changetype<usize>(scratch);
    while (true) {
      // Run of plain ASCII, bounded so it cannot pass the length limit by more than one byte
      // (written so that a limit near i32.MAX cannot overflow).
      const left = max - bytes;
      const runEnd = len - p <= left ? len : p + left + 1;
      const runStart = p;
      while (p < runEnd) {
        const c = <u32>load<u8>(base + p);
        if (c - 0x20 >= 0x60 || c == 0x22 || c == 0x5C) break;
        store<u16>(out + (<usize>units << 1), <u16>c);
        units++;
        p++;
      }
      bytes += p - runStart;
      if (bytes > max) break;
      if (p >= len) {
        this.fail(JsonError.UnexpectedEnd, len, -1, "unterminated string starting at byte " + quote.toString());
        return null;
      }
      const c = <u32>load<u8>(base + p);
      if (c == 0x22) break;
      if (c == 0x5C) {
        if (p + 1 >= len) {
          this.fail(JsonError.UnexpectedEnd, len, -1, "unterminated string starting at byte " + quote.toString());
          return null;
        }
        const e = <u32>load<u8>(base + p + 1);
        const decoded = shortEscape(e);
        if (decoded >= 0) {
          store<u16>(out + (<usize>units << 1), <u16>decoded);
          units++;
          bytes++;
          p += 2;
        } else if (e == 0x75) {
          const cp = this.readUnicodeEscape(p);
          if (cp < 0) return null;
          units += storeUtf16(out + (<usize>units << 1), <u32>cp);
          bytes += utf8Width(<u32>cp);
          p += cp >= 0x10000 ? 12 : 6;
        } else {
          this.fail(JsonError.InvalidEscape, p, e, "backslash followed by " + describeByte(e));
          return null;
        }
      } else if (c < 0x20) {
        this.fail(JsonError.ControlCharacter, p, c, "");
        return null;
      } else {
        const cp = this.readUtf8(p, quote);
        if (cp < 0) return null;
        const width = utf8Width(<u32>cp);
        units += storeUtf16(out + (<usize>units << 1), <u32>cp);
        bytes += width;
        p += width;
      }
      if (bytes > max) break;
    }
    if (bytes > max) {
      this.fail(JsonError.StringTooLong, quote, -1, max.toString());
      return null;
    }
    this.pos = p + 1;
    return String.UTF16.decodeUnsafe(out, <usize>units << 1);
  }

  /** Code point of the \u escape at p (a surrogate pair takes two escapes), or -1 after failing. */
  private readUnicodeEscape(p: i32): i32 {
    const hi = this.readHex4(p + 2);
    if (hi < 0) return -1;
    if (hi >= 0xDC00 && hi <= 0xDFFF) {
      this.fail(JsonError.LoneSurrogate, p, -1, "low surrogate without a preceding high surrogate");
      return -1;
    }
    if (hi < 0xD800 || hi > 0xDBFF) return hi;
    const q = p + 6;
    if (q + 1 >= this.len || load<u8>(this.base + q) != 0x5C || load<u8>(this.base + q + 1) != 0x75) {
      this.fail(JsonError.LoneSurrogate, p, -1, "high surrogate not followed by a \\u low surrogate");
      return -1;
    }
    const lo = this.readHex4(q + 2);
    if (lo < 0) return -1;
    if (lo < 0xDC00 || lo > 0xDFFF) {
      this.fail(JsonError.LoneSurrogate, p, -1, "high surrogate not followed by a \\u low surrogate");
      return -1;
    }
    return 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
  }

  private readHex4(p: i32): i32 {
    let v = 0;
    for (let i = 0; i < 4; i++) {
      if (p + i >= this.len) {
        this.fail(JsonError.UnexpectedEnd, this.len, -1, "expected 4 hex digits after \\u");
        return -1;
      }
      const c = <u32>load<u8>(this.base + p + i);
      const h = hexDigit(c);
      if (h < 0) {
        this.fail(JsonError.InvalidUnicodeEscape, p + i, c, "expected 4 hex digits after \\u");
        return -1;
      }
      v = (v << 4) | h;
    }
    return v;
  }

  /** Decodes the multi-byte UTF-8 sequence at p, or fails and returns -1. */
  private readUtf8(p: i32, quote: i32): i32 {
    const lead = <u32>load<u8>(this.base + p);
    const info = utf8Lead(lead);
    if (info == 0) {
      this.fail(JsonError.InvalidUtf8, p, lead, lead < 0xC0 ? "unexpected continuation byte" : "not a valid lead byte");
      return -1;
    }
    const n = <i32>(info & 0xFF);
    let cp = utf8LeadBits(lead, n);
    let lo = (info >> 8) & 0xFF;
    let hi = info >> 16;
    for (let k = 1; k <= n; k++) {
      if (p + k >= this.len) {
        this.fail(JsonError.UnexpectedEnd, this.len, -1, "unterminated string starting at byte " + quote.toString());
        return -1;
      }
      const b = <u32>load<u8>(this.base + p + k);
      if (b < lo || b > hi) {
        this.fail(JsonError.InvalidUtf8, p + k, b, b - 0x80 < 0x40 ? "overlong, surrogate or beyond U+10FFFF" : "expected a continuation byte");
        return -1;
      }
      cp = (cp << 6) | (b & 0x3F);
      lo = 0x80;
      hi = 0xBF;
    }
    return <i32>cp;
  }
}

/** Writes code point `cp` as UTF-16 at `dst`; returns the units written (1 or 2). */
function storeUtf16(dst: usize, cp: u32): i32 {
  if (cp < 0x10000) {
    store<u16>(dst, <u16>cp);
    return 1;
  }
  const v = cp - 0x10000;
  store<u16>(dst, <u16>(0xD800 | (v >> 10)));
  store<u16>(dst, <u16>(0xDC00 | (v & 0x3FF)), 2);
  return 2;
}

function growFrames(): void {
  const next = new StaticArray<i64>(frames.length << 1);
  memory.copy(changetype<usize>(next), changetype<usize>(frames), <usize>frames.length << 3);
  frames = next;
}

function growScratch(need: i32): void {
  let cap = scratch.length << 1;
  while (cap < need) cap <<= 1;
  const next = new StaticArray<u16>(cap);
  memory.copy(changetype<usize>(next), changetype<usize>(scratch), <usize>scratch.length << 1);
  scratch = next;
}

/** The one parser instance (parses never overlap), so a parse allocates only what it returns. */
const PARSER = new Parser();
