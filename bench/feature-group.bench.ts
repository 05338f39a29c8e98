// Feature-group benchmark (issue 5), in the harness's V8: per request, the no-op plugin against header-only
// rules; body rules on 1 KiB, 16 KiB and 64 KiB JSON bodies with the field near the start and near the end;
// and a CIDR lookup on a table of 100,000 prefixes, timed inside wasm (dist/tools/net).
import { join } from "node:path";
import { ProxyWasmHost } from "../harness/index.ts";
import { root } from "../scripts/ensure.mjs";
import type { BenchRow } from "./measure.ts";

const HEADERS: Array<[string, string]> = [
  [":method", "GET"], [":scheme", "http"], [":authority", "shop"], [":path", "/orders/42"],
  ["user-agent", "bench"], ["accept", "*/*"], ["x-tenant", "acme"], ["x-user-id", "user-7"],
];
const POST: Array<[string, string]> = [
  [":method", "POST"], [":scheme", "http"], [":authority", "shop"], [":path", "/orders"],
  ["content-type", "application/json"], ["user-agent", "bench"],
];

/** Header-only rules: the request matches the last one (every earlier rule is checked first). */
const HEADER_RULES = {
  rules: [
    { group: "internal", header: { name: "x-internal", present: true } },
    { group: "mobile", header: { name: "user-agent", prefix: "mobile/" } },
    { group: "acme-preview", header: { name: "x-tenant", equals: "acme" } },
  ],
  aliases: { "acme-preview": "v2" },
};

const BODY_RULES = {
  rules: [{ group: "progressive-discount", body: { pointer: "/customer/segment", equals: "loyal" } }],
  aliases: { "progressive-discount": "v3" },
};

async function started(wasm: string, rootId: string, pluginConfig?: object): Promise<ProxyWasmHost> {
  // As envoy-configs/feature-group.yaml sets it: held headers, the body still flows to the plugin.
  const host = new ProxyWasmHost({ wasm: join(root, "dist", wasm), rootId, pluginConfig, allowOnHeadersStopIteration: true });
  const s = await host.start();
  if (!s.ok) throw new Error(`${rootId} did not start: ${JSON.stringify(s.logs)}`);
  return host;
}

/** A JSON order of about `size` bytes with the customer segment first or last. */
function order(size: number, fieldFirst: boolean): Uint8Array {
  const customer = '"customer":{"id":42,"segment":"loyal"}';
  const items: string[] = [];
  let length = customer.length + 16;
  for (let i = 0; length < size; i++) {
    const item = `{"sku":"sku-${String(i).padStart(6, "0")}","qty":${i % 9 + 1},"price":${(i * 7) % 1000}.95}`;
    items.push(item);
    length += item.length + 1;
  }
  const list = `"items":[${items.join(",")}]`;
  return Buffer.from(`{${fieldFirst ? `${customer},${list}` : `${list},${customer}`}}`);
}

/**
 * Nanoseconds per call of each function: they run in turns, several rounds, and each keeps its fastest round,
 * so load from other processes on the machine hits them alike and mostly drops out.
 */
function fastest(fns: Array<() => void>, iterations: number, rounds = 7): number[] {
  const best = fns.map(() => Infinity);
  for (const f of fns) for (let i = 0; i < Math.min(iterations, 2000); i++) f();
  for (let r = 0; r < rounds; r++) {
    fns.forEach((f, k) => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < iterations; i++) f();
      best[k] = Math.min(best[k], Number(process.hrtime.bigint() - start) / iterations);
    });
  }
  return best;
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const noop = await started("noop.wasm", "noop");
  const headerOnly = await started("feature-group.wasm", "feature-group", HEADER_RULES);
  const bodyRules = await started("feature-group.wasm", "feature-group", BODY_RULES);

  const getRequest = (host: ProxyWasmHost) => () => {
    const s = host.openStream();
    s.sendRequestHeaders(HEADERS, true);
    s.close();
  };
  const check = headerOnly.openStream();
  check.sendRequestHeaders(HEADERS, true);
  if (check.upstream.headers?.value("x-version") !== "v2") throw new Error("header-only rules did not match");

  const [noopNs, headerNs] = fastest([getRequest(noop), getRequest(headerOnly)], 10_000);
  rows.push({ name: "feature-group: GET through the no-op plugin (harness)", ns: noopNs });
  rows.push({ name: "feature-group: GET, 3 header rules (3rd matches), 2 headers set (harness)", ns: headerNs, baselineNs: noopNs,
    note: `goal <= 1.2x no-op: ${headerNs <= 1.2 * noopNs ? "met" : "missed"}; plugin adds ${Math.round(headerNs - noopNs)} ns` });

  // Body rules: headers, then the body in one chunk, as a small request arrives. The no-op plugin with the same
  // body is the harness's own cost of carrying it (copies, buffering), which is not the plugin's.
  const postRequest = (host: ProxyWasmHost, body: Uint8Array) => () => {
    const s = host.openStream();
    s.sendRequestHeaders(POST, false);
    s.sendRequestBody(body, true);
    s.close();
  };
  const verify = bodyRules.openStream();
  verify.sendRequestHeaders(POST, false);
  verify.sendRequestBody(order(1024, false), true);
  if (verify.requestHeaders.value("x-version") !== "v3") throw new Error("body rule did not match");

  let smallNs = 0;
  let smallAdded = 0;
  for (const kib of [1, 16, 64]) {
    for (const first of [true, false]) {
      const body = order(kib * 1024 - 64, first);
      const [floorNs, ns] = fastest([postRequest(noop, body), postRequest(bodyRules, body)], kib === 64 ? 1000 : 3000);
      const added = ns - floorNs;
      if (kib === 1 && first) {
        smallNs = ns;
        smallAdded = added;
      }
      let note = `no-op plugin with the same body ${Math.round(floorNs)} ns; plugin adds ${Math.round(added)} ns`;
      if (kib === 64 && first) {
        note += `; goal <= 2x the 1 KiB body: ${ns <= 2 * smallNs ? "met" : "missed"} (plugin's own cost ${(added / smallAdded).toFixed(2)}x)`;
      }
      rows.push({ name: `feature-group: body rule, ${kib} KiB JSON body (${body.length} B), field near the ${first ? "start" : "end"}`, ns,
        baselineNs: kib === 1 && first ? undefined : smallNs, note });
    }
  }

  // CIDR lookups inside wasm; the loop's own cost (an xorshift step) is reported beside them.
  const net = await import(join(root, "dist", "tools", "net.js"));
  const bytes = net.buildRandomTable(100_000, 10, 42n);
  const lookups = 1_000_000;
  const [emptyNs, v4Ns, v6Ns] = fastest([
    () => net.emptyLoopV4(lookups, 7n), () => net.lookupLoopV4(lookups, 7n), () => net.lookupLoopV6(lookups, 7n),
  ], 1, 7).map((ns) => ns / lookups);
  rows.push({ name: "net: CIDR lookup, IPv4, table of 100,000 prefixes (90% IPv4, 10% IPv6), in wasm", ns: v4Ns,
    note: `goal < 300 ns: ${v4Ns < 300 ? "met" : "missed"}; loop overhead ${emptyNs.toFixed(1)} ns; table ${Math.round(bytes / 1024)} KiB` });
  rows.push({ name: "net: CIDR lookup, IPv6, same table, in wasm", ns: v6Ns, note: `goal < 300 ns: ${v6Ns < 300 ? "met" : "missed"}` });
  return rows;
}
