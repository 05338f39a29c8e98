// Runs a conformance plugin of another SDK (built by scripts/build-sdk-plugins.mjs) through real Envoy and
// through the harness with the same requests, and gives both outcomes for the tests to require equal.
//
// The contract every conformance plugin keeps (tests/sdk-plugins/<sdk>/): the request header `x-scenario` picks
//   headers  x-first = first x-rep, x-replace replaced, x-remove removed, x-added added twice, x-count, x-config
//   body     the request body, buffered across chunks, becomes "<<" + upper case + ">>"
//   local    local reply 418 "teapot from <sdk>" with x-local: <sdk>
//   props    x-prop-path, -url-path, -method, -root-id, and -missing for a property that does not exist
//   metrics  gauge 42 then -2, histogram 7, x-metrics with the values read back
//   shared   x-shared: get, set, get, CAS update, stale CAS, as the SDK reports them
//   callout  HTTP call to cluster "echo"; x-callout-status and -saw-path from its answer; x-callout-unknown-cluster
// and always: x-sdk on the request, x-response-sdk and x-response-status on the response, counter
// sdk_<sdk>_requests per request, and sdk_<sdk>_ticks on a 100 ms tick.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startEnvoy, type Envoy } from "../../mesh/envoy.ts";
import { startEchoServer, EchoServer } from "../../mesh/echo-server.ts";
import { startGrpcServer, grpcCall, GrpcServer } from "../support/grpc-server.ts";
import { request } from "../../mesh/http.ts";
import { ProxyWasmHost, WasmLoadError } from "../../harness/index.ts";
import { root } from "../../scripts/ensure.mjs";

export const ROOT_ID = "conformance";
export const PLUGIN_CONFIG = "cfg=1";
export const VM_ID = "sdk-conformance";

export interface Scenario { name: string; headers?: Array<[string, string]>; chunks?: string[]; path?: string }

/** Every SDK's plugin runs these, in this order (counters read back depend on it). */
export const COMMON_SCENARIOS: Scenario[] = [
  { name: "headers", headers: [["x-rep", "1"], ["x-rep", "2"], ["x-replace", "old"], ["x-remove", "gone"]] },
  { name: "body", chunks: ["hello ", "wasm ", "world"] },
  { name: "local" },
  { name: "props", path: "/orders/7?expand=items&x=1" },
  { name: "metrics" },
  { name: "shared" },
  { name: "callout" },
];

/** What one request produced, normalised so Envoy's and the harness's outcomes compare directly. */
export interface Outcome {
  status: number;
  /** What reached the upstream (x- headers in order), or the local reply's x- headers. */
  headers: Array<[string, string]>;
  body: string;
  /** Response headers the plugin set (x-response-*, x-local). */
  response: Array<[string, string]>;
}

/** The built module, or a failure that says why it is missing (a skipped SDK would hide a broken toolchain). */
export function pluginPath(name: string): string {
  const wasm = join(root, "build", "sdk-plugins", `${name}.wasm`);
  if (existsSync(wasm)) return wasm;
  const error = join(root, "build", "sdk-plugins", `${name}.error`);
  const why = existsSync(error) ? readFileSync(error, "utf8").trim() : "it was never built";
  throw new Error(`build/sdk-plugins/${name}.wasm is missing: ${why} (build it with node scripts/build-sdk-plugins.mjs)`);
}

const ENVOY_ONLY = new Set(["x-envoy-expected-rq-timeout-ms", "x-request-id", "x-envoy-upstream-service-time", "x-echo-name"]);

function xHeaders(headers: Array<[string, string]>): Array<[string, string]> {
  return headers.filter(([k]) => k.startsWith("x-") && !ENVOY_ONLY.has(k));
}

function responseHeaders(headers: Array<[string, string]>): Array<[string, string]> {
  return headers.filter(([k]) => k.startsWith("x-response-") || k === "x-local");
}

export interface Upstreams { echo: EchoServer; grpc: GrpcServer; close(): Promise<void> }

export async function startUpstreams(): Promise<Upstreams> {
  const echo = await startEchoServer("echo");
  const grpc = await startGrpcServer();
  return { echo, grpc, close: async () => { await echo.close(); await grpc.close(); } };
}

export async function startPluginEnvoy(wasm: string, up: Upstreams, rootId = ROOT_ID): Promise<Envoy> {
  return startEnvoy("tests/sdk-plugins/envoy.yaml", {
    vars: { WASM: wasm, ROOT_ID: rootId, PLUGIN_CONFIG, VM_ID, ECHO_PORT: up.echo.port, GRPC_PORT: up.grpc.port },
  });
}

