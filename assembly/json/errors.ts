// Why JSON was rejected. Shared by the parser and the streaming scanner; the messages built here
// end up in plugin configuration errors, so they name the byte and the offending character.

export enum JsonError {
  None = 0,
  /** Input ended inside a value (or was empty / only whitespace). */
  UnexpectedEnd = 1,
  /** A byte that cannot appear at this point of the grammar. */
  UnexpectedCharacter = 2,
  /** Something other than whitespace after the complete top-level value. */
  TrailingData = 3,
  /** Number syntax: leading zero, missing digits after '-', '.', or the exponent. */
  InvalidNumber = 4,
  /** Backslash followed by a character that is not one of " \ / b f n r t u. */
  InvalidEscape = 5,
  /** \u not followed by four hex digits. */
  InvalidUnicodeEscape = 6,
  /** \uD800-\uDFFF escape without its partner half. */
  LoneSurrogate = 7,
  /** Malformed, overlong, surrogate or out-of-range UTF-8 in a string. */
  InvalidUtf8 = 8,
  /** Unescaped byte below 0x20 inside a string. */
  ControlCharacter = 9,
  /** Nesting deeper than JsonLimits.maxDepth. */
  TooDeep = 10,
  /** Input longer than JsonLimits.maxInputBytes. */
  InputTooLarge = 11,
  /** String longer than JsonLimits.maxStringLength. */
  StringTooLong = 12,
  /** Number literal longer than JsonLimits.maxStringLength. */
  NumberTooLong = 13,
  /** Object or array with more than JsonLimits.maxMembers entries. */
  TooManyMembers = 14,
  /** Repeated object key while JsonLimits.rejectDuplicateKeys is set. */
  DuplicateKey = 15,
}

/** "character 'x'" for printable ASCII, otherwise "byte 0xNN", for error messages. */
export function describeByte(c: u32): string {
  if (c >= 0x20 && c < 0x7F) {
    return c == 0x27 ? "character \"'\"" : "character '" + String.fromCharCode(c) + "'";
  }
  return "byte 0x" + hex2(c);
}

/** Two upper-case hex digits of the low byte of `c`. */
function hex2(c: u32): string {
  const digits = "0123456789ABCDEF";
  return digits.charAt((c >> 4) & 15) + digits.charAt(c & 15);
}

/**
 * Short English description of an error at `offset` (0-based byte offset into the input).
 * `found` is the offending byte (or -1), `detail` the limit that was exceeded or what was expected.
 */
export function describeJsonError(error: JsonError, offset: i64, found: i32, detail: string): string {
  const at = " at byte " + offset.toString();
  switch (error) {
    case JsonError.None: return "";
    case JsonError.UnexpectedEnd: return "unexpected end of input" + at + paren(detail);
    case JsonError.UnexpectedCharacter: return "unexpected " + describeByte(<u32>found) + at + paren(detail);
    case JsonError.TrailingData: return "unexpected " + describeByte(<u32>found) + at + " after the JSON value";
    case JsonError.InvalidNumber: return "invalid number" + at + paren(detail);
    case JsonError.InvalidEscape: return "invalid escape" + at + paren(detail);
    case JsonError.InvalidUnicodeEscape: return "invalid \\u escape" + at + paren(detail);
    case JsonError.LoneSurrogate: return "unpaired surrogate in \\u escape" + at + paren(detail);
    case JsonError.InvalidUtf8: return "invalid UTF-8 " + describeByte(<u32>found) + at + paren(detail);
    case JsonError.ControlCharacter: return "unescaped control character " + describeByte(<u32>found) + " in string" + at;
    case JsonError.TooDeep: return "nesting deeper than " + detail + at;
    case JsonError.InputTooLarge: return "input larger than " + detail + " bytes" + at;
    case JsonError.StringTooLong: return "string longer than " + detail + " bytes" + at;
    case JsonError.NumberTooLong: return "number longer than " + detail + " bytes" + at;
    case JsonError.TooManyMembers: return "more than " + detail + at;
    case JsonError.DuplicateKey: return "duplicate key " + detail + at;
  }
  return "invalid JSON" + at;
}

function paren(detail: string): string {
  return detail.length ? " (" + detail + ")" : "";
}
