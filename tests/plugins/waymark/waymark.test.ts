// The combined module (dist/waymark.wasm, root_id waymark) in the harness: its configuration is the three
// plugins' own configurations as sections, and every request comes out exactly as it does through the three
// single plugins chained (tenant, feature-group, sticky): the headers that go upstream, in order, the local
// replies, and every counter. Also what it refuses, and a request held for a remote key set.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { ProxyWasmHost, type HostOptions } from "../../../harness/index.ts";
import { root } from "../../../scripts/ensure.mjs";
import { makeKey, sign, localProvider, jwks, NOW, ISSUER } from "../tenant/support.ts";
import { EXAMPLE_CONFIG } from "../feature-group/support.ts";

const WAYMARK = join(root, "dist", "waymark.wasm");
const SINGLES: Array<[string, string]> = [["tenant", "tenant"], ["feature_group", "feature-group"], ["sticky", "sticky"]];
const PODS = ["10.1.0.1:8080", "10.1.0.2:8080", "10.1.0.3:8080"];
const STICKY = {
  key: [{ header: "x-cart-id" }, { cookie: "cart" }, { body: "/cart/id" }], mode: "pick", algorithm: "maglev",
  pods: PODS.map((address) => ({ address })), on_missing: "continue",
};

interface Request { headers: Array<[string, string]>; body?: string; trailers?: Array<[string, string]> }
interface Outcome { upstream: Array<[string, string]> | null; body: string; reply: { status: number; body: string; headers: Array<[string, string]> } | null }

const options: Partial<HostOptions> = { nowMs: NOW * 1000, allowOnHeadersStopIteration: true };

async function start(wasm: string, rootId: string, config: object | string, extra: Partial<HostOptions> = {}): Promise<ProxyWasmHost> {
  const host = new ProxyWasmHost({ wasm, rootId, pluginConfig: config, ...options, ...extra });
  const started = await host.start();
  if (!started.ok) throw new Error(`${rootId} refused: ${JSON.stringify(started.logs)}`);
  return host;
}

/** One request through one host: what went upstream, or the local reply. */
function pass(host: ProxyWasmHost, r: Request): Outcome {
  const stream = host.openStream();
  stream.sendRequestHeaders(r.headers, r.body === undefined && r.trailers === undefined);
  if (r.body !== undefined) stream.sendRequestBody(r.body, r.trailers === undefined);
  if (r.trailers !== undefined) stream.sendRequestTrailers(r.trailers);
  const reply = stream.localReply;
  const out: Outcome = {
    upstream: reply ? null : stream.upstream.headers?.pairs() ?? null,
    body: Buffer.from(stream.upstream.body).toString("latin1"),
    reply: reply ? { status: reply.status, body: reply.body, headers: reply.headers } : null,
  };
  stream.close();
  return out;
}

/** The request through the single plugins in turn, each given what the one before let through. */
function chained(hosts: ProxyWasmHost[], r: Request): Outcome {
  let current = r;
  let out: Outcome = { upstream: null, body: "", reply: null };
  for (const host of hosts) {
    out = pass(host, current);
    if (out.reply || !out.upstream) return out;
    current = { headers: out.upstream, body: r.body === undefined ? undefined : out.body, trailers: r.trailers };
  }
  return out;
}

/** The plugins' own metrics; the SDK's (waymark.sdk.<root_id>.*) describe the module, which differs by design. */
function sortedMetrics(hosts: ProxyWasmHost[]): Record<string, number> {
  const all: Record<string, number> = {};
  for (const h of hosts) Object.assign(all, h.metrics());
  return Object.fromEntries(Object.entries(all).filter(([k]) => !k.startsWith("waymark.sdk.")).sort(([a], [b]) => a.localeCompare(b)));
}

