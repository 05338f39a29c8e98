import { parseJson, parseJsonString, JsonParseResult } from "../../../assembly/json/parse";
import { JsonLimits } from "../../../assembly/json/limits";
import { JsonError } from "../../../assembly/json/errors";
import { JsonKind, JsonValue } from "../../../assembly/json/value";
import { stringifyJson } from "../../../assembly/json/write";

function parse(text: string): JsonParseResult {
  return parseJsonString(text);
}

function errorOf(text: string): JsonError {
  return parse(text).error;
}

function value(text: string): JsonValue {
  const r = parse(text);
  if (!r.ok) return JsonValue.makeString("ERROR: " + r.message);
  return r.value!;
}

/** Round trip through the compact serialiser: shows exactly what was parsed. */
function canon(text: string): string {
  const r = parse(text);
  return r.ok ? stringifyJson(r.value!) : "ERROR: " + r.message;
}

function raw(list: u8[]): Uint8Array {
  const b = new Uint8Array(list.length);
  for (let i = 0; i < list.length; i++) b[i] = list[i];
  return b;
}

function withLimits(depth: i32, input: i32, str: i32, members: i32): JsonLimits {
  return JsonLimits.of(depth, input, str, members);
}

describe("parseJson: accepted documents", () => {
  it("parses every kind of value", () => {
    expect(canon('{"a":[1,-2.5e3,true,false,null,"x"],"b":{}}')).toBe('{"a":[1,-2.5e3,true,false,null,"x"],"b":{}}');
    expect(canon(" \t\r\n[ ] \n")).toBe("[]");
    expect(canon('"lone"')).toBe('"lone"');
    expect(canon("0")).toBe("0");
    expect(canon("-0")).toBe("-0");
    expect(canon(" 12 ")).toBe("12");
    expect(canon("[[[[]]]]")).toBe("[[[[]]]]");
    expect(canon('{"":""}')).toBe('{"":""}');
  });

  it("keeps object members in document order", () => {
    const v = value('{"z":1,"a":2,"m":3}');
    expect(v.keyAt(0)!).toBe("z");
    expect(v.keyAt(1)!).toBe("a");
    expect(v.keyAt(2)!).toBe("m");
    expect(v.keyAt(3)).toBeNull();
    expect(v.length).toBe(3);
  });

  it("lets the last duplicate key win when duplicates are allowed", () => {
    const v = value('{"a":1,"b":2,"a":3}');
    expect(v.get("a")!.asNumber()).toBe(3.0);
    expect(v.length).toBe(3);
  });

  it("decodes escapes", () => {
    expect(value('"\\" \\\\ \\/ \\b \\f \\n \\r \\t"').asString()!).toBe("\" \\ / \b \f \n \r \t");
    expect(value('"\\u0041\\u00e9\\u20AC"').asString()!).toBe("Aé€");
    expect(value('"\\ud83d\\ude00"').asString()!).toBe("😀");
    expect(value('"\\u0000"').asString()!.length).toBe(1);
  });

  it("decodes raw UTF-8 of every width", () => {
    expect(value('"aé€😀"').asString()!).toBe("aé€😀");
    // Boundaries: U+0080, U+07FF, U+0800, U+FFFF (a noncharacter, still valid), U+10000, U+10FFFF.
    const v = parseJson(raw([0x22, 0xC2, 0x80, 0xDF, 0xBF, 0xE0, 0xA0, 0x80, 0xEF, 0xBF, 0xBF, 0xF0, 0x90, 0x80, 0x80, 0xF4, 0x8F, 0xBF, 0xBF, 0x22]));
    expect(v.ok).toBe(true);
    const s = v.value!.asString()!;
    expect(s.length).toBe(8);
    expect(s.charCodeAt(0)).toBe(0x80);
    expect(s.charCodeAt(1)).toBe(0x7FF);
    expect(s.charCodeAt(2)).toBe(0x800);
    expect(s.charCodeAt(3)).toBe(0xFFFF);
    expect(s.codePointAt(4)).toBe(0x10000);
    expect(s.codePointAt(6)).toBe(0x10FFFF);
  });

  it("keeps number text and the integer flag", () => {
    const v = value("[12345678901234567890123, 1.50, -0, 1e2, 7, 9007199254740993]");
    expect(v.at(0)!.numberText()!).toBe("12345678901234567890123");
    expect(v.at(0)!.isIntegerLiteral()).toBe(true);
    expect(v.at(0)!.asNumber()).toBe(1.2345678901234568e22);
    expect(v.at(1)!.numberText()!).toBe("1.50");
    expect(v.at(1)!.isIntegerLiteral()).toBe(false);
    expect(v.at(1)!.asNumber()).toBe(1.5);
    expect(v.at(2)!.isIntegerLiteral()).toBe(true);
    expect(v.at(3)!.isIntegerLiteral()).toBe(false);
    expect(v.at(3)!.asNumber()).toBe(100.0);
    expect(v.at(4)!.asNumber()).toBe(7.0);
    expect(v.at(5)!.numberText()!).toBe("9007199254740993");
    expect(v.at(5)!.asNumber()).toBe(9007199254740992.0);
  });

  it("rounds numbers correctly", () => {
    expect(value("0.1").asNumber()).toBe(0.1);
    expect(value("1e23").asNumber()).toBe(1e23);
    expect(value("2.2250738585072011e-308").asNumber()).toBe(2.225073858507201e-308);
    expect(value("1.7976931348623157e308").asNumber()).toBe(1.7976931348623157e308);
    expect(value("1e400").asNumber()).toBe(Infinity);
    expect(value("-1e400").asNumber()).toBe(-Infinity);
    expect(value("4.9406564584124654e-324").asNumber()).toBe(5e-324);
    expect(value("2.4703282292062327e-324").asNumber()).toBe(0.0);
    expect(value("2.4703282292062328e-324").asNumber()).toBe(5e-324);
    expect(value("1e-400").asNumber()).toBe(0.0);
    expect(value("9007199254740993").asNumber()).toBe(9007199254740992.0);
    expect(value("9007199254740995").asNumber()).toBe(9007199254740996.0);
  });

  it("accessors answer by kind", () => {
    const v = value('{"s":"x","n":2,"t":true,"z":null,"a":[1],"o":{"k":1}}');
    expect(v.isObject()).toBe(true);
    expect(v.get("s")!.isString()).toBe(true);
    expect(v.get("s")!.asNumber()).toBeNaN();
    expect(v.get("n")!.asString()).toBeNull();
    expect(v.get("t")!.asBool()).toBe(true);
    expect(v.get("z")!.isNull()).toBe(true);
    expect(v.get("a")!.kind).toBe(JsonKind.Array);
    expect(v.get("a")!.at(0)!.asNumber()).toBe(1.0);
    expect(v.get("a")!.at(1)).toBeNull();
    expect(v.get("a")!.at(-1)).toBeNull();
    expect(v.get("o")!.has("k")).toBe(true);
    expect(v.get("missing")).toBeNull();
    expect(v.get("a")!.get("0")).toBeNull();
  });
});

