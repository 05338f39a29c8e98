// Fuzzing the combined module against the three single plugins chained: whatever the client sends (tokens good
// and bad, spoofed identity, group and pod headers, JSON and other bodies in any chunking), dist/waymark.wasm
// sends upstream exactly what tenant, feature-group and sticky chained send, or answers exactly as they do; and
// the pod header names a configured pod, at most once. (The driver also runs every case on two hosts.)
import { it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import fc from "fast-check";
import { ProxyWasmHost, HeaderInput } from "../../harness/index.ts";
import { fuzzPlugin, runRequest, FuzzRequest, Outcome } from "./driver.ts";
import { headerList, headerValue, chunked, jsonBody } from "./arbitraries.ts";
import { makeKey, sign, localProvider } from "../plugins/tenant/support.ts";
import { EXAMPLE_CONFIG } from "../plugins/feature-group/support.ts";
import { root } from "../../scripts/ensure.mjs";

const pods = ["127.0.0.1:9001", "127.0.0.1:9002", "127.0.0.1:9003"];
const sticky = { key: [{ header: "x-cart-id" }, { cookie: "cart" }, { body: "/cart/id" }], mode: "pick", algorithm: "maglev", pods: pods.map((address) => ({ address })), on_missing: "continue" };
const NOW_MS = 1_800_000_000_000;

async function host(name: string, rootId: string, config: object): Promise<ProxyWasmHost> {
  const h = new ProxyWasmHost({ wasm: join(root, "dist", `${name}.wasm`), rootId, pluginConfig: config, nowMs: NOW_MS, allowOnHeadersStopIteration: true });
  assert.equal((await h.start()).ok, true, name);
  return h;
}

/** The request through the single plugins in turn: each gets the headers the one before let through, the same body. */
async function chained(hosts: ProxyWasmHost[], req: FuzzRequest): Promise<Outcome> {
  let headers: Array<[string, string | Uint8Array]> = [[":method", req.chunks.length ? "POST" : "GET"], [":path", req.path ?? "/"], [":authority", "gateway.test"], [":scheme", "http"], ...req.headers];
  let outcome: Outcome = { status: 0, localBody: "", upstreamHeaders: [], upstreamBody: "" };
  for (const h of hosts) {
    const stream = h.openStream();
    stream.sendRequestHeaders(headers as HeaderInput, req.chunks.length === 0);
    req.chunks.forEach((c, i) => stream.sendRequestBody(c, i === req.chunks.length - 1));
    await h.idle();
    const reply = stream.localReply;
    const wire = stream.upstream.headers?.wirePairs() ?? [];
    outcome = reply
      ? { status: reply.status, localBody: reply.body, upstreamHeaders: [], upstreamBody: "" }
      : { status: stream.upstream.headers ? 200 : 0, localBody: "", upstreamHeaders: stream.upstream.headers?.pairs() ?? [], upstreamBody: Buffer.from(stream.upstream.body).toString("latin1") };
    stream.close();
    if (outcome.status !== 200) return outcome;
    // The next plugin is handed the same bytes (wire pairs are one char per byte).
    headers = wire.map(([k, v]) => [k, Buffer.from(v, "latin1")]);
  }
  return outcome;
}

it("waymark sends upstream exactly what the three plugins chained send", async () => {
  const key = await makeKey("ES256");
  const other = await makeKey("ES256", "other");
  const tokens = await Promise.all([sign(key, { tenant: "acme" }), sign(key, { tenant: "dev-team" }), sign(key, { tenant: "globex" }), sign(other, { tenant: "acme" })]);
  const sections = { tenant: { providers: { main: localProvider([key]) } }, feature_group: EXAMPLE_CONFIG, sticky };
  const singles = [await host("tenant", "tenant", sections.tenant), await host("feature-group", "feature-group", EXAMPLE_CONFIG), await host("sticky", "sticky", sticky)];
  const interesting = fc.oneof(
    fc.constantFrom(...tokens).map((t) => ["authorization", `Bearer ${t}`] as [string, string]),
    fc.constantFrom(...tokens).map((t) => ["authorization", `Bearer ${t}`] as [string, string]),
    fc.tuple(fc.constantFrom("x-tenant", "x-version", "x-feature-group", "x-sandbox", "x-envoy-original-dst-host", "x-sticky-key"), fc.oneof(headerValue, fc.constantFrom("acme", "v3", "beta", "alice", "10.0.0.1:22"))),
    fc.tuple(fc.constantFrom("x-cart-id", "x-user-id", "cf-ipcountry", "x-forwarded-for"), fc.oneof(headerValue, fc.constantFrom("cart-1", "u-9", "DE", "203.0.113.9", "198.51.100.1, 10.0.0.1"))),
    fc.tuple(fc.constant("cookie"), fc.constantFrom("cart=abc", "cart=\"q\"; other=1", "cart=", "=;;")),
    fc.tuple(fc.constant("content-type"), fc.constantFrom("application/json", "application/problem+json; charset=utf-8", "text/plain")),
  );
  const body = fc.oneof(jsonBody, fc.constantFrom('{"customer":{"segment":"loyal"},"cart":{"id":"c-1"}}', '{"cart":{"id":42}}', '{"customer":{"segment":"new"}}'));
  const result = await fuzzPlugin({
    name: "waymark",
    start: () => host("waymark", "waymark", sections),
    requests: fc.record({ headers: headerList(interesting), chunks: fc.oneof(fc.constant([]), chunked(body)), path: fc.constantFrom("/", "/orders/1", "/internal/x") }),
    check: () => {},
    maxMemoryBytes: 64 << 20,
  }, 300);
  assert.ok(result.cases > 0);
  // The differential, case by case, on fresh hosts (the driver's own hosts stay untouched).
  const waymark = await host("waymark", "waymark", sections);
  await fc.assert(fc.asyncProperty(fc.record({ headers: headerList(interesting), chunks: fc.oneof(fc.constant([]), chunked(body)), path: fc.constantFrom("/", "/orders/1") }), async (req) => {
    const one = await runRequest(waymark, req);
    const many = await chained(singles, req);
    if (JSON.stringify(one) !== JSON.stringify(many)) throw new Error(`waymark: ${JSON.stringify(one)}\nchained: ${JSON.stringify(many)}`);
    const dst = one.upstreamHeaders.filter(([k]) => k === "x-envoy-original-dst-host").map(([, v]) => v);
    assert.ok(dst.length <= 1 && dst.every((d) => pods.includes(d)), `pod header outside the pod list: ${JSON.stringify(dst)}`);
  }), { numRuns: Number(process.env.FUZZ_RUNS ?? 300), seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) });
});
