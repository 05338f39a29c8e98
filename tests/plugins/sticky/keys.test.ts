// Key sources, modes, missing keys, spoofed headers and data centres, through the harness.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { root } from "../../../scripts/ensure.mjs";
import { ProxyWasmHost, HttpStream, HeadersAction, BodyAction } from "../../../harness/index.ts";
import { stickyHost, randomKeys } from "./support.ts";

type HashTool = typeof import("../../../dist/tools/hash.js");
let hashTool: HashTool;

const PODS = [
  { address: "10.0.0.1:8080", hostname: "cart-0" },
  { address: "10.0.0.2:8080", hostname: "cart-1", weight: 2 },
  { address: "10.0.0.3:8080", hostname: "cart-2" },
  { address: "[2001:db8::4]:8080", hostname: "cart-3", weight: 3 },
];
const SOURCES = [{ header: "x-cart-id" }, { cookie: "cart" }, { query: "cart" }, { path: "/api/carts/{cart}/items" }, { body: "/cart/id" }];
const PICK = { key: SOURCES, pods: PODS, id: { prefix: "cart-" }, dc: { local: "dc1", peers: { dc2: "gateway-dc2", dc3: "gateway-dc3" } } };

/** The pod Envoy's Maglev picks for `key` over PODS, computed by the hash module's own entry. */
function expectedPod(key: string): string {
  const handle = hashTool.maglevBuild(PODS.map((p) => p.address).join("\n"), Uint32Array.from(PODS.map((p) => p.weight ?? 1)), 65537);
  const [index] = hashTool.maglevChooseKeys(handle, key);
  hashTool.maglevRelease(handle);
  return PODS[index].address;
}

function forwarded(stream: HttpStream, name: string): string | undefined {
  return stream.upstream.headers?.value(name);
}

function get(host: ProxyWasmHost, headers: Record<string, string | string[]>): HttpStream {
  const stream = host.openStream();
  const action = stream.sendRequestHeaders(headers, true);
  assert.equal(action, HeadersAction.Continue);
  return stream;
}

before(async () => {
  const built = join(root, "dist", "tools", "hash.js");
  if (!existsSync(built)) execFileSync(process.execPath, [join(root, "scripts", "build.mjs"), "--only", "tools/hash", "--quiet"], { cwd: root, stdio: "inherit" });
  hashTool = await import(built);
});

