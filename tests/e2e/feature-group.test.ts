// The feature-group plugin in stock Envoy with envoy-configs/feature-group.yaml (ingress) and
// envoy-configs/feature-group-internal.yaml (a second Envoy playing the internal gateway). The route tables
// match x-version to send order-mgmt traffic to v1, v2 or v3 echo upstreams; each echo says its name.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { startEnvoy, Envoy } from "../../mesh/envoy.ts";
import { startEchoServer, echoValues, EchoServer, Echo } from "../../mesh/echo-server.ts";
import { request } from "../../mesh/http.ts";
import { root } from "../../scripts/ensure.mjs";

const STAT = "wasmcustom.waymark.feature_group.";

describe("feature-group in Envoy: ingress and internal gateway", () => {
  let ingress: Envoy;
  let internal: Envoy;
  const echoes: EchoServer[] = [];
  let hash: { xxh64OfString(s: string, seed: bigint): bigint };

  before(async () => {
    hash = await import(join(root, "dist", "tools", "hash.js"));
    const start = async (name: string) => {
      const e = await startEchoServer(name);
      echoes.push(e);
      return e.port;
    };
    internal = await startEnvoy("envoy-configs/feature-group-internal.yaml", { vars: {
      ORDER_MGMT_V1_PORT: await start("internal/order-mgmt-v1"),
      ORDER_MGMT_V2_PORT: await start("internal/order-mgmt-v2"),
      ORDER_MGMT_V3_PORT: await start("internal/order-mgmt-v3"),
    } });
    ingress = await startEnvoy("envoy-configs/feature-group.yaml", { vars: {
      ORDER_MGMT_V1_PORT: await start("order-mgmt-v1"),
      ORDER_MGMT_V2_PORT: await start("order-mgmt-v2"),
      ORDER_MGMT_V3_PORT: await start("order-mgmt-v3"),
      SANDBOX_PORT: await start("sandbox"),
      INTERNAL_GATEWAY_PORT: internal.port("LISTENER_PORT"),
    } });
  });

  after(async () => {
    await ingress?.stop();
    await internal?.stop();
    for (const e of echoes) await e.close();
  });

  async function call(path: string, headers: Record<string, string> = {}, body?: string | { chunks: string[]; delayMs?: number }, gateway = () => ingress): Promise<Echo> {
    const options = typeof body === "string" ? { method: "POST", body } : body ? { method: "POST", chunks: body.chunks, chunkDelayMs: body.delayMs } : {};
    const reply = await request(gateway().url("LISTENER_PORT", path), { headers, ...options });
    assert.equal(reply.status, 200, reply.body);
    return reply.json<Echo>();
  }

  const routed = (echo: Echo) => ({ name: echo.name, group: echoValues(echo, "x-feature-group")[0], version: echoValues(echo, "x-version")[0] });

  it("geolocation by the trusted country header", async () => {
    assert.deepEqual(routed(await call("/orders/1", { "cf-ipcountry": "DE" })), { name: "order-mgmt-v2", group: "geo-discount", version: "v2" });
    assert.deepEqual(routed(await call("/orders/1", { "cf-ipcountry": "at" })), { name: "order-mgmt-v2", group: "geo-discount", version: "v2" });
    assert.deepEqual(routed(await call("/orders/1", { "cf-ipcountry": "US" })), { name: "order-mgmt-v1", group: undefined, version: undefined });
  });

  it("geolocation by the CIDR table on the client address from x-forwarded-for (one trusted hop)", async () => {
    assert.deepEqual(routed(await call("/orders/2", { "x-forwarded-for": "203.0.113.50" })), { name: "order-mgmt-v2", group: "geo-discount", version: "v2" });
    assert.deepEqual(routed(await call("/orders/2", { "x-forwarded-for": "10.1.1.1, 2001:db8:a7::5" })), { name: "order-mgmt-v2", group: "geo-discount", version: "v2" });
    // The address a client wrote further left is not trusted.
    assert.deepEqual(routed(await call("/orders/2", { "x-forwarded-for": "203.0.113.50, 198.51.100.7" })), { name: "order-mgmt-v1", group: undefined, version: undefined });
    assert.deepEqual(routed(await call("/orders/2", { "x-forwarded-for": "not-an-address" })), { name: "order-mgmt-v1", group: undefined, version: undefined });
    assert.ok((await ingress.stat(`${STAT}rule_skipped.address_malformed`))! >= 1);
  });

  it("body-based grouping, in one piece and streamed in chunks", async () => {
    const loyal = JSON.stringify({ customer: { id: 42, segment: "loyal" }, items: [{ sku: "a", qty: 1 }] });
    const json = { "content-type": "application/json" };
    const whole = await call("/orders", json, loyal);
    assert.deepEqual(routed(whole), { name: "order-mgmt-v3", group: "progressive-discount", version: "v3" });
    assert.equal(whole.body, loyal);
    const streamed = await call("/orders", json, { chunks: ['{"customer":{"segm', 'ent":"loyal"},', '"items":[', "]}"], delayMs: 50 });
    assert.deepEqual(routed(streamed), { name: "order-mgmt-v3", group: "progressive-discount", version: "v3" });
    assert.equal(streamed.body, '{"customer":{"segment":"loyal"},"items":[]}');
    const other = await call("/orders", json, JSON.stringify({ customer: { segment: "new" } }));
    assert.deepEqual(routed(other), { name: "order-mgmt-v1", group: undefined, version: undefined });
  });

  it("bad bodies: no group from the body rule, the request goes on unharmed, counted", async () => {
    const json = { "content-type": "application/json" };
    const malformed = await call("/orders", json, '{"customer":{"segment" "loyal"}}');
    assert.equal(routed(malformed).name, "order-mgmt-v1");
    assert.equal(malformed.body, '{"customer":{"segment" "loyal"}}');
    const big = JSON.stringify({ pad: "x".repeat(100_000), customer: { segment: "loyal" } });
    const large = await call("/orders", json, big);
    assert.equal(routed(large).name, "order-mgmt-v1");
    assert.equal(large.body.length, big.length);
    const deep = '{"a":'.repeat(100) + "1" + "}".repeat(100);
    assert.equal(routed(await call("/orders", json, deep)).name, "order-mgmt-v1");
    const text = await call("/orders", { "content-type": "text/plain" }, '{"customer":{"segment":"loyal"}}');
    assert.equal(routed(text).name, "order-mgmt-v1");
    const stats = await ingress.stats();
    for (const reason of ["body_malformed", "body_too_large", "body_too_deep", "body_not_json"]) {
      assert.ok((stats.get(`${STAT}rule_skipped.${reason}`) ?? 0) >= 1, reason);
    }
    assert.equal(stats.get(`${STAT}rule_skipped.body_not_delivered`) ?? 0, 0, "allow_on_headers_stop_iteration lets the body through");
  });

  it("percent rollout by user id: the same user always lands on the same side", async () => {
    const seed = hash.xxh64OfString("beta", 0n);
    const users = Array.from({ length: 200 }, (_, i) => `user-${i}`);
    const inside = users.find((u) => hash.xxh64OfString(u, seed) % 10000n < 1000n)!;
    const outside = users.find((u) => hash.xxh64OfString(u, seed) % 10000n >= 1000n)!;
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(routed(await call("/orders", { "x-user-id": inside })), { name: "order-mgmt-v3", group: "beta", version: "v3" });
      assert.deepEqual(routed(await call("/orders", { "x-user-id": outside })), { name: "order-mgmt-v1", group: undefined, version: undefined });
    }
  });

  it("client-sent group and version are removed at the ingress", async () => {
    const echo = await call("/orders", { "x-version": "v3", "x-feature-group": "progressive-discount" });
    assert.deepEqual(routed(echo), { name: "order-mgmt-v1", group: undefined, version: undefined });
    const acme = await call("/orders", { "x-version": "v3", "x-tenant": "acme" });
    assert.deepEqual(routed(acme), { name: "order-mgmt-v2", group: "acme-preview", version: "v2" });
    assert.deepEqual(echoValues(acme, "x-version"), ["v2"]);
  });

  it("the sandbox override: honoured for the dev-team tenant only", async () => {
    const dev = await call("/orders", { "x-sandbox": "alice", "x-tenant": "dev-team" });
    assert.equal(dev.name, "sandbox");
    assert.deepEqual(echoValues(dev, "x-sandbox"), ["alice"]);
    const other = await call("/orders", { "x-sandbox": "alice", "x-tenant": "acme" });
    assert.equal(other.name, "order-mgmt-v2");
    assert.deepEqual(echoValues(other, "x-sandbox"), []);
    assert.equal(await ingress.stat(`${STAT}override.x-sandbox.allowed`), 1);
  });

  it("an internal gateway keeps the group and version chosen at the ingress and routes on them", async () => {
    const via = await call("/internal/orders/7", { "cf-ipcountry": "DE" });
    assert.deepEqual(routed(via), { name: "internal/order-mgmt-v2", group: "geo-discount", version: "v2" });
    const body = await call("/internal/orders", { "content-type": "application/json" }, '{"customer":{"segment":"loyal"}}');
    assert.deepEqual(routed(body), { name: "internal/order-mgmt-v3", group: "progressive-discount", version: "v3" });
    assert.equal(await internal.stat(`${STAT}incoming_kept`), 2);
    // Straight to the internal gateway: kept as sent (trusted), or the catch-all when absent.
    assert.deepEqual(routed(await call("/orders", { "x-feature-group": "beta" }, undefined, () => internal)),
      { name: "internal/order-mgmt-v3", group: "beta", version: "v3" });
    assert.deepEqual(routed(await call("/orders", {}, undefined, () => internal)),
      { name: "internal/order-mgmt-v1", group: "baseline", version: "v1" });
  });

  it("counts per group and per reason in Envoy's stats", async () => {
    const names = ["group.geo-discount", "group.progressive-discount", "no_group", "body_held", "rule_skipped.body_truncated"];
    const read = async () => {
      const stats = await ingress.stats();
      return Object.fromEntries(names.map((n) => [n, stats.get(STAT + n) ?? 0]));
    };
    const before = await read();
    for (let i = 0; i < 3; i++) await call("/orders", { "cf-ipcountry": "DE" });
    await call("/orders", { "content-type": "application/json" }, '{"customer":{"segment":"loyal"}}');
    await call("/orders", { "content-type": "application/json" }, '{"customer":');
    const after = await read();
    const delta = Object.fromEntries(names.map((n) => [n, after[n] - before[n]]));
    assert.deepEqual(delta, { "group.geo-discount": 3, "group.progressive-discount": 1, no_group: 1, body_held: 2, "rule_skipped.body_truncated": 1 });
  });
});

