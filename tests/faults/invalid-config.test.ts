// An invalid plugin configuration pushed to a running Envoy, over LDS and over ECDS. LDS: the listener comes from
// a file with all three plugins, then an update where sticky's configuration is invalid is renamed over the file.
// ECDS (envoy-configs/ecds.yaml, under wrk load): each plugin's filter configuration is replaced by an invalid one
// in turn. Either way Envoy must refuse the update, say why (the plugin's own error line naming the field, and
// Envoy's rejection and counter), and keep serving the old configuration with every plugin working — for ECDS
// every request of the load 2xx and showing the old configuration; a corrected update afterwards is accepted and
// takes effect.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEnvoy, renderTemplate, Envoy } from "../../mesh/envoy.ts";
import { startEchoServer, EchoServer, echoValues, Echo } from "../../mesh/echo-server.ts";
import { request } from "../../mesh/http.ts";
import { freePort } from "../../mesh/ports.ts";
import { pluginSet, filterChain, Plugin } from "../soak/plugins.ts";
import { root } from "../../scripts/ensure.mjs";
import { PLUGINS, PluginName, plugin as livePlugin } from "../live/changes.ts";
import { EcdsGateway, startEcdsGateway } from "../live/ecds.ts";
import { startFixture, Fixture, loadUntil, showsCurrent, until } from "../live/fixture.ts";

const LISTENER = readFileSync(join(root, "tests", "faults", "lds-listener.yaml"), "utf8");

/** The plugin set with one plugin's configuration changed. */
function withConfig(plugins: Plugin[], name: string, change: (config: any) => object): Plugin[] {
  return plugins.map((p) => (p.name === name ? { ...p, config: change(structuredClone(p.config)) } : p));
}

/** What a failure message should show: set once Envoy runs (its LDS counters and the end of its log). */
let diagnose: () => Promise<string> = async () => "";