describe("key sources (pick mode)", () => {
  let host: ProxyWasmHost;
  before(async () => {
    host = await stickyHost(PICK);
  });

  it("takes the key from a header and names the pod Maglev picks", () => {
    for (const key of randomKeys(200, 7)) {
      const s = get(host, { "x-cart-id": key });
      assert.equal(forwarded(s, "x-sticky-key"), key);
      assert.equal(forwarded(s, "x-envoy-original-dst-host"), expectedPod(key), key);
      s.close();
    }
  });

  it("uses the first value of a repeated header", () => {
    const s = get(host, { "x-cart-id": ["first", "second"] });
    assert.equal(forwarded(s, "x-sticky-key"), "first");
    assert.equal(forwarded(s, "x-envoy-original-dst-host"), expectedPod("first"));
  });

  it("takes the key from a cookie (Envoy's cookie parsing: quotes stripped, first match over all cookie headers)", () => {
    let s = get(host, { cookie: ["a=1; carts=no", "x=2;  cart=\"c-42\"; cart=later"] });
    assert.equal(forwarded(s, "x-sticky-key"), "c-42");
    assert.equal(forwarded(s, "x-envoy-original-dst-host"), expectedPod("c-42"));
    s = get(host, { cookie: "cart=" });
    assert.equal(forwarded(s, "x-sticky-key"), undefined, "an empty cookie is no key");
  });

  it("takes the key from a query parameter, raw (Envoy does not percent-decode it either)", () => {
    let s = get(host, { ":path": "/shop?x=1&cart=q%2D9&cart=second" });
    assert.equal(forwarded(s, "x-sticky-key"), "q%2D9");
    assert.equal(forwarded(s, "x-envoy-original-dst-host"), expectedPod("q%2D9"));
    s = get(host, { ":path": "/shop?carts=1&xcart=2" });
    assert.equal(forwarded(s, "x-sticky-key"), undefined);
  });

  it("takes the key from a path template segment, and only from a whole match", () => {
    let s = get(host, { ":path": "/api/carts/77/items?x=1" });
    assert.equal(forwarded(s, "x-sticky-key"), "77");
    assert.equal(forwarded(s, "x-envoy-original-dst-host"), expectedPod("77"));
    for (const path of ["/api/carts/77", "/api/carts/77/items/", "/api/carts//items", "/api/cart/77/items", "/api/carts/77/items/3", "api/carts/77/items"]) {
      s = get(host, { ":path": path });
      assert.equal(forwarded(s, "x-sticky-key"), undefined, path);
    }
  });

  it("takes the first source that has a key, in configuration order", () => {
    let s = get(host, { ":path": "/api/carts/p/items?cart=q", cookie: "cart=c", "x-cart-id": "h" });
    assert.equal(forwarded(s, "x-sticky-key"), "h");
    s = get(host, { ":path": "/api/carts/p/items?cart=q", cookie: "cart=c" });
    assert.equal(forwarded(s, "x-sticky-key"), "c");
    s = get(host, { ":path": "/api/carts/p/items?cart=q" });
    assert.equal(forwarded(s, "x-sticky-key"), "q");
    s = get(host, { ":path": "/api/carts/p/items", "x-cart-id": "" });
    assert.equal(forwarded(s, "x-sticky-key"), "p", "an empty header is no key");
  });

  it("counts where keys came from and the picks per pod", () => {
    const before = host.metrics();
    get(host, { "x-cart-id": "m1" });
    get(host, { cookie: "cart=m2" });
    const after = host.metrics();
    assert.equal(after["waymark.sticky.keys.from.header"] - before["waymark.sticky.keys.from.header"], 1);
    assert.equal(after["waymark.sticky.keys.from.cookie"] - before["waymark.sticky.keys.from.cookie"], 1);
    const picks = (m: Record<string, number>) => ["cart-0", "cart-1", "cart-2", "cart-3"].reduce((sum, l) => sum + m[`waymark.sticky.picks.${l}`], 0);
    assert.equal(picks(after) - picks(before), 2);
    const label = PODS.find((p) => p.address === expectedPod("m1"))!.hostname;
    assert.ok(after[`waymark.sticky.picks.${label}`] > before[`waymark.sticky.picks.${label}`]);
  });

  it("removes headers a client must not set: the pod, the key header and the DC route", () => {
    const s = get(host, { "x-cart-id": "k1", "x-envoy-original-dst-host": "169.254.169.254:80", "x-sticky-key": "other", "x-waymark-dc": "dc2" });
    assert.deepEqual(s.upstream.headers!.values("x-envoy-original-dst-host"), [expectedPod("k1")]);
    assert.deepEqual(s.upstream.headers!.values("x-sticky-key"), ["k1"]);
    assert.equal(forwarded(s, "x-waymark-dc"), undefined);
    const none = get(host, { "x-envoy-original-dst-host": "169.254.169.254:80", "x-sticky-key": "other" });
    assert.equal(forwarded(none, "x-envoy-original-dst-host"), undefined);
    assert.equal(forwarded(none, "x-sticky-key"), undefined);
  });

  it("treats a key longer than max_key_length as absent and moves on to the next source", () => {
    const before = host.metric("waymark.sticky.keys.too_long")!;
    const s = get(host, { "x-cart-id": "x".repeat(1025), cookie: "cart=short" });
    assert.equal(forwarded(s, "x-sticky-key"), "short");
    assert.equal(host.metric("waymark.sticky.keys.too_long"), before + 1);
  });

  it("lets a request without a key through untouched and counts it (on_missing: continue)", () => {
    const before = host.metric("waymark.sticky.keys.missing")!;
    const s = get(host, { ":path": "/about" });
    assert.equal(forwarded(s, "x-envoy-original-dst-host"), undefined);
    assert.equal(s.localReply, null);
    assert.equal(host.metric("waymark.sticky.keys.missing"), before + 1);
  });

  it("keeps its memory flat over many requests (nothing kept per request)", () => {
    const run = (n: number) => {
      for (let i = 0; i < n; i++) {
        const s = host.openStream();
        s.sendRequestHeaders({ ":path": `/api/carts/c${i}/items?cart=q${i}`, cookie: `cart=k${i}`, "x-cart-id": i % 3 ? `cart-dc2.${i}` : `h${i}` }, true);
        s.close();
      }
    };
    run(5000);
    const settled = host.memoryBytes();
    run(20000);
    assert.equal(host.memoryBytes(), settled);
  });

  it("survives hostile input without trapping", () => {
    const hostile: Array<Record<string, string>> = [
      { ":path": "/api/carts/" + "a".repeat(60000) + "/items" },
      { ":path": "?" + "&".repeat(5000) + "cart" },
      { ":path": "/api/carts/%00/items", cookie: ";;;=;cart;cart=\"" },
      { ":path": "/" + "/".repeat(3000), "x-cart-id": "\u00e9\u00e8" },
      { cookie: "cart=\"\"" },
    ];
    for (const h of hostile) get(host, h).close();
  });
});

