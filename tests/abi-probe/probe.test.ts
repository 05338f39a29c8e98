// The harness tells the truth: the ABI probe runs the same scenarios in stock Envoy and in the harness, and
// what reaches the upstream (headers in order, body), local replies, properties, metrics, shared data,
// call-outs and ticks must come out the same.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startEnvoy, Envoy } from "../../mesh/envoy.ts";
import { startEchoServer, EchoServer, Echo } from "../../mesh/echo-server.ts";
import { request, Reply } from "../../mesh/http.ts";
import { ProxyWasmHost } from "../../harness/index.ts";
import { root } from "../../scripts/ensure.mjs";

const PROBE = join(root, "build", "fixtures", "abi-probe.wasm");
const CONFIG = "tick_ms=50";

interface Scenario { name: string; probe: string; headers?: Array<[string, string]>; chunks?: string[]; path?: string }

const COMMON: Array<[string, string]> = [["x-rep", "1"], ["x-rep", "2"], ["x-replace", "old"], ["x-remove", "gone"], ["x-drop", "d"]];
const SCENARIOS: Scenario[] = [
  { name: "header get/add/replace/remove and repeated headers", probe: "headers" },
  { name: "whole-map rewrite", probe: "setpairs" },
  { name: "properties", probe: "props", path: "/orders/7?expand=items&x=1" },
  { name: "shared data with CAS", probe: "shared", headers: [["x-probe-key", "k1"]] },
  { name: "metrics read back", probe: "metrics" },
  { name: "clock and random", probe: "time" },
  { name: "local reply with headers", probe: "local" },
  { name: "HTTP call-out to the echo server", probe: "callout" },
  { name: "body replaced across chunk boundaries", probe: "body-upper,body-wrap", chunks: ["hello ", "wasm ", "world"] },
];

/** What one run of a scenario produced, normalised so Envoy's and the harness's outcomes compare directly. */
interface Outcome { status: number; headers: Array<[string, string]>; body: string }

/** Envoy fills these per connection; they are compared by shape, not value. */
function normalise(headers: Array<[string, string]>): Array<[string, string]> {
  return headers
    .filter(([k]) => k.startsWith("x-") && k !== "x-envoy-expected-rq-timeout-ms" && k !== "x-request-id")
    .map(([k, v]) => {
      if (k === "x-prop-source-address") return [k, /^127\.0\.0\.1:\d+$/.test(v) ? "127.0.0.1:<port>" : v];
      if (k === "x-prop-source-port") return [k, /^\d+$/.test(v) && Number(v) > 0 ? "<port>" : v];
      return [k, v];
    });
}

function fromEnvoy(reply: Reply, echo: Echo | undefined): Outcome {
  if (reply.status !== 200 || !echo) {
    return { status: reply.status, headers: normalise(reply.headers.filter(([k]) => k.startsWith("x-probe"))), body: reply.body };
  }
  return { status: 200, headers: normalise(echo.headers), body: echo.body };
}