describe("feature-group in Envoy without allow_on_headers_stop_iteration", () => {
  let envoy: Envoy;
  const echoes: EchoServer[] = [];

  before(async () => {
    // The same ingress template with the flag turned off: Envoy then never hands the body to a filter whose
    // headers are held, and the plugin's watchdog must let the request go after body_wait_ms (default 1 s).
    const template = readFileSync(join(root, "envoy-configs", "feature-group.yaml"), "utf8");
    const off = template.replace("allow_on_headers_stop_iteration: true", "allow_on_headers_stop_iteration: false");
    assert.notEqual(off, template);
    const vars: Record<string, number> = {};
    for (const name of ["ORDER_MGMT_V1", "ORDER_MGMT_V2", "ORDER_MGMT_V3", "SANDBOX", "INTERNAL_GATEWAY"]) {
      const e = await startEchoServer(name.toLowerCase().replace(/_/g, "-"));
      echoes.push(e);
      vars[`${name}_PORT`] = e.port;
    }
    envoy = await startEnvoy(off, { vars });
  });

  after(async () => {
    await envoy?.stop();
    for (const e of echoes) await e.close();
  });

  it("a body request is let go after body_wait_ms without the body rules, counted and logged", async () => {
    const started = Date.now();
    const reply = await request(envoy.url("LISTENER_PORT", "/orders"), {
      method: "POST", headers: { "content-type": "application/json", "x-tenant": "acme" }, body: '{"customer":{"segment":"loyal"}}',
    });
    const waited = Date.now() - started;
    assert.equal(reply.status, 200);
    const echo = reply.json<Echo>();
    // The body rule could not run; the next rule that holds on headers (acme-preview) decides.
    assert.deepEqual({ name: echo.name, group: echoValues(echo, "x-feature-group")[0] }, { name: "order-mgmt-v2", group: "acme-preview" });
    assert.equal(echo.body, '{"customer":{"segment":"loyal"}}');
    assert.ok(waited >= 900 && waited < 5000, `${waited} ms`);
    assert.equal(await envoy.stat(`${STAT}rule_skipped.body_not_delivered`), 1);
    await envoy.waitForLog(/allow_on_headers_stop_iteration: true in the wasm filter/);
  });
});