describe("an invalid plugin configuration pushed over LDS", () => {
  let pods: EchoServer[] = [];
  let set: Awaited<ReturnType<typeof pluginSet>>;
  let envoy: Envoy;
  let dir: string;
  let ldsPath: string;
  let listenerPort: number;
  let version = 0;

  /** Writes the listener with these plugins next to the watched file and renames it over (Envoy sees a move). */
  function push(plugins: Plugin[]): void {
    const text = renderTemplate(LISTENER, { VERSION: String(++version), LISTENER_PORT: String(listenerPort), FILTERS: filterChain(plugins) });
    const temp = join(dir, `listener.${version}.yaml`);
    writeFileSync(temp, text);
    renameSync(temp, ldsPath);
  }

  async function counter(name: string): Promise<number> {
    return (await envoy.stat(`listener_manager.lds.${name}`)) ?? 0;
  }

  /** A request every plugin acts on: a valid token, a cart for sticky, a country for feature-group. */
  async function good(): Promise<{ status: number; echo: Echo }> {
    const reply = await request(envoy.url("LISTENER_PORT", "/api/cart"), {
      headers: { authorization: `Bearer ${set.token}`, "x-cart-id": "cart-42", "cf-ipcountry": "DE", "x-tenant": "forged" },
    });
    if (reply.status !== 200) assert.fail(`status ${reply.status}: ${reply.body}\n${await diagnose()}`);
    return { status: reply.status, echo: reply.json() };
  }

  before(async () => {
    pods = await Promise.all(["pod-a", "pod-b", "pod-c"].map((n) => startEchoServer(n)));
    set = await pluginSet(pods.map((p) => p.address), Math.floor(Date.now() / 1000));
    dir = mkdtempSync(join(tmpdir(), "waymark-lds-"));
    ldsPath = join(dir, "listener.yaml");
    listenerPort = await freePort();
    push(set.plugins);
    envoy = await startEnvoy("tests/faults/lds-bootstrap.yaml", { vars: { LDS_PATH: ldsPath, LISTENER_PORT: listenerPort } });
    diagnose = async () => {
      const lds = [...(await envoy.stats())].filter(([k]) => k.startsWith("listener_manager.")).map(([k, v]) => `${k}: ${v}`);
      return `${lds.join("\n")}\n${envoy.log().slice(-3000)}`;
    };
  });

  after(async () => {
    await envoy?.stop();
    await Promise.all(pods.map((p) => p.close()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  let stickyPod = "";

  it("serves with all three plugins from the first LDS version", async () => {
    const { echo } = await good();
    assert.deepEqual(echoValues(echo, "x-tenant"), ["acme"], "tenant replaced the forged value with the token's");
    assert.deepEqual(echoValues(echo, "x-feature-group"), ["geo-discount"]);
    assert.deepEqual(echoValues(echo, "x-version"), ["v2"]);
    const dst = echoValues(echo, "x-envoy-original-dst-host");
    const pod = pods.find((p) => p.name === echo.name)!;
    assert.deepEqual(dst, [pod.address], "sticky chose the pod that answered");
    stickyPod = echo.name;
  });

  it("rejects an update whose sticky configuration is invalid, and says why", async () => {
    const rejected = await counter("update_rejected");
    const success = await counter("update_success");
    push(withConfig(set.plugins, "sticky", (c) => ({ ...c, table_size: 10 })));
    await until("lds.update_rejected to increase", async () => ((await counter("update_rejected")) > rejected ? true : undefined), diagnose);
    if ((await counter("update_success")) !== success) assert.fail(`the invalid update was applied\n${await diagnose()}`);
    const pluginLine = await envoy.waitForLog(/sticky: invalid configuration: table_size: 10 is not a prime number/);
    // Envoy 1.40 words it "lds: listener 'ingress' config rejected: ..."; 1.36 "Error adding/updating listener(s) ingress: ...".
    const listenerLine = await envoy.waitForLog(/(lds: listener 'ingress' config rejected|Error adding\/updating listener\(s\) ingress): Unable to create Wasm plugin sticky/);
    const updateLine = await envoy.waitForLog(/config update rejected: Error adding\/updating listener\(s\) ingress: Unable to create Wasm plugin sticky/);
    console.log(`envoy logged:\n  ${[pluginLine, listenerLine, updateLine].map((l) => l.trim()).join("\n  ")}`);
  });

  it("keeps serving the old listener with every plugin working", async () => {
    const { echo } = await good();
    assert.equal(echo.name, stickyPod, "the same cart reaches the same pod");
    assert.deepEqual(echoValues(echo, "x-envoy-original-dst-host"), [pods.find((p) => p.name === stickyPod)!.address]);
    assert.deepEqual(echoValues(echo, "x-tenant"), ["acme"]);
    assert.deepEqual(echoValues(echo, "x-version"), ["v2"]);
    const forged = await request(envoy.url("LISTENER_PORT", "/api/cart"), { headers: { "x-tenant": "acme", "x-cart-id": "cart-42" } });
    assert.equal(forged.status, 401, "a forged x-tenant without a token is still refused");
  });

  it("accepts a corrected update, which takes effect", async () => {
    const success = await counter("update_success");
    const rejected = await counter("update_rejected");
    push(withConfig(set.plugins, "feature-group", (c) => ({ ...c, aliases: { ...c.aliases, "geo-discount": "v7" } })));
    await until("lds.update_success to increase", async () => ((await counter("update_success")) > success ? true : undefined), diagnose);
    assert.equal(await counter("update_rejected"), rejected);
    // The new listener replaces the old one as soon as it is warm; poll until requests see the new alias.
    const echo = await until("the new alias to reach the pods", async () => {
      const { echo } = await good();
      return echoValues(echo, "x-version")[0] === "v7" ? echo : undefined;
    }, diagnose);
    assert.deepEqual(echoValues(echo, "x-feature-group"), ["geo-discount"]);
    assert.deepEqual(echoValues(echo, "x-tenant"), ["acme"]);
    assert.equal(echo.name, stickyPod, "sticky's configuration is unchanged, so is the pod");
  });
});

/** An invalid configuration of each plugin, and the line the plugin logs when it refuses it. */
const INVALID: Record<PluginName, { change: (config: any) => object; logged: RegExp }> = {
  tenant: {
    change: (c) => ({ ...c, providers: { main: { ...c.providers.main, claim_to_headers: [{ header_name: "authorization", claim_name: "tenant" }] } } }),
    logged: /tenant: invalid configuration: providers\.main\.claim_to_headers\[0\]\.header_name: must not name a header Envoy owns \(authorization\)/,
  },
  "feature-group": {
    change: (c) => ({ ...c, rules: [{ group: 42 }] }),
    logged: /feature-group: invalid configuration: rules\[0\]\.group: must be a string/,
  },
  sticky: {
    change: (c) => ({ ...c, table_size: 10 }),
    logged: /sticky: invalid configuration: table_size: 10 is not a prime number/,
  },
};

describe("an invalid plugin configuration pushed over ECDS, under load", () => {
  let fixture: Fixture;
  let gateway: EcdsGateway;
  const ecds = (name: PluginName, counter: string) => gateway.counter(name, counter);
  const ecdsDiagnose = () => gateway.diagnose();

  before(async () => {
    fixture = await startFixture();
    gateway = await startEcdsGateway(PLUGINS.map((name) => livePlugin(fixture.live, name, 0)), { UPSTREAM_PORT: fixture.pods[0].port });
  });

  after(async () => {
    await gateway?.stop();
    await fixture?.close();
  });

  it("refuses each plugin's invalid configuration, says why, and the old ones keep serving every request", async () => {
    const { watch, live } = fixture;
    const { envoy, files } = gateway;
    watch.begin([]); // nothing may change: every request must show the starting configurations
    let refusing = true;
    const running = loadUntil(envoy, "LISTENER_PORT", live, () => !refusing, 8);
    try {
      await until("the load to reach the pods", async () => (watch.old > 100 ? true : undefined), ecdsDiagnose);
      for (const name of PLUGINS) {
        const [rejected, failed, success] = [await ecds(name, "update_rejected"), await ecds(name, "config_fail"), await ecds(name, "update_success")];
        const current = livePlugin(live, name, watch.steps[name]);
        files.push({ ...current, config: INVALID[name].change(current.config) });
        await until(`${name}: ECDS update_rejected to increase`, async () => ((await ecds(name, "update_rejected")) > rejected ? true : undefined), ecdsDiagnose);
        assert.equal(await ecds(name, "config_fail"), failed + 1);
        assert.equal(await ecds(name, "update_success"), success, `${name}: the invalid configuration was applied`);
        const pluginLine = await envoy.waitForLog(INVALID[name].logged);
        const rejection = await envoy.waitForLog(new RegExp(`config update rejected: Unable to create Wasm plugin ${name}`));
        console.log(`envoy logged:\n  ${pluginLine.trim()}\n  ${rejection.trim()}`);
        assert.ok(await showsCurrent(envoy, "LISTENER_PORT", fixture), `${name}: a request no longer shows the old configuration`);
      }
    } finally {
      refusing = false;
    }
    const result = await running;
    console.log(`ecds refusals under load: ${result.requests} requests, ${result.non2xx} non-2xx, ${result.socketErrors} socket errors, ${watch.mixed} not showing the old configurations`);
    assert.equal(result.errors, 0, `every request answered 2xx while the updates were refused: ${result.non2xx} non-2xx, ${result.socketErrors} socket errors\n${await ecdsDiagnose()}`);
    assert.equal(watch.mixed, 0, watch.samples.join("\n"));
    assert.ok(watch.old >= result.requests);
  });

  it("accepts a corrected configuration of each plugin, which takes effect", async () => {
    const { watch, live } = fixture;
    const { envoy, files } = gateway;
    for (const name of PLUGINS) {
      watch.begin([name]);
      const success = await ecds(name, "update_success");
      watch.updated(files.push(livePlugin(live, name, watch.steps[name] + 1)));
      await until(`${name}: ECDS update_success to increase`, async () => ((await ecds(name, "update_success")) > success ? true : undefined), ecdsDiagnose);
      await until(`${name}: the corrected configuration to reach requests`, async () => ((await showsCurrent(envoy, "LISTENER_PORT", fixture)) ? true : undefined), ecdsDiagnose);
      assert.equal(watch.mixed, 0, watch.samples.join("\n"));
    }
  });
});

describe("a first ECDS configuration the plugin refuses", () => {
  let fixture: Fixture;
  let gateway: EcdsGateway;

  before(async () => {
    fixture = await startFixture();
    const plugins = PLUGINS.map((name) => livePlugin(fixture.live, name, 0));
    gateway = await startEcdsGateway(plugins.map((p) => (p.name === "sticky" ? { ...p, config: INVALID.sticky.change(p.config) } : p)), { UPSTREAM_PORT: fixture.pods[0].port });
  });

  after(async () => {
    await gateway?.stop();
    await fixture?.close();
  });

  it("leaves the filter without a configuration: Envoy answers 500 until a valid one arrives", async () => {
    const { envoy, files } = gateway;
    const headers = { authorization: `Bearer ${fixture.live.token}`, "x-cart-id": "cart-1" };
    await envoy.waitForLog(INVALID.sticky.logged);
    const refused = await request(envoy.url("LISTENER_PORT", "/"), { headers });
    assert.deepEqual([refused.status, refused.body], [500, ""]);
    assert.equal(await gateway.counter("sticky", "update_rejected"), 1);
    files.push(livePlugin(fixture.live, "sticky", 0));
    await until("a valid sticky configuration to serve", async () => ((await showsCurrent(envoy, "LISTENER_PORT", fixture)) ? true : undefined), () => gateway.diagnose());
  });
});