describe("ABI probe: harness and real Envoy agree", () => {
  let echo: EchoServer;
  let envoy: Envoy;
  let host: ProxyWasmHost;
  const envoyOutcomes = new Map<string, Outcome>();
  const harnessOutcomes = new Map<string, Outcome>();

  before(async () => {
    echo = await startEchoServer("echo");
    envoy = await startEnvoy("tests/fixtures/abi-probe/envoy.yaml", { vars: { ECHO_PORT: echo.port, ROOT_ID: "abi-probe", PROBE_CONFIG: CONFIG } });
    host = new ProxyWasmHost({
      wasm: PROBE, rootId: "abi-probe", pluginConfig: CONFIG, clusters: ["echo"],
      // The harness answers call-outs from the same echo server Envoy's cluster points at.
      onHttpCall: async (call) => {
        const path = call.headers.find(([k]) => k === ":path")![1];
        const r = await request(`http://127.0.0.1:${echo.port}${path}`);
        return { status: r.status, headers: r.headers, body: r.body };
      },
    });
    const started = await host.start();
    assert.equal(started.ok, true, `probe failed to start in the harness: ${JSON.stringify(started.logs)}`);

    for (const s of SCENARIOS) {
      const path = s.path ?? "/probe";
      const headers: Array<[string, string]> = [["x-probe", s.probe], ...COMMON, ...(s.headers ?? [])];
      const before = echo.received.length;
      const reply = await request(envoy.url("LISTENER_PORT", path), { method: s.chunks ? "POST" : "GET", headers, chunks: s.chunks });
      const seen = echo.received.slice(before).find((e) => e.path === path);
      envoyOutcomes.set(s.name, fromEnvoy(reply, seen));

      // The harness gets the headers Envoy's filter saw: pseudo-headers first, then Envoy's own additions.
      const stream = host.openStream();
      const requestId = seen?.headers.find(([k]) => k === "x-request-id")?.[1] ?? "none";
      stream.sendRequestHeaders([[":authority", `127.0.0.1:${envoy.port("LISTENER_PORT")}`], [":path", path],
        [":method", s.chunks ? "POST" : "GET"], [":scheme", "http"], ...headers,
        ["x-forwarded-proto", "http"], ["x-request-id", requestId]], !s.chunks);
      if (s.chunks) s.chunks.forEach((c, i) => stream.sendRequestBody(c, i === s.chunks!.length - 1));
      await host.idle();
      if (stream.localReply) {
        const r = stream.localReply;
        harnessOutcomes.set(s.name, { status: r.status, headers: normalise(r.headers.filter(([k]) => k.startsWith("x-probe"))), body: r.body });
      } else {
        const up = stream.upstream;
        harnessOutcomes.set(s.name, { status: 200, headers: normalise(up.headers?.pairs() ?? []), body: Buffer.from(up.body).toString("utf8") });
      }
      stream.close();
    }
  });

  after(async () => {
    await envoy?.stop();
    await echo?.close();
  });

  for (const s of SCENARIOS) {
    it(s.name, () => {
      const fromEnvoy = envoyOutcomes.get(s.name)!;
      const fromHarness = harnessOutcomes.get(s.name)!;
      assert.ok(fromEnvoy.headers.some(([k]) => k.startsWith("x-probe") || k.startsWith("x-callout")), "the probe left no trace in Envoy");
      assert.deepEqual(fromHarness, fromEnvoy);
    });
  }

  it("what the probe saw is what Envoy's semantics say", () => {
    const headers = new Map(envoyOutcomes.get("header get/add/replace/remove and repeated headers")!.headers);
    assert.equal(headers.get("x-probe-first"), "1", "get returns the first of a repeated header");
    assert.equal(headers.get("x-probe-values"), "1|2");
    assert.equal(headers.get("x-replace"), "replaced");
    assert.equal(headers.has("x-remove"), false);
    assert.deepEqual(envoyOutcomes.get("body replaced across chunk boundaries")!.body, "<<HELLO WASM WORLD>>");
    assert.equal(envoyOutcomes.get("local reply with headers")!.status, 418);
    const props = new Map(envoyOutcomes.get("properties")!.headers);
    assert.equal(props.get("x-prop-path"), "/orders/7?expand=items&x=1");
    assert.equal(props.get("x-prop-url-path"), "/orders/7");
    assert.equal(props.get("x-prop-root-id"), "abi-probe");
    assert.equal(new Map(envoyOutcomes.get("shared data with CAS")!.headers).get("x-probe-shared"), "absent,0,0,8,b,cas-moved");
    assert.equal(new Map(envoyOutcomes.get("HTTP call-out to the echo server")!.headers).get("x-callout-saw-path"), "yes");
  });

  it("counters and gauges as Envoy's /stats shows them", async () => {
    const stats = await envoy.stats();
    assert.equal(stats.get("wasmcustom.waymark_probe_requests"), SCENARIOS.length);
    assert.equal(host.metric("waymark_probe_requests"), SCENARIOS.length);
    assert.equal(stats.get("wasmcustom.waymark_probe_gauge"), host.metric("waymark_probe_gauge"));
  });

  it("ticks arrive at the configured period", async () => {
    const deadline = Date.now() + 5000;
    let ticks = 0;
    while (Date.now() < deadline && !(ticks > 0)) {
      ticks = (await envoy.stat("wasmcustom.waymark_probe_ticks")) ?? 0;
      if (!ticks) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(ticks > 0, "Envoy delivered no tick");
    const before = host.metric("waymark_probe_ticks") ?? 0;
    host.advance(49);
    assert.equal(host.metric("waymark_probe_ticks"), before, "no tick before the period");
    host.advance(1);
    assert.equal(host.metric("waymark_probe_ticks"), before + 1);
  });
});

describe("abort in real Envoy and in the harness", () => {
  it("logs the abort message through proxy_log before the VM traps", async () => {
    const echo = await startEchoServer("echo");
    const envoy = await startEnvoy("tests/fixtures/abi-probe/envoy.yaml", { vars: { ECHO_PORT: echo.port, ROOT_ID: "abi-probe", PROBE_CONFIG: "" } });
    try {
      const reply = await request(envoy.url("LISTENER_PORT", "/"), { headers: { "x-probe": "trap" } });
      assert.equal(reply.status, 503, "a trapped plugin fails the stream closed (FAIL_CLOSED is Envoy's default)");
      const line = await envoy.waitForLog(/abort: probe asked to trap at tests\/fixtures\/abi-probe\/index\.ts:\d+:\d+/);
      assert.match(line, /critical/);
    } finally {
      await envoy.stop();
      await echo.close();
    }

    const host = new ProxyWasmHost({ wasm: PROBE, rootId: "abi-probe" });
    assert.equal((await host.start()).ok, true);
    const stream = host.openStream();
    assert.throws(() => stream.sendRequestHeaders({ "x-probe": "trap" }), (err: Error) => err.name === "Error" && /trapped in proxy_on_request_headers/.test(err.message));
    assert.match(host.logsAt("critical").join("\n"), /abort: probe asked to trap at tests\/fixtures\/abi-probe\/index\.ts:\d+:\d+/);
    assert.ok(host.trapped, "the host remembers the VM is dead");
  });

  it("a configuration the plugin refuses is reported with its log line, in Envoy and in the harness", async () => {
    const host = new ProxyWasmHost({ wasm: PROBE, rootId: "abi-probe", pluginConfig: "fail=yes" });
    const started = await host.start();
    assert.equal(started.ok, false);
    assert.deepEqual(started.logs.filter((l) => l.level === "error").map((l) => l.message), ["probe refused its configuration: fail=yes"]);

    const echo = await startEchoServer("echo");
    try {
      await assert.rejects(
        startEnvoy("tests/fixtures/abi-probe/envoy.yaml", { vars: { ECHO_PORT: echo.port, ROOT_ID: "abi-probe", PROBE_CONFIG: "fail=yes" }, readyTimeoutMs: 15_000 }),
        /probe refused its configuration: fail=yes/,
      );
    } finally {
      await echo.close();
    }
  });

  it("an empty root_id selects the module's plugin; an unknown one is refused with the ids on offer", async () => {
    const empty = new ProxyWasmHost({ wasm: PROBE, rootId: "" });
    assert.equal((await empty.start()).ok, true);
    const unknown = new ProxyWasmHost({ wasm: PROBE, rootId: "nope" });
    const started = await unknown.start();
    assert.equal(started.ok, false);
    assert.match(started.logs.map((l) => l.message).join("\n"), /no plugin in this module has root_id 'nope' \(it offers: abi-probe\)/);

    const echo = await startEchoServer("echo");
    const envoy = await startEnvoy("tests/fixtures/abi-probe/envoy.yaml", { vars: { ECHO_PORT: echo.port, ROOT_ID: "", PROBE_CONFIG: "" } });
    try {
      const reply = await request(envoy.url("LISTENER_PORT", "/"), { headers: { "x-probe": "props" } });
      assert.equal(reply.status, 200);
      assert.ok(reply.json().headers.some(([k]: [string, string]) => k === "x-prop-root-id"), "the probe ran under an empty root_id");
    } finally {
      await envoy.stop();
      await echo.close();
    }
  });
});
