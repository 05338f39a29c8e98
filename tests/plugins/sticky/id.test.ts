// The ID generator (IDs that route home), and how many keys move when a pod is removed.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { ProxyWasmHost, HttpStream } from "../../../harness/index.ts";
import { stickyHost, randomKeys } from "./support.ts";

const PODS = [
  { address: "10.0.0.1:8080", hostname: "cart-0" },
  { address: "10.0.0.2:8080", hostname: "cart-1", weight: 2 },
  { address: "10.0.0.3:8080", hostname: "cart-2" },
  { address: "[2001:db8::4]:8080", hostname: "cart-3", weight: 3 },
];

interface Minted { id: string; pod: string; dc: string }

function ask(host: ProxyWasmHost, path: string, headers: Record<string, string> = {}): HttpStream {
  const s = host.openStream();
  s.sendRequestHeaders({ ":path": path, ...headers }, true);
  return s;
}

function mint(host: ProxyWasmHost, pod: string): Minted {
  const s = ask(host, `/.waymark/id?pod=${encodeURIComponent(pod)}`);
  assert.equal(s.localReply?.status, 200, s.localReply?.body);
  assert.equal(s.localReply!.headers.find(([k]) => k === "content-type")?.[1], "application/json");
  return JSON.parse(s.localReply!.body) as Minted;
}

/** The pod address pick mode sends `key` to. */
function route(host: ProxyWasmHost, key: string): string | undefined {
  const s = host.openStream();
  s.sendRequestHeaders({ "x-cart-id": key }, true);
  return s.upstream.headers?.value("x-envoy-original-dst-host");
}

describe("ID generator", () => {
  let host: ProxyWasmHost;
  before(async () => {
    host = await stickyHost({ key: [{ header: "x-cart-id" }], pods: PODS, id: { prefix: "cart-" }, dc: { local: "eu-1", peers: { "us-1": "gw-us" } } });
  });

  it("mints an ID per pod that routes to that pod, tagged with the prefix and the local DC", () => {
    for (const pod of PODS) {
      for (let n = 0; n < 25; n++) {
        const minted = mint(host, pod.address);
        assert.equal(minted.pod, pod.address);
        assert.equal(minted.dc, "eu-1");
        assert.match(minted.id, /^cart-eu-1\.[A-Za-z0-9_-]{22}$/);
        assert.equal(route(host, minted.id), pod.address, minted.id);
      }
    }
    assert.equal(host.metric("waymark.sticky.ids.minted"), 100);
  });

  it("mints unguessable IDs: all distinct, every letter of the alphabet in use", () => {
    const ids = new Set<string>();
    const letters = new Set<string>();
    for (let n = 0; n < 2000; n++) {
      const id = mint(host, PODS[n % PODS.length].address).id;
      ids.add(id);
      for (const c of id.slice("cart-eu-1.".length)) letters.add(c);
    }
    assert.equal(ids.size, 2000);
    assert.equal(letters.size, 64);
  });

  it("accepts the pod by header, by hostname, and by any spelling of its address", () => {
    let s = ask(host, "/.waymark/id", { "x-waymark-pod": "10.0.0.2:8080" });
    assert.equal(JSON.parse(s.localReply!.body).pod, "10.0.0.2:8080");
    s = ask(host, "/.waymark/id?pod=cart-2");
    assert.equal(JSON.parse(s.localReply!.body).pod, "10.0.0.3:8080");
    s = ask(host, "/.waymark/id?pod=[2001:0db8:0:0::4]:8080");
    assert.equal(JSON.parse(s.localReply!.body).pod, "[2001:db8::4]:8080");
    s = ask(host, "/.waymark/id?pod=%5B2001%3Adb8%3A%3A4%5D%3A8080");
    assert.equal(JSON.parse(s.localReply!.body).pod, "[2001:db8::4]:8080");
  });

  it("answers 400 without a pod and 404 for an unknown pod, and leaves other paths alone", () => {
    let s = ask(host, "/.waymark/id");
    assert.equal(s.localReply?.status, 400);
    assert.match(JSON.parse(s.localReply!.body).error, /name the pod/);
    s = ask(host, "/.waymark/id?pod=10.0.0.9:8080");
    assert.equal(s.localReply?.status, 404);
    assert.equal(host.metric("waymark.sticky.ids.unknown_pod"), 1);
    s = ask(host, "/.waymark/identity?pod=10.0.0.1:8080");
    assert.equal(s.localReply, null);
  });

  it("answers 503 at once for a pod owning no part of the table, and warns at configure time", async () => {
    // 7 slots for 10 pods: at least three pods own no slot at all, so no ID can ever route to them.
    const pods = Array.from({ length: 10 }, (_, i) => ({ address: `10.1.0.${i + 1}:80` }));
    const small = await stickyHost({ key: [{ header: "x" }], pods, table_size: 7, id: { max_attempts: 500 } });
    const warnings = small.logsAt("warn");
    assert.ok(warnings.length >= 3, JSON.stringify(warnings));
    const empty = pods.find((p) => warnings.some((w) => w.includes(`(${p.address}) owns no part of the table`)))!;
    const s = ask(small, `/.waymark/id?pod=${empty.address}`);
    assert.equal(s.localReply?.status, 503);
    assert.match(JSON.parse(s.localReply!.body).error, /owns no part of the table/);
    assert.equal(small.metric("waymark.sticky.ids.failed"), 1);
  });

  it("answers 503 when no draw lands on the pod within id.max_attempts", async () => {
    // Two pods on 7 slots: each owns a few, and one attempt per ID lands on the asked pod only sometimes.
    // 200 requests: P(no failure) and P(no success) are both below 1e-13.
    const pods = [{ address: "10.1.1.1:80" }, { address: "10.1.1.2:80" }];
    const small = await stickyHost({ key: [{ header: "x" }], pods, table_size: 7, id: { max_attempts: 1 } });
    const statuses = new Map<number, number>();
    for (let n = 0; n < 200; n++) {
      const s = ask(small, "/.waymark/id?pod=10.1.1.1:80");
      statuses.set(s.localReply!.status, (statuses.get(s.localReply!.status) ?? 0) + 1);
      if (s.localReply!.status === 503) assert.match(JSON.parse(s.localReply!.body).error, /within 1 attempts/);
    }
    assert.deepEqual([...statuses.keys()].sort(), [200, 503], JSON.stringify([...statuses]));
    assert.equal(small.metric("waymark.sticky.ids.failed"), statuses.get(503));
  });

  it("mints for a pod owning a tiny share (1 weight in 4000) within the default bound", async () => {
    const pods = [{ address: "10.2.0.1:80", weight: 1 }, { address: "10.2.0.2:80", weight: 3999 }];
    const tiny = await stickyHost({ key: [{ header: "x-cart-id" }], pods });
    for (let n = 0; n < 5; n++) {
      const minted = mint(tiny, "10.2.0.1:80");
      assert.equal(route(tiny, minted.id), "10.2.0.1:80");
      assert.match(minted.id, /^[A-Za-z0-9_-]{22}$/, "no prefix, no DC: just the random part");
    }
  });

  it("works in native mode too (the pod list mirrors the native cluster)", async () => {
    const native = await stickyHost({ key: [{ header: "x-cart-id" }], mode: "native", pods: PODS });
    const minted = mint(native, "cart-1");
    assert.equal(minted.pod, "10.0.0.2:8080");
    // The pick-mode host above has the same pod list, so it routes the ID to the same pod.
    assert.equal(route(host, minted.id), "10.0.0.2:8080");
  });

  it("refuses to mint without a pod list", async () => {
    const native = await stickyHost({ key: [{ header: "x-cart-id" }], mode: "native" });
    const s = ask(native, "/.waymark/id?pod=10.0.0.1:8080");
    assert.equal(s.localReply?.status, 404);
    assert.match(JSON.parse(s.localReply!.body).error, /no pods configured/);
  });
});

