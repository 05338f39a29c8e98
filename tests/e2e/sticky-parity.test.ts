// Parity with real Envoy: for thousands of random keys, the sticky plugin in pick mode (ORIGINAL_DST) and a
// stock Envoy route hash_policy with a native MAGLEV / RING_HASH cluster reach the same upstream, for equal
// and unequal weights, hostnames, hash_key metadata, small tables and both ring hash functions. IDs the
// plugin mints for a pod come back to that pod through the native route.
// Each variant fills envoy-configs/sticky-parity.yaml and runs in its own Envoy.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { startEnvoy } from "../../mesh/envoy.ts";
import { startEchoServer, EchoServer } from "../../mesh/echo-server.ts";
import { ensureBuilt, randomKeys, mapConcurrent } from "../plugins/sticky/support.ts";

const KEYS = Number(process.env.STICKY_PARITY_KEYS ?? 2000);
const SEED = Number(process.env.STICKY_PARITY_SEED ?? 20261123);
const PODS = 6;
const CONCURRENCY = 24;

interface PodSpec { weight?: number; hostname?: string; hashKey?: string }

interface Variant {
  name: string;
  /** Negative control: the plugin is told these pods instead, so the two routes must disagree. */
  pluginPods?: PodSpec[];
  algorithm: "maglev" | "ring_hash";
  tableSize?: number;
  ring?: { minimum_ring_size: number; maximum_ring_size: number; hash_function: "XX_HASH" | "MURMUR_HASH_2" };
  useHostname?: boolean;
  pods: PodSpec[];
}

const equal: PodSpec[] = Array.from({ length: PODS }, () => ({}));
const weights = [1, 2, 3, 1, 5, 2];
const weighted: PodSpec[] = weights.map((weight) => ({ weight }));
const named: PodSpec[] = weights.map((weight, i) => ({ weight, hostname: `cart-${i}.pods.internal` }));
// Some pods keyed by hash_key (it wins over the hostname), the others by hostname.
const mixed: PodSpec[] = weights.map((weight, i) => (i % 2 === 0 ? { weight, hostname: `cart-${i}`, hashKey: `shard-${i * 7}` } : { weight, hostname: `cart-${i}` }));
const keyed: PodSpec[] = Array.from({ length: PODS }, (_, i) => ({ hashKey: `pod-key-${String.fromCharCode(97 + i)}` }));

const VARIANTS: Variant[] = [
  { name: "MAGLEV, equal weights, address keys", algorithm: "maglev", pods: equal },
  { name: "MAGLEV, unequal weights", algorithm: "maglev", pods: weighted },
  { name: "MAGLEV, hostnames (use_hostname_for_hashing), unequal weights", algorithm: "maglev", useHostname: true, pods: named },
  { name: "MAGLEV, hash_key metadata and hostnames mixed", algorithm: "maglev", useHostname: true, pods: mixed },
  { name: "MAGLEV, hash_key metadata, table_size 313", algorithm: "maglev", tableSize: 313, pods: keyed },
  { name: "RING_HASH XX_HASH, equal weights, default ring sizes", algorithm: "ring_hash", ring: { minimum_ring_size: 1024, maximum_ring_size: 8388608, hash_function: "XX_HASH" }, pods: equal },
  { name: "RING_HASH MURMUR_HASH_2, hostnames, unequal weights", algorithm: "ring_hash", useHostname: true, ring: { minimum_ring_size: 1024, maximum_ring_size: 8388608, hash_function: "MURMUR_HASH_2" }, pods: named },
  { name: "RING_HASH XX_HASH, hash_key metadata, ring 64..256", algorithm: "ring_hash", ring: { minimum_ring_size: 64, maximum_ring_size: 256, hash_function: "XX_HASH" }, pods: mixed },
];

function endpoints(pods: PodSpec[], echoes: EchoServer[]): string {
  return JSON.stringify(pods.map((p, i) => ({
    endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: echoes[i].port } }, ...(p.hostname ? { hostname: p.hostname } : {}) },
    ...(p.weight ? { load_balancing_weight: p.weight } : {}),
    ...(p.hashKey ? { metadata: { filter_metadata: { "envoy.lb": { hash_key: p.hashKey } } } } : {}),
  })));
}

function stickyConfig(v: Variant, echoes: EchoServer[]): object {
  return {
    key: [{ header: "x-sticky-key" }],
    mode: "pick",
    algorithm: v.algorithm,
    ...(v.tableSize ? { table_size: v.tableSize } : {}),
    ...(v.ring ? { ring_hash: v.ring } : {}),
    use_hostname_for_hashing: v.useHostname ?? false,
    pods: (v.pluginPods ?? v.pods).map((p, i) => ({
      address: echoes[i].address,
      ...(p.hostname ? { hostname: p.hostname } : {}),
      ...(p.weight ? { weight: p.weight } : {}),
      ...(p.hashKey ? { hash_key: p.hashKey } : {}),
    })),
    id: { prefix: "cart-" },
    dc: { local: "dc1" },
    on_missing: "continue",
  };
}

function lbVars(v: Variant): Record<string, string> {
  if (v.algorithm === "maglev") {
    return { LB_POLICY: "MAGLEV", LB_CONFIG_FIELD: "maglev_lb_config", LB_CONFIG: JSON.stringify({ table_size: v.tableSize ?? 65537 }) };
  }
  return { LB_POLICY: "RING_HASH", LB_CONFIG_FIELD: "ring_hash_lb_config", LB_CONFIG: JSON.stringify(v.ring) };
}

