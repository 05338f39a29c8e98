// Differential tests of assembly/json against Node's JSON.parse: generated valid documents (the DOM
// must match JSON.parse exactly, numbers bit for bit), a JSONTestSuite-style corpus of accepted (y_)
// and rejected (n_) inputs, and the streaming pointer scanner on random chunk splits compared with
// JSON.parse + a pointer lookup in JS. Needs `node scripts/build.mjs --only tools/json` first.
// Seed: JSON_TEST_SEED (default fixed); iterations: JSON_TEST_ROUNDS.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseDump, scanDump, numberInfo, checkPointer, quote } from "../../dist/tools/json.js";
import { prng as rngFrom } from "../support/prng.ts";

const SEED = Number(process.env.JSON_TEST_SEED ?? 20240611);
const ROUNDS = Number(process.env.JSON_TEST_ROUNDS ?? 3000);

const DEFAULT = { depth: 64, input: 1 << 20, string: 64 * 1024, members: 10000 };

// ---------------------------------------------------------------- helpers

const utf8 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "utf8"));

function numberTag(n: number): string {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, n);
  return "\u0000#" + b.getBigUint64(0).toString(16).padStart(16, "0");
}

/** JSON.parse result with every number replaced by its tag (what parseDump emits). */
function tagNumbers(v: unknown): unknown {
  if (typeof v === "number") return numberTag(v);
  if (Array.isArray(v)) return v.map(tagNumbers);
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      Object.defineProperty(out, k, { value: tagNumbers(x), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return v;
}

function wasmParse(bytes: Uint8Array, opts: Partial<typeof DEFAULT> & { rejectDuplicates?: boolean } = {}) {
  const o = { ...DEFAULT, ...opts };
  const r = parseDump(bytes, o.depth, o.input, o.string, o.members, !!opts.rejectDuplicates);
  if (r.startsWith("ok:")) return { ok: true as const, value: JSON.parse(r.slice(3)) as unknown };
  const m = /^err:(\d+):(\d+):(.*)$/s.exec(r);
  assert.ok(m, r);
  return { ok: false as const, code: Number(m[1]), offset: Number(m[2]), message: m[3] };
}

/** Strict reference: UTF-8 must decode without replacement, then JSON.parse must accept. */
function referenceParse(bytes: Uint8Array): { ok: true; value: unknown } | { ok: false } {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return { ok: false };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

// ---------------------------------------------------------------- document generator

class Gen {
  /** Set when some generated object repeats a key (compared after unescaping). */
  sawDuplicate = false;
  /** Largest object size to generate (members). */
  maxMembers = 6;
  constructor(
    private r: () => number,
    private allowDuplicates: boolean,
  ) {}
  int(n: number): number {
    return Math.floor(this.r() * n);
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)];
  }
  ws(): string {
    let s = "";
    const n = this.r() < 0.6 ? 0 : this.int(3);
    for (let i = 0; i < n; i++) s += this.pick([" ", "\t", "\n", "\r"]);
    return s;
  }
  digits(n: number): string {
    let s = "";
    for (let i = 0; i < n; i++) s += String(this.int(10));
    return s;
  }
  number(): string {
    const sign = this.r() < 0.3 ? "-" : "";
    let int: string;
    const k = this.r();
    if (k < 0.15) int = "0";
    else if (k < 0.8) int = String(1 + this.int(9)) + this.digits(this.int(6));
    else int = String(1 + this.int(9)) + this.digits(10 + this.int(25));
    let s = sign + int;
    if (this.r() < 0.35) s += "." + this.digits(1 + (this.r() < 0.8 ? this.int(6) : this.int(40)));
    if (this.r() < 0.25) {
      s += this.pick(["e", "E"]) + this.pick(["", "+", "-"]);
      s += this.r() < 0.8 ? String(this.int(30)) : String(this.int(400));
      if (this.r() < 0.05) s += "0".repeat(this.int(4)); // exponent digits with zeros, huge exponents
    }
    return s;
  }
  char(): string {
    const k = this.r();
    if (k < 0.55) return String.fromCharCode(0x20 + this.int(0x5f));
    if (k < 0.65) return this.pick(['"', "\\", "/", "\u007f"]);
    if (k < 0.72) return String.fromCharCode(this.int(0x20));
    if (k < 0.85) return this.pick(["é", "ß", "€", "中", "\u0800", "\u07ff", "\u0080", "\ufffd", "\uffff", "\ud7ff", "\ue000"]);
    return String.fromCodePoint(this.pick([0x1f600, 0x10000, 0x10ffff, 0x1d11e, 0x20000 + this.int(0xdfff)]));
  }
  hex4(code: number): string {
    const h = code.toString(16).padStart(4, "0");
    return this.r() < 0.5 ? h : h.toUpperCase();
  }
  /** A JSON string literal for `s`, with escapes chosen at random where optional. */
  quote(s: string): string {
    let out = '"';
    for (const ch of s) {
      const cp = ch.codePointAt(0)!;
      if (ch === '"') out += '\\"';
      else if (ch === "\\") out += this.r() < 0.8 ? "\\\\" : "\\u005c";
      else if (cp < 0x20) {
        const short: Record<number, string> = { 8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r" };
        out += short[cp] && this.r() < 0.7 ? short[cp] : "\\u" + this.hex4(cp);
      } else if (ch === "/" && this.r() < 0.3) out += "\\/";
      else if (this.r() < 0.1) {
        if (cp >= 0x10000) {
          const v = cp - 0x10000;
          out += "\\u" + this.hex4(0xd800 + (v >> 10)) + "\\u" + this.hex4(0xdc00 + (v & 0x3ff));
        } else out += "\\u" + this.hex4(cp);
      } else out += ch;
    }
    return out + '"';
  }
  string(maxLen = 12): string {
    let s = "";
    const n = this.r() < 0.1 ? 0 : this.int(maxLen);
    for (let i = 0; i < n; i++) s += this.char();
    return s;
  }
  key(): string {
    const k = this.r();
    if (k < 0.5) return this.pick(["id", "a", "b", "customer", "segment", "cart", "x", "", "0", "1", "a/b", "m~n", "é", "😀", "__proto__"]);
    return this.string(6);
  }
  value(depth: number): string {
    const k = this.r();
    if (depth < 6 && k < 0.2) return this.object(depth + 1);
    if (depth < 6 && k < 0.35) return this.array(depth + 1);
    if (k < 0.6) return this.quote(this.string());
    if (k < 0.85) return this.number();
    return this.pick(["true", "false", "null"]);
  }
  object(depth: number): string {
    const n = this.int(depth <= 2 ? this.maxMembers : 6);
    const seen = new Set<string>();
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      let key = this.key();
      if (!this.allowDuplicates) {
        while (seen.has(key)) key += this.pick(["_", "x", "é"]);
      } else if (seen.has(key)) this.sawDuplicate = true;
      seen.add(key);
      parts.push(this.ws() + this.quote(key) + this.ws() + ":" + this.ws() + this.value(depth) + this.ws());
    }
    return "{" + (parts.length ? parts.join(",") : this.ws()) + "}";
  }
  array(depth: number): string {
    const n = this.int(6);
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(this.ws() + this.value(depth) + this.ws());
    return "[" + (parts.length ? parts.join(",") : this.ws()) + "]";
  }
  document(): string {
    const k = this.r();
    const root = k < 0.6 ? this.object(1) : k < 0.85 ? this.array(1) : this.value(5);
    return this.ws() + root + this.ws();
  }
}

/** What the limits look at, measured in JS on a valid document: deepest nesting, longest string
 *  (decoded UTF-8 bytes, keys included), longest number literal, most members of one container. */
function measure(text: string): { depth: number; string: number; number: number; members: number } {
  const out = { depth: 0, string: 0, number: 0, members: 0 };
  const stack: Array<{ commas: number; empty: boolean }> = [];
  const numberRe = /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
  let i = 0;
  const touch = () => {
    if (stack.length) stack[stack.length - 1].empty = false;
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      out.string = Math.max(out.string, Buffer.byteLength(JSON.parse(text.slice(i, j + 1)), "utf8"));
      touch();
      i = j + 1;
    } else if (c === "[" || c === "{") {
      touch();
      stack.push({ commas: 0, empty: true });
      out.depth = Math.max(out.depth, stack.length);
      i++;
    } else if (c === "]" || c === "}") {
      const f = stack.pop()!;
      out.members = Math.max(out.members, f.empty ? 0 : f.commas + 1);
      i++;
    } else if (c === ",") {
      stack[stack.length - 1].commas++;
      i++;
    } else if (c === "-" || (c >= "0" && c <= "9")) {
      numberRe.lastIndex = i;
      const n = numberRe.exec(text)![0];
      out.number = Math.max(out.number, n.length);
      touch();
      i += n.length;
    } else {
      if (c === "t" || c === "f" || c === "n") touch();
      i++;
    }
  }
  return out;
}

