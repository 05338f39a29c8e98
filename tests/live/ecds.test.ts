// Live configuration through ECDS in stock Envoy (envoy-configs/ecds.yaml: each plugin's filter configuration from
// its own discovery file), under wrk load. Per plugin: updates back and forth between the configurations of
// tests/live/changes.ts while wrk runs; every request must be 2xx, and every request reaching a pod must show one
// whole configuration (the one before or after the latest update), never a mix; the switch time of each update is
// measured from the rename. Then 100 updates per plugin: Envoy must retire every replaced root context (the SDK's
// counter waymark.sdk.<plugin>.roots_released) and the module's memory (gauge waymark.sdk.<plugin>.memory_bytes)
// must stay flat.
//   LIVE_UPDATES (default 4) updates per load run, LIVE_GAP_MS (600) apart; LIVE_MEMORY_UPDATES (100).
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { Envoy } from "../../mesh/envoy.ts";
import { request } from "../../mesh/http.ts";
import { startJwksServer, JwksServer } from "../support/jwks-server.ts";
import { jwks } from "../plugins/tenant/support.ts";
import { PLUGINS, PluginName, plugin, NEW_KEY_PROBE, cartKey, sessionKey } from "./changes.ts";
import { EcdsFiles, EcdsGateway, startEcdsGateway } from "./ecds.ts";
import { startFixture, Fixture, loadUntil, showsCurrent, sleep, until } from "./fixture.ts";
import { p50max } from "./watch.ts";

const UPDATES = Number(process.env.LIVE_UPDATES ?? 4);
const GAP_MS = Number(process.env.LIVE_GAP_MS ?? 600);
const MEMORY_UPDATES = Number(process.env.LIVE_MEMORY_UPDATES ?? 100);

/** One request signed by the key only configuration B holds, sent while the configurations change. */
interface NewKeyResult { startNs: bigint; endNs: bigint; status: number; reason: string }

