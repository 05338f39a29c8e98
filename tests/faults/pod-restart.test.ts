// An upstream pod killed and restarted while requests keep coming, in real Envoy with the user-facing
// envoy-configs/sticky.yaml (pick mode: the plugin's Maglev table over a static pod list, an ORIGINAL_DST
// cluster). Pick mode knows no health, by design: a key's pod is a pure function of the key and the pod list,
// like Maglev with a static host set. So the keys of the dead pod fail (503) while it is down and are never
// re-routed, the keys of the surviving pods never move and never fail, and the dead pod's keys come back to
// it once it listens again on the same address.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { startEnvoy, Envoy } from "../../mesh/envoy.ts";
import { startEchoServer, EchoServer, Echo } from "../../mesh/echo-server.ts";
import { request } from "../../mesh/http.ts";
import { freePorts } from "../../mesh/ports.ts";
import { ensureBuilt, randomKeys, mapConcurrent, prng } from "../plugins/sticky/support.ts";

const CONFIG = "envoy-configs/sticky.yaml";
const NAMES = ["pod-a", "pod-b", "pod-c"]; // sticky.yaml's hostnames, so picks.<name> counters match
const VICTIM = "pod-b";
const KEYS = 300;
const SEED = 20261207;
const CONCURRENCY = 8;
const PHASE_MS = 2000;

type Phase = "before" | "down" | "up";
/** One request of the load run: the phase it started and ended in ("transition" when they differ). */
interface Outcome { key: string; phase: Phase | "transition"; status: number; pod?: string; body?: string; error?: string }