// ---------------------------------------------------------------- pointers in JS

const escapeToken = (t: string): string => t.replace(/~/g, "~0").replace(/\//g, "~1");

function resolve(root: unknown, tokens: string[]): { found: boolean; value?: unknown } {
  let cur: unknown = root;
  for (const t of tokens) {
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9][0-9]*)$/.test(t) || Number(t) >= cur.length) return { found: false };
      cur = cur[Number(t)];
    } else if (cur !== null && typeof cur === "object") {
      if (!Object.prototype.hasOwnProperty.call(cur, t)) return { found: false };
      cur = (cur as Record<string, unknown>)[t];
    } else return { found: false };
  }
  return { found: true, value: cur };
}

function describeJs(r: { found: boolean; value?: unknown }): string {
  if (!r.found) return "absent";
  const v = r.value;
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "object") return "object";
  if (typeof v === "boolean") return String(v);
  if (typeof v === "string") return "s:" + v;
  return "n:" + numberTag(v as number);
}

/** Scanner answer with the number text dropped (JS has no number text), after checking it. */
function normaliseScan(a: string): string {
  if (!a.startsWith("n:")) return a;
  const [, tag, text] = a.split(":");
  assert.equal(numberTag(Number(text)), tag, `number text ${text} and value disagree`);
  return "n:" + tag;
}