describe("body key source", () => {
  let host: ProxyWasmHost;
  before(async () => {
    host = await stickyHost({ ...PICK, key: [{ body: "/cart/id" }, { header: "x-cart-id" }], max_body_bytes: 4096, body_timeout_ms: 200 });
  });

  function post(contentType = "application/json"): HttpStream {
    const s = host.openStream();
    assert.equal(s.sendRequestHeaders({ ":method": "POST", ":path": "/carts", "content-type": contentType, "x-cart-id": "from-header" }, false), HeadersAction.StopIteration);
    return s;
  }

  it("holds the headers, reads the streamed body until the pointer is decided, then routes", () => {
    const s = post("application/json; charset=utf-8");
    assert.equal(s.sendRequestBody("{\"items\": [1, 2], \"cart\": {\"i", false), BodyAction.StopIterationAndBuffer);
    assert.equal(s.upstream.headers, null, "headers wait for the decision");
    assert.equal(s.sendRequestBody("d\": \"b-\\u0031\", \"rest\": ", false), BodyAction.Continue, "decided before the end of the body");
    assert.equal(forwarded(s, "x-sticky-key"), "b-1");
    assert.equal(forwarded(s, "x-envoy-original-dst-host"), expectedPod("b-1"));
    assert.equal(new TextDecoder().decode(s.upstream.body), "{\"items\": [1, 2], \"cart\": {\"id\": \"b-\\u0031\", \"rest\": ", "the body goes on unchanged");
  });

  it("accepts an integer as the key, not a fraction", () => {
    let s = post();
    s.sendRequestBody("{\"cart\": {\"id\": 123456789012345678901234567890}}", true);
    assert.equal(forwarded(s, "x-sticky-key"), "123456789012345678901234567890");
    s = post();
    s.sendRequestBody("{\"cart\": {\"id\": 1.5}}", true);
    assert.equal(forwarded(s, "x-sticky-key"), "from-header");
  });

  it("falls through to the next source when the member is absent", () => {
    const s = post();
    assert.equal(s.sendRequestBody("{\"cart\": {\"name\": \"x\"}, \"z\": ", false), BodyAction.Continue, "absent once the object closed");
    assert.equal(forwarded(s, "x-sticky-key"), "from-header");
  });

  it("does not read bodies that are not JSON, nor wait when there is no body", () => {
    const s = host.openStream();
    assert.equal(s.sendRequestHeaders({ ":method": "POST", "content-type": "text/plain", "x-cart-id": "h2" }, false), HeadersAction.Continue);
    assert.equal(forwarded(s, "x-sticky-key"), "h2");
    const g = host.openStream();
    assert.equal(g.sendRequestHeaders({ "content-type": "application/json", "x-cart-id": "h3" }, true), HeadersAction.Continue);
    assert.equal(forwarded(g, "x-sticky-key"), "h3");
  });

  it("gives up on malformed, oversized and truncated bodies, counts them, and routes by the next source", () => {
    const cases: Array<[string, string[]]> = [
      ["malformed", ["{\"cart\": {\"id\" \"x\"}}"]],
      ["larger than max_body_bytes", ["{\"pad\": \"" + "p".repeat(5000) + "\", \"cart\": {\"id\": \"late\"}}"]],
      ["cut short", ["{\"cart\": {\"i"]],
      ["nested deeper than 64 levels", ["{\"cart\": {\"x\": " + "[".repeat(100)]],
    ];
    for (const [what, chunks] of cases) {
      const before = host.metric("waymark.sticky.body.unreadable")!;
      const s = post();
      let action: number | undefined;
      for (let i = 0; i < chunks.length; i++) action = s.sendRequestBody(chunks[i], true);
      assert.equal(action, BodyAction.Continue, what);
      assert.equal(forwarded(s, "x-sticky-key"), "from-header", what);
      assert.equal(host.metric("waymark.sticky.body.unreadable"), before + 1, what);
    }
  });

  it("lets a held request go after body_timeout_ms when Envoy never delivers the body, and says why once", async () => {
    // Without allow_on_headers_stop_iteration, Envoy (and the harness) hold the body back from the plugin.
    const withoutFlag = await stickyHost({ ...PICK, key: [{ body: "/cart/id" }, { header: "x-cart-id" }], body_timeout_ms: 200 }, false);
    const postTo = () => {
      const stream = withoutFlag.openStream();
      assert.equal(stream.sendRequestHeaders({ ":method": "POST", ":path": "/carts", "content-type": "application/json", "x-cart-id": "from-header" }, false), HeadersAction.StopIteration);
      return stream;
    };
    const s = postTo();
    s.sendRequestBody("{\"cart\": {\"id\": \"never-seen\"}}", true);
    withoutFlag.advance(150);
    assert.equal(s.upstream.headers, null, "still waiting before the timeout");
    withoutFlag.advance(100);
    assert.equal(forwarded(s, "x-sticky-key"), "from-header", "routed by the next source");
    assert.equal(forwarded(s, "x-envoy-original-dst-host"), expectedPod("from-header"));
    assert.equal(withoutFlag.metric("waymark.sticky.body.timeouts"), 1);
    const warnings = withoutFlag.logsAt("warn").filter((w) => w.includes("allow_on_headers_stop_iteration"));
    assert.equal(warnings.length, 1);
    const again = postTo();
    withoutFlag.advance(250);
    assert.equal(forwarded(again, "x-sticky-key"), "from-header");
    assert.equal(withoutFlag.logsAt("warn").filter((w) => w.includes("allow_on_headers_stop_iteration")).length, 1, "warned once");
  });

  it("decides when trailers end the body", () => {
    const s = post();
    s.sendRequestBody("{\"cart\": {\"id\": \"t", false);
    s.sendRequestTrailers({ "x-trailer": "1" });
    assert.equal(forwarded(s, "x-sticky-key"), "from-header", "the body ended mid-string: no body key");
  });
});

