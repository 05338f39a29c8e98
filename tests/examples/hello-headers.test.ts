// The README's SDK example, in the harness and in real Envoy.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ProxyWasmHost } from "../../harness/index.ts";
import { startEnvoy, Envoy } from "../../mesh/envoy.ts";
import { startEchoServer, EchoServer, echoValues } from "../../mesh/echo-server.ts";
import { request } from "../../mesh/http.ts";
import { root } from "../../scripts/ensure.mjs";

const WASM = join(root, "build", "examples", "hello-headers.wasm");

describe("hello-headers example", () => {
  it("summarises three headers in the harness", async () => {
    const host = new ProxyWasmHost({ wasm: WASM, rootId: "hello-headers" });
    assert.equal((await host.start()).ok, true);
    const stream = host.openStream();
    stream.sendRequestHeaders({ "x-user": "ada", "x-region": "eu", "x-client": "curl" }, true);
    assert.equal(stream.upstream.headers?.value("x-hello"), "ada@eu via curl");
    const bare = host.openStream();
    bare.sendRequestHeaders({}, true);
    assert.equal(bare.upstream.headers?.value("x-hello"), "anonymous@nowhere via unknown");
  });

  describe("in Envoy", () => {
    let echo: EchoServer;
    let envoy: Envoy;
    before(async () => {
      echo = await startEchoServer("echo");
      envoy = await startEnvoy("examples/hello-headers/envoy.yaml", { vars: { ECHO_PORT: echo.port } });
    });
    after(async () => {
      await envoy?.stop();
      await echo?.close();
    });
    it("adds the header on the way upstream", async () => {
      const reply = await request(envoy.url("LISTENER_PORT", "/"), { headers: { "x-user": "ada", "x-region": "eu", "x-client": "curl" } });
      assert.equal(reply.status, 200);
      assert.deepEqual(echoValues(reply.json(), "x-hello"), ["ada@eu via curl"]);
    });
  });
});
