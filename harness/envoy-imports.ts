// The functions Envoy 1.40's host registers for a module, with the types its V8 runtime links them by
// (proxy-wasm-cpp-host src/wasm.cc registerCallbacks(), include/proxy-wasm/exports.h; every proxy-wasm Word is
// an i32). A module importing anything else, or one of these with another type, is refused at load with the
// messages of src/v8/v8.cc link(). Checked against Envoy 1.40 by tests/sdk-plugins/c.test.ts (live) and
// tests/harness/envoy-imports.test.ts.
import type { AbiVersion, ModuleInfo, Signature } from "./module-info.ts";

const i32s = (n: number, result = "i32"): Signature => `${n ? Array(n).fill("i32").join(" ") : "void"} -> ${result}`;

/** env.proxy_* registered for every ABI version (FOR_ALL_HOST_FUNCTIONS). */
const PROXY_COMMON: Record<string, Signature> = {
  proxy_log: i32s(3), proxy_get_status: i32s(3), proxy_set_property: i32s(4), proxy_get_property: i32s(4),
  proxy_send_local_response: i32s(8), proxy_get_shared_data: i32s(5), proxy_set_shared_data: i32s(5),
  proxy_register_shared_queue: i32s(3), proxy_resolve_shared_queue: i32s(5), proxy_dequeue_shared_queue: i32s(3),
  proxy_enqueue_shared_queue: i32s(3), proxy_get_header_map_value: i32s(5), proxy_add_header_map_value: i32s(5),
  proxy_replace_header_map_value: i32s(5), proxy_remove_header_map_value: i32s(3), proxy_get_header_map_pairs: i32s(3),
  proxy_set_header_map_pairs: i32s(3), proxy_get_header_map_size: i32s(2), proxy_get_buffer_status: i32s(3),
  proxy_get_buffer_bytes: i32s(5), proxy_set_buffer_bytes: i32s(5), proxy_http_call: i32s(10), proxy_grpc_call: i32s(12),
  proxy_grpc_stream: i32s(9), proxy_grpc_close: i32s(1), proxy_grpc_cancel: i32s(1), proxy_grpc_send: i32s(4),
  proxy_set_tick_period_milliseconds: i32s(1), proxy_get_current_time_nanoseconds: i32s(1), proxy_define_metric: i32s(4),
  proxy_increment_metric: "i32 i64 -> i32", proxy_record_metric: "i32 i64 -> i32", proxy_get_metric: i32s(2),
  proxy_set_effective_context: i32s(1), proxy_done: i32s(0), proxy_call_foreign_function: i32s(6),
};

/** The ABI-specific ones: 0.1.0 alone has get_configuration, continue_request/response, clear_route_cache. */
const PROXY_BY_ABI: Record<AbiVersion, Record<string, Signature>> = {
  "0.1.0": { proxy_get_configuration: i32s(2), proxy_continue_request: i32s(0), proxy_continue_response: i32s(0), proxy_clear_route_cache: i32s(0) },
  "0.2.0": { proxy_continue_stream: i32s(1), proxy_close_stream: i32s(1) },
  "0.2.1": { proxy_continue_stream: i32s(1), proxy_close_stream: i32s(1), proxy_get_log_level: i32s(1) },
};

/** Registered outside the proxy_ namespace in "env". */
const ENV_EXTRA: Record<string, Signature> = { emscripten_notify_memory_growth: "i32 -> void", pthread_equal: i32s(2) };

/**
 * WASI preview1 as the host registers it, under wasi_snapshot_preview1 and wasi_unstable alike. Its path_link
 * and path_symlink take one parameter fewer than the WASI specification (measured: a module declaring the
 * specification's types is refused).
 */
