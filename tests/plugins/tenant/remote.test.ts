// Remote JWKS in the harness: the call-out, requests held until the first key set, the hold timeout, a JWKS
// endpoint that fails or answers garbage, refresh before cache_duration, keeping the last good set, and the
// rate-limited refetch on an unknown kid (key rotation).
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { ProxyWasmHost } from "../../../harness/index.ts";
import { makeKey, sign, jwks, startTenant, bearer, TestKey, ISSUER } from "./support.ts";

const TIMEOUT_MS = 2000;
const CACHE_MS = 300_000;

function remoteConfig(extra: Record<string, unknown> = {}) {
  return {
    providers: {
      main: {
        issuer: ISSUER,
        remote_jwks: { http_uri: { uri: "http://idp.local/.well-known/jwks.json", cluster: "idp", timeout: "2s" }, cache_duration: "300s", ...extra },
        claim_to_headers: [{ header_name: "x-tenant", claim_name: "tenant" }],
      },
    },
  };
}

/** Opens a stream with the token and leaves it open (it may be held). */
function open(host: ProxyWasmHost, token: string) {
  const stream = host.openStream();
  stream.sendRequestHeaders({ ...bearer(token), "x-tenant": "spoofed" }, true);
  return stream;
}

function onlyPending(host: ProxyWasmHost) {
  const pending = host.pendingCalls();
  assert.equal(pending.length, 1, `one call-out in flight, got ${pending.length}`);
  return pending[0];
}