describe("native mode", () => {
  it("only puts the key in key_header (for a route hash_policy) and leaves the pod to Envoy", async () => {
    const host = await stickyHost({ key: [{ header: "x-cart-id" }], mode: "native", key_header: "x-hash-me" });
    const s = get(host, { "x-cart-id": "n1", "x-hash-me": "spoofed", "x-envoy-original-dst-host": "10.9.9.9:1" });
    assert.deepEqual(s.upstream.headers!.values("x-hash-me"), ["n1"]);
    assert.equal(forwarded(s, "x-envoy-original-dst-host"), "10.9.9.9:1", "native mode does not own the ORIGINAL_DST header");
    assert.equal(host.metric("waymark.sticky.native"), 1);
    const missing = get(host, { "x-hash-me": "spoofed" });
    assert.equal(forwarded(missing, "x-hash-me"), undefined, "a client cannot choose the hash");
  });

  it("rejects a request without a key when on_missing is reject", async () => {
    const host = await stickyHost({ key: [{ header: "x-cart-id" }], mode: "native", on_missing: "reject" });
    const s = host.openStream();
    s.sendRequestHeaders({ ":path": "/carts" }, true);
    assert.equal(s.localReply?.status, 400);
    assert.deepEqual(JSON.parse(s.localReply!.body), { error: "sticky key missing" });
    assert.equal(host.metric("waymark.sticky.rejected"), 1);
  });
});

