// Membership through the harness: the sticky plugin's call-outs to the admin are answered by the test with
// endpoint dumps captured from stock Envoy 1.40 (fixtures/membership/, see membership-fixtures.ts). The table a
// dump builds must choose exactly as a plugin configured with the same pods as a static list (that path is
// proven against Envoy by tests/e2e/sticky-parity.test.ts); health, panic and priorities follow Envoy's rules;
// swaps are whole; bad answers keep the last table; IDs follow the set; memory stays flat.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { root } from "../../../scripts/ensure.mjs";
import { ProxyWasmHost, HttpStream, HttpCallRecord, HeadersAction, SharedDataStore } from "../../../harness/index.ts";
import { stickyHost, randomKeys, ensureBuilt, STICKY_WASM } from "./support.ts";
import { fixture, endpointDumpPath } from "./membership-fixtures.ts";

type HashTool = typeof import("../../../dist/tools/hash.js");
let hashTool: HashTool;

before(async () => {
  const built = join(root, "dist", "tools", "hash.js");
  if (!existsSync(built)) execFileSync(process.execPath, [join(root, "scripts", "build.mjs"), "--only", "tools/hash", "--quiet"], { cwd: root, stdio: "inherit" });
  hashTool = await import(built);
});

const MEMBERSHIP = { cluster: "three-pods", admin_cluster: "envoy_admin" };
const KEYS = randomKeys(2000, 20261204);

/** A pick-mode plugin following `cluster`; the test answers its call-outs. */
async function following(cluster: string, extra: Record<string, unknown> = {}): Promise<ProxyWasmHost> {
  const { membership, ...rest } = extra as { membership?: object };
  return stickyHost({ key: [{ header: "x-cart-id" }], id: { prefix: "cart-" }, membership: { ...MEMBERSHIP, cluster, ...membership }, ...rest });
}

/** The call-out in flight (exactly one). */
function pending(host: ProxyWasmHost): HttpCallRecord {
  const calls = host.pendingCalls();
  assert.equal(calls.length, 1, `expected one call-out in flight, got ${calls.length}`);
  return calls[0];
}

/** Lets the next refresh fire and answers it with `body` (a fixture's text), or a failure. */
function refresh(host: ProxyWasmHost, answer: string | { status: number; body: string } | "fail"): void {
  if (host.pendingCalls().length === 0) host.advance(500);
  const call = pending(host);
  host.respondToCall(call.token, typeof answer === "string" && answer !== "fail" ? { status: 200, body: answer } : answer);
}

function route(host: ProxyWasmHost, key: string): string | undefined {
  const s = host.openStream();
  s.sendRequestHeaders({ "x-cart-id": key }, true);
  const pod = s.upstream.headers?.value("x-envoy-original-dst-host");
  s.close();
  return pod;
}

function routes(host: ProxyWasmHost, keys = KEYS): Array<string | undefined> {
  return keys.map((k) => route(host, k));
}

function ask(host: ProxyWasmHost, path: string): HttpStream {
  const s = host.openStream();
  s.sendRequestHeaders({ ":path": path }, true);
  return s;
}

/** A plugin with the same pods as a static list: the reference the membership table must equal. */
function staticHost(pods: object[], extra: object = {}): Promise<ProxyWasmHost> {
  return stickyHost({ key: [{ header: "x-cart-id" }], pods, ...extra });
}