describe("waymark: the three plugins as one module", () => {
  it("every request comes out as through tenant, feature-group and sticky chained: headers, replies, counters", async () => {
    const key = await makeKey("ES256");
    const other = await makeKey("ES256", "other");
    const sections = { tenant: { providers: { main: localProvider([key]) } }, feature_group: EXAMPLE_CONFIG, sticky: STICKY };
    const singles = await Promise.all(SINGLES.map(([section, name]) => start(join(root, "dist", `${name}.wasm`), name, (sections as Record<string, object>)[section])));
    const waymark = await start(WAYMARK, "waymark", sections);
    const good = await sign(key, { tenant: "acme" });
    const globex = await sign(key, { tenant: "globex" });
    const devTeam = await sign(key, { tenant: "dev-team" });
    const stranger = await sign(other, { tenant: "acme" });
    const base = (path: string, extra: Array<[string, string]> = []): Array<[string, string]> =>
      [[":method", "GET"], [":path", path], [":authority", "shop.example.com"], [":scheme", "https"], ...extra];
    const json: Array<[string, string]> = [["content-type", "application/json"]];
    const requests: Request[] = [
      { headers: base("/orders/1") },                                                              // no token: 401
      { headers: base("/orders/1", [["authorization", "Bearer x.y.z"]]) },                         // malformed token
      { headers: base("/orders/1", [["authorization", `Bearer ${stranger}`]]) },                   // unknown key
      { headers: base("/orders/1", [["authorization", `Bearer ${good}`], ["x-cart-id", "cart-1"]]) },
      { headers: base("/orders/1", [["authorization", `Bearer ${good}`], ["x-cart-id", "cart-1"]]) }, // cached
      { headers: base("/orders/2", [["authorization", `Bearer ${globex}`], ["x-forwarded-for", "203.0.113.7"], ["cookie", "cart=c-9"]]) },
      { headers: base("/orders/3", [["authorization", `Bearer ${globex}`], ["x-tenant", "acme"], ["x-version", "v3"], ["x-feature-group", "beta"], ["x-envoy-original-dst-host", "10.9.9.9:1"]]) },
      { headers: base("/orders/4", [["authorization", `Bearer ${devTeam}`], ["x-sandbox", "alice"], ["x-user-id", "u-7"]]) },
      { headers: base("/orders/5", [["authorization", `Bearer ${globex}`], ["x-sandbox", "mallory"]]) },
      // Body rules: the headers wait for feature-group's decision; sticky then reads its key from the same body.
      { headers: base("/orders", [["authorization", `Bearer ${globex}`], ...json]), body: JSON.stringify({ customer: { segment: "loyal" }, cart: { id: "c-42" } }) },
      { headers: base("/orders", [["authorization", `Bearer ${globex}`], ...json]), body: JSON.stringify({ customer: { segment: "new" }, cart: { id: 77 } }) },
      { headers: base("/orders", [["authorization", `Bearer ${globex}`], ...json]), body: '{"customer": {"segment": "loy' },
      { headers: base("/orders", [["authorization", `Bearer ${globex}`], ...json]), body: JSON.stringify({ cart: { id: "c-5" } }), trailers: [["x-trailer", "1"]] },
      { headers: base("/orders", [["authorization", `Bearer ${globex}`], ["content-type", "text/plain"]]), body: "customer loyal" },
    ];
    for (let i = 0; i < 40; i++) requests.push({ headers: base(`/orders/${i}`, [["authorization", `Bearer ${i % 3 ? good : globex}`], ["x-user-id", `user-${i}`], ["x-cart-id", `cart-${i}`], ["cf-ipcountry", i % 2 ? "DE" : "US"]]) });
    for (const [i, r] of requests.entries()) {
      assert.deepEqual(pass(waymark, r), chained(singles, r), `request ${i}: ${JSON.stringify(r.headers.slice(1, 2))}`);
    }
    assert.deepEqual(sortedMetrics([waymark]), sortedMetrics(singles));
    assert.ok(waymark.metric("waymark.tenant.accepted")! > 40 && waymark.metric("waymark.feature_group.group.progressive-discount")! >= 1);
  });

  it("a request held for a remote key set goes on through feature-group and sticky once the set arrives", async () => {
    const key = await makeKey("ES256");
    const provider = { issuer: ISSUER, remote_jwks: { http_uri: { uri: "http://idp/jwks.json", cluster: "idp", timeout: "1s" } }, claim_to_headers: [{ header_name: "x-tenant", claim_name: "tenant" }] };
    const sections = { tenant: { providers: { main: provider } }, feature_group: EXAMPLE_CONFIG, sticky: STICKY };
    const waymark = new ProxyWasmHost({ wasm: WAYMARK, rootId: "waymark", pluginConfig: sections, ...options });
    assert.equal((await waymark.start()).ok, true);
    const token = await sign(key, { tenant: "acme" });
    const stream = waymark.openStream();
    stream.sendRequestHeaders([[":method", "POST"], [":path", "/orders"], [":authority", "shop"], [":scheme", "https"], ["authorization", `Bearer ${token}`], ["content-type", "application/json"]], false);
    stream.sendRequestBody(JSON.stringify({ customer: { segment: "loyal" }, cart: { id: "c-1" } }), true);
    assert.equal(stream.upstream.headers, null, "held while the key set is fetched");
    const call = waymark.pendingCalls()[0];
    waymark.respondToCall(call.token, { status: 200, body: jwks(key) });
    const up = stream.upstream.headers!;
    assert.equal(up.get("x-tenant"), "acme");
    // The body rule decides (its rule comes before acme-preview), and sticky reads its key from the same body.
    assert.equal(up.get("x-feature-group"), "progressive-discount");
    assert.equal(up.get("x-version"), "v3");
    assert.equal(up.get("x-sticky-key"), "c-1");
    assert.ok(PODS.includes(up.get("x-envoy-original-dst-host")!));
  });

  it("refuses what is not its configuration, naming the field; a section's own errors come from its plugin", async () => {
    const refusal = async (config: object | string) => {
      const host = new ProxyWasmHost({ wasm: WAYMARK, rootId: "waymark", pluginConfig: config });
      const started = await host.start();
      assert.equal(started.ok, false, JSON.stringify(config));
      return host.logsAt("error").join("\n");
    };
    assert.match(await refusal({ tenant: {}, stickiness: {} }), /waymark: invalid configuration: stickiness: unknown field \(allowed: tenant, feature_group, sticky\)/);
    assert.match(await refusal({ sticky: [] }), /waymark: invalid configuration: sticky: must be a JSON object/);
    assert.match(await refusal({}), /waymark: invalid configuration: configuration: names no plugin/);
    assert.match(await refusal("{"), /waymark: invalid configuration: configuration: invalid JSON/);
    assert.match(await refusal({ feature_group: { rules: "none" } }), /^feature-group: invalid configuration: rules/m);
    assert.match(await refusal({ sticky: STICKY, tenant: { providers: {} } }), /^tenant: invalid configuration: providers/m);
  });

  it("accepts the README's example (its key set filled in)", async () => {
    const key = await makeKey("ES256");
    const readme = readFileSync(join(root, "plugins", "waymark", "README.md"), "utf8");
    const example = /```json\n([\s\S]*?)```/.exec(readme)![1].replace('"inline_string": "..."', `"inline_string": ${JSON.stringify(jwks(key))}`);
    const host = await start(WAYMARK, "waymark", example);
    assert.match(host.logsAt("info").join("\n"), /waymark: configured: tenant, feature_group, sticky/);
  });

  it("any section may be left out: sticky alone behaves as the sticky plugin", async () => {
    const waymark = await start(WAYMARK, "waymark", { sticky: STICKY });
    const sticky = await start(join(root, "dist", "sticky.wasm"), "sticky", STICKY);
    for (let i = 0; i < 20; i++) {
      const r: Request = { headers: [[":method", "GET"], [":path", "/c"], [":authority", "a"], [":scheme", "http"], ["x-cart-id", `k-${i}`]] };
      assert.deepEqual(pass(waymark, r), pass(sticky, r));
    }
    assert.deepEqual(sortedMetrics([waymark]), sortedMetrics([sticky]));
  });
});
