// Sticky plugin benchmark: per-request cost of each mode and key source in the harness (Node's V8, the
// same engine Envoy embeds), next to the no-op plugin on the same requests. Table builds and raw lookups
// are measured by bench/hash.bench.ts. Run alone: node --import tsx bench/sticky.bench.ts
import { ProxyWasmHost, HttpStream } from "../harness/index.ts";
import { STICKY_WASM, NOOP_WASM, ensureBuilt } from "../tests/plugins/sticky/support.ts";
import type { BenchRow } from "./measure.ts";

/**
 * CPU ns per call of `fn` and of `baseline`, measured in alternating batches with this process's CPU time
 * (not wall time), so other processes loading the machine do not count; medians over the rounds.
 */
function paired(fn: () => void, baseline: () => void, iterations: number, rounds = 31): { ns: number; baselineNs: number } {
  const time = (f: () => void) => {
    const start = process.cpuUsage();
    for (let i = 0; i < iterations; i++) f();
    const used = process.cpuUsage(start);
    return ((used.user + used.system) * 1000) / iterations;
  };
  time(fn);
  time(baseline);
  const ns: number[] = [];
  const base: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const b = time(baseline);
    const a = time(fn);
    ns.push(a);
    base.push(b);
    ratios.push(a / b);
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
  const baselineNs = median(base);
  return { ns: median(ratios) * baselineNs, baselineNs };
}

const BASE: Array<[string, string]> = [
  [":method", "GET"], [":scheme", "http"], [":authority", "gateway"], [":path", "/orders/42"],
  ["user-agent", "bench"], ["accept", "*/*"], ["x-request-id", "5f0c6a1e-2b7d-4b0e-9c55-1f3e0d6a7b21"],
];
const KEY = "cart-dc1.Q2h5bHR3b3JkZmFjdG9yeQ";
const PODS = Array.from({ length: 20 }, (_, i) => ({ address: `10.0.${i >> 8}.${i & 255}:8080`, hostname: `cart-${i}` }));
const SOURCES = [{ header: "x-cart-id" }, { cookie: "cart" }, { query: "cart" }, { path: "/api/carts/{cart}/items" }, { body: "/cart/id" }];

async function host(wasm: string, rootId: string, config?: object): Promise<ProxyWasmHost> {
  // Body keys need Envoy's allow_on_headers_stop_iteration, as envoy-configs/sticky.yaml sets it.
  const h = new ProxyWasmHost({ wasm, rootId, pluginConfig: config, logLevel: "warn", allowOnHeadersStopIteration: true });
  const started = await h.start();
  if (!started.ok) throw new Error(`${rootId} did not start: ${JSON.stringify(started.logs)}`);
  return h;
}

function headersOnly(h: ProxyWasmHost, headers: Array<[string, string]>): () => void {
  return () => {
    const s = h.openStream();
    s.sendRequestHeaders(headers, true);
    s.close();
  };
}

/** A 1 KiB JSON body with the key in the first member, sent in one chunk while the headers wait. */
function withBody(h: ProxyWasmHost): () => void {
  const body = JSON.stringify({ cart: { id: KEY }, items: Array.from({ length: 40 }, (_, i) => ({ sku: `sku-${i}`, n: i })) }).slice(0, 1024);
  const headers: Array<[string, string]> = [...BASE.map(([k, v]) => [k, k === ":method" ? "POST" : v] as [string, string]), ["content-type", "application/json"]];
  return () => {
    const s: HttpStream = h.openStream();
    s.sendRequestHeaders(headers, false);
    s.sendRequestBody(body, true);
    s.close();
  };
}

export async function run(): Promise<BenchRow[]> {
  ensureBuilt();
  const rows: BenchRow[] = [];
  const noop = await host(NOOP_WASM, "noop");
  const pick = await host(STICKY_WASM, "sticky", { key: SOURCES, pods: PODS, id: { prefix: "cart-" }, dc: { local: "dc1", peers: { dc2: "gw-dc2" } } });
  const ring = await host(STICKY_WASM, "sticky", { key: SOURCES, pods: PODS, algorithm: "ring_hash" });
  const native = await host(STICKY_WASM, "sticky", { key: SOURCES, mode: "native", pods: PODS });

  const withHeader: Array<[string, string]> = [...BASE, ["x-cart-id", KEY]];
  const baseline = headersOnly(noop, withHeader);
  const baselineRow: BenchRow = { name: "sticky: no-op plugin, same request (baseline, CPU time)", ns: 0 };
  rows.push(baselineRow);
  const baselines: number[] = [];
  const add = (name: string, fn: () => void, iterations = 2_000, note?: string) => {
    const m = paired(fn, baseline, iterations);
    baselines.push(m.baselineNs);
    rows.push({ name, ns: m.ns, baselineNs: m.baselineNs, note });
  };

  add("sticky pick/maglev (20 pods): key from header", headersOnly(pick, withHeader));
  add("sticky pick/maglev: key from cookie (3rd of 3 cookies)", headersOnly(pick, [...BASE, ["cookie", "a=1; b=2; cart=" + KEY]]));
  add("sticky pick/maglev: key from query parameter", headersOnly(pick, BASE.map(([k, v]) => [k, k === ":path" ? `/orders?x=1&cart=${KEY}` : v])));
  add("sticky pick/maglev: key from path template", headersOnly(pick, BASE.map(([k, v]) => [k, k === ":path" ? `/api/carts/${KEY}/items` : v])));
  add("sticky pick/maglev: key from a 1 KiB JSON body (field first)", withBody(pick));
  add("sticky pick/maglev: no key anywhere (falls through)", headersOnly(pick, BASE));
  add("sticky pick/maglev: key of another DC (forwarded)", headersOnly(pick, [...BASE, ["x-cart-id", "cart-dc2.Q2h5bHR3b3JkZmFjdG9yeQ"]]));
  add("sticky pick/ring_hash (20 pods, 1024+ entries): key from header", headersOnly(ring, withHeader));
  add("sticky native: key from header into x-sticky-key", headersOnly(native, withHeader));

  // ID minting: expected draws = 1 / share = 20 for one of 20 equal pods.
  const idPath: Array<[string, string]> = BASE.map(([k, v]) => [k, k === ":path" ? `/.waymark/id?pod=${PODS[7].address}` : v]);
  add("sticky: mint an ID for one of 20 equal pods (local reply)", headersOnly(pick, idPath), 500, "about 20 draws per ID");
  baselineRow.ns = [...baselines].sort((x, y) => x - y)[baselines.length >> 1];
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run()) console.log(`${r.name.padEnd(72)} ${r.ns.toFixed(0).padStart(8)} ns${r.baselineNs ? `  ${(r.ns / r.baselineNs).toFixed(2)}x` : ""}${r.note ? `  [${r.note}]` : ""}`);
}