/** All paths of a parsed document plus some that cannot exist. */
function pointerCandidates(root: unknown, g: Gen): string[][] {
  const paths: string[][] = [];
  const walk = (v: unknown, path: string[]) => {
    paths.push(path);
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, String(i)]));
    else if (v !== null && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(root, []);
  const out = [...paths];
  for (const p of paths.slice(0, 8)) {
    out.push([...p, "missing"]);
    out.push([...p, "0"]);
    out.push([...p, "-"]);
    out.push([...p, "00"]);
    if (p.length) out.push([...p.slice(0, -1), p[p.length - 1] + "x"]);
  }
  out.push(["\u0000never"]);
  // A random selection, at most 64.
  const chosen: string[][] = [];
  const n = 1 + g.int(Math.min(out.length, 12));
  for (let i = 0; i < n; i++) chosen.push(g.pick(out));
  return chosen;
}

function randomCuts(n: number, g: Gen): Int32Array {
  const k = g.int(5);
  const cuts: number[] = [];
  for (let i = 0; i < k; i++) cuts.push(g.int(n + 1));
  cuts.sort((a, b) => a - b);
  return Int32Array.from(cuts);
}

function scan(bytes: Uint8Array, pointers: string[], cuts: Int32Array, opts: Partial<typeof DEFAULT> = {}) {
  const o = { ...DEFAULT, ...opts };
  const out = scanDump(bytes, JSON.stringify(pointers), cuts, o.depth, o.input, o.string, o.members);
  return JSON.parse(out) as {
    state: number;
    failure: number;
    error: number;
    offset: number;
    scanned: number;
    message: string;
    answers: string[];
  };
}

// ---------------------------------------------------------------- corpus

