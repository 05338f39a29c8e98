import { JsonPointerScanner, PointerStatus, ScanState, ScanFailure } from "../../../assembly/json/stream";
import { JsonPointerSet, MAX_SCAN_POINTERS } from "../../../assembly/json/pointer-set";
import { parseJsonPointer, resolveJsonPointer, JsonPointer } from "../../../assembly/json/pointer";
import { parseJsonString } from "../../../assembly/json/parse";
import { JsonLimits } from "../../../assembly/json/limits";
import { JsonError } from "../../../assembly/json/errors";
import { JsonKind, JsonValue } from "../../../assembly/json/value";

let rfcRoot: JsonValue = JsonValue.makeNull();
function r(p: string): JsonValue | null {
  return resolveJsonPointer(rfcRoot, parseJsonPointer(p).pointer!);
}

function pointers(list: string[]): Array<JsonPointer> {
  const out = new Array<JsonPointer>();
  for (let i = 0; i < list.length; i++) out.push(parseJsonPointer(list[i]).pointer!);
  return out;
}

function utf8(text: string): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode(text));
}

function describeValue(v: JsonValue | null, kind: JsonKind): string {
  if (kind == JsonKind.Object) return "object";
  if (kind == JsonKind.Array) return "array";
  if (!v) return "?";
  if (v.isString()) return "string:" + v.asString()!;
  if (v.isNumber()) return "number:" + v.numberText()! + (v.isIntegerLiteral() ? ":int" : ":frac");
  if (v.isBool()) return v.asBool() ? "true" : "false";
  return "null";
}

function answer(s: JsonPointerScanner, p: i32): string {
  const st = s.status(p);
  if (st == PointerStatus.Pending) return "pending";
  if (st == PointerStatus.Absent) return "absent";
  return describeValue(s.value(p), s.kind(p));
}

/** What the DOM parser plus resolveJsonPointer say. */
function domAnswers(doc: string, list: string[]): string {
  const root = parseJsonString(doc).value!;
  let out = "";
  for (let i = 0; i < list.length; i++) {
    const v = resolveJsonPointer(root, parseJsonPointer(list[i]).pointer!);
    out += (i ? " | " : "") + (v ? describeValue(v, v.kind) : "absent");
  }
  return out;
}

function answers(s: JsonPointerScanner): string {
  let out = "";
  for (let i = 0; i < s.pointerCount; i++) out += (i ? " | " : "") + answer(s, i);
  return out;
}

function scanWhole(doc: string, list: string[]): JsonPointerScanner {
  const s = JsonPointerScanner.create(pointers(list));
  s.feed(utf8(doc), 0, -1, true);
  return s;
}

/** Scans with a split at every byte, and byte by byte; every run must give `expected`. */
function checkAllSplits(doc: string, list: string[], expected: string): void {
  const bytes = utf8(doc);
  const n = bytes.length;
  // One compiled set, a scanner per run: how plugins use it (set at configuration, scanner per body).
  const set = new JsonPointerSet(pointers(list));
  for (let k = 0; k <= n; k++) {
    const s = new JsonPointerScanner(set);
    s.feed(bytes, 0, k, false);
    s.feed(bytes, k, n, true);
    expect(answers(s)).toBe(expected, "split at " + k.toString() + " of " + doc);
    expect(s.state).toBe(ScanState.Complete, "state, split at " + k.toString());
  }
  const s = new JsonPointerScanner(set);
  for (let k = 0; k < n; k++) {
    // Separate one-byte arrays, so nothing can be read from a neighbouring chunk.
    const one = new Uint8Array(1);
    one[0] = bytes[k];
    s.feed(one, 0, 1, false);
  }
  s.end();
  expect(answers(s)).toBe(expected, "byte by byte: " + doc);
  expect(s.state).toBe(ScanState.Complete);
}

function limits(depth: i32, input: i32, str: i32, members: i32): JsonLimits {
  return JsonLimits.of(depth, input, str, members);
}