/** A harness host set up as the Envoy template sets up the plugin; call-outs reach the same upstreams. */
export function harnessHost(wasm: string, up: Upstreams, rootId = ROOT_ID): ProxyWasmHost {
  return new ProxyWasmHost({
    wasm, rootId, pluginConfig: PLUGIN_CONFIG, vmId: VM_ID, clusters: ["echo", "grpc"], logLevel: "info",
    onHttpCall: async (call) => {
      const path = call.headers.find(([k]) => k === ":path")![1];
      const r = await request(`http://127.0.0.1:${up.echo.port}${path}`);
      return { status: r.status, headers: r.headers, body: r.body };
    },
    onGrpcCall: async (call) => {
      const answer = await grpcCall(up.grpc.port, call.serviceName, call.method, call.initialMetadata, call.messages[0]);
      return answer.status === 0 && answer.messages.length === 1
        ? { messages: answer.messages }
        : { initialMetadata: answer.initialMetadata, messages: answer.messages, trailingMetadata: answer.trailingMetadata, status: answer.status };
    },
  });
}

/** One scenario through Envoy: what reached the echo upstream, or the local reply. */
export async function throughEnvoy(envoy: Envoy, up: Upstreams, s: Scenario, extra: Array<[string, string]> = []): Promise<{ outcome: Outcome; requestId: string }> {
  const path = s.path ?? `/scenario/${s.name}`;
  const before = up.echo.received.length;
  const reply = await request(envoy.url("LISTENER_PORT", path), {
    method: s.chunks ? "POST" : "GET", headers: [["x-scenario", s.name], ...(s.headers ?? []), ...extra], chunks: s.chunks,
  });
  const seen = up.echo.received.slice(before).find((e) => e.path === path);
  const requestId = seen?.headers.find(([k]) => k === "x-request-id")?.[1] ?? "none";
  if (reply.status !== 200 || !seen) {
    return { outcome: { status: reply.status, headers: xHeaders(reply.headers.filter(([k]) => !k.startsWith("x-response-"))), body: reply.body, response: responseHeaders(reply.headers) }, requestId };
  }
  return { outcome: { status: 200, headers: xHeaders(seen.headers), body: seen.body, response: responseHeaders(reply.headers) }, requestId };
}

/**
 * The same scenario in the harness, with the headers Envoy's filter saw (pseudo-headers first, then the
 * client's, then Envoy's own additions) and the echo server's response headers on the way back.
 */
export async function throughHarness(host: ProxyWasmHost, envoy: Envoy, s: Scenario, requestId: string, extra: Array<[string, string]> = []): Promise<Outcome> {
  const path = s.path ?? `/scenario/${s.name}`;
  const stream = host.openStream();
  stream.sendRequestHeaders([[":authority", `127.0.0.1:${envoy.port("LISTENER_PORT")}`], [":path", path],
    [":method", s.chunks ? "POST" : "GET"], [":scheme", "http"], ["x-scenario", s.name], ...(s.headers ?? []), ...extra,
    ["x-forwarded-proto", "http"], ["x-request-id", requestId]], !s.chunks);
  if (s.chunks) s.chunks.forEach((c, i) => stream.sendRequestBody(c, i === s.chunks!.length - 1));
  await host.idle();
  let outcome: Outcome;
  if (stream.localReply) {
    const r = stream.localReply;
    outcome = { status: r.status, headers: xHeaders(r.headers.filter(([k]) => !k.startsWith("x-response-"))), body: r.body, response: responseHeaders(r.headers) };
  } else {
    const up = stream.upstream;
    stream.sendResponseHeaders({ ":status": "200", "content-type": "application/json", "x-echo-name": "echo" });
    outcome = { status: 200, headers: xHeaders(up.headers?.pairs() ?? []), body: Buffer.from(up.body).toString("utf8"), response: responseHeaders(stream.downstream.headers?.pairs() ?? []) };
  }
  stream.close();
  return outcome;
}

/** Envoy's refusal of a module at load (the log line naming why), or null when it starts. */
export async function envoyLoadError(wasm: string, up: Upstreams): Promise<string | null> {
  try {
    const envoy = await startPluginEnvoy(wasm, up);
    await envoy.stop();
    return null;
  } catch (err) {
    const m = /\[wasm\] \[[^\]]+\] (Failed to load Wasm module[^\n]*|Function: [^\n]*|Missing or unknown Proxy-Wasm ABI version|Wasm VM failed (?!Failed to)[^\n]*)/.exec((err as Error).message);
    if (!m) throw err;
    return m[1].replace(/^Wasm VM failed /, "");
  }
}

export async function harnessLoadError(wasm: string, up: Upstreams): Promise<string | null> {
  try {
    await harnessHost(wasm, up).start();
    return null;
  } catch (err) {
    if (err instanceof WasmLoadError) return err.message;
    throw err;
  }
}

