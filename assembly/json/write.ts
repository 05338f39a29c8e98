// Building JSON text: string quoting (byte-for-byte what JSON.stringify produces, so lone
// surrogates become \uXXXX escapes and the output is always valid UTF-8 once encoded), a small
// object builder for local reply bodies, and serialisation of a parsed JsonValue.

import { JsonValue, JsonKind } from "./value";

// @ts-ignore: decorator
@inline
function needsEscape(c: u32): bool {
  return c < 0x20 || c == 0x22 || c == 0x5C || (c & 0xF800) == 0xD800;
}

/** `s` as a JSON string literal, quotes included. */
export function quoteJsonString(s: string): string {
  const n = s.length;
  const src = changetype<usize>(s);
  let i = 0;
  while (i < n && !needsEscape(<u32>load<u16>(src + (<usize>i << 1)))) i++;
  if (i == n) return "\"" + s + "\"";

  // Worst case every unit becomes \uXXXX (6 units), plus the quotes.
  const out = new StaticArray<u16>(n * 6 + 2);
  const dst = changetype<usize>(out);
  store<u16>(dst, 0x22);
  memory.copy(dst + 2, src, <usize>i << 1);
  let o = <usize>i + 1;
  for (; i < n; i++) {
    const c = <u32>load<u16>(src + (<usize>i << 1));
    if (!needsEscape(c)) {
      store<u16>(dst + (o++ << 1), <u16>c);
      continue;
    }
    if ((c & 0xFC00) == 0xD800 && i + 1 < n && (<u32>load<u16>(src + (<usize>(i + 1) << 1)) & 0xFC00) == 0xDC00) {
      // A proper surrogate pair passes through unchanged.
      store<u16>(dst + (o++ << 1), <u16>c);
      store<u16>(dst + (o++ << 1), load<u16>(src + (<usize>(i + 1) << 1)));
      i++;
      continue;
    }
    store<u16>(dst + (o++ << 1), 0x5C);
    let short: u32 = 0;
    if (c == 0x22 || c == 0x5C) short = c;
    else if (c == 0x08) short = 0x62;
    else if (c == 0x0C) short = 0x66;
    else if (c == 0x0A) short = 0x6E;
    else if (c == 0x0D) short = 0x72;
    else if (c == 0x09) short = 0x74;
    if (short != 0) {
      store<u16>(dst + (o++ << 1), <u16>short);
    } else {
      store<u16>(dst + (o++ << 1), 0x75);
      for (let shift = 12; shift >= 0; shift -= 4) {
        const h = (c >> <u32>shift) & 15;
        store<u16>(dst + (o++ << 1), <u16>(h < 10 ? 0x30 + h : 0x57 + h)); // lower case, as JSON.stringify
      }
    }
  }
  store<u16>(dst + (o++ << 1), 0x22);
  return String.UTF16.decodeUnsafe(dst, o << 1);
}

/** JSON text of a finite number: integers without a fraction, others in shortest round-trip form; null otherwise. */
export function formatJsonNumber(value: f64): string {
  if (!isFinite(value)) return "null";
  if (value == Math.floor(value) && Math.abs(value) < 9007199254740992.0) return (<i64>value).toString();
  return value.toString();
}

/**
 * Builds a flat JSON object, e.g. `new JsonObjectWriter().string("error", "expired").toString()`
 * gives {"error":"expired"}. Members are written in call order; keys are not checked for duplicates.
 */
export class JsonObjectWriter {
  private text: string = "{";
  private empty: bool = true;

  string(key: string, value: string): JsonObjectWriter {
    return this.raw(key, quoteJsonString(value));
  }

  number(key: string, value: f64): JsonObjectWriter {
    return this.raw(key, formatJsonNumber(value));
  }

  integer(key: string, value: i64): JsonObjectWriter {
    return this.raw(key, value.toString());
  }

  bool(key: string, value: bool): JsonObjectWriter {
    return this.raw(key, value ? "true" : "false");
  }

  nullValue(key: string): JsonObjectWriter {
    return this.raw(key, "null");
  }

  /** `json` must already be valid JSON text (e.g. from stringifyJson or another writer). */
  raw(key: string, json: string): JsonObjectWriter {
    this.text += (this.empty ? "" : ",") + quoteJsonString(key) + ":" + json;
    this.empty = false;
    return this;
  }

  toString(): string {
    return this.text + "}";
  }
}

function numberAsWritten(v: JsonValue): string {
  return v.numberText()!;
}

/**
 * Compact JSON text of a parsed value: members in document order (duplicates kept), numbers
 * exactly as originally written and strings as quoteJsonString writes them, unless `formatNumber`
 * / `quoteString` say otherwise (another JSON dialect, e.g. protobuf's writer). Iterative, so any
 * depth the parser accepted is fine.
 */
export function stringifyJson(
  root: JsonValue,
  formatNumber: (v: JsonValue) => string = numberAsWritten,
  quoteString: (s: string) => string = quoteJsonString,
): string {
  const parts = new Array<string>();
  const open = new Array<JsonValue>();
  const next = new Array<i32>();
  let value = root;
  while (true) {
    // Emit `value`; containers are opened here and closed below once their members are out.
    switch (value.kind) {
      case JsonKind.Null: parts.push("null"); break;
      case JsonKind.Bool: parts.push(value.asBool() ? "true" : "false"); break;
      case JsonKind.Number: parts.push(formatNumber(value)); break;
      case JsonKind.String: parts.push(quoteString(value.asString()!)); break;
      default: {
        parts.push(value.isObject() ? "{" : "[");
        open.push(value);
        next.push(0);
      }
    }
    // Find the next value to emit, closing finished containers on the way.
    let found = false;
    while (open.length > 0) {
      const top = open.length - 1;
      const container = unchecked(open[top]);
      const index = unchecked(next[top]);
      if (index < container.length) {
        if (index > 0) parts.push(",");
        unchecked((next[top] = index + 1));
        if (container.isObject()) {
          parts.push(quoteString(container.keyAt(index)!) + ":");
          value = container.valueAt(index)!;
        } else {
          value = container.at(index)!;
        }
        found = true;
        break;
      }
      parts.push(container.isObject() ? "}" : "]");
      open.pop();
      next.pop();
    }
    if (!found) break;
  }
  return parts.join("");
}