describe("JSON pointer", () => {
  it("parses tokens and escapes", () => {
    const p = parseJsonPointer("/a~1b/m~0n/~01/0/");
    expect(p.ok).toBe(true);
    const t = p.pointer!.tokens;
    expect(t.length).toBe(5);
    expect(t[0]).toBe("a/b");
    expect(t[1]).toBe("m~n");
    expect(t[2]).toBe("~1");
    expect(t[3]).toBe("0");
    expect(t[4]).toBe("");
    expect(parseJsonPointer("").pointer!.tokens.length).toBe(0);
    expect(parseJsonPointer("/").pointer!.tokens.length).toBe(1);
  });

  it("rejects malformed pointers", () => {
    expect(parseJsonPointer("a/b").ok).toBe(false);
    expect(parseJsonPointer("#/a").ok).toBe(false);
    expect(parseJsonPointer("/a~").ok).toBe(false);
    expect(parseJsonPointer("/a~2").ok).toBe(false);
    expect(parseJsonPointer("/~x/b").ok).toBe(false);
    expect(parseJsonPointer("/a~2").error).toBe("invalid escape in JSON pointer at character 2 (only ~0 and ~1 are allowed)");
    expect(parseJsonPointer("a").error).toBe("JSON pointer must be empty or start with '/'");
  });

  it("reads array indices strictly", () => {
    const p = parseJsonPointer("/0/10/01/-/1a/2147483647/2147483648/ 1").pointer!;
    expect(p.indices[0]).toBe(0);
    expect(p.indices[1]).toBe(10);
    expect(p.indices[2]).toBe(-1);
    expect(p.indices[3]).toBe(-1);
    expect(p.indices[4]).toBe(-1);
    expect(p.indices[5]).toBe(2147483647);
    expect(p.indices[6]).toBe(-1);
    expect(p.indices[7]).toBe(-1);
  });

  it("resolves against a document (RFC 6901 section 5 examples)", () => {
    const doc = '{"foo":["bar","baz"],"":0,"a/b":1,"c%d":2,"e^f":3,"g|h":4,"i\\\\j":5,"k\\"l":6," ":7,"m~n":8}';
    rfcRoot = parseJsonString(doc).value!;
    expect(r("")!.isObject()).toBe(true);
    expect(r("/foo")!.isArray()).toBe(true);
    expect(r("/foo/0")!.asString()!).toBe("bar");
    expect(r("/")!.asNumber()).toBe(0.0);
    expect(r("/a~1b")!.asNumber()).toBe(1.0);
    expect(r("/c%d")!.asNumber()).toBe(2.0);
    expect(r("/e^f")!.asNumber()).toBe(3.0);
    expect(r("/g|h")!.asNumber()).toBe(4.0);
    expect(r("/i\\j")!.asNumber()).toBe(5.0);
    expect(r('/k"l')!.asNumber()).toBe(6.0);
    expect(r("/ ")!.asNumber()).toBe(7.0);
    expect(r("/m~0n")!.asNumber()).toBe(8.0);
    expect(r("/foo/2")).toBeNull();
    expect(r("/foo/-")).toBeNull();
    expect(r("/foo/00")).toBeNull();
    expect(r("/foo/0/x")).toBeNull();
    expect(r("/missing")).toBeNull();
  });
});