describe("ring hash pick", () => {
  it("names the pod Envoy's ring hash picks (murmur, hostnames)", async () => {
    const host = await stickyHost({
      key: [{ header: "x-cart-id" }], pods: PODS, algorithm: "ring_hash", use_hostname_for_hashing: true,
      ring_hash: { minimum_ring_size: 512, maximum_ring_size: 4096, hash_function: "MURMUR_HASH_2" },
    });
    const handle = hashTool.ringBuild(PODS.map((p) => p.hostname).join("\n"), Uint32Array.from(PODS.map((p) => p.weight ?? 1)), 512n, 4096n, 1);
    for (const key of randomKeys(200, 11)) {
      const want = PODS[hashTool.ringChoose(handle, hashTool.xxh64OfString(key, 0n), 0)].address;
      assert.equal(forwarded(get(host, { "x-cart-id": key }), "x-envoy-original-dst-host"), want, key);
    }
  });
});

describe("data centres", () => {
  let host: ProxyWasmHost;
  before(async () => {
    host = await stickyHost({ ...PICK, dc: { ...PICK.dc, cluster_header: "x-waymark-cluster" } });
  });

  it("sends a key minted in a peer DC to that DC's gateway with the loop guard, without picking a pod", () => {
    const s = get(host, { "x-cart-id": "cart-dc2.abcdefghijklmnopqrstuv" });
    assert.equal(forwarded(s, "x-waymark-dc"), "dc2");
    assert.equal(forwarded(s, "x-waymark-dc-hop"), "dc1");
    assert.equal(forwarded(s, "x-waymark-cluster"), "gateway-dc2");
    assert.equal(forwarded(s, "x-envoy-original-dst-host"), undefined);
    assert.equal(forwarded(s, "x-sticky-key"), "cart-dc2.abcdefghijklmnopqrstuv");
    assert.equal(host.metric("waymark.sticky.dc.forwarded.dc2"), 1);
    assert.equal(host.metric("waymark.sticky.dc.forwarded"), 1);
  });

  it("never sends a request on twice: with the loop guard set it is served here", () => {
    const s = get(host, { "x-cart-id": "cart-dc3.abcdefghijklmnopqrstuv", "x-waymark-dc-hop": "dc2" });
    assert.equal(forwarded(s, "x-waymark-dc"), undefined);
    assert.equal(forwarded(s, "x-envoy-original-dst-host"), expectedPod("cart-dc3.abcdefghijklmnopqrstuv"));
    assert.equal(host.metric("waymark.sticky.dc.loop_stopped"), 1);
  });

  it("serves local, untagged, unknown-DC and foreign-prefix keys here", () => {
    for (const key of ["cart-dc1.abc", "plain-key", "cart-dc9.abc", "order-dc2.abc", "cart-.x", "cart-dc2"]) {
      const s = get(host, { "x-cart-id": key });
      assert.equal(forwarded(s, "x-waymark-dc"), undefined, key);
      assert.equal(forwarded(s, "x-envoy-original-dst-host"), expectedPod(key), key);
    }
  });

  it("strips a DC route header a client sent", () => {
    const s = get(host, { "x-cart-id": "k", "x-waymark-dc": "dc2", "x-waymark-cluster": "anything" });
    assert.equal(forwarded(s, "x-waymark-dc"), undefined);
    assert.equal(forwarded(s, "x-waymark-cluster"), undefined);
  });
});
