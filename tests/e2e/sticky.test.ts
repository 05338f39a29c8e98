// The sticky plugin in stock Envoy with the user-facing envoy-configs/sticky.yaml: every key source, the body
// read while the headers wait, fall-through and spoofing, IDs that route home through both modes, a second
// data centre's gateway, the loop guard between two gateways that each think the other owns a DC, counters
// in /stats, and a bad configuration refused at load.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { startEnvoy, Envoy } from "../../mesh/envoy.ts";
import { startEchoServer, EchoServer, echoValues, Echo } from "../../mesh/echo-server.ts";
import { request } from "../../mesh/http.ts";
import { freePorts } from "../../mesh/ports.ts";
import { ensureBuilt, randomKeys, mapConcurrent } from "../plugins/sticky/support.ts";

const CONFIG = "envoy-configs/sticky.yaml";

interface Gateway { envoy: Envoy; pods: EchoServer[] }

function podVars(pods: EchoServer[]): Record<string, number> {
  return { POD_A_PORT: pods[0].port, POD_B_PORT: pods[1].port, POD_C_PORT: pods[2].port };
}

/** Two gateways pointing at each other: `a` is local `dcA` with peer `peer`, `b` local `dcB` with the same peer name. */
async function gatewayPair(podsA: EchoServer[], podsB: EchoServer[], dcA: string, dcB: string, peerOfA: string, peerOfB: string): Promise<[Envoy, Envoy]> {
  const [portA, portB] = await freePorts(2);
  const a = await startEnvoy(CONFIG, { vars: { ...podVars(podsA), LISTENER_PORT: portA, PEER_GATEWAY_PORT: portB, LOCAL_DC: dcA, PEER_DC: peerOfA } });
  try {
    const b = await startEnvoy(CONFIG, { vars: { ...podVars(podsB), LISTENER_PORT: portB, PEER_GATEWAY_PORT: portA, LOCAL_DC: dcB, PEER_DC: peerOfB } });
    return [a, b];
  } catch (err) {
    await a.stop();
    throw err;
  }
}

async function send(envoy: Envoy, port: "LISTENER_PORT" | "NATIVE_PORT", path: string, headers: Record<string, string> = {}, body?: { chunks: string[] }): Promise<Echo> {
  let reply = await request(envoy.url(port, path), body ? { method: "POST", headers, chunks: body.chunks } : { headers });
  // Envoy may reuse a pooled upstream connection the echo server is just closing: ask again once.
  if (reply.status === 503) reply = await request(envoy.url(port, path), body ? { method: "POST", headers, chunks: body.chunks } : { headers });
  assert.equal(reply.status, 200, `${path}: ${reply.body}`);
  return reply.json<Echo>();
}

async function mint(envoy: Envoy, pod: EchoServer): Promise<string> {
  const reply = await request(envoy.url("LISTENER_PORT", `/.waymark/id?pod=${pod.address}`));
  assert.equal(reply.status, 200, reply.body);
  return reply.json<{ id: string }>().id;
}