describe("JsonPointerScanner: answers", () => {
  it("finds scalars of every kind", () => {
    const doc = '{"s":"v\\u00e9\\ud83d\\ude00\\n","n":-12.5e1,"i":42,"t":true,"f":false,"z":null,"o":{},"a":[]}';
    const list = ["/s", "/n", "/i", "/t", "/f", "/z", "/o", "/a", "/missing"];
    const s = scanWhole(doc, list);
    expect(s.state).toBe(ScanState.Complete);
    expect(answers(s)).toBe("string:vé😀\n | number:-12.5e1:frac | number:42:int | true | false | null | object | array | absent");
    expect(s.value(1)!.asNumber()).toBe(-125.0);
    expect(s.kind(6)).toBe(JsonKind.Object);
    expect(s.value(6)).toBeNull();
    expect(answers(s)).toBe(domAnswers(doc, list));
  });

  it("keeps big integers exactly as written", () => {
    const s = scanWhole('{"id":123456789012345678901234567890}', ["/id"]);
    expect(s.value(0)!.numberText()!).toBe("123456789012345678901234567890");
    expect(s.value(0)!.asNumber()).toBe(1.2345678901234568e29);
  });

  it("matches the DOM on nested documents", () => {
    const doc = '{"customer":{"segment":"loyal","tags":["a","b",{"x":[1,2,3]}],"n":null},"cart":{"id":"c-9","items":[{"sku":"1"},{"sku":"2"}]},"a/b":{"m~n":1}}';
    const list = [
      "/customer/segment", "/cart/id", "/cart/items/1/sku", "/cart/items/2/sku", "/customer/tags/2/x/2",
      "/customer/tags/-", "/customer/tags/01", "/customer/tags/x", "/customer/segment/x", "/customer/n/x",
      "/a~1b/m~0n", "", "/customer", "/customer/tags/3", "/nothing/deeper",
    ];
    const s = scanWhole(doc, list);
    expect(answers(s)).toBe(domAnswers(doc, list));
    expect(s.state).toBe(ScanState.Complete);
  });

  it("handles the whole-document pointer on scalars and containers", () => {
    expect(answers(scanWhole(' "x" ', [""]))).toBe("string:x");
    expect(answers(scanWhole("7", [""]))).toBe("number:7:int");
    expect(answers(scanWhole("7", ["/a"]))).toBe("absent");
    expect(answers(scanWhole("[1]", ["", "/0", "/1"]))).toBe("array | number:1:int | absent");
    expect(answers(scanWhole("null", ["", "/x"]))).toBe("null | absent");
  });

  it("matches keys written with escapes or raw UTF-8", () => {
    const doc = '{"\\u0063ustomer":{"s\\u00e9g":"ok","\\ud83d\\ude00":1,"a\\/b":2,"é":3}}';
    const list = ["/customer/ség", "/customer/😀", "/customer/a~1b", "/customer/\u00e9"];
    const s = scanWhole(doc, list);
    expect(answers(s)).toBe("string:ok | number:1:int | number:2:int | number:3:int");
    expect(answers(s)).toBe(domAnswers(doc, list));
  });

  it("does not confuse prefixes and longer keys", () => {
    const doc = '{"ab":1,"a":2,"abc":3,"":4}';
    const list = ["/a", "/ab", "/abc", "/abcd", "/"];
    expect(answers(scanWhole(doc, list))).toBe("number:2:int | number:1:int | number:3:int | absent | number:4:int");
  });

  it("lets the first occurrence of a duplicate key decide", () => {
    const s = scanWhole('{"a":1,"a":2,"b":{"x":1},"b":{"y":2}}', ["/a", "/b/y"]);
    expect(answers(s)).toBe("number:1:int | absent");
  });

  it("follows duplicate pointers independently", () => {
    expect(answers(scanWhole('{"a":"x"}', ["/a", "/a", "/b"]))).toBe("string:x | string:x | absent");
  });

  it("is complete with no pointers", () => {
    const s = JsonPointerScanner.create(new Array<JsonPointer>());
    expect(s.state).toBe(ScanState.Complete);
  });
});