/**
 * A stored dump with its cluster renamed to `cluster` (the plugins here follow that name) and its
 * ClusterLoadAssignment changed by `edit`; untouched fixtures are used as captured.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function dump(name: string, cluster = "three-pods", edit?: (assignment: any) => void): string {
  if (cluster === name && !edit) return fixture(name);
  const d = JSON.parse(fixture(name));
  for (const c of d.configs) {
    for (const field of ["static_endpoint_configs", "dynamic_endpoint_configs"]) {
      for (const e of c[field] ?? []) {
        e.endpoint_config.cluster_name = cluster;
        edit?.(e.endpoint_config);
      }
    }
  }
  return JSON.stringify(d, null, 1);
}

const addr = (n: number) => `10.0.0.${n}:8080`;
const podList = (...ns: number[]) => ns.map((n) => ({ address: addr(n), hostname: `cart-${n}` }));

describe("membership: the fetch", () => {
  it("asks the admin cluster for the endpoint dump of the cluster, on the first tick and every refresh_ms", async () => {
    const host = await following("three-pods");
    assert.equal(host.tickPeriodMs, 125, "a quarter of refresh_ms");
    assert.equal(host.pendingCalls().length, 0, "nothing is fetched before the first tick");
    host.advance(125);
    const call = pending(host);
    assert.equal(call.cluster, "envoy_admin");
    assert.equal(call.timeoutMs, 1000);
    const headers = new Map(call.headers);
    assert.equal(headers.get(":method"), "GET");
    assert.equal(headers.get(":path"), endpointDumpPath("three-pods"));
    assert.equal(headers.get(":path"), "/config_dump?include_eds&mask=static_endpoint_configs,dynamic_endpoint_configs&name_regex=%5Ethree%5C-pods%24");
    // One call at a time: ticks while it is in flight start no other.
    host.advance(1000);
    assert.equal(host.pendingCalls().length, 1);
    host.respondToCall(call.token, { status: 200, body: fixture("three-pods") });
    host.advance(125);
    assert.equal(host.pendingCalls().length, 1, "the next refresh is due (500 ms after the first fetch)");
    host.respondToCall(pending(host).token, { status: 200, body: fixture("three-pods") });
    host.advance(375);
    assert.equal(host.pendingCalls().length, 0, "not before refresh_ms");
    host.advance(125);
    assert.equal(host.pendingCalls().length, 1);
    assert.equal(host.metric("waymark.sticky.membership.fetches"), 3);
  });

  it("escapes every regex and URL character of the name (Istio's cluster names have | and .)", async () => {
    const host = await following("cart", { membership: { eds_service_name: "outbound|8080||cart.default.svc.cluster.local", refresh_ms: 100, timeout_ms: 250 } });
    assert.equal(host.tickPeriodMs, 25);
    host.advance(25);
    const call = pending(host);
    assert.equal(call.timeoutMs, 250);
    const path = new Map(call.headers).get(":path")!;
    assert.equal(path, endpointDumpPath("outbound|8080||cart.default.svc.cluster.local"));
    assert.equal(decodeURIComponent(path.slice(path.indexOf("name_regex=") + 11)), "^outbound\\|8080\\|\\|cart\\.default\\.svc\\.cluster\\.local$");
  });

  it("keeps the body-timeout ticks when both need them (the shorter period wins)", async () => {
    const host = await following("three-pods", { key: [{ body: "/cart/id" }], body_timeout_ms: 100, membership: { refresh_ms: 1000 } });
    assert.equal(host.tickPeriodMs, 20);
    host.advance(20);
    assert.equal(host.pendingCalls().length, 1, "fetched on the first tick");
    host.respondToCall(pending(host).token, { status: 200, body: fixture("three-pods") });
    host.advance(980);
    assert.equal(host.pendingCalls().length, 0, "not again before refresh_ms");
    host.advance(20);
    assert.equal(host.pendingCalls().length, 1);
  });

  it("replaces a call the host never answers after timeout_ms (+1 s), counting it", async () => {
    const host = await following("three-pods");
    host.advance(125);
    const lost = pending(host);
    host.advance(2000);
    assert.equal(host.metric("waymark.sticky.membership.failures"), 0, "not yet: 2000 ms is timeout_ms + 1 s");
    host.advance(125);
    assert.equal(host.metric("waymark.sticky.membership.failures"), 1);
    const calls = host.pendingCalls();
    assert.ok(calls.length === 2 && calls[1].token !== lost.token, "a new call replaced the lost one");
    // The lost answer arriving late is ignored.
    host.respondToCall(lost.token, { status: 200, body: fixture("five-pods") });
    assert.equal(host.metric("waymark.sticky.membership.updates"), 0);
  });
});

describe("membership: the table follows the dump", () => {
  it("chooses exactly as the same pods given as a static list, for each dump", async () => {
    const host = await following("three-pods");
    for (const [name, pods] of [["three-pods", podList(1, 2, 3)], ["five-pods", podList(1, 2, 3, 4, 5)]] as const) {
      refresh(host, dump(name));
      const reference = await staticHost(pods);
      assert.deepEqual(routes(host), routes(reference), name);
    }
    assert.equal(host.metric("waymark.sticky.membership.updates"), 2);
    assert.equal(host.metric("waymark.sticky.membership.pods"), 5);
  });

  it("a rolled pod: only its keys move, to the new address", async () => {
    const host = await following("five-pods");
    refresh(host, fixture("five-pods"));
    const before = routes(host);
    refresh(host, dump("rolled", "five-pods"));
    const after = routes(host);
    const reference = await staticHost([podList(1)[0], { address: "10.0.0.12:8080", hostname: "cart-2b" }, ...podList(3, 4, 5)]);
    assert.deepEqual(after, routes(reference));
    // Every key of the rolled pod moves (its address is gone). The new pod has a new host key, so it takes
    // its own Maglev slots, from every pod: other keys move too, and (nearly) only to the new pod.
    let ownMoved = 0, othersMoved = 0, othersToNew = 0;
    for (let i = 0; i < KEYS.length; i++) {
      if (before[i] === addr(2)) {
        assert.notEqual(after[i], addr(2));
        ownMoved++;
      } else if (before[i] !== after[i]) {
        othersMoved++;
        if (after[i] === "10.0.0.12:8080") othersToNew++;
      }
    }
    assert.ok(ownMoved > 0.1 * KEYS.length && ownMoved < 0.3 * KEYS.length, `${ownMoved} keys were on the rolled pod; it held about 1/5`);
    assert.ok(othersToNew >= 0.95 * othersMoved, `${othersToNew} of ${othersMoved} moved keys of other pods went to the new pod`);
  });

  it("leaves unhealthy and degraded pods out, hashes by hash_key, weighs by weight (health fixture)", async () => {
    const host = await following("health");
    refresh(host, fixture("health"));
    // 3 of 6 healthy plus 1 degraded is not below 50%: no panic, the table holds the healthy three.
    const reference = await staticHost([
      { address: addr(1), hostname: "cart-1", weight: 3 }, { address: addr(4), hostname: "cart-4", hash_key: "shard-four" }, { address: addr(6), hostname: "cart-6" },
    ]);
    const got = routes(host);
    assert.deepEqual(got, routes(reference));
    assert.deepEqual(new Set(got), new Set([addr(1), addr(4), addr(6)]));
  });

  it("uses every pod when the healthy share falls below the panic threshold (panic fixture)", async () => {
    const host = await following("panic");
    refresh(host, fixture("panic"));
    const all = await staticHost(podList(1, 2, 3, 4));
    assert.deepEqual(routes(host), routes(all));
    // With panic disabled (threshold 0) only the healthy pod is left.
    const strict = await following("panic", { membership: { healthy_panic_threshold: 0 } });
    refresh(strict, fixture("panic"));
    assert.deepEqual(new Set(routes(strict)), new Set([addr(2)]));
    // With threshold 25, 1 of 4 healthy (25%) is not below it: no panic either.
    const lower = await following("panic", { membership: { healthy_panic_threshold: 25 } });
    refresh(lower, fixture("panic"));
    assert.deepEqual(new Set(routes(lower)), new Set([addr(2)]));
  });

  it("splits the hash space between priorities as Envoy does (priorities fixture: 46% / 54%)", async () => {
    const host = await following("priorities");
    refresh(host, fixture("priorities"));
    // P0 has 1 of 3 healthy: health 140 * 1 / 3 = 46; P1 takes the other 54. A key goes to P0 when
    // hash % 100 + 1 <= 46, and then to the level's table: P0's healthy pod, or P1's Maglev over pods 4 and 5.
    const p0 = addr(1);
    const p1 = await staticHost(podList(4, 5));
    for (const key of KEYS.slice(0, 500)) {
      const point = Number(hashTool.xxh64OfString(key, 0n) % 100n) + 1;
      assert.equal(route(host, key), point <= 46 ? p0 : route(p1, key), key);
    }
  });

  it("reads IPv6 endpoints, weights and the overprovisioning factor (ipv6 fixture)", async () => {
    const host = await following("ipv6");
    refresh(host, fixture("ipv6"));
    const reference = await staticHost([{ address: "[2001:db8::1]:8080" }, { address: "[2001:db8::2]:8080", weight: 2 }, { address: "10.0.0.3:8080" }]);
    assert.deepEqual(routes(host), routes(reference));
  });

  it("finds a CDS cluster under its EDS service name (cds fixture)", async () => {
    const host = await following("cds", { membership: { eds_service_name: "cart-service" } });
    refresh(host, fixture("cds"));
    assert.deepEqual(routes(host), routes(await staticHost(podList(1, 2))));
  });

  it("ring hash tables follow the dump too", async () => {
    const ring = { algorithm: "ring_hash", ring_hash: { minimum_ring_size: 64, maximum_ring_size: 4096 } };
    const host = await following("five-pods", ring);
    refresh(host, fixture("five-pods"));
    assert.deepEqual(routes(host), routes(await staticHost(podList(1, 2, 3, 4, 5), ring)));
  });

  it("skips the rebuild when the answer is the same as the last one", async () => {
    const host = await following("three-pods");
    refresh(host, fixture("three-pods"));
    for (let i = 0; i < 5; i++) refresh(host, fixture("three-pods"));
    assert.equal(host.metric("waymark.sticky.membership.updates"), 1);
    assert.equal(host.metric("waymark.sticky.membership.unchanged"), 5);
    assert.equal(host.metric("waymark.sticky.membership.bytes"), 6 * fixture("three-pods").length);
    assert.ok(host.metric("waymark.sticky.membership.build_us")! >= 0);
  });

  it("logs each change once, naming what was added and removed", async () => {
    const host = await following("three-pods");
    refresh(host, fixture("three-pods"));
    refresh(host, dump("five-pods"));
    const lines = host.logsAt("info").filter((l) => l.includes("membership of three-pods"));
    assert.equal(lines.length, 2, JSON.stringify(lines));
    assert.match(lines[1], /over 5 pods \(added 10\.0\.0\.4:8080 10\.0\.0\.5:8080\)/);
  });
});

describe("membership: swaps are whole", () => {
  it("every request around many swaps sees one complete table: the old or the new, never a mix", async () => {
    const host = await following("three-pods");
    const keys = KEYS.slice(0, 200);
    const expect3 = routes(await staticHost(podList(1, 2, 3)), keys);
    const expect5 = routes(await staticHost(podList(1, 2, 3, 4, 5)), keys);
    const picks = () => Object.entries(host.metrics()).filter(([k]) => k.startsWith("waymark.sticky.picks.")).reduce((a, [, v]) => a + v, 0);
    let sent = 0;
    for (let swap = 0; swap < 20; swap++) {
      const bigger = swap % 2 === 0;
      refresh(host, bigger ? dump("five-pods") : fixture("three-pods"));
      assert.deepEqual(routes(host, keys), bigger ? expect5 : expect3, `after swap ${swap}`);
      sent += keys.length;
      // Each decision was counted on the pod it named: the counters belong to the same table.
      assert.equal(picks(), sent);
    }
  });

  it("a request held for its body is routed with the table in place when the body decides", async () => {
    const five = await stickyHost({ key: [{ body: "/cart/id" }], pods: podList(1, 2, 3, 4, 5) });
    const onFive = (key: string) => {
      const s = five.openStream();
      s.sendRequestHeaders({ "content-type": "application/json" }, false);
      s.sendRequestBody(JSON.stringify({ cart: { id: key } }), true);
      return s.upstream.headers?.value("x-envoy-original-dst-host");
    };
    const key = KEYS.find((k) => onFive(k) === addr(5))!;
    const host = await following("three-pods", { key: [{ body: "/cart/id" }] });
    refresh(host, fixture("three-pods"));
    const s = host.openStream();
    assert.equal(s.sendRequestHeaders({ "content-type": "application/json" }, false), HeadersAction.StopIteration);
    // The scanner decides as soon as the value is complete: cut the body before it.
    s.sendRequestBody('{"cart": {"id": ');
    refresh(host, dump("five-pods"));
    s.sendRequestBody(`${JSON.stringify(key)}}}`, true);
    assert.equal(s.upstream.headers?.value("x-envoy-original-dst-host"), addr(5), "decided by the new table");
  });
});

describe("membership: bad answers keep the last good table", () => {
  const BAD: Array<[string, string | { status: number; body: string } | "fail", RegExp]> = [
    ["a failed call", "fail", /call failed/],
    ["status 503", { status: 503, body: "no" }, /admin answered 503/],
    ["not JSON", "<html>oops</html>", /not JSON/],
    ["an answer cut short", dump("five-pods").slice(0, 900), /not JSON/],
    ["configs not a list", '{"configs": 5}', /configs: must be an array/],
    ["the cluster missing", fixture("absent"), /lists no endpoints for "three-pods"/],
    ["an endpoint without socket address", dump("five-pods", "three-pods", (a) => { a.endpoints[0].lb_endpoints[3].endpoint.address = { pipe: { path: "/tmp/s" } }; }), /lb_endpoints\[3\]\.endpoint\.address: has no socket_address/],
    ["an address that is not an IP", dump("five-pods", "three-pods", (a) => { a.endpoints[0].lb_endpoints[1].endpoint.address.socket_address.address = "cart-4.svc"; }), /"cart-4.svc" is not an IP address/],
    ["a weight of 0", dump("five-pods", "three-pods", (a) => { a.endpoints[0].lb_endpoints[0].load_balancing_weight = 0; }), /load_balancing_weight: must be between 1 and/],
    ["two endpoints with one hash_key", dump("health", "three-pods", (a) => { a.endpoints[0].lb_endpoints[5].metadata = { filter_metadata: { "envoy.lb": { hash_key: "shard-four" } } }; }), /host key "shard-four" is used by two endpoints of priority 0/],
    ["the cluster listed twice", JSON.stringify({ configs: [...JSON.parse(fixture("three-pods")).configs, ...JSON.parse(fixture("three-pods")).configs] }), /2 clusters are listed under "three-pods"/],
    ["a priority beyond 127", dump("priorities", "three-pods", (a) => { a.endpoints[1].priority = 128; }), /priority: must be between 0 and 127/],
  ];

  for (const [what, answer, why] of BAD) {
    it(`keeps the table on ${what}, counts it and says why`, async () => {
      const host = await following("three-pods");
      refresh(host, fixture("three-pods"));
      const before = routes(host, KEYS.slice(0, 300));
      refresh(host, answer);
      assert.deepEqual(routes(host, KEYS.slice(0, 300)), before);
      assert.equal(host.metric("waymark.sticky.membership.failures"), 1);
      assert.equal(host.metric("waymark.sticky.membership.updates"), 1);
      const warnings = host.logsAt("warn").filter((l) => l.includes("membership of three-pods"));
      assert.equal(warnings.length, 1, JSON.stringify(warnings));
      assert.match(warnings[0], why);
      assert.match(warnings[0], /keeping the last good pod table/);
    });
  }

  it("refuses an answer over max_response_bytes without reading it", async () => {
    const host = await following("three-pods", { membership: { max_response_bytes: 2000 } });
    refresh(host, fixture("three-pods"));
    const big = dump("five-pods");
    assert.ok(big.length > 2000);
    refresh(host, big);
    assert.equal(host.metric("waymark.sticky.membership.failures"), 1);
    assert.match(host.logsAt("warn")[0], new RegExp(`answer of ${big.length} bytes is larger than max_response_bytes \\(2000\\)`));
    assert.equal(new Set(routes(host, KEYS.slice(0, 300))).size, 3);
  });

  it("logs a run of failures once, counts each, and says when fetching works again", async () => {
    const host = await following("three-pods");
    refresh(host, fixture("three-pods"));
    for (let i = 0; i < 10; i++) refresh(host, i % 2 ? "fail" : "garbage");
    assert.equal(host.metric("waymark.sticky.membership.failures"), 10);
    assert.equal(host.logsAt("warn").length, 1);
    refresh(host, fixture("three-pods"));
    assert.ok(host.logsAt("info").some((l) => /fetched again after 10 failed attempts/.test(l)));
    refresh(host, "fail");
    assert.equal(host.logsAt("warn").length, 2, "a new run is logged again");
  });

  it("an empty cluster is a real answer: the table empties (as Envoy's has no host)", async () => {
    const host = await following("three-pods");
    refresh(host, fixture("three-pods"));
    refresh(host, dump("three-pods", "three-pods", (a) => { a.endpoints = []; }));
    assert.equal(host.metric("waymark.sticky.membership.failures"), 0);
    assert.equal(route(host, "any"), undefined, "no pod named: the request falls through to the route without one");
  });
});

describe("membership: the ID generator follows the set", () => {
  it("mints for a pod as soon as it joined, answers 404 once it left, 503 while it is unhealthy", async () => {
    const host = await following("three-pods");
    // Before the first answer (no bootstrap pods): not loaded yet.
    let s = ask(host, `/.waymark/id?pod=${addr(1)}`);
    assert.equal(s.localReply?.status, 503);
    assert.match(JSON.parse(s.localReply!.body).error, /not loaded yet/);
    refresh(host, fixture("three-pods"));
    s = ask(host, `/.waymark/id?pod=${addr(4)}`);
    assert.equal(s.localReply?.status, 404);
    refresh(host, dump("five-pods"));
    for (const n of [4, 5]) {
      s = ask(host, `/.waymark/id?pod=${addr(n)}`);
      assert.equal(s.localReply?.status, 200, s.localReply?.body);
      const { id, pod } = JSON.parse(s.localReply!.body);
      assert.equal(pod, addr(n));
      assert.equal(route(host, id), addr(n));
    }
    // By hostname too (the dump carries it).
    s = ask(host, "/.waymark/id?pod=cart-5");
    assert.equal(JSON.parse(s.localReply!.body).pod, addr(5));
    refresh(host, fixture("three-pods"));
    s = ask(host, `/.waymark/id?pod=${addr(5)}`);
    assert.equal(s.localReply?.status, 404);
    assert.match(JSON.parse(s.localReply!.body).error, /unknown pod/);
    // health: pod 2 is UNHEALTHY (in the dump, out of the table): no ID can route to it.
    refresh(host, dump("health"));
    s = ask(host, `/.waymark/id?pod=${addr(2)}`);
    assert.equal(s.localReply?.status, 503);
    assert.match(JSON.parse(s.localReply!.body).error, /owns no part of the table/);
  });

  it("bootstrap pods serve until the first answer, then the live set replaces them", async () => {
    const host = await following("three-pods", { pods: [{ address: "10.9.9.9:80" }] });
    assert.equal(route(host, "k"), "10.9.9.9:80");
    assert.equal(ask(host, "/.waymark/id?pod=10.9.9.9:80").localReply?.status, 200);
    refresh(host, fixture("three-pods"));
    assert.equal(ask(host, "/.waymark/id?pod=10.9.9.9:80").localReply?.status, 404);
    assert.ok([addr(1), addr(2), addr(3)].includes(route(host, "k")!));
  });

  it("native mode with membership keeps the ID generator right", async () => {
    const host = await stickyHost({ key: [{ header: "x-cart-id" }], mode: "native", membership: { ...MEMBERSHIP, cluster: "five-pods" } });
    refresh(host, fixture("five-pods"));
    const pick = await staticHost(podList(1, 2, 3, 4, 5));
    for (const n of [1, 5]) {
      const s = ask(host, `/.waymark/id?pod=${addr(n)}`);
      assert.equal(s.localReply?.status, 200);
      assert.equal(route(pick, JSON.parse(s.localReply!.body).id), addr(n));
    }
    // Native mode names no pod itself.
    const s = host.openStream();
    s.sendRequestHeaders({ "x-cart-id": "k" }, true);
    assert.equal(s.upstream.headers?.value("x-envoy-original-dst-host"), undefined);
    assert.equal(s.upstream.headers?.value("x-sticky-key"), "k");
  });
});

describe("membership: one VM fetches for all of them", () => {
  /** `n` VMs of one Envoy (one shared-data store, one clock), each with the plugin following three-pods. */
  async function vms(n: number): Promise<ProxyWasmHost[]> {
    ensureBuilt();
    const store = new SharedDataStore();
    const nowMs = Date.now();
    const hosts: ProxyWasmHost[] = [];
    for (let i = 0; i < n; i++) {
      const host = new ProxyWasmHost({ wasm: STICKY_WASM, rootId: "sticky", sharedStore: store, nowMs, allowOnHeadersStopIteration: true,
        pluginConfig: { key: [{ header: "x-cart-id" }], membership: MEMBERSHIP } });
      assert.ok((await host.start()).ok);
      hosts.push(host);
    }
    return hosts;
  }
  const tick = (hosts: ProxyWasmHost[], ms: number) => { for (const h of hosts) h.advance(ms); };
  const calls = (hosts: ProxyWasmHost[]) => hosts.map((h) => h.pendingCalls().length);

  it("the VM holding the lease fetches and publishes; the others build from the published dump", async () => {
    const hosts = await vms(3);
    tick(hosts, 125);
    assert.deepEqual(calls(hosts), [1, 0, 0], "the first to tick takes the lease");
    const [leader, ...followers] = hosts;
    leader.respondToCall(pending(leader).token, { status: 200, body: fixture("three-pods") });
    tick(hosts, 125);
    const reference = routes(await staticHost(podList(1, 2, 3)), KEYS.slice(0, 300));
    for (const h of hosts) assert.deepEqual(routes(h, KEYS.slice(0, 300)), reference);
    for (const h of followers) {
      assert.equal(h.metric("waymark.sticky.membership.fetches"), 0);
      assert.equal(h.metric("waymark.sticky.membership.updates"), 1);
      assert.match(h.logsAt("info").at(-1)!, /fetched by another VM/);
    }
    // A change reaches the followers on their next tick; unchanged answers publish nothing new.
    tick(hosts, 375);
    leader.respondToCall(pending(leader).token, { status: 200, body: dump("five-pods") });
    tick(hosts, 125);
    const five = routes(await staticHost(podList(1, 2, 3, 4, 5)), KEYS.slice(0, 300));
    for (const h of hosts) assert.deepEqual(routes(h, KEYS.slice(0, 300)), five);
    for (let i = 0; i < 5; i++) {
      tick(hosts, 500);
      assert.deepEqual(calls(hosts), [1, 0, 0], "one admin request per refresh, whatever the number of VMs");
      leader.respondToCall(pending(leader).token, { status: 200, body: dump("five-pods") });
    }
    for (const h of followers) assert.equal(h.metric("waymark.sticky.membership.updates"), 2);
    assert.equal(leader.metric("waymark.sticky.membership.unchanged"), 5);
  });

  it("a lease not renewed for 3 refreshes (its VM is gone) is taken over", async () => {
    const hosts = await vms(2);
    const [gone, next] = hosts;
    tick(hosts, 125);
    gone.respondToCall(pending(gone).token, { status: 200, body: fixture("three-pods") });
    tick(hosts, 125);
    // The leader stops ticking (its configuration was replaced); the follower keeps going.
    next.advance(1375);
    assert.equal(next.pendingCalls().length, 0, "the lease still runs");
    next.advance(250);
    assert.equal(next.pendingCalls().length, 1, "the follower took the lease and fetches");
    next.respondToCall(pending(next).token, { status: 200, body: fixture("three-pods") });
    assert.equal(next.metric("waymark.sticky.membership.unchanged"), 1, "the same dump it already follows");
  });

  it("a published dump a VM cannot use is counted once and not tried again; a corrupt one is ignored", async () => {
    const hosts = await vms(2);
    const [leader, follower] = hosts;
    tick(hosts, 125);
    leader.respondToCall(pending(leader).token, { status: 200, body: fixture("three-pods") });
    tick(hosts, 125);
    // Something writes an unusable dump (with its correct hash) where the leader publishes.
    const bad = new TextEncoder().encode('{"configs": 5}');
    const hash = hashTool.xxh64Of(bad, 0n);
    const value = new Uint8Array(8 + bad.length);
    new DataView(value.buffer).setBigUint64(0, hash, true);
    value.set(bad, 8);
    const key = "waymark.sticky.membership/envoy_admin/three-pods/";
    follower.sharedData.set(`${key}dump`, { value, cas: 1000 });
    follower.sharedData.set(`${key}hash`, { value: value.slice(0, 8), cas: 1001 });
    follower.advance(500);
    assert.equal(follower.metric("waymark.sticky.membership.failures"), 1);
    assert.equal(new Set(routes(follower, KEYS.slice(0, 100))).size, 3, "the last table serves");
    // A dump whose bytes do not match its hash is not read at all.
    value[20] ^= 1;
    new DataView(value.buffer).setBigUint64(0, hash ^ 1n, true);
    follower.sharedData.set(`${key}hash`, { value: value.slice(0, 8), cas: 1002 });
    follower.advance(500);
    assert.equal(follower.metric("waymark.sticky.membership.failures"), 1);
    assert.equal(follower.metric("waymark.sticky.membership.updates"), 1);
  });
});

describe("membership: bounded", () => {
  it("keeps module memory flat over many refreshes and swaps", async () => {
    const host = await following("three-pods");
    const three = fixture("three-pods");
    const five = dump("five-pods");
    const rolled = dump("rolled");
    const cycle = [three, five, rolled, "fail", "garbage", five, five];
    let warm = 0;
    for (let i = 0; i < 700; i++) {
      refresh(host, cycle[i % cycle.length]);
      if (i % 10 === 0) route(host, KEYS[i]);
      if (i === 100) warm = host.memoryBytes();
    }
    assert.equal(host.memoryBytes(), warm, `memory grew from ${warm} to ${host.memoryBytes()} bytes`);
    assert.ok(host.metric("waymark.sticky.membership.updates")! >= 400);
  });

  it("gives pods their own picks counters up to a bound", async () => {
    const host = await following("three-pods");
    refresh(host, dump("five-pods"));
    for (const k of KEYS.slice(0, 100)) route(host, k);
    const picks = Object.keys(host.metrics()).filter((k) => k.startsWith("waymark.sticky.picks."));
    assert.deepEqual(picks.sort(), ["cart-1", "cart-2", "cart-3", "cart-4", "cart-5"].map((p) => `waymark.sticky.picks.${p}`));
  });
});