async function ask(envoy: Envoy, key: string): Promise<{ status: number; pod?: string; body?: string; error?: string }> {
  try {
    const reply = await request(envoy.url("LISTENER_PORT", "/carts"), { headers: { "x-cart-id": key }, timeoutMs: 5000 });
    if (reply.status === 200) return { status: 200, pod: reply.json<Echo>().name };
    return { status: reply.status, body: reply.body.slice(0, 200) };
  } catch (err) {
    return { status: 0, error: String(err) };
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("an upstream pod killed and restarted under load (sticky pick mode)", () => {
  const pods = new Map<string, EchoServer>();
  let ports: number[] = [];
  let envoy: Envoy;
  const keys = randomKeys(KEYS, SEED);
  /** The pod each key reached before the fault. */
  const home = new Map<string, string>();

  before(async () => {
    ensureBuilt();
    // Fixed ports, so the killed pod can come back on the same address the plugin's pod list names.
    ports = await freePorts(3);
    for (let i = 0; i < 3; i++) pods.set(NAMES[i], await startEchoServer(NAMES[i], ports[i]));
    envoy = await startEnvoy(CONFIG, { vars: { POD_A_PORT: ports[0], POD_B_PORT: ports[1], POD_C_PORT: ports[2], LOCAL_DC: "dc1", PEER_DC: "dc2" } });
  });

  after(async () => {
    await envoy?.stop();
    for (const pod of pods.values()) await pod.close();
  });

  it(`before the fault: each of ${KEYS} keys reaches one pod`, async () => {
    const answers = await mapConcurrent(keys, 16, (key) => ask(envoy, key));
    answers.forEach((a, i) => {
      assert.equal(a.status, 200, `${keys[i]}: ${a.body ?? a.error}`);
      home.set(keys[i], a.pod!);
    });
    const share = NAMES.map((n) => [...home.values()].filter((p) => p === n).length);
    // Weights 1, 1, 2 in sticky.yaml: every pod holds some keys, the victim included. The host keys are
    // `ip:port` and the ports are free ones, so the exact split changes from run to run (the keys do not).
    for (let i = 0; i < 3; i++) assert.ok(share[i] > 30, `${NAMES[i]} holds ${share[i]} keys`);
  });

  it("kills one pod and restarts it: surviving keys never move or fail, the dead pod's keys fail (503) until it is back, then return to it", async (t) => {
    assert.equal(home.size, KEYS, "needs the keys' pods from the previous test");
    const victimKeys = new Set(keys.filter((k) => home.get(k) === VICTIM));
    const pickStat = `wasmcustom.waymark.sticky.picks.${VICTIM}`;
    const picksBefore = (await envoy.stat(pickStat)) ?? 0;
    const cxFailBefore = (await envoy.stat("cluster.sticky_pods.upstream_cx_connect_fail")) ?? 0;

    let phase: Phase | "switching" = "before";
    let running = true;
    const outcomes: Outcome[] = [];
    const rand = prng(SEED + 1);
    const worker = async () => {
      while (running) {
        const key = keys[Math.floor(rand() * keys.length)];
        const started = phase;
        const answer = await ask(envoy, key);
        const ended = phase;
        outcomes.push({ key, phase: started === ended && started !== "switching" ? started : "transition", ...answer });
      }
    };
    const workers = Promise.all(Array.from({ length: CONCURRENCY }, worker));
    try {
      await sleep(PHASE_MS / 2);
      phase = "switching";
      await pods.get(VICTIM)!.close();
      phase = "down";
      await sleep(PHASE_MS);
      phase = "switching";
      pods.set(VICTIM, await startEchoServer(VICTIM, ports[NAMES.indexOf(VICTIM)]));
      phase = "up";
      await sleep(PHASE_MS);
    } finally {
      running = false;
      await workers;
    }

    // Figures, per phase and per kind of key.
    const table: Record<string, { ok: number; failed: number }> = {};
    for (const o of outcomes) {
      const row = `${o.phase} ${victimKeys.has(o.key) ? "dead pod's keys" : "surviving keys"}`;
      table[row] ??= { ok: 0, failed: 0 };
      table[row][o.status === 200 ? "ok" : "failed"]++;
    }
    const failures = new Map<string, number>();
    for (const o of outcomes.filter((o) => o.status !== 200)) {
      const what = `${o.status} ${o.body ?? o.error}`;
      failures.set(what, (failures.get(what) ?? 0) + 1);
    }
    t.diagnostic(`${outcomes.length} requests over ${keys.length} keys (${victimKeys.size} on ${VICTIM}), concurrency ${CONCURRENCY}, seed ${SEED}`);
    for (const [row, c] of Object.entries(table)) t.diagnostic(`${row}: ${c.ok} ok, ${c.failed} failed`);
    for (const [what, n] of failures) t.diagnostic(`${n} x ${what}`);

    // 1. A surviving pod's key: answered every time, always by the pod it had before the fault.
    const moved = outcomes.filter((o) => !victimKeys.has(o.key) && (o.status !== 200 || o.pod !== home.get(o.key)));
    assert.deepEqual(moved.slice(0, 5), [], `${moved.length} requests for surviving pods' keys failed or moved`);

    // 2. The dead pod's keys: never re-routed (no answer ever came from another pod), and every request made
    //    while it was down failed with 503; the plugin kept naming the dead pod (its pick counter).
    const rerouted = outcomes.filter((o) => victimKeys.has(o.key) && o.status === 200 && o.pod !== VICTIM);
    assert.deepEqual(rerouted, [], "a dead pod's key was served elsewhere");
    const downVictim = outcomes.filter((o) => o.phase === "down" && victimKeys.has(o.key));
    assert.ok(downVictim.length >= 20, `only ${downVictim.length} requests for the dead pod's keys while it was down`);
    assert.deepEqual([...new Set(downVictim.map((o) => o.status))], [503], "while down, its keys get 503 and nothing else");
    const victimRequests = outcomes.filter((o) => victimKeys.has(o.key)).length;
    assert.equal((await envoy.stat(pickStat))! - picksBefore, victimRequests, "the plugin named the dead pod for every one of its keys");
    assert.ok(((await envoy.stat("cluster.sticky_pods.upstream_cx_connect_fail")) ?? 0) > cxFailBefore, "Envoy saw refused connections");

    // 3. After the restart on the same address, its keys are served by it again.
    const upVictim = outcomes.filter((o) => o.phase === "up" && victimKeys.has(o.key));
    assert.ok(upVictim.length >= 20, `only ${upVictim.length} requests for the restarted pod's keys`);
    assert.deepEqual(upVictim.filter((o) => o.status !== 200), [], "the restarted pod's keys failed after it was back");

    // And every key, once more, reaches exactly the pod it had before the fault.
    const sweep = await mapConcurrent(keys, 16, (key) => ask(envoy, key));
    const elsewhere = sweep.map((a, i) => (a.status === 200 && a.pod === home.get(keys[i]) ? null : `${keys[i]}: ${a.status} ${a.pod ?? a.body ?? a.error}`)).filter((x) => x !== null);
    assert.deepEqual(elsewhere, [], "after the restart every key is home");
  });
});
