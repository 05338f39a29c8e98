// Membership in real Envoy 1.40: a file-based EDS cluster `cart` whose endpoints change while requests keep
// coming, the sticky plugin following it (pick mode, and native mode for IDs) through the admin's endpoint dump,
// next to Envoy's own MAGLEV over the same cluster (envoy-configs/sticky-membership.yaml, 2 workers). After each
// change (scale-out 3 -> 5, a pod rolled to a new address, scale-in to 2, health changes, a priority spill):
//   - every worker's table has followed, without any configuration push (the convergence time is measured);
//   - the plugin's pod equals Envoy's own Maglev pod for 1,200 keys;
//   - background requests on keys whose pod stays never failed during the change;
//   - IDs minted for a new pod come home through both routes; a removed pod's ID request gets 404.
// Figures (convergence, failures, keys moved next to the ideal and to Envoy's own Maglev, admin fetch cost) are
// printed as test diagnostics: `node --import tsx --test tests/e2e/sticky-membership.test.ts`
// (MEMBERSHIP_ROUNDS=10 repeats the scale-out / roll / scale-in cycle for p50 / max).
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEnvoy, Envoy } from "../../mesh/envoy.ts";
import { startEchoServer, EchoServer, Echo } from "../../mesh/echo-server.ts";
import { EdsFile, EdsEndpoint } from "../../mesh/eds.ts";
import { request } from "../../mesh/http.ts";
import { ensureBuilt, randomKeys, mapConcurrent, prng } from "../plugins/sticky/support.ts";
import { FIXTURES, captureFixtures, fixture, endpointDumpPath } from "../plugins/sticky/membership-fixtures.ts";

const WORKERS = 2;
/** Plugin configurations following cart in sticky-membership.yaml (pick and native). */
const PLUGINS = 2;
const KEYS = randomKeys(1200, 20261205);
const BACKGROUND_KEYS = randomKeys(200, 20261206);
const ROUNDS = Number(process.env.MEMBERSHIP_ROUNDS ?? 1);
/** The bound: each change settled within 5 s, with no configuration push. */
const SETTLE_MS = 5000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Which pod answered `key` on a listener: the echo server's name, or "status <n>". 503 is asked again (twice). */
async function podFor(envoy: Envoy, port: string, key: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const reply = await request(envoy.url(port, "/carts"), { headers: { "x-cart-id": key } }).catch(() => ({ status: 0, body: "", json: () => ({}) }));
    if (reply.status === 503 && attempt < 2) continue;
    return reply.status === 200 ? (reply.json() as Echo).name : `status ${reply.status}`;
  }
}

/** Percentile of a sorted copy. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Envoy's log time "[2026-12-04 16:43:29.581]" (local time) in ms since the epoch. */
function logTime(line: string): number {
  const m = /^\[(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3})\]\[(\d+)\]/.exec(line);
  return m ? new Date(`${m[1]}T${m[2]}`).getTime() : NaN;
}

function logThread(line: string): number {
  return Number(/^\[[^\]]+\]\[(\d+)\]/.exec(line)?.[1] ?? -1);
}

interface StepFigures {
  name: string;
  /** From the EDS rename to the last worker VM's swap (log time), ms. */
  convergenceMs: number;
  /** From the rename to Envoy's own update of the cluster (cluster.cart.update_success), ms. */
  envoyMs: number;
  requests: number;
  failed: number;
  /** Share of KEYS whose pod changed: plugin, Envoy's Maglev, and the ideal |pods added or removed| / |pods|. */
  movedPlugin: number;
  movedNative: number;
  ideal: number;
}