/**
 * The conformance suite of one SDK: every scenario through Envoy and the harness must come out the same, the
 * counters must agree with Envoy's /stats, and ticks must arrive at the plugin's period.
 */
export function conformanceSuite(sdk: string, module: string, scenarios: Scenario[] = COMMON_SCENARIOS, rootId = ROOT_ID,
  more?: (get: () => { envoy: Envoy; host: ProxyWasmHost; up: Upstreams; fromEnvoy: Map<string, Outcome> }) => void): void {
  describe(`${sdk} SDK plugin (${module}): harness and real Envoy agree`, () => {
    let up: Upstreams;
    let envoy: Envoy;
    let host: ProxyWasmHost;
    const fromEnvoy = new Map<string, Outcome>();
    const fromHarness = new Map<string, Outcome>();

    before(async () => {
      const wasm = pluginPath(module);
      up = await startUpstreams();
      envoy = await startPluginEnvoy(wasm, up, rootId);
      host = harnessHost(wasm, up, rootId);
      const started = await host.start();
      assert.equal(started.ok, true, `the ${sdk} plugin failed to start in the harness: ${JSON.stringify(started.logs.slice(-5))}`);
      for (const s of scenarios) {
        const extra: Array<[string, string]> = s.name === "shared" ? [["x-key", `${sdk}-${process.pid}`]] : [];
        const { outcome, requestId } = await throughEnvoy(envoy, up, s, extra);
        fromEnvoy.set(s.name, outcome);
        fromHarness.set(s.name, await throughHarness(host, envoy, s, requestId, extra));
      }
    });

    after(async () => {
      await envoy?.stop();
      await up?.close();
    });

    for (const s of scenarios) {
      it(s.name, () => {
        const envoyOutcome = fromEnvoy.get(s.name)!;
        assert.ok(envoyOutcome.headers.some(([k]) => k === "x-sdk" || k === "x-local"), `the ${sdk} plugin left no trace in Envoy: ${JSON.stringify(envoyOutcome)}`);
        assert.deepEqual(fromHarness.get(s.name), envoyOutcome);
      });
    }

    it("the outcomes are what the contract says, in Envoy", () => {
      const headers = new Map(fromEnvoy.get("headers")!.headers);
      assert.equal(headers.get("x-first"), "1", "get returns the first of a repeated header");
      assert.equal(headers.get("x-replace"), "replaced");
      assert.equal(headers.has("x-remove"), false);
      assert.equal(headers.get("x-config"), PLUGIN_CONFIG);
      if (scenarios.some((s) => s.name === "body")) assert.equal(fromEnvoy.get("body")!.body, "<<HELLO WASM WORLD>>");
      assert.equal(fromEnvoy.get("local")!.status, 418);
      assert.equal(fromEnvoy.get("local")!.body, `teapot from ${sdk}`);
      const props = new Map(fromEnvoy.get("props")!.headers);
      assert.equal(props.get("x-prop-path"), "/orders/7?expand=items&x=1");
      assert.equal(props.get("x-prop-url-path"), "/orders/7");
      assert.equal(props.get("x-prop-missing"), "<absent>");
      const callout = new Map(fromEnvoy.get("callout")!.headers);
      assert.equal(callout.get("x-callout-status"), "200");
      assert.equal(callout.get("x-callout-saw-path"), "yes");
      assert.deepEqual(fromEnvoy.get("headers")!.response, [["x-response-sdk", sdk], ["x-response-status", "200"]]);
    });

    it("counters and gauges as Envoy's /stats shows them", async () => {
      const stats = await envoy.stats();
      assert.equal(stats.get(`wasmcustom.sdk_${sdk}_requests`), scenarios.length);
      assert.equal(host.metric(`sdk_${sdk}_requests`), scenarios.length);
      assert.equal(stats.get(`wasmcustom.sdk_${sdk}_gauge`), 40);
      assert.equal(host.metric(`sdk_${sdk}_gauge`), 40);
    });

    it("ticks arrive at the plugin's period", async () => {
      let ticks = 0;
      for (const deadline = Date.now() + 5000; Date.now() < deadline && !ticks;) {
        ticks = (await envoy.stat(`wasmcustom.sdk_${sdk}_ticks`)) ?? 0;
        if (!ticks) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(ticks > 0, "Envoy delivered no tick");
      const before = host.metric(`sdk_${sdk}_ticks`) ?? 0;
      host.advance(99);
      assert.equal(host.metric(`sdk_${sdk}_ticks`), before, "no tick before the period");
      host.advance(1);
      assert.equal(host.metric(`sdk_${sdk}_ticks`), before + 1);
    });

    more?.(() => ({ envoy, host, up, fromEnvoy }));
  });
}