describe("disruption", () => {
  // [name, pods, config, bound on the other keys that move, as a multiple of the removed pod's share]
  const cases: Array<[string, number, object, number]> = [
    // Maglev is near-minimal: a surviving pod loses a few slots as the fill order shifts.
    ["Maglev 65537, 10 pods", 10, {}, 0.5],
    ["Maglev 65537, 50 pods", 50, {}, 0.5],
    // Envoy sizes the ring by the lightest host (ceil(1024 / N) entries each), so removing a pod gives every
    // survivor more entries, and those take over arcs of other survivors too: Envoy's behaviour, mirrored.
    ["ring hash, 10 pods", 10, { algorithm: "ring_hash" }, 1.5],
  ];
  for (const [name, count, extra, bound] of cases) {
    it(`removing one pod moves its own keys and few others (${name}, 20,000 keys)`, async (t) => {
      const pods = Array.from({ length: count }, (_, i) => ({ address: `10.3.0.${i + 1}:8080` }));
      const keys = randomKeys(20000, 99);
      const full = await stickyHost({ key: [{ header: "x-cart-id" }], pods, ...extra });
      const removed = pods[3].address;
      const less = await stickyHost({ key: [{ header: "x-cart-id" }], pods: pods.filter((p) => p.address !== removed), ...extra });
      let onRemoved = 0;
      let othersMoved = 0;
      for (const key of keys) {
        const before = route(full, key);
        const after = route(less, key);
        assert.notEqual(after, removed);
        if (before === removed) onRemoved++;
        else if (before !== after) othersMoved++;
      }
      const removedShare = onRemoved / keys.length;
      const othersShare = othersMoved / keys.length;
      t.diagnostic(`${name}: keys on the removed pod ${(removedShare * 100).toFixed(2)}% (must move); other keys moved ${(othersShare * 100).toFixed(2)}%; total ${((removedShare + othersShare) * 100).toFixed(2)}%`);
      assert.ok(Math.abs(removedShare - 1 / count) < 0.35 / count, `the removed pod held ${removedShare}`);
      assert.ok(othersShare < bound * removedShare, `${othersMoved} other keys moved`);
    });
  }
});
