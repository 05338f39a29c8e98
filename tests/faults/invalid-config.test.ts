// An invalid plugin configuration pushed to a running Envoy: the listener comes from file-based LDS with all three
// plugins, then an update where sticky's configuration is invalid is renamed over the file. Envoy must refuse the
// update, say why (the plugin's own error line naming the field, and Envoy's rejection), and keep serving the old
// listener with every plugin working; a corrected update afterwards is accepted and takes effect.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEnvoy, renderTemplate, Envoy } from "../envoy/envoy.ts";
import { startEchoServer, EchoServer, echoValues, Echo } from "../support/echo-server.ts";
import { request } from "../support/http.ts";
import { freePort } from "../support/ports.ts";
import { pluginSet, filterChain, Plugin } from "../soak/plugins.ts";
import { root } from "../../scripts/ensure.mjs";

const LISTENER = readFileSync(join(root, "tests", "faults", "lds-listener.yaml"), "utf8");

/** The plugin set with one plugin's configuration changed. */
function withConfig(plugins: Plugin[], name: string, change: (config: any) => object): Plugin[] {
  return plugins.map((p) => (p.name === name ? { ...p, config: change(structuredClone(p.config)) } : p));
}

/** What a failure message should show: set once Envoy runs (its LDS counters and the end of its log). */
let diagnose: (() => Promise<string>) | undefined;

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${diagnose ? `\n${await diagnose()}` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

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
    if (reply.status !== 200) assert.fail(`status ${reply.status}: ${reply.body}\n${await diagnose!()}`);
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
    await until("lds.update_rejected to increase", async () => ((await counter("update_rejected")) > rejected ? true : undefined));
    if ((await counter("update_success")) !== success) assert.fail(`the invalid update was applied\n${await diagnose!()}`);
    const pluginLine = await envoy.waitForLog(/sticky: invalid configuration: table_size: 10 is not a prime number/);
    // Envoy 1.40 words it "lds: listener 'ingress' config rejected: ..."; 1.36–1.39 "Error adding/updating listener(s) ingress: ...".
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
    await until("lds.update_success to increase", async () => ((await counter("update_success")) > success ? true : undefined));
    assert.equal(await counter("update_rejected"), rejected);
    // The new listener replaces the old one as soon as it is warm; poll until requests see the new alias.
    const echo = await until("the new alias to reach the pods", async () => {
      const { echo } = await good();
      return echoValues(echo, "x-version")[0] === "v7" ? echo : undefined;
    });
    assert.deepEqual(echoValues(echo, "x-feature-group"), ["geo-discount"]);
    assert.deepEqual(echoValues(echo, "x-tenant"), ["acme"]);
    assert.equal(echo.name, stickyPod, "sticky's configuration is unchanged, so is the pod");
  });
});
