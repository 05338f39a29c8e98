// Test and benchmark entry for assembly/json: compiled with JS bindings to dist/tools/json.{wasm,js}.
// Results cross the boundary as JSON text so the Node tests can compare them with JSON.parse.

import { parseJson } from "../../assembly/json/parse";
import { JsonLimits } from "../../assembly/json/limits";
import { JsonKind, JsonValue } from "../../assembly/json/value";
import { parseJsonPointer, JsonPointer } from "../../assembly/json/pointer";
import { JsonPointerScanner, ScanState, PointerStatus } from "../../assembly/json/stream";
import { JsonPointerSet } from "../../assembly/json/pointer-set";
import { quoteJsonString, stringifyJson } from "../../assembly/json/write";

/** "\u0000#" + the 16 hex digits of the f64 bits: numbers compared exactly, -0 and Infinity included. */
function numberTag(v: f64): string {
  const bits = reinterpret<u64>(v);
  const digits = "0123456789abcdef";
  let s = "";
  for (let shift = 60; shift >= 0; shift -= 4) s += digits.charAt(<i32>((bits >> <u64>shift) & 15));
  return "\u0000#" + s;
}

/** A number as the JSON string of its numberTag. */
function taggedNumber(v: JsonValue): string {
  return quoteJsonString(numberTag(v.asNumber()));
}

/** "ok:<dump>" or "err:<JsonError>:<offset>:<message>". */
export function parseDump(
  bytes: Uint8Array,
  maxDepth: i32,
  maxInputBytes: i32,
  maxStringLength: i32,
  maxMembers: i32,
  rejectDuplicateKeys: bool,
): string {
  const r = parseJson(bytes, JsonLimits.of(maxDepth, maxInputBytes, maxStringLength, maxMembers, rejectDuplicateKeys));
  if (!r.ok) return "err:" + (<i32>r.error).toString() + ":" + r.offset.toString() + ":" + r.message;
  // Members keep document order and duplicates, so JSON.parse of the dump applies the same
  // last-wins rule as JSON.parse of the input.
  return "ok:" + stringifyJson(r.value!, taggedNumber);
}

/** Number literal text and integer flag of a top-level number document, e.g. "1.50|frac". */
export function numberInfo(bytes: Uint8Array): string {
  const r = parseJson(bytes);
  if (!r.ok || !r.value!.isNumber()) return "";
  return r.value!.numberText()! + "|" + (r.value!.isIntegerLiteral() ? "int" : "frac");
}

/** "ok" or the pointer parse error. */
export function checkPointer(text: string): string {
  const r = parseJsonPointer(text);
  return r.ok ? "ok" : r.error;
}

function pointerList(pointersJson: string): Array<JsonPointer> | null {
  const r = parseJson(Uint8Array.wrap(String.UTF8.encode(pointersJson)));
  if (!r.ok || !r.value!.isArray()) return null;
  const out = new Array<JsonPointer>();
  for (let i = 0; i < r.value!.length; i++) {
    const p = parseJsonPointer(r.value!.at(i)!.asString()!);
    if (!p.ok) return null;
    out.push(p.pointer!);
  }
  return out;
}

/**
 * Scans `bytes` for the pointers of the JSON array `pointersJson`, cutting the input at the offsets
 * in `cuts` (ascending), the last chunk with endOfStream. Returns JSON:
 * {"state":n,"failure":n,"error":n,"offset":n,"scanned":n,"answers":["absent"|"pending"|"object"|
 *  "array"|"null"|"true"|"false"|"s:<string>"|"n:<tag>:<text>:<int|frac>", ...]}
 */
export function scanDump(
  bytes: Uint8Array,
  pointersJson: string,
  cuts: Int32Array,
  maxDepth: i32,
  maxInputBytes: i32,
  maxStringLength: i32,
  maxMembers: i32,
): string {
  const list = pointerList(pointersJson);
  if (!list) return "bad pointers";
  const s = JsonPointerScanner.create(list, JsonLimits.of(maxDepth, maxInputBytes, maxStringLength, maxMembers, false));
  let from = 0;
  for (let i = 0; i < cuts.length; i++) {
    const to = cuts[i];
    s.feed(bytes, from, to, false);
    from = to;
  }
  s.feed(bytes, from, bytes.length, true);
  let answers = "";
  for (let p = 0; p < s.pointerCount; p++) {
    let a: string;
    const st = s.status(p);
    if (st == PointerStatus.Pending) a = "pending";
    else if (st == PointerStatus.Absent) a = "absent";
    else {
      const kind = s.kind(p);
      const v = s.value(p);
      if (kind == JsonKind.Object) a = "object";
      else if (kind == JsonKind.Array) a = "array";
      else if (kind == JsonKind.Null) a = "null";
      else if (kind == JsonKind.Bool) a = v!.asBool() ? "true" : "false";
      else if (kind == JsonKind.String) a = "s:" + v!.asString()!;
      else a = "n:" + numberTag(v!.asNumber()) + ":" + v!.numberText()! + ":" + (v!.isIntegerLiteral() ? "int" : "frac");
    }
    answers += (p ? "," : "") + quoteJsonString(a);
  }
  return (
    '{"state":' + (<i32>s.state).toString() +
    ',"failure":' + (<i32>s.failure()).toString() +
    ',"error":' + (<i32>s.error).toString() +
    ',"offset":' + s.errorOffset.toString() +
    ',"scanned":' + s.bytesScanned.toString() +
    ',"message":' + quoteJsonString(s.errorMessage()) +
    ',"answers":[' + answers + "]}"
  );
}

// ---- benchmark loops: the whole loop runs inside wasm, so call overhead is not measured ----

/**
 * Runs the streaming scanner `iterations` times over `body` (fed in `chunkSize` pieces, stopping at
 * the decision) for one pointer: the set is compiled once, a fresh scanner per run, as a plugin
 * compiles at configuration and makes a scanner per request.
 * Returns the bytes scanned by the last run (negative if the pointer was not decided).
 */
export function benchScan(body: Uint8Array, pointer: string, chunkSize: i32, iterations: i32): i32 {
  const list = new Array<JsonPointer>();
  list.push(parseJsonPointer(pointer).pointer!);
  const set = new JsonPointerSet(list);
  let scanned: i64 = 0;
  let decided = true;
  for (let it = 0; it < iterations; it++) {
    const s = new JsonPointerScanner(set);
    let from = 0;
    const n = body.length;
    while (from < n && s.state == ScanState.InProgress) {
      const to = n - from > chunkSize ? from + chunkSize : n;
      s.feed(body, from, to, to == n);
      from = to;
    }
    scanned = s.bytesScanned;
    decided = s.status(0) != PointerStatus.Pending;
  }
  return decided ? <i32>scanned : -1;
}

/** Runs the DOM parser `iterations` times over `body`; returns the top-level member count. */
export function benchParse(body: Uint8Array, iterations: i32): i32 {
  let count = 0;
  for (let it = 0; it < iterations; it++) {
    const r = parseJson(body);
    count = r.ok ? r.value!.length : -1;
  }
  return count;
}

/** quoteJsonString, for comparison with JSON.stringify. */
export function quote(s: string): string {
  return quoteJsonString(s);
}