describe("tenant: remote key sets", () => {
  let k1: TestKey;
  let k2: TestKey;
  before(async () => {
    k1 = await makeKey("ES256", "k1");
    k2 = await makeKey("ES256", "k2");
  });

  it("fetches from the named cluster on the first tick, with :path and :authority from the uri", async () => {
    const host = await startTenant(remoteConfig(), { clusters: ["idp"] });
    assert.equal(host.pendingCalls().length, 0);
    host.advance(100);
    const call = onlyPending(host);
    assert.equal(call.cluster, "idp");
    assert.equal(call.timeoutMs, TIMEOUT_MS);
    const h = Object.fromEntries(call.headers);
    assert.equal(h[":method"], "GET");
    assert.equal(h[":path"], "/.well-known/jwks.json");
    assert.equal(h[":authority"], "idp.local");
  });

  it("holds requests that arrive before the first key set, then lets them through", async () => {
    const host = await startTenant(remoteConfig());
    const token = await sign(k1, { tenant: "acme" });
    const a = open(host, token);
    const b = open(host, token);
    assert.equal(a.requestPaused, true);
    assert.equal(a.localReply, null);
    assert.equal(a.upstream.headers, null, "nothing forwarded while held");
    const call = onlyPending(host); // both wait on the same fetch, started by the first request
    host.respondToCall(call.token, { status: 200, body: jwks(k1) });
    for (const s of [a, b]) {
      assert.equal(s.localReply, null);
      assert.deepEqual(s.upstream.headers?.values("x-tenant"), ["acme"]);
    }
    assert.equal(host.metric("waymark.tenant.held"), 2);
    assert.equal(host.metric("waymark.tenant.jwks.fetch_success"), 1);
    // Later requests are decided at once.
    const c = open(host, await sign(k1, { tenant: "globex" }));
    assert.deepEqual(c.upstream.headers?.values("x-tenant"), ["globex"]);
  });

  it("answers held requests 401 jwks_unavailable when the hold timeout passes", async () => {
    const host = await startTenant(remoteConfig());
    const s = open(host, await sign(k1, { tenant: "acme" }));
    host.advance(TIMEOUT_MS - 200);
    assert.equal(s.localReply, null, "still held before the timeout");
    host.advance(400);
    const reply = s.localReply as { status: number; body: string } | null; // re-read: the assertion above narrowed it
    assert.equal(reply?.status, 401);
    assert.equal(JSON.parse(reply!.body).reason, "jwks_unavailable");
    assert.equal(s.upstream.headers, null);
  });

  for (const [name, answer] of [
    ["fails (no connection)", "fail"],
    ["answers 500", { status: 500, body: "boom" }],
    ["answers garbage", { status: 200, body: "{\"keys\": [garbage" }],
    ["answers a set without usable keys", { status: 200, body: JSON.stringify({ keys: [{ kty: "RSA", n: "AQAB", e: "AQAB" }] }) }],
  ] as const) {
    it(`JWKS endpoint ${name} before any key set: held requests get 401 jwks_unavailable, the failure is counted, a retry follows`, async () => {
      const host = await startTenant(remoteConfig());
      const s = open(host, await sign(k1, { tenant: "acme" }));
      host.respondToCall(onlyPending(host).token, answer as any);
      assert.equal(s.localReply?.status, 401);
      assert.equal(JSON.parse(s.localReply!.body).reason, "jwks_unavailable");
      assert.equal(host.metric("waymark.tenant.jwks.fetch_failure"), 1);
      assert.ok(host.logsAt("warn").some((l) => l.includes("JWKS fetch from http://idp.local/.well-known/jwks.json failed")));
      // Right after a failure requests are refused without waiting; the back-off then retries.
      const quick = open(host, await sign(k1, { tenant: "acme" }));
      assert.equal(quick.localReply?.status, 401);
      host.advance(600);
      host.respondToCall(onlyPending(host).token, { status: 200, body: jwks(k1) });
      const later = open(host, await sign(k1, { tenant: "acme" }));
      assert.deepEqual(later.upstream.headers?.values("x-tenant"), ["acme"]);
    });
  }

  it("refreshes before cache_duration runs out and follows a rotation", async () => {
    const host = await startTenant(remoteConfig());
    host.advance(100);
    host.respondToCall(onlyPending(host).token, { status: 200, body: jwks(k1) });
    host.advance(CACHE_MS * 0.9 - 1000);
    assert.equal(host.pendingCalls().length, 0, "no refresh before 90% of cache_duration");
    host.advance(1100);
    const refresh = onlyPending(host);
    host.respondToCall(refresh.token, { status: 200, body: jwks(k2) });
    assert.equal(host.metric("waymark.tenant.jwks.fetch_success"), 2);
    const fresh = open(host, await sign(k2, { tenant: "acme" }));
    assert.deepEqual(fresh.upstream.headers?.values("x-tenant"), ["acme"]);
  });

  for (const [name, answer] of [["fails", "fail"], ["answers 503", { status: 503 }], ["answers garbage", { status: 200, body: "<html>" }]] as const) {
    it(`a refresh that ${name} keeps the last good set`, async () => {
      const host = await startTenant(remoteConfig());
      host.advance(100);
      host.respondToCall(onlyPending(host).token, { status: 200, body: jwks(k1) });
      host.advance(CACHE_MS * 0.9 + 100);
      host.respondToCall(onlyPending(host).token, answer as any);
      assert.equal(host.metric("waymark.tenant.jwks.fetch_failure"), 1);
      // Well past cache_duration, with every retry failing as it is made: the set is still used.
      for (let t = 0; t < CACHE_MS; t += 1000) {
        host.advance(1000);
        for (const call of host.pendingCalls()) host.respondToCall(call.token, answer as any);
      }
      assert.ok(host.metric("waymark.tenant.jwks.fetch_failure")! > 5, "retries were made and counted");
      const s = open(host, await sign(k1, { tenant: "acme" }));
      assert.equal(s.localReply, null, s.localReply?.body);
      assert.deepEqual(s.upstream.headers?.values("x-tenant"), ["acme"]);
    });
  }

  it("an unknown kid triggers one refetch; the request waits for it", async () => {
    const host = await startTenant(remoteConfig());
    host.advance(100);
    host.respondToCall(onlyPending(host).token, { status: 200, body: jwks(k1) });
    const rotated = open(host, await sign(k2, { tenant: "acme" }));
    assert.equal(rotated.requestPaused, true);
    assert.equal(host.metric("waymark.tenant.jwks.unknown_kid_refetch"), 1);
    host.respondToCall(onlyPending(host).token, { status: 200, body: jwks(k1, k2) });
    assert.deepEqual(rotated.upstream.headers?.values("x-tenant"), ["acme"]);
  });

  it("refetches on unknown kids at most once per unknown_kid_refetch_interval", async () => {
    const host = await startTenant(remoteConfig({ unknown_kid_refetch_interval: "10s" }));
    host.advance(100);
    host.respondToCall(onlyPending(host).token, { status: 200, body: jwks(k1) });
    const stranger = await makeKey("ES256", "stranger");
    const first = open(host, await sign(stranger, { tenant: "acme" }));
    host.respondToCall(onlyPending(host).token, { status: 200, body: jwks(k1) });
    assert.equal(JSON.parse(first.localReply!.body).reason, "unknown_kid");
    const calls = host.httpCalls.length;
    for (let i = 0; i < 5; i++) {
      const again = open(host, await sign(stranger, { tenant: "acme" }));
      assert.equal(JSON.parse(again.localReply!.body).reason, "unknown_kid", "refused at once, no new fetch");
    }
    assert.equal(host.httpCalls.length, calls);
    host.advance(10_000);
    open(host, await sign(stranger, { tenant: "acme" }));
    assert.equal(host.httpCalls.length, calls + 1, "a new refetch once the interval passed");
  });

  it("a held request whose client went away is forgotten (no trap when the key set arrives)", async () => {
    const host = await startTenant(remoteConfig());
    const s = open(host, await sign(k1, { tenant: "acme" }));
    s.close();
    host.respondToCall(onlyPending(host).token, { status: 200, body: jwks(k1) });
    assert.equal(host.trapped, null);
  });

  it("a new key set clears the verified-token cache", async () => {
    const host = await startTenant(remoteConfig());
    host.advance(100);
    host.respondToCall(onlyPending(host).token, { status: 200, body: jwks(k1) });
    const token = await sign(k1, { tenant: "acme" });
    open(host, token);
    open(host, token);
    assert.equal(host.metric("waymark.tenant.cache.hit"), 1);
    host.advance(CACHE_MS * 0.9 + 100);
    host.respondToCall(onlyPending(host).token, { status: 200, body: jwks(k2) }); // k1 retired
    const after = open(host, token);
    assert.equal(after.requestPaused, true, "k1 is now unknown: an unknown-kid refetch");
    host.respondToCall(onlyPending(host).token, { status: 200, body: jwks(k2) });
    assert.equal(JSON.parse(after.localReply!.body).reason, "unknown_kid");
  });

  it("a configuration update hands the last good key set to the new root context, with its refresh schedule", async () => {
    const host = await startTenant(remoteConfig());
    host.advance(100);
    host.respondToCall(onlyPending(host).token, { status: 200, body: jwks(k1) });
    host.advance(1000);
    const updated = await host.reconfigure(remoteConfig({ cache_duration: "300s" }));
    assert.ok(updated.ok, JSON.stringify(updated.logs));
    assert.ok(updated.logs.some((l) => l.message.includes("starts with the key set an earlier configuration fetched from http://idp.local/.well-known/jwks.json")));
    // The identity provider is down now: the new configuration verifies with the set it was handed, no fetch.
    const s = open(host, await sign(k1, { tenant: "acme" }));
    assert.equal(s.requestPaused, false);
    assert.deepEqual(s.upstream.headers?.values("x-tenant"), ["acme"]);
    assert.equal(host.pendingCalls().length, 0);
    // The refresh comes at 90% of cache_duration counted from the fetch, not from the update.
    host.advance(CACHE_MS * 0.9 - 1200);
    assert.equal(host.pendingCalls().length, 0);
    host.advance(200);
    assert.equal(host.pendingCalls().length, 1);
  });
});