describe("sticky membership follows a file-based EDS cluster in Envoy 1.40", () => {
  let envoy: Envoy;
  let dir: string;
  let eds: EdsFile;
  /** Running pods by name; the EDS file lists some of them. */
  const pods = new Map<string, EchoServer>();
  let podSeq = 0;
  /** Worker threads' ids (Envoy's log names the thread; the main thread's id is the process id). */
  let workerThreads: number[] = [];
  /** The pod each of KEYS reaches now, through each route. */
  let nativeNow: string[] = [];
  let pickNow: string[] = [];
  const figures: StepFigures[] = [];

  async function spawn(): Promise<EchoServer> {
    const name = `pod-${podSeq++}`;
    const pod = await startEchoServer(name);
    pods.set(name, pod);
    return pod;
  }

  const endpoint = (pod: EchoServer, extra: Partial<EdsEndpoint> = {}): EdsEndpoint => ({ address: pod.address, hostname: pod.name, ...extra });

  /** Lines "membership of cart" logged by worker VMs since `mark` (an offset into the log). */
  function swapsSince(mark: number): string[] {
    return envoy.log().slice(mark).split("\n").filter((l) => /sticky: membership of cart: .* parsed and built in/.test(l) && workerThreads.includes(logThread(l)));
  }

  async function envoyUpdates(): Promise<number> {
    return (await envoy.stat("cluster.cart.update_success")) ?? 0;
  }

  /**
   * Writes `endpoints` to the EDS file and waits until every worker VM of both plugins swapped in a new table.
   * Returns the convergence (rename to last swap, by Envoy's log clock) and Envoy's own time to apply the file.
   */
  async function applyEds(endpoints: EdsEndpoint[]): Promise<{ convergenceMs: number; envoyMs: number }> {
    const mark = envoy.log().length;
    const updates = await envoyUpdates();
    const written = Date.now();
    eds.write(endpoints);
    let envoyMs = NaN;
    for (;;) {
      if (Number.isNaN(envoyMs) && (await envoyUpdates()) > updates) envoyMs = Date.now() - written;
      const swaps = swapsSince(mark);
      if (swaps.length >= WORKERS * PLUGINS && !Number.isNaN(envoyMs)) {
        const convergenceMs = Math.max(...swaps.map(logTime)) - written;
        return { convergenceMs, envoyMs };
      }
      if (Date.now() - written > 30_000) throw new Error(`the plugin did not follow within 30 s:\n${swapsSince(mark).join("\n")}\n${envoy.log().slice(-3000)}`);
      await sleep(10);
    }
  }

  async function answers(port: string): Promise<string[]> {
    return mapConcurrent(KEYS, 16, (key) => podFor(envoy, port, key));
  }

  /**
   * One change under background load: applies `endpoints`, checks the plugin equals Envoy's Maglev afterwards
   * and that keys whose pod stays never failed, records the figures. `ideal` is the share of keys that must move.
   */
  async function change(name: string, endpoints: EdsEndpoint[], ideal: number): Promise<StepFigures> {
    const stays = new Map<string, string>();
    const load = backgroundLoad();
    await sleep(300);
    const { convergenceMs, envoyMs } = await applyEds(endpoints);
    await sleep(300);
    const outcomes = await load.stop();
    const native = await answers("NATIVE_PORT");
    const pick = await answers("PICK_PORT");
    const differ = KEYS.map((k, i) => (native[i] === pick[i] ? null : `${k}: native ${native[i]}, plugin ${pick[i]}`)).filter((x) => x !== null);
    assert.deepEqual(differ.slice(0, 10), [], `${name}: ${differ.length} of ${KEYS.length} keys on different pods`);
    const live = new Set(endpoints.map((e) => [...pods.values()].find((p) => p.address === e.address)!.name));
    assert.ok(native.every((p) => live.has(p)), `${name}: a key reached a pod outside the cluster: ${native.find((p) => !live.has(p))}`);
    // Background keys whose pod is the same before and after the change must never have failed or moved.
    const backgroundAfter = await mapConcurrent(BACKGROUND_KEYS, 16, (key) => podFor(envoy, "NATIVE_PORT", key));
    BACKGROUND_KEYS.forEach((key, i) => {
      if (load.homes.get(key) === backgroundAfter[i]) stays.set(key, backgroundAfter[i]);
      backgroundHomes.set(key, backgroundAfter[i]);
    });
    const broken = outcomes.filter((o) => stays.has(o.key) && (o.status !== 200 || o.pod !== stays.get(o.key)));
    assert.deepEqual(broken.slice(0, 5), [], `${name}: ${broken.length} requests on keys whose pod stays failed or moved`);
    const moved = (before: string[], after: string[]) => before.filter((p, i) => p !== after[i]).length / KEYS.length;
    const step: StepFigures = {
      name, convergenceMs, envoyMs, requests: outcomes.length, failed: outcomes.filter((o) => o.status !== 200).length,
      movedPlugin: moved(pickNow, pick), movedNative: moved(nativeNow, native), ideal,
    };
    assert.ok(convergenceMs < SETTLE_MS, `${name}: settled after ${convergenceMs} ms`);
    assert.equal(step.movedPlugin, step.movedNative, `${name}: the plugin moved other keys than Envoy's Maglev`);
    nativeNow = native;
    pickNow = pick;
    figures.push(step);
    return step;
  }

  interface Outcome { key: string; status: number; pod?: string }

  /** Six clients asking for background keys on the pick listener, each request on a new connection (both workers). */
  function backgroundLoad(): { homes: Map<string, string>; stop(): Promise<Outcome[]> } {
    const outcomes: Outcome[] = [];
    const homes = new Map(BACKGROUND_KEYS.map((k) => [k, backgroundHomes.get(k)!]));
    let running = true;
    const rand = prng(podSeq + outcomes.length);
    const client = async () => {
      while (running) {
        const key = BACKGROUND_KEYS[Math.floor(rand() * BACKGROUND_KEYS.length)];
        try {
          const reply = await request(envoy.url("PICK_PORT", "/carts"), { headers: { "x-cart-id": key }, timeoutMs: 5000 });
          outcomes.push({ key, status: reply.status, pod: reply.status === 200 ? reply.json<Echo>().name : undefined });
        } catch {
          outcomes.push({ key, status: 0 });
        }
      }
    };
    const clients = Promise.all(Array.from({ length: 6 }, client));
    return {
      homes,
      stop: async () => {
        running = false;
        await clients;
        return outcomes;
      },
    };
  }

  /** The pod each background key reaches now (updated by each change). */
  const backgroundHomes = new Map<string, string>();
  async function refreshBackgroundHomes(): Promise<void> {
    const homes = await mapConcurrent(BACKGROUND_KEYS, 16, (key) => podFor(envoy, "NATIVE_PORT", key));
    BACKGROUND_KEYS.forEach((k, i) => backgroundHomes.set(k, homes[i]));
  }

  async function mint(port: string, pod: EchoServer): Promise<{ status: number; id?: string; error?: string }> {
    const reply = await request(envoy.url(port, `/.waymark/id?pod=${pod.address}`));
    const body = reply.json();
    return { status: reply.status, id: body.id, error: body.error };
  }

  /** IDs minted for `pod` through both plugins come home through both routes. */
  async function idsComeHome(pod: EchoServer): Promise<void> {
    for (const port of ["PICK_PORT", "NATIVE_ID_PORT"]) {
      const minted = await mint(port, pod);
      assert.equal(minted.status, 200, `${port} ${pod.name}: ${minted.error}`);
      assert.equal(await podFor(envoy, "NATIVE_PORT", minted.id!), pod.name, `ID ${minted.id} (minted on ${port}) through Envoy's Maglev`);
      assert.equal(await podFor(envoy, "PICK_PORT", minted.id!), pod.name, `ID ${minted.id} (minted on ${port}) through the plugin`);
    }
  }

  before(async () => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), "waymark-membership-"));
    eds = new EdsFile(dir, "cart");
    const first = [await spawn(), await spawn(), await spawn()];
    eds.write(first.map((p) => endpoint(p)));
    envoy = await startEnvoy("envoy-configs/sticky-membership.yaml", { vars: { EDS_PATH: eds.path }, concurrency: WORKERS });
    // Every VM (main thread and workers, two plugin configurations each) loads the membership once.
    await envoy.waitForLog(/sticky: membership of cart/);
    for (;;) {
      const lines = envoy.log().split("\n").filter((l) => l.includes("sticky: membership of cart:"));
      workerThreads = [...new Set(lines.map(logThread))].filter((t) => t !== envoy.pid);
      if (workerThreads.length === WORKERS && lines.filter((l) => workerThreads.includes(logThread(l))).length >= WORKERS * PLUGINS) break;
      await sleep(50);
    }
    nativeNow = await answers("NATIVE_PORT");
    pickNow = await answers("PICK_PORT");
    await refreshBackgroundHomes();
  });

  after(async () => {
    await envoy?.stop();
    for (const pod of pods.values()) await pod.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("the stored fixtures are exactly what Envoy 1.40 answers", async () => {
    const captured = await captureFixtures();
    assert.deepEqual([...captured.keys()].sort(), [...FIXTURES.map((f) => f.name), "absent"].sort());
    for (const [name, text] of captured) assert.equal(text, fixture(name), `fixtures/membership/${name}.json differs from Envoy's answer`);
  });

  it("before any change: every worker loaded the 3 pods, the plugin equals Envoy's Maglev", async () => {
    assert.deepEqual(pickNow, nativeNow);
    assert.equal(new Set(nativeNow).size, 3);
    assert.ok(!envoy.log().includes("membership of cart: call failed"), "no failed fetch");
    // The plugin asks exactly what the fixtures were captured with.
    const dump = await (await fetch(`http://127.0.0.1:${envoy.adminPort}${endpointDumpPath("cart")}`)).text();
    assert.ok(dump.includes('"cluster_name": "cart"'));
  });

  it(`scale-out 3 -> 5, a pod rolled to a new address, scale-in 5 -> 2 (x${ROUNDS}), under load, equal to Envoy's Maglev`, async (t) => {
    for (let round = 0; round < ROUNDS; round++) {
      // The cluster has 3 pods: scale out by 2.
      let current = [...pods.values()].filter((p) => nativeNow.includes(p.name));
      const added = [await spawn(), await spawn()];
      await change("scale-out 3 -> 5", [...current, ...added].map((p) => endpoint(p)), 2 / 5);
      for (const pod of added) await idsComeHome(pod);

      // Roll the second pod: a new process on a new address takes its place (same position in the list).
      current = [...current, ...added];
      const old = current[1];
      const rolled = await spawn();
      current[1] = rolled;
      await change("roll one of 5", current.map((p) => endpoint(p)), 1 / 5);
      assert.equal((await mint("PICK_PORT", old)).status, 404, "the rolled-away address is unknown to the ID generator");
      await idsComeHome(rolled);
      await old.close();
      pods.delete(old.name);

      // Scale in to 2: the removed pods leave the cluster first, and stop once the gateways no longer use them.
      const kept = current.slice(0, 2);
      const removed = current.slice(2);
      await change("scale-in 5 -> 2", kept.map((p) => endpoint(p)), 3 / 5);
      for (const pod of removed) {
        for (const port of ["PICK_PORT", "NATIVE_ID_PORT"]) assert.equal((await mint(port, pod)).status, 404, `${port}: ID for removed ${pod.name}`);
        await pod.close();
        pods.delete(pod.name);
      }

      // Back to 3 pods for the next round.
      if (round + 1 < ROUNDS) {
        const third = await spawn();
        await change("scale-out 2 -> 3", [...kept, third].map((p) => endpoint(p)), 1 / 3);
      }
    }
    for (const kind of ["scale-out 3 -> 5", "roll one of 5", "scale-in 5 -> 2"]) {
      const steps = figures.filter((f) => f.name === kind);
      const conv = steps.map((s) => s.convergenceMs);
      t.diagnostic(`${kind}: convergence p50 ${percentile(conv, 50)} ms, max ${Math.max(...conv)} ms (Envoy applied the file after ` +
        `p50 ${percentile(steps.map((s) => s.envoyMs), 50)} ms); requests during the change ${steps.reduce((a, s) => a + s.requests, 0)}, ` +
        `failed ${steps.reduce((a, s) => a + s.failed, 0)}; keys moved: plugin ${pct(steps, "movedPlugin")}, Envoy's Maglev ${pct(steps, "movedNative")}, ideal ${pct(steps, "ideal")} (${steps.length} rounds)`);
    }
  });

  it("follows health: unhealthy and degraded pods leave the table, panic brings every pod back, priorities spill, as Envoy's Maglev", async (t) => {
    const five = [...pods.values()].filter((p) => nativeNow.includes(p.name));
    while (five.length < 5) five.push(await spawn());
    await change("5 healthy pods", five.map((p) => endpoint(p)), 0);

    // One unhealthy, one degraded: 3 of 5 healthy, no panic; both leave the table.
    const [a, b, c, d, e] = five;
    let step = await change("one UNHEALTHY, one DEGRADED", [endpoint(a), endpoint(b, { health: "UNHEALTHY" }), endpoint(c, { health: "DEGRADED" }), endpoint(d), endpoint(e)], 2 / 5);
    assert.ok(!nativeNow.includes(b.name) && !nativeNow.includes(c.name), "neither gets keys");
    assert.match((await mint("PICK_PORT", b)).error ?? "", /owns no part of the table/);
    t.diagnostic(`${step.name}: converged in ${step.convergenceMs} ms, keys moved ${(100 * step.movedPlugin).toFixed(1)}% (Envoy ${(100 * step.movedNative).toFixed(1)}%)`);

    // Four of five unhealthy (20% healthy < 50%): panic, every pod is in the table again.
    step = await change("panic: 4 of 5 UNHEALTHY", [endpoint(a), ...[b, c, d, e].map((p) => endpoint(p, { health: "UNHEALTHY" }))], 0);
    assert.equal(new Set(nativeNow).size, 5, "in panic every pod takes keys");
    t.diagnostic(`${step.name}: converged in ${step.convergenceMs} ms`);

    // Priorities: P0 has 1 of 3 healthy (health 46%), P1 takes the remaining 54% of the hash space.
    step = await change("priority spill", [endpoint(a), endpoint(b, { health: "UNHEALTHY" }), endpoint(c, { health: "UNHEALTHY" }), endpoint(d, { priority: 1 }), endpoint(e, { priority: 1 })], 0);
    const onP1 = nativeNow.filter((p) => p === d.name || p === e.name).length / KEYS.length;
    assert.ok(onP1 > 0.45 && onP1 < 0.63, `${(100 * onP1).toFixed(1)}% of keys on priority 1`);
    t.diagnostic(`${step.name}: ${(100 * onP1).toFixed(1)}% of keys on priority 1 (Envoy's split: 54%)`);
  });

  it("bounds and measures the admin fetch: one call per refresh for all VMs, bytes, plugin and admin CPU", async (t) => {
    const stats = async () => {
      const s = await envoy.stats();
      const g = (n: string) => s.get(`wasmcustom.waymark.sticky.membership.${n}`) ?? 0;
      return { fetches: g("fetches"), unchanged: g("unchanged"), updates: g("updates"), bytes: g("bytes"), buildUs: g("build_us"), failures: g("failures"), admin: s.get("cluster.envoy_admin.upstream_rq_total") ?? 0 };
    };
    const vms = (WORKERS + 1) * PLUGINS; // the main thread's VM runs the root contexts too, and ticks
    const windowMs = 3000;
    const s0 = await stats();
    const t0 = Date.now();
    await sleep(windowMs);
    const s1 = await stats();
    const elapsed = Date.now() - t0;
    const fetches = s1.fetches - s0.fetches;
    // One VM holds the lease and fetches every 500 ms for all of them.
    assert.ok(fetches <= elapsed / 500 + 2, `${fetches} fetches in ${elapsed} ms`);
    assert.ok(fetches >= 2, "the leading VM keeps fetching");
    assert.equal(s1.admin - s0.admin, fetches, "every fetch is one admin request");
    assert.equal(s1.unchanged - s0.unchanged, fetches, "nothing changed: no rebuild");
    assert.equal(s1.failures, 0);
    const dump = await (await fetch(`http://127.0.0.1:${envoy.adminPort}${endpointDumpPath("cart")}`)).text();
    assert.equal((s1.bytes - s0.bytes) / fetches, dump.length, "bytes per fetch = the dump");
    t.diagnostic(`steady state: ${fetches} admin fetches in ${elapsed} ms for ${vms} VMs (one fetches, the others follow), ` +
      `${dump.length} bytes each (5 endpoints), none rebuilt`);
    t.diagnostic(`rebuilds so far: ${s1.updates} tables, ${(s1.buildUs / s1.updates / 1000).toFixed(2)} ms parse + build on average (65537-slot Maglev)`);

    // Envoy's admin CPU per fetch: the same request, asked 200 times, against the main thread's CPU time.
    t.diagnostic(`admin CPU per fetch (5 endpoints): ${(await adminCpuMs(envoy, endpointDumpPath("cart"), 200)).toFixed(3)} ms of the main thread`);

    // A large cluster: 1,000 endpoints (addresses nobody listens on; only the table matters here).
    const big: EdsEndpoint[] = Array.from({ length: 1000 }, (_, i) => ({ address: `10.${i >> 8}.${i & 255}.1:8080`, hostname: `cart-${i}` }));
    const mark = envoy.log().length;
    await applyEds(big);
    const builds = swapsSince(mark).map((l) => Number(/parsed and built in ([\d.]+) ms/.exec(l)?.[1]));
    const bigDump = await (await fetch(`http://127.0.0.1:${envoy.adminPort}${endpointDumpPath("cart")}`)).text();
    t.diagnostic(`1,000 endpoints: ${bigDump.length} bytes per fetch, parse + build ${percentile(builds, 50)} ms p50 / ${Math.max(...builds)} ms max per worker VM, ` +
      `admin CPU ${(await adminCpuMs(envoy, endpointDumpPath("cart"), 50)).toFixed(3)} ms per fetch`);
  });
});

function pct(steps: StepFigures[], field: "movedPlugin" | "movedNative" | "ideal"): string {
  return `${(100 * steps.reduce((a, s) => a + s[field], 0) / steps.length).toFixed(1)}%`;
}

/** Main-thread CPU (utime + stime, from /proc) per request of `path` to the admin, over `n` requests. */
async function adminCpuMs(envoy: Envoy, path: string, n: number): Promise<number> {
  const ticks = () => {
    const fields = readFileSync(`/proc/${envoy.pid}/task/${envoy.pid}/stat`, "utf8").split(")")[1].trim().split(" ");
    return Number(fields[11]) + Number(fields[12]);
  };
  const before = ticks();
  for (let i = 0; i < n; i++) await (await fetch(`http://127.0.0.1:${envoy.adminPort}${path}`)).text();
  // Clock ticks are 10 ms (USER_HZ 100).
  return ((ticks() - before) * 10) / n;
}