describe("getPath", () => {
  it("follows dotted claim paths through objects", () => {
    const v = value('{"org":{"tenant_id":"t-1","deep":{"x":5}},"sub":"u","a.b":1,"arr":[{"x":1}]}');
    expect(v.getPath("org.tenant_id")!.asString()!).toBe("t-1");
    expect(v.getPath("org.deep.x")!.asNumber()).toBe(5.0);
    expect(v.getPath("sub")!.asString()!).toBe("u");
    expect(v.getPath("org")!.isObject()).toBe(true);
    expect(v.getPath("org.missing")).toBeNull();
    expect(v.getPath("sub.x")).toBeNull();
    expect(v.getPath("a.b")).toBeNull();
    expect(v.getPath("arr.0")).toBeNull();
    expect(v.getPath("")).toBeNull();
    expect(v.getPath("org.")).toBeNull();
  });
});

describe("parseJson: strictness", () => {
  it("rejects empty input and trailing data", () => {
    expect(errorOf("")).toBe(JsonError.UnexpectedEnd);
    expect(errorOf("   ")).toBe(JsonError.UnexpectedEnd);
    expect(errorOf("1 2")).toBe(JsonError.TrailingData);
    expect(errorOf("{}x")).toBe(JsonError.TrailingData);
    expect(errorOf("[]]")).toBe(JsonError.TrailingData);
    expect(errorOf('"a""b"')).toBe(JsonError.TrailingData);
  });

  it("rejects trailing commas, missing commas and colons", () => {
    expect(errorOf("[1,]")).toBe(JsonError.UnexpectedCharacter);
    expect(errorOf('{"a":1,}')).toBe(JsonError.UnexpectedCharacter);
    expect(errorOf("[,1]")).toBe(JsonError.UnexpectedCharacter);
    expect(errorOf("[1 2]")).toBe(JsonError.UnexpectedCharacter);
    expect(errorOf('{"a" 1}')).toBe(JsonError.UnexpectedCharacter);
    expect(errorOf('{"a":1 "b":2}')).toBe(JsonError.UnexpectedCharacter);
    expect(errorOf("{a:1}")).toBe(JsonError.UnexpectedCharacter);
    expect(errorOf("{'a':1}")).toBe(JsonError.UnexpectedCharacter);
    expect(errorOf('{"a":}')).toBe(JsonError.UnexpectedCharacter);
    expect(errorOf("[1}")).toBe(JsonError.UnexpectedCharacter);
    expect(errorOf('{"a":1]')).toBe(JsonError.UnexpectedCharacter);
    expect(errorOf("[")).toBe(JsonError.UnexpectedEnd);
    expect(errorOf('{"a"')).toBe(JsonError.UnexpectedEnd);
    expect(errorOf('{"a":1')).toBe(JsonError.UnexpectedEnd);
  });

  it("rejects comments and non-JSON literals", () => {
    expect(errorOf("[1]//x")).toBe(JsonError.TrailingData);
    expect(errorOf("/*x*/[1]")).toBe(JsonError.UnexpectedCharacter);
    expect(errorOf("NaN")).toBe(JsonError.UnexpectedCharacter);
    expect(errorOf("Infinity")).toBe(JsonError.UnexpectedCharacter);
    expect(errorOf("-Infinity")).toBe(JsonError.InvalidNumber);
    expect(errorOf("True")).toBe(JsonError.UnexpectedCharacter);
    expect(errorOf("tru")).toBe(JsonError.UnexpectedEnd);
    expect(errorOf("trux")).toBe(JsonError.UnexpectedCharacter);
    expect(errorOf("nul")).toBe(JsonError.UnexpectedEnd);
    expect(errorOf("falsey")).toBe(JsonError.TrailingData);
    expect(errorOf("undefined")).toBe(JsonError.UnexpectedCharacter);
  });

  it("rejects malformed numbers", () => {
    expect(errorOf("01")).toBe(JsonError.InvalidNumber);
    expect(errorOf("-01")).toBe(JsonError.InvalidNumber);
    expect(errorOf("00")).toBe(JsonError.InvalidNumber);
    expect(errorOf("+1")).toBe(JsonError.UnexpectedCharacter);
    expect(errorOf(".5")).toBe(JsonError.UnexpectedCharacter);
    expect(errorOf("1.")).toBe(JsonError.UnexpectedEnd);
    expect(errorOf("[1.]")).toBe(JsonError.InvalidNumber);
    expect(errorOf("1.e5")).toBe(JsonError.InvalidNumber);
    expect(errorOf("1e")).toBe(JsonError.UnexpectedEnd);
    expect(errorOf("[1e]")).toBe(JsonError.InvalidNumber);
    expect(errorOf("[1e+]")).toBe(JsonError.InvalidNumber);
    expect(errorOf("-")).toBe(JsonError.UnexpectedEnd);
    expect(errorOf("[-]")).toBe(JsonError.InvalidNumber);
    expect(errorOf("0x10")).toBe(JsonError.TrailingData);
    expect(errorOf("1.5.2")).toBe(JsonError.TrailingData);
  });

  it("rejects bad escapes and lone surrogates", () => {
    expect(errorOf('"\\x"')).toBe(JsonError.InvalidEscape);
    expect(errorOf('"\\\'"')).toBe(JsonError.InvalidEscape);
    expect(errorOf('"\\U0041"')).toBe(JsonError.InvalidEscape);
    expect(errorOf('"\\u12"')).toBe(JsonError.InvalidUnicodeEscape);
    expect(errorOf('"\\u12G4"')).toBe(JsonError.InvalidUnicodeEscape);
    expect(errorOf('"\\u12')).toBe(JsonError.UnexpectedEnd);
    expect(errorOf('"\\ud800"')).toBe(JsonError.LoneSurrogate);
    expect(errorOf('"\\udc00"')).toBe(JsonError.LoneSurrogate);
    expect(errorOf('"\\ud800\\u0041"')).toBe(JsonError.LoneSurrogate);
    expect(errorOf('"\\ud800\\ud800"')).toBe(JsonError.LoneSurrogate);
    expect(errorOf('"\\ud800x"')).toBe(JsonError.LoneSurrogate);
    expect(errorOf('"\\ud800\\n"')).toBe(JsonError.LoneSurrogate);
    expect(errorOf('"\\ud800\\u')).toBe(JsonError.UnexpectedEnd);
    expect(errorOf('"\\')).toBe(JsonError.UnexpectedEnd);
  });

  it("rejects control characters in strings", () => {
    expect(errorOf('"a\nb"')).toBe(JsonError.ControlCharacter);
    expect(errorOf('"\t"')).toBe(JsonError.ControlCharacter);
    expect(parseJson(raw([0x22, 0x00, 0x22])).error).toBe(JsonError.ControlCharacter);
    expect(parseJson(raw([0x22, 0x1F, 0x22])).error).toBe(JsonError.ControlCharacter);
    expect(parseJson(raw([0x22, 0x7F, 0x22])).ok).toBe(true);
  });

  it("rejects invalid UTF-8", () => {
    const bad: u8[][] = [
      [0x22, 0x80, 0x22], // lone continuation
      [0x22, 0xC0, 0xAF, 0x22], // overlong '/'
      [0x22, 0xC1, 0xBF, 0x22], // overlong
      [0x22, 0xE0, 0x80, 0xAF, 0x22], // overlong 3-byte
      [0x22, 0xF0, 0x80, 0x80, 0xAF, 0x22], // overlong 4-byte
      [0x22, 0xED, 0xA0, 0x80, 0x22], // UTF-16 surrogate D800
      [0x22, 0xED, 0xBF, 0xBF, 0x22], // surrogate DFFF
      [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], // U+110000
      [0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], // invalid lead
      [0x22, 0xFF, 0x22],
      [0x22, 0xC3, 0x22], // truncated sequence
      [0x22, 0xE2, 0x82, 0x22],
      [0x22, 0xC3, 0xC3, 0xA9, 0x22],
    ];
    for (let i = 0; i < bad.length; i++) {
      expect(parseJson(raw(bad[i])).error).toBe(JsonError.InvalidUtf8, "case " + i.toString());
    }
    expect(parseJson(raw([0x22, 0xC3])).error).toBe(JsonError.UnexpectedEnd);
    // Outside strings any non-ASCII byte is simply unexpected.
    expect(parseJson(raw([0xEF, 0xBB, 0xBF, 0x31])).error).toBe(JsonError.UnexpectedCharacter);
  });

  it("rejects lone surrogates coming from an AssemblyScript string", () => {
    expect(parseJsonString('"' + String.fromCharCode(0xD800) + '"').error).toBe(JsonError.InvalidUtf8);
  });
});

