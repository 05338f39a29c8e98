// Live configuration through LDS in stock Envoy, under wrk load: the listener of tests/faults/lds-listener.yaml with
// all three plugins, each update changing all three configurations at once (tests/live/changes.ts). A listener
// update is one unit: every request must be 2xx and show either every old configuration or every new one, never
// some plugins old and some new. Requests on connections opened before an update keep the old filter chain until
// Envoy drains those connections, so the last old request comes later than with ECDS (Envoy's default drain).
//   LIVE_UPDATES (default 4) updates, LIVE_LDS_GAP_MS (1500) apart.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEnvoy, renderTemplate, Envoy } from "../../mesh/envoy.ts";
import { freePort } from "../../mesh/ports.ts";
import { filterChain } from "../soak/plugins.ts";
import { root } from "../../scripts/ensure.mjs";
import { PLUGINS, plugin } from "./changes.ts";
import { startFixture, Fixture, loadUntil, sleep, until } from "./fixture.ts";
import { p50max } from "./watch.ts";

const UPDATES = Number(process.env.LIVE_UPDATES ?? 4);
const GAP_MS = Number(process.env.LIVE_GAP_MS ?? 600);
/** Envoy's drain strategy for connections of a replaced listener (Envoy's default: "gradual" over 600 s). */
const DRAIN = process.env.LIVE_LDS_DRAIN ?? "immediate";
const LISTENER = readFileSync(join(root, "tests", "faults", "lds-listener.yaml"), "utf8");

describe("live configuration through LDS under load (all three plugins in one listener update)", () => {
  let fixture: Fixture;
  let envoy: Envoy;
  let dir: string;
  let listenerPort: number;
  let version = 0;

  /** Writes the listener with every plugin `ahead` steps past the watch's and renames it over the LDS file. */
  function push(ahead: number): bigint {
    const plugins = PLUGINS.map((name) => plugin(fixture.live, name, fixture.watch.steps[name] + ahead));
    const text = renderTemplate(LISTENER, { VERSION: String(++version), LISTENER_PORT: String(listenerPort), FILTERS: filterChain(plugins) });
    const temp = join(dir, `listener.${version}.yaml`);
    writeFileSync(temp, text);
    const at = process.hrtime.bigint();
    renameSync(temp, join(dir, "listener.yaml"));
    return at;
  }

  before(async () => {
    fixture = await startFixture();
    dir = mkdtempSync(join(tmpdir(), "waymark-live-lds-"));
    listenerPort = await freePort();
    push(0);
    envoy = await startEnvoy("tests/faults/lds-bootstrap.yaml", {
      vars: { LDS_PATH: join(dir, "listener.yaml"), LISTENER_PORT: listenerPort }, args: ["--drain-strategy", DRAIN],
    });
  });

  after(async () => {
    await envoy?.stop();
    await fixture?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(`${UPDATES} listener updates under wrk load: 0 non-2xx, every request all old or all new`, async () => {
    const { watch, live } = fixture;
    watch.begin(PLUGINS);
    const success = (await envoy.stat("listener_manager.lds.update_success")) ?? 0;
    let updating = true;
    const started = process.hrtime.bigint();
    const running = loadUntil(envoy, "LISTENER_PORT", live, () => !updating, 8);
    try {
      await sleep(GAP_MS);
      for (let i = 0; i < UPDATES; i++) {
        watch.updated(push(1));
        await until(`update ${i + 1} to reach the pods`, async () => (watch.latestSeen() ? true : undefined), async () => envoy.log().slice(-3000));
        await sleep(GAP_MS);
      }
    } finally {
      updating = false;
    }
    const result = await running;
    const rps = result.requests / (Number(process.hrtime.bigint() - started) / 1e9);
    const times = watch.switchTimes();
    const first = p50max(times.map((t) => t.firstNewMs));
    const last = p50max(times.map((t) => t.lastOldMs));
    console.log(`lds: ${result.requests} requests (${Math.round(rps)}/s) over ${UPDATES} listener updates, ${result.non2xx} non-2xx, ${result.socketErrors} socket errors; ` +
      `at the pods: ${watch.old + watch.new} requests (${watch.old} old, ${watch.new} new), ${watch.mixed} mixed; ` +
      `switch: first new after p50 ${first.p50} ms / max ${first.max} ms, last old after p50 ${last.p50} ms / max ${last.max} ms`);
    assert.equal(result.errors, 0, `every request answered 2xx: ${result.non2xx} non-2xx, ${result.socketErrors} socket errors\n${envoy.log().slice(-3000)}`);
    assert.equal(watch.mixed, 0, `requests mixing configurations:\n${watch.samples.join("\n")}`);
    assert.ok(watch.old + watch.new >= result.requests);
    assert.equal(times.length, UPDATES, `every update was seen by the load (${JSON.stringify(times)})`);
    assert.equal(((await envoy.stat("listener_manager.lds.update_success")) ?? 0) - success, UPDATES);
  });
});
