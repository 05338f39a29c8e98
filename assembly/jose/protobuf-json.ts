// Compact JSON of an object/array claim exactly as Envoy's claim_to_headers builds it: the payload is
// a google.protobuf.Struct, and ProtobufUtil::MessageToJsonString prints the Struct / ListValue with
// protobuf's JSON writer (src/google/protobuf/json/internal/writer.{h,cc}):
//   - no whitespace; '/' is not escaped;
//   - \n \r \t \" \f \b \\ as two-character escapes; \u00XX-style lower-case hex escapes for U+0000-U+001F,
//     U+007F-U+009F, '<', '>', U+00AD, U+0600-0603, U+06DD, U+070F, U+17B4, U+17B5, U+200B-200F,
//     U+2028-202E, U+2060-2064, U+206A-206F, U+FEFF, U+FFF9-FFFB, and (as surrogate pairs)
//     U+1D173-1D17A, U+E0001, U+E0020-E007F;
//   - numbers are doubles printed by SimpleDtoa ("%.15g", or "%.17g" when needed to read back);
//   - object members: protobuf's map iteration order, which protobuf leaves unspecified. Here members
//     keep document order, so objects with two or more members may differ from Envoy in order only.

import { JsonValue, JsonKind } from "../json";
import { protobufDouble } from "./double-text";

function mustEscape(cp: u32): bool {
  if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return true;
  if (cp == 0x3C || cp == 0x3E || cp == 0xAD || cp == 0x6DD || cp == 0x70F || cp == 0x17B4 || cp == 0x17B5) return true;
  if (cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB) || cp == 0xE0001) return true;
  if (cp >= 0x600 && cp <= 0x603) return true;
  if ((cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202E)) return true;
  if ((cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x206A && cp <= 0x206F)) return true;
  return (cp >= 0x1D173 && cp <= 0x1D17A) || (cp >= 0xE0020 && cp <= 0xE007F);
}

function uEscape(unit: u32): string {
  const hex = "0123456789abcdef";
  return "\\u" + hex.charAt((unit >> 12) & 15) + hex.charAt((unit >> 8) & 15) + hex.charAt((unit >> 4) & 15) + hex.charAt(unit & 15);
}

/** A string literal as protobuf's JSON writer quotes it. */
export function protobufQuote(s: string): string {
  let out = "\"";
  let runStart = 0;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    let cp = <u32>s.charCodeAt(i);
    let width = 1;
    if ((cp & 0xFC00) == 0xD800 && i + 1 < n) {
      const lo = <u32>s.charCodeAt(i + 1);
      if ((lo & 0xFC00) == 0xDC00) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        width = 2;
      }
    }
    let escape: string | null = null;
    if (cp == 0x0A) escape = "\\n";
    else if (cp == 0x0D) escape = "\\r";
    else if (cp == 0x09) escape = "\\t";
    else if (cp == 0x22) escape = "\\\"";
    else if (cp == 0x0C) escape = "\\f";
    else if (cp == 0x08) escape = "\\b";
    else if (cp == 0x5C) escape = "\\\\";
    else if (mustEscape(cp)) {
      escape = width == 2 ? uEscape(<u32>s.charCodeAt(i)) + uEscape(<u32>s.charCodeAt(i + 1)) : uEscape(cp);
    }
    if (escape !== null) {
      out += s.substring(runStart, i) + escape!;
      runStart = i + width;
    }
    i += width - 1;
  }
  return out + s.substring(runStart) + "\"";
}

function numberText(x: f64): string {
  if (isNaN(x)) return "\"NaN\"";
  if (!isFinite(x)) return x > 0 ? "\"Infinity\"" : "\"-Infinity\"";
  return protobufDouble(x);
}

/** JSON text of an object or array claim as Envoy prints it; null for other kinds. */
export function protobufJsonText(value: JsonValue): string | null {
  if (!value.isObject() && !value.isArray()) return null;
  const parts = new Array<string>();
  write(value, parts);
  return parts.join("");
}

// Recursive: claims come from parsed JSON, whose nesting the parser already bounded (JsonLimits.maxDepth).
function write(value: JsonValue, parts: Array<string>): void {
  switch (value.kind) {
    case JsonKind.Null: parts.push("null"); return;
    case JsonKind.Bool: parts.push(value.asBool() ? "true" : "false"); return;
    case JsonKind.Number: parts.push(numberText(value.asNumber())); return;
    case JsonKind.String: parts.push(protobufQuote(value.asString()!)); return;
  }
  const object = value.isObject();
  parts.push(object ? "{" : "[");
  for (let i = 0, n = value.length; i < n; i++) {
    if (i > 0) parts.push(",");
    if (object) {
      parts.push(protobufQuote(value.keyAt(i)!));
      parts.push(":");
      write(value.valueAt(i)!, parts);
    } else {
      write(value.at(i)!, parts);
    }
  }
  parts.push(object ? "}" : "]");
}
