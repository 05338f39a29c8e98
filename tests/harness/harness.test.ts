// The harness's own rules, where the ABI probe cannot show them against Envoy: the pair-encoding limits the
// host enforces, header map semantics, the three legal buffer writes, the buffer limit, call-outs and the clock.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { encodePairs, decodePairs, MAX_PAIRS, HeaderMap, ProxyWasmHost, Status, BodyAction } from "../../harness/index.ts";
import { root } from "../../scripts/ensure.mjs";

const PROBE = join(root, "build", "fixtures", "abi-probe.wasm");

describe("pair encoding", () => {
  it("round-trips, with '1' written as 0x31", () => {
    const bytes = encodePairs([["a", "1"], ["", ""]]);
    assert.deepEqual([...bytes], [2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x61, 0, 0x31, 0, 0, 0]);
    const back = decodePairs(bytes)!.map(([k, v]) => [Buffer.from(k).toString(), Buffer.from(v).toString()]);
    assert.deepEqual(back, [["a", "1"], ["", ""]]);
  });
  it("rejects what Envoy rejects: too many pairs, a missing NUL, trailing bytes, short framing", () => {
    const many = Array.from({ length: MAX_PAIRS + 1 }, (_, i) => [`k${i}`, "v"] as [string, string]);
    assert.equal(decodePairs(encodePairs(many)), null);
    assert.notEqual(decodePairs(encodePairs(many.slice(0, MAX_PAIRS))), null);
    const good = encodePairs([["k", "v"]]);
    const noNul = good.slice();
    noNul[noNul.length - 1] = 0x41;
    assert.equal(decodePairs(noNul), null);
    assert.equal(decodePairs(new Uint8Array([...good, 0])), null);
    assert.equal(decodePairs(good.subarray(0, 3)), null);
    assert.deepEqual(decodePairs(new Uint8Array(0)), []);
  });
});

describe("header map", () => {
  it("lower-cases names, returns the first of repeated values, replace removes all and appends", () => {
    const map = HeaderMap.from([["X-A", "1"], ["x-b", "2"], ["x-a", "3"]]);
    assert.equal(map.value("x-a"), "1");
    assert.deepEqual(map.values("X-A"), ["1", "3"]);
    map.replace("x-a", "9");
    assert.deepEqual(map.pairs(), [["x-b", "2"], ["x-a", "9"]]);
  });
  it("keeps non-UTF-8 values as bytes", () => {
    const map = HeaderMap.from([["x-utf8", "café"]]);
    assert.equal(map.get("x-utf8"), Buffer.from("café").toString("latin1"));
    assert.equal(map.value("x-utf8"), "café");
  });
});

describe("streams", () => {
  async function probe(config = ""): Promise<ProxyWasmHost> {
    const host = new ProxyWasmHost({ wasm: PROBE, rootId: "abi-probe", pluginConfig: config, bufferLimitBytes: 64 });
    assert.equal((await host.start()).ok, true);
    return host;
  }

  it("only the three legal body writes succeed", async () => {
    const host = await probe();
    const stream = host.openStream();
    stream.sendRequestHeaders({ "x-probe": "none" });
    const data = new Uint8Array([1, 2]);
    stream.sendRequestBody("abcd", false);
    assert.equal(stream.writeBody(0, 0, 0, data), Status.Ok); // prepend
    assert.equal(stream.writeBody(0, 6, 0, data), Status.Ok); // append
    assert.equal(stream.writeBody(0, 2, 1, data), Status.BadArgument); // in the middle: refused
    assert.equal(stream.writeBody(0, 0, 100, data), Status.Ok); // replace all
  });

  it("a body past the buffer limit gets 413 and the plugin sees no more of it", async () => {
    const host = await probe();
    const stream = host.openStream();
    stream.sendRequestHeaders({ "x-probe": "body-upper" });
    assert.equal(stream.sendRequestBody("x".repeat(60), false), BodyAction.StopIterationAndBuffer);
    assert.equal(stream.sendRequestBody("x".repeat(10), false), undefined);
    assert.equal(stream.localReply?.status, 413);
    assert.equal(stream.sendRequestBody("more", true), undefined, "nothing is delivered after a local reply");
  });

  it("a local reply stops the stream: later callbacks are not delivered", async () => {
    const host = await probe();
    const stream = host.openStream();
    stream.sendRequestHeaders({ "x-probe": "local" });
    assert.equal(stream.localReply?.status, 418);
    assert.equal(stream.upstream.headers, null, "nothing went upstream");
    const calls = stream.actions.length;
    assert.equal(stream.sendRequestBody("ignored", true), undefined);
    assert.equal(stream.actions.length, calls);
  });

  it("a held call-out can be answered by the test, and a failed call delivers no headers", async () => {
    const host = await probe();
    const stream = host.openStream();
    stream.sendRequestHeaders({ "x-probe": "callout" }, true);
    assert.equal(stream.requestPaused, true);
    assert.equal(host.pendingCalls().length, 1);
    const call = host.pendingCalls()[0];
    assert.equal(call.cluster, "echo");
    assert.deepEqual(call.headers.find(([k]) => k === ":path"), [":path", "/callout"]);
    host.respondToCall(call.token, "fail");
    assert.equal(stream.requestPaused, false);
    assert.equal(stream.upstream.headers?.value("x-callout-status"), "none");
    assert.throws(() => host.respondToCall(call.token, { status: 200 }), /already answered/);
  });

  it("memory that grows in the middle of a host call is still read and written correctly", async () => {
    const host = new ProxyWasmHost({ wasm: PROBE, rootId: "abi-probe" });
    assert.equal((await host.start()).ok, true);
    const before = host.memoryBytes();
    const stream = host.openStream();
    stream.sendRequestHeaders({ "x-probe": "body-upper" });
    const body = "abc".repeat(200_000);
    stream.sendRequestBody(body, true);
    assert.ok(host.memoryBytes() > before, "the body made the module grow its memory");
    assert.equal(Buffer.from(stream.upstream.body).toString(), body.toUpperCase());
  });

  it("metrics, shared data and memory stay consistent over many streams", async () => {
    const host = await probe();
    for (let i = 0; i < 2000; i++) {
      const s = host.openStream();
      s.sendRequestHeaders({ "x-probe": "headers,metrics", "x-rep": String(i) }, true);
      s.close();
    }
    const memory = host.memoryBytes();
    for (let i = 0; i < 20000; i++) {
      const s = host.openStream();
      s.sendRequestHeaders({ "x-probe": "headers,metrics", "x-rep": String(i) }, true);
      s.close();
    }
    assert.equal(host.metric("waymark_probe_requests"), 22000);
    assert.equal(host.memoryBytes(), memory, "module memory grew: something leaks per request");
  });
});
