// What the harness refuses to load, and how, is what Envoy 1.40 refuses (messages measured in Envoy: the C
// modules of tests/sdk-plugins/c.test.ts compare them live; these small hand-made modules pin the rules).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ProxyWasmHost, WasmLoadError, inspectModule, loadError, envoyImports } from "../../harness/index.ts";

const I32 = 0x7f;
const I64 = 0x7e;

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}
const name = (s: string) => [...leb(s.length), ...Buffer.from(s)];
const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
const vec = (items: number[][]) => [...leb(items.length), ...items.flat()];

/**
 * A module with the given function imports and exported functions of type void -> void: empty, except
 * _initialize, which calls the first import when it takes no parameters (and drops its result).
 */
function module(imports: Array<{ module: string; name: string; params: number[]; results: number[] }>, exports: string[]): Uint8Array {
  const types = [...imports.map((i) => [0x60, ...vec(i.params.map((p) => [p])), ...vec(i.results.map((r) => [r]))]), [0x60, 0, 0]];
  const voidType = types.length - 1;
  const callFirst = imports.length && imports[0].params.length === 0 ? [0x10, 0, ...(imports[0].results.length ? [0x1a] : [])] : [];
  const code = exports.map((e) => [0, ...(e === "_initialize" ? callFirst : []), 0x0b]); // no locals, body, end
  return Uint8Array.from([
    0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, vec(types)),
    ...section(2, vec(imports.map((imp, i) => [...name(imp.module), ...name(imp.name), 0, ...leb(i)]))),
    ...section(3, vec(exports.map(() => leb(voidType)))),
    ...section(5, vec([[0, 1]])),
    ...section(7, vec([...exports.map((e, i) => [...name(e), 0, ...leb(imports.length + i)]), [...name("memory"), 2, 0]])),
    ...section(10, vec(code.map((c) => [...leb(c.length), ...c]))),
  ]);
}

const MARKER_AND_ALLOC = ["proxy_abi_version_0_2_1", "proxy_on_memory_allocate"];

describe("loading as Envoy loads", () => {
  it("reads the ABI version from the first marker in export order", () => {
    assert.equal(inspectModule(module([], ["proxy_abi_version_0_1_0", "proxy_abi_version_0_2_1"])).abi, "0.1.0");
    assert.equal(inspectModule(module([], ["proxy_abi_version_0_3_0"])).abi, null);
  });

  it("refuses an import with another type than the host's, in Envoy's words", () => {
    // Envoy 1.40's path_link takes six parameters where WASI says seven (measured: Envoy refuses this module).
    const wasm = module([{ module: "wasi_snapshot_preview1", name: "path_link", params: Array(7).fill(I32), results: [I32] }], MARKER_AND_ALLOC);
    assert.equal(loadError(inspectModule(wasm)),
      "Failed to load Wasm module due to an import type mismatch: wasi_snapshot_preview1.path_link, want: i32 i32 i32 i32 i32 i32 i32 -> i32, but host exports: i32 i32 i32 i32 i32 i32 -> i32");
  });

  it("gives each ABI version its own imports", () => {
    assert.equal(envoyImports("0.1.0").has("env.proxy_get_configuration"), true);
    assert.equal(envoyImports("0.2.1").has("env.proxy_get_configuration"), false);
    assert.equal(envoyImports("0.2.0").has("env.proxy_get_log_level"), false);
    assert.equal(envoyImports("0.2.1").get("env.proxy_increment_metric"), "i32 i64 -> i32");
    assert.equal(envoyImports("0.2.0").has("env.proxy_clear_route_cache"), false);
    assert.equal(envoyImports("0.2.0").get("wasi_unstable.sched_yield"), "void -> i32");
    const wasm = module([{ module: "env", name: "proxy_get_log_level", params: [I32], results: [I32] }], ["proxy_abi_version_0_2_0", "malloc"]);
    assert.equal(loadError(inspectModule(wasm)), "Failed to load Wasm module due to a missing import: env.proxy_get_log_level");
  });

  it("refuses a module without an allocator, and start() throws WasmLoadError", async () => {
    const wasm = module([{ module: "env", name: "proxy_increment_metric", params: [I32, I64], results: [I32] }], ["proxy_abi_version_0_2_1"]);
    await assert.rejects(new ProxyWasmHost({ wasm }).start(), (err: Error) => err instanceof WasmLoadError && err.message === "Wasm module is missing malloc function.");
  });

  it("loads what Envoy loads, with env.emscripten_notify_memory_growth and env.pthread_equal", async () => {
    const wasm = module([
      { module: "env", name: "emscripten_notify_memory_growth", params: [I32], results: [] },
      { module: "env", name: "pthread_equal", params: [I32, I32], results: [I32] },
      { module: "wasi_unstable", name: "fd_write", params: [I32, I32, I32, I32], results: [I32] },
    ], MARKER_AND_ALLOC);
    const host = new ProxyWasmHost({ wasm });
    const started = await host.start();
    assert.equal(host.abiVersion, "0.2.1");
    assert.equal(started.ok, true, "without proxy_on_vm_start and proxy_on_configure Envoy starts and configures the plugin");
  });

  it("traps a host call Envoy does not allow while the module starts, and refuses the module as Envoy does", async () => {
    // Measured in Envoy 1.40: "Function: _initialize failed: Uncaught Error: restricted_callback".
    const yielding = module([{ module: "wasi_snapshot_preview1", name: "sched_yield", params: [], results: [I32] }], ["_initialize", ...MARKER_AND_ALLOC]);
    await assert.rejects(new ProxyWasmHost({ wasm: yielding }).start(),
      (err: Error) => err instanceof WasmLoadError && err.message === "Function: _initialize failed: Uncaught Error: restricted_callback");
    const polling = module([{ module: "wasi_snapshot_preview1", name: "args_sizes_get", params: [], results: [I32] }], ["_initialize", ...MARKER_AND_ALLOC]);
    assert.equal(loadError(inspectModule(polling)), "Failed to load Wasm module due to an import type mismatch: wasi_snapshot_preview1.args_sizes_get, want: void -> i32, but host exports: i32 i32 -> i32");
  });
});
