// Crossings per request (issue 13): for each plugin configured as bench/cost.bench.ts prices it, the callbacks
// the host makes, the host functions the module calls and the buffers the host copies into module memory,
// counted by the harness (harness/host.ts, countCalls) over one request like the benchmark's: headers with a
// valid ES256 token and cf-ipcountry, then a direct response (headers and a body), then the end of the stream.
import { join } from "node:path";
import { ProxyWasmHost } from "../harness/index.ts";
import { root } from "../scripts/ensure.mjs";
import { makeKey, sign, localProvider, NOW } from "../tests/plugins/tenant/support.ts";
import { FEATURE_GROUP, STICKY } from "./cost.bench.ts";
import type { BenchRow } from "./measure.ts";

interface Subject { name: string; wasm: string; rootId: string; config: object | null }

export async function run(): Promise<BenchRow[]> {
  const key = await makeKey("ES256");
  const token = await sign(key, { tenant: "acme" });
  const subjects: Subject[] = [
    { name: "SDK no-op", wasm: "noop", rootId: "noop", config: null },
    { name: "tenant, warm cache", wasm: "tenant", rootId: "tenant", config: { providers: { main: localProvider([key]) }, jwt_cache_config: { jwt_cache_size: 100 } } },
    { name: "feature-group", wasm: "feature-group", rootId: "feature-group", config: FEATURE_GROUP },
    { name: "sticky", wasm: "sticky", rootId: "sticky", config: STICKY },
  ];
  subjects.push({ name: "all three, one module (waymark)", wasm: "waymark", rootId: "waymark",
    config: { tenant: subjects[1].config, feature_group: FEATURE_GROUP, sticky: STICKY } });
  const rows: BenchRow[] = [];
  console.log("\n| plugin | callbacks per request | host calls per request | copies into the module |\n|---|---|---|---|");
  for (const s of subjects) {
    const host = new ProxyWasmHost({ wasm: join(root, "dist", `${s.wasm}.wasm`), rootId: s.rootId, pluginConfig: s.config ?? undefined,
      nowMs: NOW * 1000, countCalls: true, allowOnHeadersStopIteration: true });
    if (!(await host.start()).ok) throw new Error(`${s.name} refused its configuration`);
    const request = (i: number) => {
      const stream = host.openStream();
      stream.sendRequestHeaders({ ":method": "GET", ":path": "/orders/1", ":authority": "gateway", ":scheme": "http",
        authorization: `Bearer ${token}`, "cf-ipcountry": "DE", "x-cart-id": `cart-${i}`, "x-user-id": `user-${i}` }, true);
      stream.sendResponseHeaders({ ":status": "200", "content-length": "6" }, false);
      stream.sendResponseBody("shared", true);
      stream.close();
    };
    request(0); // warms the token cache
    host.hostCalls.clear();
    host.callbacks.clear();
    host.copiesIn = 0;
    const N = 100;
    for (let i = 1; i <= N; i++) request(i);
    const per = (m: Map<string, number>) => [...m].map(([k, v]) => `${k.replace(/^proxy_/, "")} ${+(v / N).toFixed(2)}`).join(", ");
    const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0) / N;
    console.log(`| ${s.name} | ${total(host.callbacks)}: ${per(host.callbacks)} | ${total(host.hostCalls)}: ${per(host.hostCalls)} | ${host.copiesIn / N} |`);
    rows.push({ name: `calls: ${s.name}: host calls per request`, ns: total(host.hostCalls), note: `callbacks ${total(host.callbacks)}, copies in ${host.copiesIn / N}` });
  }
  return rows;
}