describe("sticky in Envoy (envoy-configs/sticky.yaml)", () => {
  const podsA: EchoServer[] = [];
  const podsB: EchoServer[] = [];
  let a: Envoy;
  let b: Envoy;

  before(async () => {
    ensureBuilt();
    for (const n of ["a-pod-a", "a-pod-b", "a-pod-c"]) podsA.push(await startEchoServer(n));
    for (const n of ["b-pod-a", "b-pod-b", "b-pod-c"]) podsB.push(await startEchoServer(n));
    [a, b] = await gatewayPair(podsA, podsB, "dc1", "dc2", "dc2", "dc1");
  });

  after(async () => {
    await a?.stop();
    await b?.stop();
    for (const p of [...podsA, ...podsB]) await p.close();
  });

  it("loads in Envoy and reports its table", async () => {
    const line = await a.waitForLog(/sticky: configured: mode pick, maglev table of 65537 slots over 3 pods/);
    assert.match(line, /dc dc1 with 1 peers/);
    await a.waitForLog(/sticky: configured: mode native/);
  });

  it("routes by header, cookie, query, path template and streamed JSON body to the pod the native route picks", async () => {
    for (const key of ["cart-1", "cart-2", "x", "7f3a9c"]) {
      const native = (await send(a, "NATIVE_PORT", "/carts", { "x-cart-id": key })).name;
      const byHeader = await send(a, "LISTENER_PORT", "/carts", { "x-cart-id": key });
      assert.equal(byHeader.name, native, key);
      assert.deepEqual(echoValues(byHeader, "x-sticky-key"), [key]);
      assert.equal((await send(a, "LISTENER_PORT", "/carts", { cookie: `session=1; cart=${key}` })).name, native);
      assert.equal((await send(a, "LISTENER_PORT", `/carts?cart=${key}`)).name, native);
      assert.equal((await send(a, "LISTENER_PORT", `/api/carts/${key}/items`)).name, native);
      // The key arrives in the third of four body chunks; the rest of the body still reaches the pod.
      const chunks = ["{\"note\": \"a\", ", "\"cart\": {\"i", `d": "${key}"}, `, "\"tail\": [1, 2, 3]}"];
      const byBody = await send(a, "LISTENER_PORT", "/carts", { "content-type": "application/json" }, { chunks });
      assert.equal(byBody.name, native, `body key ${key}`);
      assert.equal(byBody.body, chunks.join(""));
    }
    assert.ok((await a.stat("wasmcustom.waymark.sticky.keys.from.body"))! >= 4);
  });

  it("agrees with the native MAGLEV cluster (weights 1, 1, 2) for 300 random keys", async () => {
    const keys = randomKeys(300, 5);
    const differ = await mapConcurrent(keys, 16, async (key) => {
      const [n, p] = [await send(a, "NATIVE_PORT", "/", { "x-cart-id": key }), await send(a, "LISTENER_PORT", "/", { "x-cart-id": key })];
      return n.name === p.name ? null : key;
    });
    assert.deepEqual(differ.filter((k) => k !== null), []);
  });

  it("falls through to round-robin without a key, and ignores a pod a client names itself", async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const echo = await send(a, "LISTENER_PORT", "/about", { "x-envoy-original-dst-host": podsB[0].address });
      assert.notEqual(echo.name, "b-pod-a", "the client chose the upstream");
      assert.deepEqual(echoValues(echo, "x-envoy-original-dst-host"), []);
      seen.add(echo.name);
    }
    assert.equal(seen.size, 3, `round robin reached ${[...seen].join(", ")}`);
    // With a key, whatever the client put in the plugin's headers is replaced by one value.
    const reply = await request(a.url("LISTENER_PORT", "/carts"), {
      headers: [["x-cart-id", "k-9"], ["x-sticky-key", "forged-1"], ["x-sticky-key", "forged-2"], ["x-envoy-original-dst-host", podsB[0].address], ["x-envoy-original-dst-host", podsB[1].address]],
    });
    const keyed = reply.json<Echo>();
    assert.deepEqual(echoValues(keyed, "x-sticky-key"), ["k-9"]);
    assert.equal(echoValues(keyed, "x-envoy-original-dst-host").length, 1);
    assert.match(keyed.name, /^a-pod-/);
    assert.ok((await a.stat("wasmcustom.waymark.sticky.keys.missing"))! >= 6);
  });

  it("mints IDs that come home through pick mode, native mode and every key source", async () => {
    for (const pod of podsA) {
      const id = await mint(a, pod);
      assert.match(id, /^cart-dc1\.[A-Za-z0-9_-]{22}$/);
      assert.equal((await send(a, "LISTENER_PORT", "/carts", { "x-cart-id": id })).name, pod.name);
      assert.equal((await send(a, "NATIVE_PORT", "/carts", { "x-cart-id": id })).name, pod.name);
      assert.equal((await send(a, "LISTENER_PORT", `/api/carts/${id}/items`)).name, pod.name);
      assert.equal((await send(a, "NATIVE_PORT", "/carts", { cookie: `cart=${id}` })).name, pod.name);
    }
    const native = await request(a.url("NATIVE_PORT", `/.waymark/id?pod=${podsA[2].address}`));
    const id = native.json<{ id: string; dc: string }>();
    assert.equal(id.dc, "dc1");
    assert.equal((await send(a, "LISTENER_PORT", "/", { "x-cart-id": id.id })).name, "a-pod-c");
    assert.equal((await request(a.url("LISTENER_PORT", "/.waymark/id?pod=10.9.9.9:1"))).status, 404);
  });

  it("sends a cart minted in the other data centre to its gateway, which serves it from the right pod", async () => {
    const id = await mint(b, podsB[1]);
    assert.match(id, /^cart-dc2\./);
    const echo = await send(a, "LISTENER_PORT", "/carts", { "x-cart-id": id });
    assert.equal(echo.name, "b-pod-b");
    assert.deepEqual(echoValues(echo, "x-waymark-dc-hop"), ["dc1"], "the loop guard travels with it");
    assert.equal(await a.stat("wasmcustom.waymark.sticky.dc.forwarded.dc2"), 1);
    // The same through A's native listener.
    assert.equal((await send(a, "NATIVE_PORT", "/carts", { "x-cart-id": id })).name, "b-pod-b");
    // And back: a dc1 cart asked for at B.
    const home = await mint(a, podsA[0]);
    assert.equal((await send(b, "LISTENER_PORT", "/carts", { "x-cart-id": home })).name, "a-pod-a");
  });

  it("shows its counters in /stats", async () => {
    const stats = await a.stats();
    for (const name of ["picks.pod-a", "picks.pod-b", "picks.pod-c", "keys.missing", "ids.minted", "dc.forwarded", "keys.from.header", "keys.from.cookie", "keys.from.query", "keys.from.path"]) {
      assert.ok((stats.get(`wasmcustom.waymark.sticky.${name}`) ?? 0) > 0, `wasmcustom.waymark.sticky.${name}`);
    }
  });
});

