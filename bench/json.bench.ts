// Streaming pointer scanner on 1 KiB, 16 KiB and 64 KiB request bodies, target near the start and
// near the end, fed in 16 KiB chunks; the loop runs inside wasm (tools/json benchScan) so the
// JS->wasm call is not measured. Baseline: Node's JSON.parse of the same body (already a JS
// string, so UTF-8 decoding is not even charged to it). What matters: a target near the start of
// 64 KiB costs about what it costs in 1 KiB, because the scanner stops at the decision.
// Needs dist/tools/json.js (node scripts/build.mjs --only tools/json).
// Standalone: node --import tsx bench/json.bench.ts
import { pathToFileURL } from "node:url";
import { benchScan, benchParse } from "../dist/tools/json.js";
import type { BenchRow } from "./measure.ts";

const CHUNK = 16 * 1024;
const TARGET = "/customer/segment";

/** A deterministic body of about `size` bytes: an order with items, the customer first or last. */
function body(size: number, targetFirst: boolean): Uint8Array {
  const customer = '"customer":{"id":"c-8812","segment":"loyal","since":2019,"tags":["a","b"]}';
  const items: string[] = [];
  let i = 0;
  let length = customer.length + 40;
  while (length < size) {
    const item = JSON.stringify({
      sku: `SKU-${(i * 7919) % 100000}`,
      name: `Item number ${i} \u00e9\u20ac "quoted" \\ path/${i}`,
      qty: (i % 5) + 1,
      price: Math.round(((i * 37) % 1000) * 1.13 * 100) / 100,
      gift: i % 3 === 0,
      note: null,
      attrs: { color: ["red", "green", "blue"][i % 3], size: (i % 4) * 2 + 36 },
    });
    if (length + item.length + 1 > size) break;
    items.push(item);
    length += item.length + 1;
    i++;
  }
  const itemsJson = '"items":[' + items.join(",") + "]";
  let text = targetFirst ? `{${customer},${itemsJson},"pad":""}` : `{${itemsJson},${customer},"pad":""}`;
  // Pad to the exact size inside the last string so every body is the advertised size.
  const missing = size - Buffer.byteLength(text);
  if (missing > 0) text = text.slice(0, -2) + "x".repeat(missing) + '"}';
  return new Uint8Array(Buffer.from(text, "utf8"));
}

/** ns per call of `fn(iterations)`, best of a few timed runs of at least ~40 ms each. */
function measure(fn: (iterations: number) => void): number {
  let iterations = 1;
  for (;;) {
    const t0 = process.hrtime.bigint();
    fn(iterations);
    const dt = Number(process.hrtime.bigint() - t0);
    if (dt > 40e6) break;
    iterations *= dt < 4e6 ? 8 : 2;
  }
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    fn(iterations);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / iterations);
  }
  return best;
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  let smallStart = 0;
  // Warm-up, so the first row does not pay for V8 tiering the wasm code up.
  const warm = body(64 * 1024, false);
  benchScan(warm, TARGET, CHUNK, 200);
  benchScan(body(1024, true), TARGET, CHUNK, 20000);
  for (const [label, size] of [["1KiB", 1024], ["16KiB", 16 * 1024], ["64KiB", 64 * 1024]] as const) {
    for (const first of [true, false]) {
      const bytes = body(size, first);
      const text = Buffer.from(bytes).toString("utf8");
      const expected = JSON.parse(text).customer.segment;
      if (expected !== "loyal") throw new Error("bench body is wrong");
      const scanned = benchScan(bytes, TARGET, CHUNK, 1);
      if (scanned < 0) throw new Error(`scanner did not decide ${TARGET} in the ${label} body`);
      const ns = measure((n) => benchScan(bytes, TARGET, CHUNK, n));
      const baselineNs = measure((n) => {
        for (let k = 0; k < n; k++) JSON.parse(text);
      });
      if (first && size === 1024) smallStart = ns;
      const note = first && size > 1024 ? `${(ns / smallStart).toFixed(2)}x the 1KiB near-start cost (goal <= 2)` : undefined;
      rows.push({ name: `json stream ${TARGET} ${label} target ${first ? "near start" : "near end"} (16KiB chunks)`, ns, baselineNs, note });
    }
  }
  // The DOM parser on the largest body, for scale (what a non-streaming rule would cost).
  const big = body(64 * 1024, false);
  const bigText = Buffer.from(big).toString("utf8");
  rows.push({
    name: "json parseJson DOM 64KiB",
    ns: measure((n) => benchParse(big, n)),
    baselineNs: measure((n) => {
      for (let k = 0; k < n; k++) JSON.parse(bigText);
    }),
  });
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const rows = await run();
  for (const r of rows) {
    const ratio = r.baselineNs ? ` (JSON.parse ${r.baselineNs.toFixed(0)} ns, x${(r.ns / r.baselineNs).toFixed(2)})` : "";
    console.log(`${r.name.padEnd(72)} ${r.ns.toFixed(0).padStart(9)} ns${ratio}${r.note ? `  [${r.note}]` : ""}`);
  }
}
