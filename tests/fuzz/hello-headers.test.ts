// The fuzz driver on the SDK example: whatever the headers and body, no trap, the same outcome twice, bounded
// memory, and exactly one x-hello header upstream built from the first values of the three inputs.
import { it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import fc from "fast-check";
import { ProxyWasmHost } from "../../harness/index.ts";
import { fuzzPlugin } from "./driver.ts";
import { headerList, headerValue, chunked, jsonBody } from "./arbitraries.ts";
import { root } from "../../scripts/ensure.mjs";

it("hello-headers survives adversarial requests", async () => {
  const result = await fuzzPlugin({
    name: "hello-headers",
    start: async () => {
      const host = new ProxyWasmHost({ wasm: join(root, "build", "examples", "hello-headers.wasm"), rootId: "hello-headers", nowMs: 1_700_000_000_000 });
      assert.equal((await host.start()).ok, true);
      return host;
    },
    requests: fc.record({
      headers: headerList(fc.tuple(fc.constantFrom("x-user", "x-region", "x-client", "x-hello"), headerValue)),
      chunks: chunked(jsonBody),
    }),
    check: (req, outcome) => {
      assert.equal(outcome.status, 200);
      assert.equal(outcome.upstreamHeaders.filter(([k]) => k === "x-hello").length,
        1 + req.headers.filter(([k]) => k.toLowerCase() === "x-hello").length, "the plugin adds exactly one x-hello");
    },
    maxMemoryBytes: 64 << 20,
  }, 300);
  assert.ok(result.cases >= 300 || process.env.FUZZ_RUNS !== undefined);
});
