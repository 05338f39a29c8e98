// Fuzzing the sticky plugin in pick mode: whatever the client sends, the pod header upstream names a configured pod
// (a client can never aim x-envoy-original-dst-host at an address of its choosing), at most once.
import { it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ProxyWasmHost } from "../../harness/index.ts";
import { fuzzPlugin, Outcome } from "./driver.ts";
import { headerList, headerValue, chunked, jsonBody } from "./arbitraries.ts";
import { STICKY_WASM } from "../plugins/sticky/support.ts";

const pods = ["127.0.0.1:9001", "127.0.0.1:9002", "127.0.0.1:9003"];
const config = {
  key: [{ header: "x-cart-id" }, { cookie: "cart" }, { query: "cart" }, { path: "/api/carts/{cart}/items" }, { body: "/cart/id" }],
  mode: "pick",
  algorithm: "maglev",
  pods: [{ address: pods[0], hostname: "pod-a" }, { address: pods[1], hostname: "pod-b" }, { address: pods[2], hostname: "pod-c", weight: 2 }],
  id: { path: "/.waymark/id", prefix: "cart-" },
  dc: { local: "dc1", peers: { dc2: "peer_gateway" } },
  on_missing: "continue",
};

it("sticky never routes to an address the client chose", async () => {
  const interesting = fc.oneof(
    fc.tuple(fc.constant("x-envoy-original-dst-host"), fc.constantFrom("169.254.169.254:80", "10.0.0.1:22", pods[0], "")),
    fc.tuple(fc.constant("x-cart-id"), fc.oneof(headerValue, fc.constantFrom("cart-1", "dc2.cart-x", ""))),
    fc.tuple(fc.constant("cookie"), fc.constantFrom("cart=abc", "cart=\"q\"; other=1", "cart=", "=;;", "cart")),
    fc.tuple(fc.constant("x-waymark-dc"), fc.constantFrom("dc2", "dc9", "")),
    fc.tuple(fc.constant("content-type"), fc.constant("application/json")),
  );
  const path = fc.constantFrom("/", "/api/carts/c1/items", "/api/carts//items", "/x?cart=zz", "/.waymark/id?pod=127.0.0.1:9002", "/.waymark/id?pod=10.0.0.1:1", "/.waymark/id");
  const result = await fuzzPlugin({
    name: "sticky",
    start: async () => {
      const host = new ProxyWasmHost({ wasm: STICKY_WASM, rootId: "sticky", pluginConfig: config, nowMs: 1_700_000_000_000, allowOnHeadersStopIteration: true });
      assert.equal((await host.start()).ok, true);
      return host;
    },
    requests: fc.record({ headers: headerList(interesting), chunks: fc.oneof(fc.constant([]), chunked(fc.oneof(jsonBody, fc.constant('{"cart":{"id":"c-9"}}')))), path }),
    // Minted ids are random by design: compare their shape, not their value.
    normalise: (o: Outcome) => ({ ...o, localBody: o.localBody.replace(/"id":"[^"]*"/, '"id":"<minted>"') }),
    check: (_req, outcome) => {
      const dst = outcome.upstreamHeaders.filter(([k]) => k === "x-envoy-original-dst-host").map(([, v]) => v);
      assert.ok(dst.length <= 1, `more than one pod header: ${JSON.stringify(dst)}`);
      assert.ok(dst.every((d) => pods.includes(d)), `routed to an address outside the pod list: ${JSON.stringify(dst)}`);
    },
    maxMemoryBytes: 64 << 20,
  }, 400);
  assert.ok(result.cases > 0);
});
