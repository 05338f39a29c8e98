// RFC 6901 JSON Pointer: "/customer/segment" names member "segment" of member "customer";
// "~1" stands for '/' and "~0" for '~' inside a token; "" is the whole document.
// Array steps take a decimal index without leading zeros; "-" (one past the end) never matches.

import { JsonValue } from "./value";

export class JsonPointer {
  constructor(
    /** The pointer as written. */
    readonly text: string,
    /** Unescaped reference tokens, outermost first (empty for the whole document). */
    readonly tokens: Array<string>,
    /** Each token read as an array index, or -1 when it can never select an array item. */
    readonly indices: Array<i32>,
  ) {}
}

export class JsonPointerParseResult {
  constructor(
    readonly pointer: JsonPointer | null,
    /** Why the text is not a pointer; "" when ok. */
    readonly error: string,
  ) {}

  get ok(): bool {
    return this.pointer != null;
  }
}

/** Parses RFC 6901 text (the plain string form, not the URI fragment form). */
export function parseJsonPointer(text: string): JsonPointerParseResult {
  const tokens = new Array<string>();
  const indices = new Array<i32>();
  const n = text.length;
  if (n == 0) return new JsonPointerParseResult(new JsonPointer(text, tokens, indices), "");
  if (text.charCodeAt(0) != 0x2F) {
    return new JsonPointerParseResult(null, "JSON pointer must be empty or start with '/'");
  }
  let start = 1;
  while (true) {
    let end = text.indexOf("/", start);
    if (end < 0) end = n;
    let token = text.substring(start, end);
    const tilde = token.indexOf("~");
    if (tilde >= 0) {
      // Check every escape first: only ~0 and ~1 exist.
      for (let i = tilde; i < token.length; i++) {
        if (token.charCodeAt(i) != 0x7E) continue;
        const next = i + 1 < token.length ? token.charCodeAt(i + 1) : -1;
        if (next != 0x30 && next != 0x31) {
          return new JsonPointerParseResult(
            null,
            "invalid escape in JSON pointer at character " + (start + i).toString() + " (only ~0 and ~1 are allowed)",
          );
        }
        i++;
      }
      // Order matters: "~01" is "~1" literally, so ~1 is replaced before ~0.
      token = token.replaceAll("~1", "/").replaceAll("~0", "~");
    }
    tokens.push(token);
    indices.push(arrayIndex(token));
    if (end == n) break;
    start = end + 1;
  }
  return new JsonPointerParseResult(new JsonPointer(text, tokens, indices), "");
}

/** `token` as an array index: "0" or digits without a leading zero, below 2^31; otherwise -1. */
function arrayIndex(token: string): i32 {
  const n = token.length;
  if (n == 0 || n > 10) return -1;
  if (n > 1 && token.charCodeAt(0) == 0x30) return -1;
  let v: i64 = 0;
  for (let i = 0; i < n; i++) {
    const d = <u32>token.charCodeAt(i) - 0x30;
    if (d >= 10) return -1;
    v = v * 10 + d;
  }
  return v > i32.MAX_VALUE ? -1 : <i32>v;
}

/** The value `pointer` names inside `root`, or null when there is none. */
export function resolveJsonPointer(root: JsonValue, pointer: JsonPointer): JsonValue | null {
  let current: JsonValue = root;
  const tokens = pointer.tokens;
  for (let i = 0, n = tokens.length; i < n; i++) {
    let next: JsonValue | null = null;
    if (current.isObject()) {
      next = current.get(unchecked(tokens[i]));
    } else if (current.isArray()) {
      const index = unchecked(pointer.indices[i]);
      if (index >= 0) next = current.at(index);
    }
    if (!next) return null;
    current = next;
  }
  return current;
}