/**
 * Which upstream answered: the echo server's name, or "status <n>" when none did. A 503 is asked again (twice
 * at most): Envoy can reuse a pooled connection the echo server is just closing, which says nothing about the
 * choice of pod.
 */
async function upstreamFor(port: number, key: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`http://127.0.0.1:${port}/carts`, { headers: { "x-sticky-key": key } });
    const text = await res.text();
    if (res.status === 503 && attempt < 2) continue;
    if (res.status !== 200) return `status ${res.status}`;
    return (JSON.parse(text) as { name: string }).name;
  }
}

describe("sticky pick mode and stock Envoy choose the same pod", () => {
  const echoes: EchoServer[] = [];
  const keys = randomKeys(KEYS, SEED);

  before(async () => {
    ensureBuilt();
    for (let i = 0; i < PODS; i++) echoes.push(await startEchoServer(`pod-${i}`));
  });

  after(async () => {
    for (const e of echoes) await e.close();
  });

  it("control: a plugin pod list that differs from the cluster (one weight) is caught", async (t) => {
    const variant: Variant = { name: "control", algorithm: "maglev", pods: weighted, pluginPods: weighted.map((p, i) => (i === 4 ? { weight: 4 } : p)) };
    const envoy = await startEnvoy("envoy-configs/sticky-parity.yaml", {
      vars: {
        ...lbVars(variant), USE_HOSTNAME: "false", CLUSTER_TYPE: "STATIC",
        LB_ENDPOINTS: endpoints(variant.pods, echoes), STICKY_CONFIG: JSON.stringify(stickyConfig(variant, echoes)),
      },
    });
    try {
      const sample = keys.slice(0, 500);
      const answers = await mapConcurrent(sample, CONCURRENCY, async (key) => [await upstreamFor(envoy.port("NATIVE_PORT"), key), await upstreamFor(envoy.port("PICK_PORT"), key)]);
      const differ = answers.filter(([a, b]) => a !== b).length;
      t.diagnostic(`${differ} of ${sample.length} keys differ when one weight differs`);
      assert.ok(differ > 0, "the comparison would not notice a wrong table");
    } finally {
      await envoy.stop();
    }
  });

  for (const variant of VARIANTS) {
    it(variant.name, async (t) => {
      const envoy = await startEnvoy("envoy-configs/sticky-parity.yaml", {
        vars: {
          ...lbVars(variant),
          USE_HOSTNAME: String(variant.useHostname ?? false),
          CLUSTER_TYPE: variant.useHostname ? "STRICT_DNS" : "STATIC",
          LB_ENDPOINTS: endpoints(variant.pods, echoes),
          STICKY_CONFIG: JSON.stringify(stickyConfig(variant, echoes)),
        },
      });
      try {
        await envoy.waitForLog(/sticky: configured/);
        const native = envoy.port("NATIVE_PORT");
        const pick = envoy.port("PICK_PORT");
        const started = Date.now();
        const answers = await mapConcurrent(keys, CONCURRENCY, async (key) => [await upstreamFor(native, key), await upstreamFor(pick, key)] as const);
        const mismatches = keys.map((key, i) => ({ key, native: answers[i][0], plugin: answers[i][1] })).filter((m) => m.native !== m.plugin);
        const perPod = new Map<string, number>();
        for (const [n] of answers) perPod.set(n, (perPod.get(n) ?? 0) + 1);
        t.diagnostic(`${keys.length} keys (seed ${SEED}) in ${Date.now() - started} ms; native spread: ${[...perPod].sort().map(([p, c]) => `${p}=${c}`).join(" ")}`);
        assert.deepEqual(mismatches.slice(0, 10), [], `${mismatches.length} of ${keys.length} keys went to different pods`);
        // A constant answer would also "agree": the keys must actually spread over the pods.
        assert.equal(perPod.size, PODS, `only ${[...perPod.keys()].join(", ")} answered`);
        assert.ok(!perPod.has("status 599") && ![...perPod.keys()].some((k) => k.startsWith("status")));
        // Every key went through the plugin (a 503 asked again counts twice).
        assert.ok((await envoy.stat("wasmcustom.waymark.sticky.keys.from.header"))! >= keys.length);

        // An ID minted for each pod comes home through both routes.
        for (let i = 0; i < PODS; i++) {
          const res = await fetch(`http://127.0.0.1:${pick}/.waymark/id?pod=${echoes[i].address}`);
          assert.equal(res.status, 200, await res.clone().text());
          const minted = (await res.json()) as { id: string; pod: string; dc: string };
          assert.equal(minted.pod, echoes[i].address);
          assert.equal(minted.dc, "dc1");
          assert.match(minted.id, /^cart-dc1\.[A-Za-z0-9_-]{22}$/);
          assert.equal(await upstreamFor(native, minted.id), `pod-${i}`, `ID ${minted.id} minted for pod-${i} (native route)`);
          assert.equal(await upstreamFor(pick, minted.id), `pod-${i}`, `ID ${minted.id} minted for pod-${i} (plugin route)`);
        }
        assert.equal(await envoy.stat("wasmcustom.waymark.sticky.ids.minted"), PODS);
      } finally {
        await envoy.stop();
      }
    });
  }
});
