// A plugin that traps, in real Envoy, under each failure policy. The SDK's test-only switch
// (vm_config "waymark-test-trap=<header>") makes any plugin trap on demand; the plugin's effect on a normal
// request (a header it adds) shows whether it is still running.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startEnvoy, Envoy } from "../../mesh/envoy.ts";
import { startEchoServer, EchoServer, echoValues } from "../../mesh/echo-server.ts";
import { request } from "../../mesh/http.ts";
import { root } from "../../scripts/ensure.mjs";

const PLUGIN = { wasm: join(root, "build", "examples", "hello-headers.wasm"), rootId: "hello-headers", config: "", marker: "x-hello" };

async function normal(envoy: Envoy): Promise<{ status: number; ranPlugin: boolean }> {
  const reply = await request(envoy.url("LISTENER_PORT", "/"), { headers: { "x-user": "ada" } });
  return { status: reply.status, ranPlugin: reply.status === 200 && echoValues(reply.json(), PLUGIN.marker).length > 0 };
}

async function trap(envoy: Envoy): Promise<number> {
  return (await request(envoy.url("LISTENER_PORT", "/"), { headers: { "x-waymark-trap": "1" } })).status;
}

describe("failure policies when a plugin traps", () => {
  let echo: EchoServer;
  before(async () => {
    echo = await startEchoServer("echo");
  });
  after(async () => {
    await echo?.close();
  });

  async function withPolicy(policy: string, body: (envoy: Envoy) => Promise<void>): Promise<void> {
    const envoy = await startEnvoy("tests/faults/plugin.yaml", {
      vars: { ECHO_PORT: echo.port, WASM: PLUGIN.wasm, ROOT_ID: PLUGIN.rootId, PLUGIN_CONFIG_JSON: JSON.stringify(PLUGIN.config), FAILURE_POLICY: policy },
    });
    try {
      await body(envoy);
    } finally {
      await envoy.stop();
    }
  }

  it("FAIL_CLOSED: the trapping request and every later one get 503", async () => {
    await withPolicy("FAIL_CLOSED", async (envoy) => {
      assert.deepEqual(await normal(envoy), { status: 200, ranPlugin: true });
      assert.equal(await trap(envoy), 503);
      assert.equal((await normal(envoy)).status, 503, "a dead VM fails every stream closed");
      await envoy.waitForLog(/test trap requested by the x-waymark-trap header/);
    });
  });

  it("FAIL_OPEN: the trapping request gets 503, later requests pass without the plugin", async () => {
    await withPolicy("FAIL_OPEN", async (envoy) => {
      assert.deepEqual(await normal(envoy), { status: 200, ranPlugin: true });
      assert.equal(await trap(envoy), 503, "the request that trapped still fails");
      assert.deepEqual(await normal(envoy), { status: 200, ranPlugin: false }, "the filter is skipped: requests flow, unprocessed");
    });
  });

  it("FAIL_RELOAD: the trapping request fails, then a fresh VM serves later requests with the plugin", async () => {
    await withPolicy("FAIL_RELOAD", async (envoy) => {
      assert.deepEqual(await normal(envoy), { status: 200, ranPlugin: true });
      assert.equal(await trap(envoy), 503);
      let after = await normal(envoy);
      const deadline = Date.now() + 10_000;
      while (!after.ranPlugin && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        after = await normal(envoy);
      }
      assert.deepEqual(after, { status: 200, ranPlugin: true });
      assert.ok(((await envoy.stat("wasm.plugin.vm_reload_success")) ?? 0) >= 1, "Envoy counted the reload");
    });
  });
});
