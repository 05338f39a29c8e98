// Soak: many requests through each plugin in the harness, then through real Envoy with every plugin loaded; the
// module's memory (harness) and Envoy's resident memory must be flat after warm-up. `npm test` runs a short
// soak; `npm run soak` runs 1,000,000 requests per plugin and 200,000 through Envoy (SOAK_* variables).
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ProxyWasmHost } from "../../harness/index.ts";
import { startEnvoy, Envoy } from "../../mesh/envoy.ts";
import { startEchoServer, EchoServer } from "../../mesh/echo-server.ts";
import { runWrk, LoadResult } from "../support/wrk.ts";
import { pluginSet, filterChain, Plugin } from "./plugins.ts";
import { NOW } from "../plugins/tenant/support.ts";
import { root } from "../../scripts/ensure.mjs";

const HARNESS_REQUESTS = Number(process.env.SOAK_REQUESTS ?? 20_000);
const ENVOY_SECONDS = Number(process.env.SOAK_ENVOY_SECONDS ?? 3);

function requestFor(plugin: string, i: number, token: string): { headers: Array<[string, string]>; body?: string } {
  const base: Array<[string, string]> = [[":method", "POST"], [":path", `/api/orders/${i % 1000}`], [":authority", "gateway"], [":scheme", "http"]];
  switch (plugin) {
    case "tenant":
      // Mostly the cached good token, sometimes a broken one (refused), sometimes none.
      return { headers: [...base, ["authorization", i % 10 === 0 ? `Bearer ${token.slice(0, -4)}AAAA` : i % 10 === 1 ? "Bearer x.y.z" : `Bearer ${token}`], ["x-tenant", "spoofed"]] };
    case "feature-group":
      return { headers: [...base, ["content-type", "application/json"], ["x-user-id", `user-${i}`], ["cf-ipcountry", i % 3 ? "DE" : "US"]],
        body: JSON.stringify({ customer: { segment: i % 2 ? "loyal" : "new", id: i } }) };
    case "waymark": {
      // The three kinds in turn, each with a valid token (the others are the tenant kind's own mix).
      const kind = ["tenant", "feature-group", "sticky"][i % 3];
      const r = requestFor(kind, Math.floor(i / 3), token);
      if (kind !== "tenant") r.headers.push(["authorization", `Bearer ${token}`]);
      return r;
    }
    default:
      return { headers: [...base, ["x-cart-id", `cart-${i}`]] };
  }
}

/** The combined module with the three plugins' configurations as its sections. */
function combined(plugins: Plugin[]): Plugin {
  const section = (name: string) => plugins.find((p) => p.name === name)!.config;
  return { name: "waymark", wasm: join(root, "dist", "waymark.wasm"), allowOnHeadersStopIteration: true,
    config: { tenant: section("tenant"), feature_group: section("feature-group"), sticky: section("sticky") } };
}

describe("soak", () => {
  let pods: EchoServer[] = [];
  let set: Awaited<ReturnType<typeof pluginSet>>;
  /** Envoy runs on the real clock, so its tokens are minted now; the harness runs on the fixed NOW. */
  let liveSet: Awaited<ReturnType<typeof pluginSet>>;
  before(async () => {
    pods = await Promise.all(["pod-a", "pod-b", "pod-c"].map((n) => startEchoServer(n)));
    set = await pluginSet(pods.map((p) => p.address), NOW);
    liveSet = await pluginSet(pods.map((p) => p.address), Math.floor(Date.now() / 1000));
  });
  after(async () => {
    await Promise.all(pods.map((p) => p.close()));
  });

  for (const name of ["tenant", "feature-group", "sticky", "waymark"]) {
    it(`${name}: module memory is flat over ${HARNESS_REQUESTS.toLocaleString("en-US")} requests in the harness`, async () => {
      const plugin = [...set.plugins, combined(set.plugins)].find((p: Plugin) => p.name === name)!;
      const host = new ProxyWasmHost({ wasm: plugin.wasm, rootId: name, pluginConfig: plugin.config, nowMs: NOW * 1000,
        allowOnHeadersStopIteration: plugin.allowOnHeadersStopIteration });
      assert.equal((await host.start()).ok, true);
      const warmup = Math.max(1000, Math.floor(HARNESS_REQUESTS / 10));
      let afterWarmup = 0;
      for (let i = 0; i < HARNESS_REQUESTS; i++) {
        const r = requestFor(name, i, set.token);
        const stream = host.openStream();
        stream.sendRequestHeaders(r.headers, r.body === undefined);
        if (r.body !== undefined) stream.sendRequestBody(r.body, true);
        stream.close();
        if (i + 1 === warmup) afterWarmup = host.memoryBytes();
      }
      const end = host.memoryBytes();
      console.log(`soak ${name}: module memory ${afterWarmup} B after ${warmup} requests, ${end} B after ${HARNESS_REQUESTS}`);
      assert.equal(end, afterWarmup, `${name}: memory grew after warm-up`);
    });
  }

  describe("through real Envoy with every plugin loaded", () => {
    let envoy: Envoy;
    before(async () => {
      envoy = await startEnvoy("tests/soak/all-plugins.yaml", {
        vars: { CLUSTER: "pods", FILTERS: filterChain(liveSet.plugins), POD_A_PORT: pods[0].port },
        logLevel: "warn",
      });
    });
    after(async () => {
      await envoy?.stop();
    });

    it("answers every request and keeps its memory flat after warm-up", async () => {
      const url = envoy.url("LISTENER_PORT", "/");
      const headers = { authorization: `Bearer ${liveSet.token}`, "x-user-id": "u-1" };
      const script = join(root, "tests", "soak", "vary-keys.lua");
      const warm: LoadResult = await runWrk(url, { seconds: Math.max(2, Math.ceil(ENVOY_SECONDS / 3)), connections: 8, headers, script });
      const rss1 = envoy.rssBytes();
      const first = await runWrk(url, { seconds: ENVOY_SECONDS, connections: 8, headers, script });
      const rss2 = envoy.rssBytes();
      const second = await runWrk(url, { seconds: ENVOY_SECONDS, connections: 8, headers, script });
      const rss3 = envoy.rssBytes();
      const total = warm.requests + first.requests + second.requests;
      console.log(`soak envoy: ${total} requests (${Math.round(first.rps)} rps); RSS ${rss1} -> ${rss2} -> ${rss3} B; errors ${warm.errors + first.errors + second.errors}`);
      assert.equal(warm.errors + first.errors + second.errors, 0, "every request answered 2xx");
      assert.ok(first.requests > 0 && second.requests > 0);
      // Allocator noise aside, a leak grows with requests: the second run must not add memory the first did not need.
      assert.ok(rss3 - rss2 <= Math.max(4 << 20, (rss2 - rss1) + (1 << 20)), `Envoy's memory kept growing: ${rss1} -> ${rss2} -> ${rss3}`);
    });
  });
});