describe("parseJson: messages", () => {
  it("names the byte, the character and what was expected", () => {
    expect(parse('{"a":1,"b" }').message).toBe("unexpected character '}' at byte 11 (expected ':' after object key)");
    expect(parse("[1,]").message).toBe("unexpected character ']' at byte 3 (expected a value)");
    expect(parse("[1 2]").message).toBe("unexpected character '2' at byte 3 (expected ',' or ']')");
    expect(parse("{} x").message).toBe("unexpected character 'x' at byte 3 after the JSON value");
    expect(parse("").message).toBe("unexpected end of input at byte 0 (expected a value)");
    expect(parse('{"a":"xy').message).toBe("unexpected end of input at byte 8 (unterminated string starting at byte 5)");
    expect(parse("012").message).toBe("invalid number at byte 1 (leading zero)");
    expect(parse('"\\q"').message).toBe("invalid escape at byte 1 (backslash followed by character 'q')");
    expect(parse('"a\nb"').message).toBe("unescaped control character byte 0x0A in string at byte 2");
    expect(parse("[\"\\ud800\"]").message).toBe("unpaired surrogate in \\u escape at byte 2 (high surrogate not followed by a \\u low surrogate)");
    expect(parseJson(raw([0x22, 0xC0, 0xAF, 0x22])).message).toBe("invalid UTF-8 byte 0xC0 at byte 1 (not a valid lead byte)");
    expect(parseJson(raw([0x22, 0xED, 0xA0, 0x80, 0x22])).message).toBe("invalid UTF-8 byte 0xA0 at byte 2 (overlong, surrogate or beyond U+10FFFF)");
    expect(parse("'").message).toBe("unexpected character \"'\" at byte 0 (expected a value)");
  });

  it("reports the byte offset", () => {
    const r = parse('{"a":[1,2,{"b":tru}]}');
    expect(r.error).toBe(JsonError.UnexpectedCharacter);
    expect(r.offset).toBe(18);
    expect(r.value).toBeNull();
  });
});