/** Valid documents (JSONTestSuite style y_ cases). */
const Y_CASES: Record<string, string> = {
  y_empty_array: "[]",
  y_empty_object: "{}",
  y_ws_around: " \t\r\n[1]\n\r\t ",
  y_nested: '{"a":{"b":{"c":[[],[{}]]}}}',
  y_number_zero: "0",
  y_number_negative_zero: "-0",
  y_number_neg_int: "[-123]",
  y_number_real_exp: "[1.5e+10, 1E-3, 2e0, 0.0e0, -0.0]",
  y_number_big_int: "123456789012345678901234567890",
  y_number_huge_exp: "[1e999, -1e999, 1e-999]",
  y_number_min_subnormal: "4.9406564584124654e-324",
  y_number_max: "1.7976931348623157e308",
  y_number_just_above_max: "1.7976931348623158e308",
  y_number_halfway: "9007199254740993",
  y_number_long_fraction: "0." + "1".repeat(900),
  y_string_escapes: '"\\"\\\\\\/\\b\\f\\n\\r\\t"',
  y_string_unicode_escape: '"\\u0041\\u00E9\\u20ac\\uFFFF"',
  y_string_surrogate_pair: '"\\uD834\\uDD1E"',
  y_string_nul_escape: '"\\u0000"',
  y_string_raw_utf8: '"é€😀\u{10FFFF}"',
  y_string_del: '"\u007f"',
  y_string_noncharacter: '"\uFFFE\uFFFF"',
  y_object_duplicate_key: '{"a":1,"a":2}',
  y_object_empty_key: '{"":0}',
  y_object_proto_key: '{"__proto__":{"x":1}}',
  y_literals: "[true,false,null]",
  y_string_slash_unescaped: '"a/b"',
  y_deep_64: "[".repeat(64) + "]".repeat(64),
};

/** Invalid documents (n_ cases). */
const N_CASES: Array<{ name: string; bytes: Uint8Array; strictOnly?: boolean }> = [];
/** strictOnly: JSON.parse accepts it (lone surrogate escapes; no depth limit). */
function n(name: string, text: string | number[], strictOnly = false) {
  N_CASES.push({ name, bytes: typeof text === "string" ? utf8(text) : new Uint8Array(text), strictOnly });
}
n("n_empty", "");
n("n_only_ws", " \n ");
n("n_trailing_comma_array", "[1,]");
n("n_trailing_comma_object", '{"a":1,}');
n("n_leading_comma", "[,1]");
n("n_double_comma", "[1,,2]");
n("n_missing_comma", "[1 2]");
n("n_missing_colon", '{"a" 1}');
n("n_missing_value", '{"a":}');
n("n_unquoted_key", "{a:1}");
n("n_single_quote", "['a']");
n("n_single_quote_key", "{'a':1}");
n("n_comment_line", "[1]//x");
n("n_comment_block", "/*x*/[1]");
n("n_comment_inside", "[1/*x*/]");
n("n_trailing_garbage", "[1]x");
n("n_two_values", "1 2");
n("n_two_objects", "{}{}");
n("n_extra_close", "[]]");
n("n_unclosed_array", "[1");
n("n_unclosed_object", '{"a":1');
n("n_unclosed_string", '"abc');
n("n_mismatched", "[1}");
n("n_mismatched_object", '{"a":1]');
n("n_nan", "NaN");
n("n_infinity", "Infinity");
n("n_minus_infinity", "-Infinity");
n("n_true_caps", "True");
n("n_truncated_true", "tru");
n("n_truncated_null", "[nul]");
n("n_false_extra", "falsee");
n("n_undefined", "undefined");
n("n_leading_zero", "01");
n("n_neg_leading_zero", "-01");
n("n_double_zero", "00");
n("n_plus", "+1");
n("n_leading_dot", ".5");
n("n_trailing_dot", "1.");
n("n_dot_exp", "1.e5");
n("n_exp_no_digits", "1e");
n("n_exp_sign_no_digits", "1e+");
n("n_minus_alone", "-");
n("n_minus_space", "- 1");
n("n_hex", "0x10");
n("n_two_dots", "1.5.2");
n("n_exp_frac", "1e5.5");
n("n_bad_escape", '"\\x"');
n("n_escape_single_quote", '"\\\'"');
n("n_escape_upper_u", '"\\U0041"');
n("n_short_unicode", '"\\u12"');
n("n_bad_hex", '"\\u12G4"');
n("n_escape_at_end", '"\\');
n("n_control_newline", '"a\nb"');
n("n_control_tab", '"\t"');
n("n_control_nul", [0x22, 0x00, 0x22]);
n("n_control_1f", [0x22, 0x1f, 0x22]);
n("n_utf8_lone_continuation", [0x22, 0x80, 0x22]);
n("n_utf8_overlong_slash", [0x22, 0xc0, 0xaf, 0x22]);
n("n_utf8_overlong_c1", [0x22, 0xc1, 0xbf, 0x22]);
n("n_utf8_overlong_3", [0x22, 0xe0, 0x80, 0xaf, 0x22]);
n("n_utf8_overlong_4", [0x22, 0xf0, 0x80, 0x80, 0xaf, 0x22]);
n("n_utf8_surrogate_d800", [0x22, 0xed, 0xa0, 0x80, 0x22]);
n("n_utf8_surrogate_dfff", [0x22, 0xed, 0xbf, 0xbf, 0x22]);
n("n_utf8_above_10ffff", [0x22, 0xf4, 0x90, 0x80, 0x80, 0x22]);
n("n_utf8_f5", [0x22, 0xf5, 0x80, 0x80, 0x80, 0x22]);
n("n_utf8_ff", [0x22, 0xff, 0x22]);
n("n_utf8_truncated_2", [0x22, 0xc3, 0x22]);
n("n_utf8_truncated_3", [0x22, 0xe2, 0x82, 0x22]);
n("n_utf8_bom", [0xef, 0xbb, 0xbf, 0x5b, 0x5d]);
n("n_utf8_outside_string", [0x5b, 0xc3, 0xa9, 0x5d]);
n("n_lone_high_surrogate", '"\\ud800"', true);
n("n_lone_low_surrogate", '"\\udc00"', true);
n("n_high_then_letter", '"\\ud800x"', true);
n("n_high_then_escape", '"\\ud800\\n"', true);
n("n_high_high", '"\\ud800\\ud800"', true);
n("n_reversed_pair", '"\\udc00\\ud800"', true);
n("n_key_not_string", "{1:1}");
n("n_array_colon", '["a":1]');
n("n_object_comma_only", "{,}");
n("n_object_array_syntax", '{"a","b"}');
n("n_vertical_tab_ws", "[\u000b1]");
n("n_nbsp_ws", "[\u00a01]");
n("n_form_feed_ws", "[\f1]");
n("n_escaped_ws_outside", "[\\n]");
n("n_deep_65", "[".repeat(65) + "]".repeat(65), true);

