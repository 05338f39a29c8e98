// FilterChain, the harness's model of Envoy's HTTP filter chain, used directly (the `waymark test` suites check
// the same semantics against real Envoy, tests/cases/chain.cases.yaml): each filter sees what the one before it
// released, answers come back in reverse order, a local reply from filter k goes back through k..1 only.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { FilterChain, ChainStartError, HeadersAction } from "../../harness/index.ts";
import { root } from "../../scripts/ensure.mjs";

const PROBE = { wasm: join(root, "build", "fixtures", "abi-probe.wasm"), rootId: "abi-probe", pluginConfig: "tick_ms=1000" };
const TENANT = { wasm: join(root, "dist", "tenant.wasm"), rootId: "tenant", pluginConfig: { providers: { p: { issuer: "https://i", local_jwks: { inline_string: JSON.stringify({ keys: [{ kty: "EC", crv: "P-256", alg: "ES256", x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0" }] }) } } } } };
const FEATURE_GROUP = {
  wasm: join(root, "dist", "feature-group.wasm"), rootId: "feature-group",
  pluginConfig: { rules: [{ group: "loyal", body: { pointer: "/segment", equals: "loyal" } }], aliases: { loyal: "v3" } },
};

async function started(filters: ConstructorParameters<typeof FilterChain>[0]): Promise<FilterChain> {
  const chain = new FilterChain(filters);
  const result = await chain.start();
  assert.equal(result.ok, true, JSON.stringify(result.filters.map((f) => [f.name, f.logs])));
  return chain;
}

describe("FilterChain", () => {
  it("passes the request through the filters in order and the answer back in reverse", async () => {
    const chain = await started([{ ...PROBE, name: "outer" }, { ...PROBE, name: "inner" }]);
    const s = chain.openStream();
    s.sendRequestHeaders({ ":path": "/a", "x-probe": "headers" }, true);
    await chain.idle();
    // The inner probe counted the headers the outer one added: it saw the outer one's output.
    assert.deepEqual(s.upstream.headers!.values("x-probe-num-headers"), ["5", "13"]);
    assert.equal(s.upstream.ended, true);
    assert.equal(s.requestHeldBy, null);
    assert.equal(s.downstream.headers, null, "nothing reached the client before the upstream answered");
    s.sendResponseHeaders({ ":status": "200" }, true);
    assert.deepEqual(s.downstream.headers!.values("x-probe-response"), ["seen", "seen"]);
    assert.equal(chain.metric("waymark_probe_requests"), 2, "a counter both filters define adds up, as Envoy's one stat does");
    assert.equal(chain.metric("never_defined"), undefined);
    s.close();
  });

  it("sends a local reply back through the filters up to the one that answered, never past it", async () => {
    const chain = await started([{ ...PROBE, name: "probe" }, { ...TENANT, name: "tenant" }, { ...PROBE, name: "after" }]);
    const s = chain.openStream();
    s.sendRequestHeaders({ ":path": "/a", "x-probe": "none" }, true);
    await chain.idle();
    assert.equal(s.localReplyFilter, 1);
    assert.equal(s.localReply!.status, 401);
    assert.equal(s.upstream.headers, null);
    assert.equal(s.requestHeldBy, null);
    assert.equal(s.downstream.headers!.value(":status"), "401");
    assert.deepEqual(s.downstream.headers!.values("x-probe-response"), ["seen"]);
    assert.deepEqual(s.streams[2].actions, [], "the filter after the one that answered saw nothing");
    assert.equal(chain.hosts[2].metric("waymark_probe_requests"), 0);
  });

  it("reports the filter that holds the request, until virtual time lets it go", async () => {
    const chain = await started([{ ...PROBE, name: "probe" }, { ...FEATURE_GROUP, name: "feature-group" }]);
    const s = chain.openStream();
    s.sendRequestHeaders({ ":method": "POST", ":path": "/a", "content-type": "application/json" });
    assert.equal(s.streams[1].lastAction, HeadersAction.StopIteration);
    s.sendRequestBody('{"segment": "loyal"}', true);
    await chain.idle();
    // Without allow_on_headers_stop_iteration Envoy hands no body to a filter holding its headers.
    assert.equal(s.requestHeldBy, 1);
    assert.equal(s.upstream.headers, null);
    assert.ok(chain.tickPeriodMs > 0);
    chain.advance(1000);
    await chain.idle();
    assert.equal(s.requestHeldBy, null);
    assert.equal(s.upstream.headers!.value("x-version"), undefined, "let go without the body rule");
    assert.equal(s.upstream.ended, true);
    assert.equal(chain.metric("waymark.feature_group.rule_skipped.body_not_delivered"), 1);
  });

  it("lets the body reach a holding filter with allow_on_headers_stop_iteration, chunk by chunk", async () => {
    const chain = await started([{ ...PROBE, name: "probe" }, { ...FEATURE_GROUP, name: "feature-group", allowOnHeadersStopIteration: true }]);
    const s = chain.openStream();
    s.sendRequestHeaders({ ":method": "POST", ":path": "/a", "content-type": "application/json", "x-probe": "none" });
    s.sendRequestBody('{"segment": "lo', false);
    s.sendRequestBody('yal"}', true);
    await chain.idle();
    assert.equal(s.upstream.headers!.value("x-version"), "v3");
    assert.equal(Buffer.from(s.upstream.body).toString(), '{"segment": "loyal"}');
  });

  it("names the filter whose module cannot load; reports each filter's refusal", async () => {
    const broken = new FilterChain([PROBE, { wasm: join(root, "dist", "tools", "net.wasm"), name: "not-proxy-wasm" }]);
    await assert.rejects(broken.start(), (err: unknown) => err instanceof ChainStartError && err.filter === 1 && /^not-proxy-wasm: /.test(err.message));
    const refused = await new FilterChain([PROBE, { ...FEATURE_GROUP, pluginConfig: { rules: [{ group: 5 }] } }]).start();
    assert.equal(refused.ok, false);
    assert.deepEqual(refused.filters.map((f) => f.ok), [true, false]);
    assert.match(refused.filters[1].logs.map((l) => l.message).join("\n"), /rules\[0\]\.group: must be a string/);
  });
});