describe("parseJson: limits", () => {
  it("limits nesting depth", () => {
    const deep64 = "[".repeat(64) + "]".repeat(64);
    expect(parse(deep64).ok).toBe(true);
    const deep65 = "[".repeat(65) + "]".repeat(65);
    const r = parse(deep65);
    expect(r.error).toBe(JsonError.TooDeep);
    expect(r.message).toBe("nesting deeper than 64 at byte 64");
    expect(parseJsonString('{"a":{"b":1}}', withLimits(1, 1000, 100, 100)).error).toBe(JsonError.TooDeep);
    expect(parseJsonString('{"a":{"b":1}}', withLimits(2, 1000, 100, 100)).ok).toBe(true);
    // A hostile depth far beyond the limit fails quickly instead of recursing.
    expect(parse("[".repeat(100000)).error).toBe(JsonError.TooDeep);
  });

  it("limits the input size", () => {
    expect(parseJsonString("[1,2]", withLimits(8, 5, 100, 100)).ok).toBe(true);
    const r = parseJsonString("[1,2] ", withLimits(8, 5, 100, 100));
    expect(r.error).toBe(JsonError.InputTooLarge);
    expect(r.message).toBe("input larger than 5 bytes at byte 5");
  });

  it("limits string length in decoded UTF-8 bytes, keys included", () => {
    const l = withLimits(8, 1000, 4, 100);
    expect(parseJsonString('"abcd"', l).ok).toBe(true);
    expect(parseJsonString('"abcde"', l).error).toBe(JsonError.StringTooLong);
    expect(parseJsonString('"\\u0061\\u0062\\u0063\\u0064"', l).ok).toBe(true);
    expect(parseJsonString('"éé"', l).ok).toBe(true);
    expect(parseJsonString('"ééa"', l).error).toBe(JsonError.StringTooLong);
    expect(parseJsonString('"😀"', l).ok).toBe(true);
    expect(parseJsonString('"a😀"', l).error).toBe(JsonError.StringTooLong);
    expect(parseJsonString('{"abcde":1}', l).error).toBe(JsonError.StringTooLong);
    expect(parseJsonString('[12345]', l).error).toBe(JsonError.NumberTooLong);
    expect(parseJsonString('"abcde"', l).message).toBe("string longer than 4 bytes at byte 0");
  });

  it("limits members per container", () => {
    const l = withLimits(8, 1000, 100, 3);
    expect(parseJsonString("[1,2,3]", l).ok).toBe(true);
    expect(parseJsonString("[1,2,3,4]", l).error).toBe(JsonError.TooManyMembers);
    expect(parseJsonString('{"a":1,"b":2,"c":3}', l).ok).toBe(true);
    const r = parseJsonString('{"a":1,"b":2,"c":3,"d":4}', l);
    expect(r.error).toBe(JsonError.TooManyMembers);
    expect(r.message).toBe("more than 3 members in an object at byte 19");
    expect(parseJsonString("[[1,2,3],[1,2,3],[1,2,3]]", l).ok).toBe(true);
    expect(parseJsonString("[1]", withLimits(8, 1000, 100, 0)).error).toBe(JsonError.TooManyMembers);
    expect(parseJsonString("[]", withLimits(8, 1000, 100, 0)).ok).toBe(true);
  });

  it("rejects duplicate keys when asked to", () => {
    const l = new JsonLimits();
    l.rejectDuplicateKeys = true;
    expect(parseJsonString('{"alg":"RS256","kid":"a"}', l).ok).toBe(true);
    const r = parseJsonString('{"alg":"RS256","alg":"none"}', l);
    expect(r.error).toBe(JsonError.DuplicateKey);
    expect(r.message).toBe('duplicate key "alg" at byte 15');
    // Escaped spelling of the same key is the same key.
    expect(parseJsonString('{"alg":1,"\\u0061lg":2}', l).error).toBe(JsonError.DuplicateKey);
    // Nested objects have their own key spaces.
    expect(parseJsonString('{"a":{"a":1},"b":{"a":2}}', l).ok).toBe(true);
    // Large objects (set-based check).
    let big = "{";
    for (let i = 0; i < 40; i++) big += (i ? "," : "") + '"k' + i.toString() + '":' + i.toString();
    expect(parseJsonString(big + "}", l).ok).toBe(true);
    expect(parseJsonString(big + ',"k3":0}', l).error).toBe(JsonError.DuplicateKey);
    expect(parseJsonString(big + ',"k39":0}', l).error).toBe(JsonError.DuplicateKey);
  });
});