// ---------------------------------------------------------------- tests

describe("parseJson vs JSON.parse", () => {
  it("accepts every y_ case with the same value", () => {
    for (const [name, text] of Object.entries(Y_CASES)) {
      const ref = referenceParse(utf8(text));
      assert.ok(ref.ok, `${name}: reference rejects`);
      const got = wasmParse(utf8(text));
      assert.ok(got.ok, `${name}: ${!got.ok ? got.message : ""}`);
      assert.deepStrictEqual(got.value, tagNumbers(ref.value), name);
    }
  });

  it("rejects every n_ case", () => {
    for (const c of N_CASES) {
      const ref = referenceParse(c.bytes);
      assert.equal(ref.ok, !!c.strictOnly, `${c.name}: reference ${ref.ok ? "accepts" : "rejects"}`);
      const got = wasmParse(c.bytes);
      assert.ok(!got.ok, `${c.name}: accepted`);
      assert.ok(got.message.length > 10 && /at byte \d+/.test(got.message), `${c.name}: message "${got.message}"`);
    }
  });

  it(`matches JSON.parse on ${ROUNDS} generated documents`, () => {
    const g = new Gen(rngFrom(SEED), true);
    for (let i = 0; i < ROUNDS; i++) {
      const text = g.document();
      const ref = referenceParse(utf8(text));
      assert.ok(ref.ok, `generator produced invalid JSON: ${text}`);
      const got = wasmParse(utf8(text));
      assert.ok(got.ok, `rejected: ${text}\n${!got.ok ? got.message : ""}`);
      assert.deepStrictEqual(got.value, tagNumbers(ref.value), text);
    }
  });

  it("converts numbers exactly like JSON.parse", () => {
    const g = new Gen(rngFrom(SEED + 1), false);
    const list: string[] = [];
    for (let i = 0; i < 20000; i++) list.push(g.number());
    // Hard cases: halfway points, subnormal boundaries, long mantissas.
    list.push(
      "2.2250738585072011e-308", "2.2250738585072012e-308", "2.4703282292062327e-324", "2.4703282292062328e-324",
      "1.00000000000000011102230246251565404236316680908203125", "1.00000000000000011102230246251565404236316680908203124",
      "9007199254740993", "9007199254740995", "18014398509481993", "7.038531e-26", "1" + "0".repeat(400) + "e-400",
      "0." + "0".repeat(330) + "247032822920623272088", "179769313486231580793728971405301e276",
    );
    const text = "[" + list.join(",") + "]";
    const got = wasmParse(utf8(text), { members: list.length });
    assert.ok(got.ok);
    assert.deepStrictEqual(got.value, tagNumbers(JSON.parse(text)));
  });

  it("keeps number text and the integer flag", () => {
    assert.equal(numberInfo(utf8("123456789012345678901234567890")), "123456789012345678901234567890|int");
    assert.equal(numberInfo(utf8(" 1.50 ")), "1.50|frac");
    assert.equal(numberInfo(utf8("-0")), "-0|int");
    assert.equal(numberInfo(utf8("1E+2")), "1E+2|frac");
  });

  it("enforces limits and duplicate-key rejection", () => {
    const deep = (d: number) => utf8("[".repeat(d) + "]".repeat(d));
    assert.ok(wasmParse(deep(64)).ok);
    const tooDeep = wasmParse(deep(65));
    assert.ok(!tooDeep.ok && tooDeep.message === "nesting deeper than 64 at byte 64");
    assert.ok(!wasmParse(deep(200000)).ok);
    assert.ok(!wasmParse(utf8('"' + "a".repeat(100) + '"'), { string: 99 }).ok);
    assert.ok(wasmParse(utf8('"' + "a".repeat(99) + '"'), { string: 99 }).ok);
    assert.ok(!wasmParse(utf8("[" + "1,".repeat(100) + "1]"), { members: 100 }).ok);
    assert.ok(!wasmParse(utf8("[1, 2]"), { input: 5 }).ok);
    const dup = wasmParse(utf8('{"alg":"RS256","typ":"JWT","alg":"none"}'), { rejectDuplicates: true });
    assert.ok(!dup.ok && dup.message === 'duplicate key "alg" at byte 27', !dup.ok ? dup.message : "");
  });

  it("rejects duplicate keys exactly when some object repeats one (small and large objects)", () => {
    const r = rngFrom(SEED + 8);
    for (let i = 0; i < ROUNDS; i++) {
      const g = new Gen(r, true);
      g.maxMembers = i % 2 ? 6 : 40;
      const text = g.document();
      const got = wasmParse(utf8(text), { rejectDuplicates: true });
      assert.equal(got.ok, !g.sawDuplicate, `${text}\n${!got.ok ? got.message : ""}`);
      if (!got.ok) assert.match(got.message, /^duplicate key /);
    }
  });

  it("enforces random limits exactly (depth, string and number length, members, input size)", () => {
    const g = new Gen(rngFrom(SEED + 10), true);
    const r = rngFrom(SEED + 11);
    for (let i = 0; i < ROUNDS; i++) {
      const text = g.document();
      const bytes = utf8(text);
      const m = measure(text);
      const limits = {
        depth: Math.floor(r() * (m.depth + 2)),
        string: Math.floor(r() * (Math.max(m.string, m.number) + 2)),
        members: Math.floor(r() * (m.members + 2)),
        input: r() < 0.2 ? Math.floor(r() * bytes.length) : bytes.length,
      };
      const expectOk =
        m.depth <= limits.depth && m.string <= limits.string && m.number <= limits.string && m.members <= limits.members && bytes.length <= limits.input;
      const got = wasmParse(bytes, limits);
      assert.equal(got.ok, expectOk, `${text}\nlimits ${JSON.stringify(limits)} measured ${JSON.stringify(m)}: ${!got.ok ? got.message : "accepted"}`);
      // The scanner, made to read a whole object document, applies the same depth, member and
      // input limits (string limits only bind what it captures, here nothing).
      if (text.trim().startsWith("{")) {
        const scanOk = m.depth <= limits.depth && m.members <= limits.members && Buffer.byteLength(text.trimEnd()) <= limits.input;
        const s = scan(bytes, ["/\u0000never"], randomCuts(bytes.length, g), limits);
        assert.equal(s.state === 1, scanOk, `${text}\nlimits ${JSON.stringify(limits)}: scanner ${s.message}`);
      }
    }
  });

  it("survives random mutations without trapping, and rejects what the reference rejects", () => {
    const g = new Gen(rngFrom(SEED + 2), true);
    const r = rngFrom(SEED + 3);
    for (let i = 0; i < ROUNDS; i++) {
      const bytes = Array.from(utf8(g.document()));
      const edits = 1 + Math.floor(r() * 3);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(r() * (bytes.length + 1));
        const k = r();
        const b = r() < 0.5 ? "{}[]\",:\\ .-+eE0u\u0000".charCodeAt(Math.floor(r() * 20)) : Math.floor(r() * 256);
        if (k < 0.33) bytes.splice(at, 1);
        else if (k < 0.66) bytes.splice(at, 0, b);
        else bytes[at] = b;
      }
      const doc = new Uint8Array(bytes);
      const ref = referenceParse(doc);
      const got = wasmParse(doc);
      if (got.ok) {
        assert.ok(ref.ok, `accepted what JSON.parse rejects: ${JSON.stringify(Buffer.from(doc).toString("latin1"))}`);
        assert.deepStrictEqual(got.value, tagNumbers(ref.value));
      } else if (ref.ok) {
        // Only lone-surrogate escapes are allowed to differ (JSON.parse keeps them).
        assert.equal(got.code, 7, `rejected what JSON.parse accepts: ${got.message}`);
      }
    }
  });
});

