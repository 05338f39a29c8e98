// What one host call costs in Envoy's V8 (issue 13): tests/fixtures/hostcall-bench makes N calls of one host
// function per request; (Envoy CPU per request with N calls - with none) / N is the cost of one call, SDK
// wrapping included. Same measure as bench/cost.bench.ts (envoy-cpu.ts).
// HOSTCALL_N (40), HOSTCALL_SECONDS (3), HOSTCALL_WARMUP_SECONDS (1), HOSTCALL_ROUNDS (3).
import { join } from "node:path";
import { root } from "../scripts/ensure.mjs";
import { measureCpu, router, wasmFilter, CpuVariant } from "./envoy-cpu.ts";
import type { BenchRow } from "./measure.ts";

const N = Number(process.env.HOSTCALL_N ?? 40);
const CALLS = ["get_header_present", "get_header_absent", "get_header_raw", "get_pairs", "set_pairs", "add_header", "replace_header", "remove_absent", "increment_metric", "get_property", "time"];

export async function run(): Promise<BenchRow[]> {
  const wasm = join(root, "build", "fixtures", "hostcall-bench.wasm");
  const request = { path: "/orders/1", headers: { "cf-ipcountry": "DE", authorization: "Bearer abc.def.ghi" } };
  const variant = (call: string, n: number): CpuVariant => ({ name: `${call} x${n}`, request,
    filters: [wasmFilter(`hostcall-${call}`, wasm, "hostcall-bench", null, { vmId: `hostcall-${call}` }), router] });
  const variants = [variant("none", 0), ...CALLS.map((c) => variant(c, N))];
  // The configuration is plain text, not JSON.
  for (const v of variants) {
    const [call, n] = v.name.split(" x");
    ((v.filters[0] as any).typed_config.config.configuration = { "@type": "type.googleapis.com/google.protobuf.StringValue", value: `${call} ${n}` });
  }
  const figures = await measureCpu(variants, {
    seconds: Number(process.env.HOSTCALL_SECONDS ?? 3), warmupSeconds: Number(process.env.HOSTCALL_WARMUP_SECONDS ?? 1),
    rounds: Number(process.env.HOSTCALL_ROUNDS ?? 3), connections: 8,
  });
  const none = figures.get("none x0")!.usPerRequest;
  console.log(`\nhost call | ns of Envoy CPU per call (N = ${N} per request; plugin with no call: ${none.toFixed(1)} µs/request)`);
  return [
    { name: "hostcall: plugin making no call (ns Envoy CPU per request)", ns: none * 1000 },
    ...CALLS.map((c) => {
      const per = ((figures.get(`${c} x${N}`)!.usPerRequest - none) * 1000) / N;
      console.log(`${c.padEnd(20)} ${per.toFixed(0).padStart(6)}`);
      return { name: `hostcall: ${c} (ns Envoy CPU per call)`, ns: per };
    }),
  ];
}
