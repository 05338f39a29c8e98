// Issue 8 load: every plugin on one ingress gateway for LOAD_SECONDS (default 60) at the highest rate wrk can
// drive, next to the same gateway without plugins, in the same run. Reports throughput and p50/p99, and the
// errors (non-2xx responses and socket errors), which must be zero.
import { join } from "node:path";
import { startEnvoy } from "../mesh/envoy.ts";
import { startEchoServer } from "../mesh/echo-server.ts";
import { runWrk, LoadResult } from "../tests/support/wrk.ts";
import { pluginSet, filterChain } from "../tests/soak/plugins.ts";
import { root } from "../scripts/ensure.mjs";
import type { BenchRow } from "./measure.ts";

const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 32);

export async function run(): Promise<BenchRow[]> {
  const pods = await Promise.all(["pod-a", "pod-b", "pod-c"].map((n) => startEchoServer(n)));
  const set = await pluginSet(pods.map((p) => p.address), Math.floor(Date.now() / 1000));
  const script = join(root, "tests", "soak", "vary-keys.lua");
  const headers = { authorization: `Bearer ${set.token}`, "x-user-id": "u-1", "cf-ipcountry": "DE" };
  const measure = async (filters: string, cluster: string): Promise<LoadResult> => {
    const envoy = await startEnvoy("tests/soak/all-plugins.yaml", { vars: { CLUSTER: cluster, FILTERS: filters, POD_A_PORT: pods[0].port }, logLevel: "warn" });
    try {
      await runWrk(envoy.url("LISTENER_PORT", "/"), { seconds: 3, connections: CONNECTIONS, headers, script });
      return await runWrk(envoy.url("LISTENER_PORT", "/"), { seconds: SECONDS, connections: CONNECTIONS, headers, script });
    } finally {
      await envoy.stop();
    }
  };
  try {
    const bare = await measure("", "echo");
    const all = await measure(filterChain(set.plugins), "pods");
    const note = (r: LoadResult) => `${Math.round(r.rps)} rps, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms, ${r.requests} requests, ${r.errors} errors`;
    return [
      { name: `load: gateway without plugins, ${SECONDS} s, ${CONNECTIONS} connections (ns/request = 1e9/rps)`, ns: 1e9 / bare.rps, note: note(bare) },
      { name: "load: tenant + feature-group + sticky on the same gateway (baseline: without plugins)", ns: 1e9 / all.rps, baselineNs: 1e9 / bare.rps, note: note(all) },
      { name: "load: p99 latency with all plugins (ms; baseline: without plugins)", ns: all.p99Ms, baselineNs: bare.p99Ms },
    ];
  } finally {
    await Promise.all(pods.map((p) => p.close()));
  }
}