describe("sticky loop guard between two misconfigured gateways", () => {
  it("sends a request across once, never back and forth", async () => {
    const pods: EchoServer[] = [];
    for (const n of ["x-pod-a", "x-pod-b", "x-pod-c", "y-pod-a", "y-pod-b", "y-pod-c"]) pods.push(await startEchoServer(n));
    // Each gateway believes the other one reaches dc9.
    const [x, y] = await gatewayPair(pods.slice(0, 3), pods.slice(3), "dc1", "dc2", "dc9", "dc9");
    try {
      const echo = await send(x, "LISTENER_PORT", "/carts", { "x-cart-id": "cart-dc9.abcdefghijklmnopqrstuv" });
      assert.match(echo.name, /^y-pod-/, "served by the gateway it was sent to");
      assert.equal(await x.stat("wasmcustom.waymark.sticky.dc.forwarded"), 1);
      assert.equal(await y.stat("wasmcustom.waymark.sticky.dc.forwarded") ?? 0, 0);
      assert.equal(await y.stat("wasmcustom.waymark.sticky.dc.loop_stopped"), 1);
    } finally {
      await x.stop();
      await y.stop();
      for (const p of pods) await p.close();
    }
  });
});

describe("sticky body keys without allow_on_headers_stop_iteration", () => {
  it("lets the held request go after body_timeout_ms, routed by the next source, and warns", async () => {
    const pods: EchoServer[] = [];
    for (const n of ["p0", "p1"]) pods.push(await startEchoServer(n));
    const config = { key: [{ body: "/cart/id" }, { header: "x-sticky-key" }], pods: pods.map((p) => ({ address: p.address })), body_timeout_ms: 300 };
    // sticky-parity.yaml does not set allow_on_headers_stop_iteration, so Envoy never hands the body over.
    const envoy = await startEnvoy("envoy-configs/sticky-parity.yaml", {
      vars: {
        LB_POLICY: "MAGLEV", LB_CONFIG_FIELD: "maglev_lb_config", LB_CONFIG: "{}", USE_HOSTNAME: "false", CLUSTER_TYPE: "STATIC",
        LB_ENDPOINTS: JSON.stringify(pods.map((p) => ({ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: p.port } } } }))),
        STICKY_CONFIG: JSON.stringify(config),
      },
    });
    try {
      const started = Date.now();
      const reply = await request(envoy.url("PICK_PORT", "/carts"), { method: "POST", headers: { "content-type": "application/json", "x-sticky-key": "k-1" }, body: "{\"cart\": {\"id\": \"b-1\"}}" });
      assert.equal(reply.status, 200, reply.body);
      assert.ok(Date.now() - started >= 250, "held until the timeout");
      const echo = reply.json<Echo>();
      assert.deepEqual(echoValues(echo, "x-sticky-key"), ["k-1"]);
      assert.equal(echo.body, "{\"cart\": {\"id\": \"b-1\"}}", "the body still goes upstream");
      assert.equal(await envoy.stat("wasmcustom.waymark.sticky.body.timeouts"), 1);
      await envoy.waitForLog(/body key sources need allow_on_headers_stop_iteration: true/);
    } finally {
      await envoy.stop();
      for (const p of pods) await p.close();
    }
  });
});

describe("sticky bad configuration in Envoy", () => {
  it("is refused at load with one log line naming the field", async () => {
    const bad = { key: [{ header: "x-sticky-key" }], pods: [{ address: "127.0.0.1:9" }, { address: "127.0.0.1:10", weight: 0 }] };
    await assert.rejects(
      startEnvoy("envoy-configs/sticky-parity.yaml", {
        vars: {
          LB_POLICY: "MAGLEV", LB_CONFIG_FIELD: "maglev_lb_config", LB_CONFIG: "{}", USE_HOSTNAME: "false", CLUSTER_TYPE: "STATIC",
          LB_ENDPOINTS: "[]", STICKY_CONFIG: JSON.stringify(bad),
        },
        readyTimeoutMs: 15_000,
      }),
      (err: Error) => {
        assert.match(err.message, /sticky: invalid configuration: pods\[1\]\.weight: must not be 0/);
        return true;
      },
    );
  });
});