describe("quoteJsonString vs JSON.stringify", () => {
  it("writes exactly what JSON.stringify writes, lone surrogates included", () => {
    const r = rngFrom(SEED + 9);
    for (let i = 0; i < ROUNDS; i++) {
      let s = "";
      const n = Math.floor(r() * 20);
      for (let k = 0; k < n; k++) {
        const t = r();
        s += String.fromCharCode(t < 0.5 ? 0x20 + Math.floor(r() * 0x60) : t < 0.7 ? Math.floor(r() * 0x20) : t < 0.85 ? 0xd800 + Math.floor(r() * 0x800) : Math.floor(r() * 0x10000));
      }
      assert.equal(quote(s), JSON.stringify(s));
    }
  });
});

describe("pointer syntax", () => {
  it("accepts RFC 6901 pointers and rejects bad escapes", () => {
    for (const p of ["", "/", "/a", "/a~0b/c~1d", "/0/-/~01"]) assert.equal(checkPointer(p), "ok", p);
    for (const p of ["a", "/a~", "/a~2", "#/a"]) assert.notEqual(checkPointer(p), "ok", p);
  });
});

describe("JsonPointerScanner vs JSON.parse + pointer lookup", () => {
  it(`gives the same answers on ${ROUNDS} generated documents with random chunk splits`, () => {
    const g = new Gen(rngFrom(SEED + 4), false);
    for (let i = 0; i < ROUNDS; i++) {
      const text = g.document();
      const bytes = utf8(text);
      const root = JSON.parse(text);
      const paths = pointerCandidates(root, g);
      const pointers = paths.map((p) => p.map((t) => "/" + escapeToken(t)).join(""));
      const cuts = randomCuts(bytes.length, g);
      const got = scan(bytes, pointers, cuts);
      assert.equal(got.state, 1, `state ${got.state} (${got.message}) for ${text} cuts ${cuts}`);
      const expected = paths.map((p) => describeJs(resolve(root, p)));
      assert.deepStrictEqual(got.answers.map(normaliseScan), expected, `${text}\npointers ${JSON.stringify(pointers)} cuts ${cuts}`);
    }
  });

  it("gives the same answers byte by byte and at every single split", () => {
    const g = new Gen(rngFrom(SEED + 5), false);
    for (let i = 0; i < 60; i++) {
      const text = g.document();
      const bytes = utf8(text);
      if (bytes.length > 400) continue;
      const root = JSON.parse(text);
      const paths = pointerCandidates(root, g);
      const pointers = paths.map((p) => p.map((t) => "/" + escapeToken(t)).join(""));
      const expected = paths.map((p) => describeJs(resolve(root, p)));
      const every = Int32Array.from({ length: bytes.length }, (_, k) => k);
      assert.deepStrictEqual(scan(bytes, pointers, every).answers.map(normaliseScan), expected, text);
      for (let k = 0; k <= bytes.length; k++) {
        const got = scan(bytes, pointers, Int32Array.of(k));
        assert.deepStrictEqual(got.answers.map(normaliseScan), expected, `${text} split ${k}`);
      }
    }
  });

  it("never answers from a malformed document: n_ cases before the target", () => {
    for (const c of N_CASES) {
      if (c.name === "n_deep_65") continue; // inside an object that is depth 66: reported as too deep, checked below
      const head = utf8('{"a":');
      const tail = utf8(',"target":1}');
      const doc = new Uint8Array([...head, ...c.bytes, ...tail]);
      const dom = wasmParse(doc);
      const got = scan(doc, ["/target"], Int32Array.of(Math.floor(doc.length / 2)));
      if (dom.ok) {
        // Embedding made it valid (e.g. "1 2" cannot, but some cases can); then both must agree.
        assert.deepStrictEqual(got.answers, ["n:" + numberTag(1) + ":1:int"], c.name);
      } else {
        assert.equal(got.state, 2, `${c.name}: scanner answered ${JSON.stringify(got.answers)}`);
        assert.deepStrictEqual(got.answers, ["pending"], c.name);
      }
    }
  });

  it("on mutated documents: errors whenever it examined the byte the DOM parser rejects", () => {
    const g = new Gen(rngFrom(SEED + 6), false);
    const r = rngFrom(SEED + 7);
    let errors = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const bytes = Array.from(utf8(g.document()));
      const at = Math.floor(r() * (bytes.length + 1));
      const b = r() < 0.6 ? "{}[]\",:\\ .-eE0u\u0000".charCodeAt(Math.floor(r() * 17)) : Math.floor(r() * 256);
      const k = r();
      if (k < 0.33) bytes.splice(at, 1);
      else if (k < 0.66) bytes.splice(at, 0, b);
      else bytes[at] = b;
      const doc = new Uint8Array(bytes);
      const dom = wasmParse(doc);
      const got = scan(doc, ["/\u0000never", "/a", "/0"], randomCuts(doc.length, g));
      if (got.state === 2) {
        errors++;
        assert.ok(!dom.ok, `scanner error "${got.message}" on a document the parser accepts`);
      } else if (!dom.ok) {
        assert.equal(got.state, 1);
        assert.ok(
          dom.offset >= got.scanned,
          `scanner completed past the error at ${dom.offset} (${dom.message}); scanned ${got.scanned}: ${JSON.stringify(Buffer.from(doc).toString("latin1"))} answers ${JSON.stringify(got.answers)}`,
        );
      }
    }
    assert.ok(errors > ROUNDS / 4, `only ${errors} errors: mutations too weak`);
  });

  it("reports limits", () => {
    const deep = utf8('{"a":' + "[".repeat(100) + "]".repeat(100) + ',"t":1}');
    const got = scan(deep, ["/t"], Int32Array.of(7));
    assert.equal(got.state, 2);
    assert.equal(got.failure, 2);
    const big = utf8('{"pad":"' + "x".repeat(5000) + '","t":1}');
    const tooBig = scan(big, ["/t"], Int32Array.of(1000, 2000), { input: 4096 });
    assert.equal(tooBig.failure, 3);
    assert.equal(tooBig.message, "input larger than 4096 bytes at byte 4096");
    const early = utf8('{"t":1,"pad":"' + "x".repeat(5000) + '"}');
    assert.equal(scan(early, ["/t"], Int32Array.of(3000), { input: 4096 }).state, 1);
    const truncated = scan(utf8('{"a":"x'), ["/t"], new Int32Array(0));
    assert.equal(truncated.failure, 4);
  });
});
