// The C conformance plugin (raw ABI, tests/sdk-plugins/c/), built once per ABI version, in real Envoy and in the
// harness: equal outcomes for the common scenarios and for what differs between ABI versions, WASI as Envoy
// answers it (every errno), shared queues, gRPC calls and proc_exit; and the same refusal, word for word, of a
// module Envoy will not load.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  conformanceSuite, COMMON_SCENARIOS, pluginPath, startUpstreams, envoyLoadError, harnessLoadError, Upstreams,
} from "./compare.ts";

const C_SCENARIOS = [...COMMON_SCENARIOS, { name: "abi" }, { name: "wasi" }, { name: "queue" }, { name: "grpc" }, { name: "exit" }];

for (const abi of ["010", "020", "021"]) {
  conformanceSuite("c", `c-abi${abi}`, C_SCENARIOS, undefined, (get) => {
    it("what Envoy answers the C plugin is what the sources say", () => {
      const { fromEnvoy } = get();
      const abiReport = new Map(fromEnvoy.get("abi")!.headers).get("x-abi")!;
      assert.match(abiReport, new RegExp(`^abi=${Number(abi)} `));
      assert.match(abiReport, /get_status=0 .* foreign=1 effective_bad=2 vm_config=0 plugin_config=1 /, "plugin configuration only inside on_configure");
      assert.match(abiReport, /call_headers=2 call_headers_size=2 bad_map=2 bad_pointer=6 /);
      assert.match(abiReport, abi === "010" ? / absent_header=0 / : / absent_header=1 /, "ABI 0.1.0 answers an absent header with an empty value");
      const wasi = new Map(fromEnvoy.get("wasi")!.headers).get("x-wasi")!;
      assert.match(wasi, /^args=0\/0\/0 environ=0\/0\/0 clock_time_get\(1\)=0 clock_res_get\(0\)=0\/1 fdstat\(1\)=0\/0\/64 fdstat\(0\)=8 /);
      assert.match(wasi, / poll_oneoff=0\/0 sched_yield=0 random_get=0 sock_accept=58 sock_shutdown=58 write\(1\)=0\/20 write\(7\)=8\/0$/);
      const grpc = new Map(fromEnvoy.get("grpc")!.headers);
      assert.equal(grpc.get("x-grpc-message"), "echo:hello grpc");
      assert.equal(new Map(fromEnvoy.get("queue")!.headers).get("x-queue"), "0,0,same-token");
      assert.equal(new Map(fromEnvoy.get("exit")!.headers).get("x-after-exit"), "yes", "Envoy's proc_exit returns");
    });

    it("the gRPC upstream saw the call with its metadata", () => {
      const { up } = get();
      const calls = up.grpc.received.filter((r) => r.path === "/waymark.Echo/Say");
      assert.equal(calls.length, 2, "one call through Envoy, one from the harness, to the same server");
      for (const call of calls) assert.equal(call.metadata["x-grpc-from"], "c");
    });

    it("enqueued items reach proxy_on_queue_ready, in Envoy and in the harness", async () => {
      const { envoy, host } = get();
      await host.idle();
      let ready = 0;
      for (const deadline = Date.now() + 5000; Date.now() < deadline && !ready;) {
        ready = (await envoy.stat("wasmcustom.sdk_c_queue_ready")) ?? 0;
        if (!ready) await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(ready, 1);
      assert.equal(host.metric("sdk_c_queue_ready"), 1);
    });
  });
}

describe("modules Envoy refuses are refused by the harness with Envoy's words", () => {
  let up: Upstreams;
  before(async () => { up = await startUpstreams(); });
  after(async () => { await up?.close(); });

  const cases: Array<[string, string]> = [
    ["c-unknown-import", "Failed to load Wasm module due to a missing import: env.proxy_does_not_exist"],
    ["c-no-abi", "Missing or unknown Proxy-Wasm ABI version"],
    ["c-restricted-start", "Function: _initialize failed: Uncaught Error: restricted_callback"],
  ];
  for (const [module, message] of cases) {
    it(module, async () => {
      const wasm = pluginPath(module);
      assert.equal(await envoyLoadError(wasm, up), message);
      assert.equal(await harnessLoadError(wasm, up), message);
    });
  }
});