describe("live configuration through ECDS under load (envoy-configs/ecds.yaml)", () => {
  let fixture: Fixture;
  let gateway: EcdsGateway;
  let envoy: Envoy;
  let files: EcdsFiles;
  let idp: JwksServer;

  const stat = async (name: string) => (await envoy.stat(name)) ?? 0;
  const sdk = (name: PluginName, metric: string) => stat(`wasmcustom.waymark.sdk.${name}.${metric}`);
  const diagnose = () => gateway.diagnose();

  /** Publishes the next step of `name` and tells the watch. */
  function update(name: PluginName): void {
    const at = files.push(plugin(fixture.live, name, fixture.watch.steps[name] + 1));
    fixture.watch.updated(at);
  }

  before(async () => {
    fixture = await startFixture();
    idp = await startJwksServer(jwks(fixture.live.k1));
    gateway = await startEcdsGateway(PLUGINS.map((name) => plugin(fixture.live, name, 0)), { UPSTREAM_PORT: fixture.pods[0].port, JWKS_PORT: idp.port });
    ({ envoy, files } = gateway);
  });

  after(async () => {
    await gateway?.stop();
    await fixture?.close();
    await idp?.close();
  });

  for (const name of PLUGINS) {
    it(`${name}: ${UPDATES} updates under wrk load: 0 non-2xx, no request mixes old and new, switch time measured`, async () => {
      const { watch, live } = fixture;
      watch.begin([name]);
      const accepted = await gateway.counter(name, "update_success");
      let updating = true;
      const started = process.hrtime.bigint();
      const running = loadUntil(envoy, "LISTENER_PORT", live, () => !updating, 8);
      // The tenant change lets a new key in: a second client keeps sending a token signed by it.
      const newKey: NewKeyResult[] = [];
      const prober = name !== "tenant" ? Promise.resolve() : (async () => {
        while (updating) {
          const startNs = process.hrtime.bigint();
          const reply = await request(envoy.url("LISTENER_PORT", "/new-key"), {
            headers: { authorization: `Bearer ${live.newKeyToken}`, [NEW_KEY_PROBE[0]]: NEW_KEY_PROBE[1], "x-cart-id": cartKey(1), "x-session-id": sessionKey(1) },
          });
          newKey.push({ startNs, endNs: process.hrtime.bigint(), status: reply.status, reason: reply.status === 401 ? reply.json().reason : "" });
        }
      })();
      try {
        await sleep(GAP_MS);
        for (let i = 0; i < UPDATES; i++) {
          update(name);
          // On a busy machine an update may take longer than the gap: the next one waits until this one is seen.
          await until(`update ${i + 1} to reach the pods`, async () => (watch.latestSeen() ? true : undefined), diagnose);
          await sleep(GAP_MS);
        }
      } finally {
        updating = false;
      }
      const result = await running;
      await prober;
      const rps = result.requests / (Number(process.hrtime.bigint() - started) / 1e9);

      const times = watch.switchTimes();
      const first = p50max(times.map((t) => t.firstNewMs));
      const last = p50max(times.map((t) => t.lastOldMs));
      console.log(`ecds ${name}: ${result.requests} requests (${Math.round(rps)}/s) over ${UPDATES} updates, ${result.non2xx} non-2xx, ${result.socketErrors} socket errors; ` +
        `at the pods: ${watch.old + watch.new} requests (${watch.old} old, ${watch.new} new), ${watch.mixed} mixed; ` +
        `switch: first new after p50 ${first.p50} ms / max ${first.max} ms, last old after p50 ${last.p50} ms / max ${last.max} ms` +
        (name === "tenant" ? `; new-key token: ${newKey.length} requests, ${newKey.filter((r) => r.status === 200).length} passed` : ""));

      assert.equal(result.errors, 0, `every request answered 2xx: ${result.non2xx} non-2xx, ${result.socketErrors} socket errors\n${await diagnose()}`);
      assert.equal(watch.mixed, 0, `requests mixing configurations:\n${watch.samples.join("\n")}`);
      assert.ok(watch.old + watch.new >= result.requests, `the pods saw ${watch.old + watch.new} requests, wrk counted ${result.requests}`);
      assert.equal(times.length, UPDATES, `every update was seen by the load (switch times: ${JSON.stringify(times)})`);
      assert.equal((await gateway.counter(name, "update_success")) - accepted, UPDATES, "Envoy accepted every update");
      if (name === "tenant") checkNewKey(newKey, watch.renameTimes);
    });
  }

  /**
   * The token signed by the key only B holds: within each update's window (requests sent after its rename and
   * answered before the next one; a request in flight across a rename may see either) the answers go from the old
   * configuration's to the new one's and never back (401 unknown_kid under A, 200 under B), and it passes after
   * every update to B. Its 200s also reached the pods, where the watch checked they show B's headers.
   */
  function checkNewKey(results: NewKeyResult[], renames: readonly bigint[]): void {
    for (let u = 0; u < renames.length; u++) {
      const window = results.filter((r) => r.startNs >= renames[u] && (u + 1 === renames.length || r.endNs < renames[u + 1]));
      const toB = u % 2 === 0; // update 1, 3, ... (index 0, 2, ...) goes to B
      const passes = window.map((r) => r.status === 200);
      for (const r of window) assert.ok(r.status === 200 || (r.status === 401 && r.reason === "unknown_kid"), `new-key token answered ${r.status} ${r.reason}`);
      const switchedAt = passes.findIndex((p) => p === toB);
      assert.ok(switchedAt >= 0, `update ${u + 1}: the new-key token never ${toB ? "passed" : "got refused"} (${window.length} requests)`);
      const trace = window.map((r) => `${r.status}@${(Number(r.startNs - renames[u]) / 1e6).toFixed(1)}ms`).join(" ");
      assert.ok(passes.slice(switchedAt).every((p) => p === toB), `update ${u + 1}: the new-key token went back to the old configuration's answer: ${trace}`);
    }
  }

  for (const name of PLUGINS) {
    it(`${name}: ${MEMORY_UPDATES} updates: every replaced root context released, module memory flat`, async () => {
      const { watch, live } = fixture;
      watch.begin([name]);
      const released = await sdk(name, "roots_released");
      const rssBefore = envoy.rssBytes();
      const vms = await stat("wasm.envoy.wasm.runtime.v8.active");
      const memory: number[] = [await sdk(name, "memory_bytes")];
      let done = false;
      const background = loadUntil(envoy, "LISTENER_PORT", live, () => done);
      try {
        for (let i = 0; i < MEMORY_UPDATES; i++) {
          update(name);
          await until(`update ${i + 1} of ${name} to reach requests`, async () => ((await showsCurrent(envoy, "LISTENER_PORT", fixture)) ? true : undefined), diagnose);
          memory.push(await sdk(name, "memory_bytes"));
        }
      } finally {
        done = true;
      }
      const result = await background;
      // Envoy has two VMs per plugin here (the main thread's and the one worker's): each retires its old root.
      const want = released + 2 * MEMORY_UPDATES;
      const got = await until(`${want - released} released root contexts`, async () => {
        const n = await sdk(name, "roots_released");
        return n >= want ? n : undefined;
      }, diagnose);
      await sleep(200);
      const rssAfter = envoy.rssBytes();
      const early = Math.max(...memory.slice(0, 11));
      const late = Math.max(...memory.slice(-10));
      console.log(`ecds ${name}: ${MEMORY_UPDATES} updates, ${result.requests} background requests (${result.non2xx} non-2xx, ${result.socketErrors} socket errors, ${watch.mixed} mixed); ` +
        `roots released ${got - released}; module memory ${memory[0]} B before, max ${early} B over updates 1-10, max ${late} B over the last 10; ` +
        `Envoy RSS ${(rssBefore / 2 ** 20).toFixed(1)} -> ${(rssAfter / 2 ** 20).toFixed(1)} MiB; ${await stat("wasm.envoy.wasm.runtime.v8.active")} Wasm VMs active`);
      assert.equal(await sdk(name, "roots_released"), want, "exactly the replaced root contexts were released, each once");
      // Every update also ran in a fresh copy of the VM (Envoy's canary), which Envoy destroys afterwards.
      assert.equal(await stat("wasm.envoy.wasm.runtime.v8.active"), vms, "Wasm VMs left behind by the updates");
      // The figure is the linear memory of whichever VM configured last, and the garbage collector may double it
      // once more after the first updates; a leak grows it with every update (a lost root's sticky table alone is
      // 256 KiB), far beyond that.
      assert.ok(late <= 2 * early, `module memory grew over the updates: ${memory.join(", ")}`);
      assert.equal(result.errors, 0, `${result.non2xx} non-2xx, ${result.socketErrors} socket errors\n${await diagnose()}`);
      assert.equal(watch.mixed, 0, watch.samples.join("\n"));
    });
  }

  it("tenant with a remote key set: an update while the identity provider is down keeps verifying with the last good set", async () => {
    const { watch, live } = fixture;
    /** The tenant configuration of the next step, with its keys fetched from the identity provider. */
    const remote = () => {
      const p = plugin(live, "tenant", watch.steps.tenant + 1);
      const config = p.config as any;
      const { local_jwks, ...main } = config.providers.main;
      return { ...p, config: { ...config, providers: { main: { ...main, remote_jwks: { http_uri: { uri: "http://idp.local/jwks.json", cluster: "jwks", timeout: "1s" } } } } } };
    };
    watch.begin(["tenant"]);
    watch.updated(files.push(remote()));
    await until("the remote configuration to serve", async () => ((await showsCurrent(envoy, "LISTENER_PORT", fixture)) ? true : undefined), diagnose);
    await idp.down();
    let updating = true;
    const running = loadUntil(envoy, "LISTENER_PORT", live, () => !updating, 8);
    try {
      await sleep(GAP_MS);
      for (let i = 0; i < 2; i++) {
        watch.updated(files.push(remote()));
        await until(`update ${i + 1} to reach the pods`, async () => (watch.latestSeen() ? true : undefined), diagnose);
        await sleep(GAP_MS);
      }
    } finally {
      updating = false;
    }
    const result = await running;
    await idp.up();
    console.log(`ecds tenant, remote key set, identity provider down: ${result.requests} requests over 2 updates, ${result.non2xx} non-2xx, ${result.socketErrors} socket errors, ${watch.mixed} mixed`);
    assert.equal(result.errors, 0, `every request answered 2xx (the new configuration verified with the last good key set): ${result.non2xx} non-2xx, ${result.socketErrors} socket errors\n${await diagnose()}`);
    assert.equal(watch.mixed, 0, watch.samples.join("\n"));
  });
});
