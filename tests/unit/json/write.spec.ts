import { quoteJsonString, formatJsonNumber, JsonObjectWriter, stringifyJson } from "../../../assembly/json/write";
import { parseJsonString } from "../../../assembly/json/parse";

describe("quoteJsonString", () => {
  it("quotes plain strings as they are", () => {
    expect(quoteJsonString("")).toBe('""');
    expect(quoteJsonString("expired")).toBe('"expired"');
    expect(quoteJsonString("a/b é€😀")).toBe('"a/b é€😀"');
  });

  it("escapes quotes, backslashes and control characters like JSON.stringify", () => {
    expect(quoteJsonString('say "hi"\\')).toBe('"say \\"hi\\"\\\\"');
    expect(quoteJsonString("\b\f\n\r\t")).toBe('"\\b\\f\\n\\r\\t"');
    expect(quoteJsonString("\u0000\u0001\u001f\u007f")).toBe('"\\u0000\\u0001\\u001f\u007f"');
  });

  it("escapes lone surrogates and keeps pairs", () => {
    expect(quoteJsonString(String.fromCharCode(0xD800))).toBe('"\\ud800"');
    expect(quoteJsonString("a" + String.fromCharCode(0xDC00) + "b")).toBe('"a\\udc00b"');
    expect(quoteJsonString(String.fromCharCode(0xDC00, 0xD800))).toBe('"\\udc00\\ud800"');
    expect(quoteJsonString(String.fromCharCode(0xD83D, 0xDE00))).toBe('"😀"');
    expect(quoteJsonString(String.fromCharCode(0xD83D) + "x")).toBe('"\\ud83dx"');
  });

  it("produces text the parser reads back to the same string", () => {
    const samples = ["", "x", '"\\/', "\u0000\u001f", "é€😀", "tab\there"];
    for (let i = 0; i < samples.length; i++) {
      const r = parseJsonString(quoteJsonString(samples[i]));
      expect(r.ok).toBe(true);
      expect(r.value!.asString()!).toBe(samples[i]);
    }
  });
});

describe("JsonObjectWriter", () => {
  it("builds local reply bodies", () => {
    expect(new JsonObjectWriter().string("error", "expired").toString()).toBe('{"error":"expired"}');
    expect(new JsonObjectWriter().string("id", "u-1").string("pod", "10.0.0.7:8080").toString()).toBe('{"id":"u-1","pod":"10.0.0.7:8080"}');
    expect(new JsonObjectWriter().toString()).toBe("{}");
    const w = new JsonObjectWriter()
      .string("q\"uote", "a\nb")
      .integer("n", -42)
      .number("f", 1.5)
      .number("whole", 3.0)
      .number("inf", Infinity)
      .bool("ok", true)
      .nullValue("none")
      .raw("list", "[1,2]");
    expect(w.toString()).toBe('{"q\\"uote":"a\\nb","n":-42,"f":1.5,"whole":3,"inf":null,"ok":true,"none":null,"list":[1,2]}');
    expect(parseJsonString(w.toString()).ok).toBe(true);
  });

  it("formats numbers as JSON", () => {
    expect(formatJsonNumber(0.0)).toBe("0");
    expect(formatJsonNumber(-0.0)).toBe("0");
    expect(formatJsonNumber(1e21)).toBe("1e+21");
    expect(formatJsonNumber(0.1)).toBe("0.1");
    expect(formatJsonNumber(NaN)).toBe("null");
    expect(formatJsonNumber(-Infinity)).toBe("null");
  });
});

describe("stringifyJson", () => {
  it("writes a parsed document back compactly, numbers as written, duplicates kept", () => {
    const text = ' { "b" : [ 1.50 , -0 , 1E+2 , true , null ] , "a" : { } , "b" : "x\\u00e9\\n" } ';
    expect(stringifyJson(parseJsonString(text).value!)).toBe('{"b":[1.50,-0,1E+2,true,null],"a":{},"b":"xé\\n"}');
  });

  it("handles the deepest document the parser accepts without recursion", () => {
    const deep = "[".repeat(64) + "]".repeat(64);
    expect(stringifyJson(parseJsonString(deep).value!)).toBe(deep);
  });
});