describe("JsonPointerScanner: every split gives the DOM answer", () => {
  it("small nested document", () => {
    const doc = '{"a":[1,{"b":"x\\u00e9\\ud83d\\ude00y"},-0.5e+3,true],"c":{"d":null,"e":"é€😀"},"f":false,"g":123}';
    const list = ["/a/1/b", "/a/2", "/a/3", "/c/d", "/c/e", "/f", "/g", "/a/4", "/c/x", "/a"];
    checkAllSplits(doc, list, domAnswers(doc, list));
  });

  it("body-rule shapes", () => {
    const doc = ' {\n  "customer": {"segment": "loyal", "score": 17.25},\n  "cart": {"id": "c\\"1\\\\", "n": [0, 10, 2]}\n} ';
    const list = ["/customer/segment", "/customer/score", "/cart/id", "/cart/n/1", "/cart/n/3"];
    checkAllSplits(doc, list, domAnswers(doc, list));
  });

  it("top-level scalars", () => {
    checkAllSplits("-12.5e-3", [""], "number:-12.5e-3:frac");
    checkAllSplits("0", [""], "number:0:int");
    checkAllSplits(' "a\\tb" ', [""], "string:a\tb");
    checkAllSplits("false", ["", "/x"], "false | absent");
  });

  it("decides early and ignores what follows", () => {
    // The target is decided before the garbage; the rest is never examined.
    const s = scanWhole('{"customer":{"segment":"loyal"} this is not JSON', ["/customer/segment"]);
    expect(s.state).toBe(ScanState.Complete);
    expect(answers(s)).toBe("string:loyal");
    expect(s.bytesScanned).toBe(30);
    // Absent is decided when the enclosing object closes.
    const t = scanWhole('{"customer":{"tier":1},"x":[', ["/customer/segment"]);
    expect(t.state).toBe(ScanState.Complete);
    expect(answers(t)).toBe("absent");
  });

  it("stays pending while the target may still come", () => {
    const s = JsonPointerScanner.create(pointers(["/a", "/b"]));
    expect(s.feed(utf8('{"a":"x'))).toBe(ScanState.InProgress);
    expect(s.status(0)).toBe(PointerStatus.Pending);
    expect(s.feed(utf8('y","c":1'))).toBe(ScanState.InProgress);
    expect(answer(s, 0)).toBe("string:xy");
    expect(s.status(1)).toBe(PointerStatus.Pending);
    expect(s.feed(utf8(',"b":2'))).toBe(ScanState.InProgress);
    expect(s.status(1)).toBe(PointerStatus.Pending); // "2" could still continue: "23"
    expect(s.feed(utf8("3}"))).toBe(ScanState.Complete);
    expect(answer(s, 1)).toBe("number:23:int");
  });
});

