// gRPC call-outs in the harness: recorded as the plugin made them and answered by the test, as HTTP call-outs
// are (the success path is compared with real Envoy in tests/sdk-plugins/c.test.ts).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ProxyWasmHost } from "../../harness/index.ts";
import { pluginPath } from "../sdk-plugins/compare.ts";

async function started(): Promise<ProxyWasmHost> {
  const host = new ProxyWasmHost({ wasm: pluginPath("c-abi021"), rootId: "conformance", clusters: ["echo", "grpc"] });
  assert.equal((await host.start()).ok, true);
  return host;
}

describe("gRPC calls in the harness", () => {
  it("records the call with Envoy's token numbering and holds the stream until it is answered", async () => {
    const host = await started();
    const stream = host.openStream();
    stream.sendRequestHeaders({ "x-scenario": "grpc" }, true);
    const [call] = host.pendingGrpcCalls();
    assert.deepEqual({ token: call.token, kind: call.kind, service: call.service, serviceName: call.serviceName, method: call.method },
      { token: 5, kind: "call", service: "grpc", serviceName: "waymark.Echo", method: "Say" });
    assert.deepEqual(call.initialMetadata, [["x-grpc-from", "c"]]);
    assert.equal(Buffer.from(call.messages[0]).toString(), "hello grpc");
    const held = stream.upstream.headers === null;
    assert.ok(held, "held while the call is pending");
    host.respondToGrpc(call.token, { messages: ["pong"] });
    assert.equal(stream.upstream.headers?.value("x-grpc-message"), "pong");
    assert.equal(call.finished, true);
    assert.throws(() => host.respondToGrpc(call.token, { messages: ["again"] }), /already over/);
  });

  it("a failed call is closed with its status, which proxy_get_status reports", async () => {
    const host = await started();
    const stream = host.openStream();
    stream.sendRequestHeaders({ "x-scenario": "grpc" }, true);
    host.respondToGrpc(host.pendingGrpcCalls()[0].token, { status: 14, statusMessage: "upstream unavailable" });
    assert.equal(stream.upstream.headers?.value("x-grpc-status"), "14");
    assert.equal(stream.upstream.headers?.value("x-grpc-get-status"), "14");
    assert.equal(stream.upstream.headers?.has("x-grpc-message"), false);
  });

  it("an unknown cluster is refused as Envoy refuses it (ParseFailure)", async () => {
    const host = new ProxyWasmHost({ wasm: pluginPath("c-abi021"), rootId: "conformance", clusters: ["echo"] });
    await host.start();
    const stream = host.openStream();
    stream.sendRequestHeaders({ "x-scenario": "grpc" }, true);
    assert.equal(stream.upstream.headers?.value("x-grpc-failed"), "4");
    assert.equal(host.grpcCalls.length, 0);
  });
});