export const WASI_SIGNATURES: Record<string, Signature> = {
  args_get: i32s(2), args_sizes_get: i32s(2), environ_get: i32s(2), environ_sizes_get: i32s(2),
  clock_res_get: i32s(2), clock_time_get: "i32 i64 i32 -> i32",
  fd_advise: "i32 i64 i64 i32 -> i32", fd_allocate: "i32 i64 i64 -> i32", fd_close: i32s(1), fd_datasync: i32s(1),
  fd_fdstat_get: i32s(2), fd_fdstat_set_flags: i32s(2), fd_fdstat_set_rights: "i32 i64 i64 -> i32",
  fd_filestat_get: i32s(2), fd_filestat_set_size: "i32 i64 -> i32", fd_filestat_set_times: "i32 i64 i64 i32 -> i32",
  fd_pread: "i32 i32 i32 i64 i32 -> i32", fd_prestat_get: i32s(2), fd_prestat_dir_name: i32s(3),
  fd_pwrite: "i32 i32 i32 i64 i32 -> i32", fd_read: i32s(4), fd_readdir: "i32 i32 i32 i64 i32 -> i32",
  fd_renumber: i32s(2), fd_seek: "i32 i64 i32 i32 -> i32", fd_sync: i32s(1), fd_tell: i32s(2), fd_write: i32s(4),
  path_create_directory: i32s(3), path_filestat_get: i32s(5), path_filestat_set_times: "i32 i32 i32 i32 i64 i64 i32 -> i32",
  path_link: i32s(6), path_open: "i32 i32 i32 i32 i32 i64 i64 i32 i32 -> i32", path_readlink: i32s(6),
  path_remove_directory: i32s(3), path_rename: i32s(6), path_symlink: i32s(4), path_unlink_file: i32s(3),
  poll_oneoff: i32s(4), proc_exit: "i32 -> void", random_get: i32s(2), sched_yield: i32s(0),
  sock_accept: i32s(3), sock_recv: i32s(6), sock_send: i32s(5), sock_shutdown: i32s(2),
};

/**
 * While the module starts (_initialize, main, _start) the host lets through only these (src/wasm.cc startVm()):
 * proxy_log, and WASI but for these six. Anything else traps with "restricted_callback". Measured in Envoy 1.40
 * one function at a time.
 */
const WASI_RESTRICTED_AT_START = new Set(["fd_close", "fd_read", "fd_seek", "path_open", "sched_yield", "proc_exit"]);

export function allowedDuringStart(module: string, name: string): boolean {
  if (module === "env") return name === "proxy_log" || !name.startsWith("proxy_");
  return !WASI_RESTRICTED_AT_START.has(name);
}

/** Every import Envoy provides to a module of this ABI version, as "module.name" -> type. */
export function envoyImports(abi: AbiVersion): Map<string, Signature> {
  const out = new Map<string, Signature>();
  for (const [name, sig] of Object.entries({ ...PROXY_COMMON, ...PROXY_BY_ABI[abi], ...ENV_EXTRA })) out.set(`env.${name}`, sig);
  for (const [name, sig] of Object.entries(WASI_SIGNATURES)) {
    out.set(`wasi_snapshot_preview1.${name}`, sig);
    out.set(`wasi_unstable.${name}`, sig);
  }
  return out;
}

/**
 * Envoy's verdict on loading the module, in its own words (null: it loads). The order follows the host:
 * the ABI marker is read before linking, imports are linked in declaration order, then the allocator is looked up.
 */
export function loadError(info: ModuleInfo): string | null {
  if (!info.abi) return "Missing or unknown Proxy-Wasm ABI version";
  const provided = envoyImports(info.abi);
  for (const imp of info.imports) {
    const name = `${imp.module}.${imp.name}`;
    if (imp.kind === "memory" || imp.kind === "table") continue;
    const have = imp.kind === "function" ? provided.get(name) : undefined;
    if (!have) return `Failed to load Wasm module due to a missing import: ${name}`;
    if (have !== imp.type) {
      const [want, wantResult] = (imp.type ?? "void -> void").split(" -> ");
      const [host, hostResult] = have.split(" -> ");
      return `Failed to load Wasm module due to an import type mismatch: ${name}, want: ${want} -> ${wantResult}, but host exports: ${host} -> ${hostResult}`;
    }
  }
  const exported = new Set(info.exports.filter((e) => e.kind === "function").map((e) => e.name));
  if (!exported.has("malloc") && !exported.has("proxy_on_memory_allocate")) return "Wasm module is missing malloc function.";
  return null;
}