describe("JsonPointerScanner: errors", () => {
  it("rejects malformed JSON before the target", () => {
    const bad = [
      '{"a":1,,"t":1}', '{"a":01,"t":1}', '{"a":[1,],"t":1}', '{"a":tru,"t":1}', '{"a" 1,"t":1}',
      '{"a":"\\x","t":1}', '{"a":"\\ud800","t":1}', '{"a":"\\udc00","t":1}', '{"a":"\t","t":1}',
      '{"a":1.,"t":1}', '{"a":-,"t":1}', '{"a":1e,"t":1}', "{'t':1}", '{"a":NaN,"t":1}', '{"a":[1}',
      '{"a":{"b":1]}', '{"a":"\\u12x4","t":1}', '{"a":n ull,"t":1}', '{"a":t\nrue,"t":1}', '{"a":.5,"t":1}', '{"a":+1,"t":1}', '{,"t":1}',
      '{"a":12x,"t":1}', '{"a":1.5.2,"t":1}', '{"a":1e5e,"t":1}', '{"a":1-2,"t":1}', '{"a":0x1,"t":1}', '{"a":1+2,"t":1}',
      '{"a":[1 2],"t":1}', '{"a":1e5.1,"t":1}', '{"a":-01,"t":1}', '{"a":1E+-2,"t":1}',
    ];
    for (let i = 0; i < bad.length; i++) {
      const s = scanWhole(bad[i], ["/t"]);
      expect(s.state).toBe(ScanState.Error, bad[i]);
      expect(s.failure()).toBe(ScanFailure.Malformed, bad[i]);
      expect(s.status(0)).toBe(PointerStatus.Pending, bad[i]);
      // The DOM parser rejects them too.
      expect(parseJsonString(bad[i]).ok).toBe(false, bad[i]);
    }
  });

  it("rejects invalid UTF-8 inside strings it skips", () => {
    const cases: u8[][] = [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80], [0xE2, 0x82, 0x41]];
    for (let c = 0; c < cases.length; c++) {
      const head = utf8('{"a":"');
      const tail = utf8('","t":1}');
      const doc = new Uint8Array(head.length + cases[c].length + tail.length);
      doc.set(head, 0);
      for (let k = 0; k < cases[c].length; k++) doc[head.length + k] = cases[c][k];
      doc.set(tail, head.length + cases[c].length);
      const s = JsonPointerScanner.create(pointers(["/t"]));
      s.feed(doc, 0, doc.length, true);
      expect(s.state).toBe(ScanState.Error);
      expect(s.error).toBe(JsonError.InvalidUtf8);
    }
  });

  it("reports truncation at the end of the stream", () => {
    const s = JsonPointerScanner.create(pointers(["/t"]));
    s.feed(utf8('{"a":[1,2'), 0, -1, true);
    expect(s.state).toBe(ScanState.Error);
    expect(s.failure()).toBe(ScanFailure.Truncated);
    expect(s.errorOffset).toBe(9);
    expect(s.errorMessage()).toBe("unexpected end of input at byte 9 (document incomplete)");
    const e = JsonPointerScanner.create(pointers(["/t"]));
    expect(e.end()).toBe(ScanState.Error);
    expect(e.failure()).toBe(ScanFailure.Truncated);
    // Inside a string, an escape and a UTF-8 sequence.
    const parts = ['{"t":"ab', '{"t":"a\\', '{"t":"\\u00', '{"t":"\\ud83d', '{"t":"\xC3', '{"t":tr', '{"t":-'];
    for (let i = 0; i < parts.length; i++) {
      const t = JsonPointerScanner.create(pointers(["/t"]));
      t.feed(utf8(parts[i]), 0, -1, true);
      expect(t.failure()).toBe(ScanFailure.Truncated, parts[i]);
    }
  });

  it("reports the byte offset and character across chunks", () => {
    const s = JsonPointerScanner.create(pointers(["/t"]));
    s.feed(utf8('{"a": [1, 2'));
    s.feed(utf8(" }"));
    expect(s.state).toBe(ScanState.Error);
    expect(s.errorOffset).toBe(12);
    expect(s.errorMessage()).toBe("unexpected character '}' at byte 12 (expected ',' or ']')");
  });

  it("limits depth", () => {
    const ok = "[".repeat(4) + "1" + "]".repeat(4);
    expect(JsonPointerScanner.create(pointers(["/0/0/0/0"]), limits(4, 1000, 100, 100)).feed(utf8(ok), 0, -1, true)).toBe(ScanState.Complete);
    const s = JsonPointerScanner.create(pointers(["/t"]), limits(4, 1000, 100, 100));
    // (A pointer into an array would be decided Absent at once: "t" is not an index.)
    s.feed(utf8('{"a":' + "[".repeat(4)), 0, -1, false);
    expect(s.state).toBe(ScanState.Error);
    expect(s.failure()).toBe(ScanFailure.TooDeep);
    expect(s.errorMessage()).toBe("nesting deeper than 4 at byte 8");
    // Default limit 64, hostile depth.
    const d = JsonPointerScanner.create(pointers(["/t"]));
    d.feed(utf8('{"a":' + "[".repeat(10000)));
    expect(d.failure()).toBe(ScanFailure.TooDeep);
    // A target beyond the depth limit simply cannot be found.
    const far = JsonPointerScanner.create(pointers(["/a/b/c"]), limits(2, 1000, 100, 100));
    far.feed(utf8('{"a":{"b":1}}'), 0, -1, true);
    expect(answers(far)).toBe("absent");
  });

  it("grows its state with the document, not with the limit", () => {
    // A huge maxDepth must not be allocated up front; deep documents still work below it.
    const l = limits(i32.MAX_VALUE, i32.MAX_VALUE, i32.MAX_VALUE, i32.MAX_VALUE);
    const doc = "[".repeat(300) + '"x"' + "]".repeat(300);
    const path = "/0".repeat(300);
    const s = scanWithLimits(doc, [path, "/1", path + "/0"], l);
    expect(s.state).toBe(ScanState.Complete);
    expect(answers(s)).toBe("string:x | absent | absent");
    const obj = '{"a":'.repeat(200) + "1" + "}".repeat(200);
    expect(answers(scanWithLimits(obj, ["/a".repeat(200), "/a".repeat(199) + "/b"], l))).toBe("number:1:int | absent");
    expect(parseJsonString(doc, l).ok).toBe(true);
    expect(parseJsonString(obj, l).ok).toBe(true);
  });

  it("limits the bytes fed before a decision", () => {
    const l = limits(8, 20, 100, 100);
    const s = JsonPointerScanner.create(pointers(["/t"]), l);
    s.feed(utf8('{"padding":"0123456'));
    expect(s.state).toBe(ScanState.InProgress);
    s.feed(utf8('789abcdef","t":1}'));
    expect(s.state).toBe(ScanState.Error);
    expect(s.failure()).toBe(ScanFailure.TooLarge);
    expect(s.errorMessage()).toBe("input larger than 20 bytes at byte 20");
    // Decided within the limit: the rest does not count.
    const t = JsonPointerScanner.create(pointers(["/t"]), l);
    t.feed(utf8('{"t":1,"padding":"0123456789abcdef"}'), 0, -1, true);
    expect(t.state).toBe(ScanState.Complete);
  });

  it("limits captured values but not skipped ones", () => {
    const l = limits(8, 1000, 4, 100);
    expect(answers(scanWithLimits('{"x":"long string skipped","t":"abcd"}', ["/t"], l))).toBe("string:abcd");
    const s = scanWithLimits('{"t":"abcde"}', ["/t"], l);
    expect(s.failure()).toBe(ScanFailure.TooLarge);
    expect(s.error).toBe(JsonError.StringTooLong);
    const n = scanWithLimits('{"t":12345}', ["/t"], l);
    expect(n.error).toBe(JsonError.NumberTooLong);
    expect(answers(scanWithLimits('{"x":123456789,"t":1234}', ["/t"], l))).toBe("number:1234:int");
    expect(answers(scanWithLimits('{"t":"\\u00e9\\u00e9"}', ["/t"], l))).toBe("string:éé");
  });

  it("limits members per container", () => {
    const l = limits(8, 1000, 100, 3);
    expect(scanWithLimits('{"a":[1,2,3],"t":1}', ["/t"], l).state).toBe(ScanState.Complete);
    expect(scanWithLimits('{"a":[1,2,3,4],"t":1}', ["/t"], l).failure()).toBe(ScanFailure.TooLarge);
    expect(scanWithLimits('{"a":1,"b":2,"c":3,"t":1}', ["/t"], l).error).toBe(JsonError.TooManyMembers);
  });

  it("refuses too many pointers", () => {
    const list = new Array<string>();
    for (let i = 0; i <= MAX_SCAN_POINTERS; i++) list.push("/k" + i.toString());
    const s = JsonPointerScanner.create(pointers(list));
    expect(s.state).toBe(ScanState.Error);
    expect(s.failure()).toBe(ScanFailure.TooManyPointers);
    expect(s.errorMessage()).toBe("more than 64 JSON pointers (65)");
    expect(new JsonPointerSet(pointers(list)).ok).toBe(false);
    expect(s.feed(utf8("{}"), 0, -1, true)).toBe(ScanState.Error);
    list.pop();
    const doc = '{"k63":1,"k0":2}';
    const ok = JsonPointerScanner.create(pointers(list));
    ok.feed(utf8(doc), 0, -1, true);
    expect(ok.state).toBe(ScanState.Complete);
    expect(answer(ok, 63)).toBe("number:1:int");
    expect(answer(ok, 0)).toBe("number:2:int");
    expect(answer(ok, 5)).toBe("absent");
  });

  it("can be reset and reused", () => {
    const s = JsonPointerScanner.create(pointers(["/a"]));
    s.feed(utf8('{"a":1}'), 0, -1, true);
    expect(answer(s, 0)).toBe("number:1:int");
    s.reset();
    expect(s.status(0)).toBe(PointerStatus.Pending);
    s.feed(utf8('{"a":"z"}'), 0, -1, true);
    expect(answer(s, 0)).toBe("string:z");
  });
});

function scanWithLimits(doc: string, list: string[], l: JsonLimits): JsonPointerScanner {
  const s = JsonPointerScanner.create(pointers(list), l);
  s.feed(utf8(doc), 0, -1, true);
  return s;
}
