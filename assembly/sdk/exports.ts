// The module's ABI surface: every callback Envoy may call, dispatched to the registered contexts.
// A plugin's entry file re-exports this module (`export * from ".../sdk/exports"`).
import { RootContext, HttpContext, findRootFactory, registeredRootIds } from "./context";
import { allocateForHost } from "./memory";
import { getPropertyString } from "./properties";
import { logError } from "./log";
import "./abort"; // parsed so the build can route abort to it
import { readTestTrapSwitch, trapIfRequested } from "./test-trap";
import { recordConfigured, recordReleased } from "./lifecycle";
import { setTickPeriod } from "./time";

const roots = new Map<u32, RootContext>();
const streams = new Map<u32, HttpContext>();

/** The root context of a root_id no plugin registered: it explains itself and refuses the configuration. */
class UnknownRoot extends RootContext {
  onConfigure(configSize: u32): bool {
    logError("no plugin in this module has root_id '" + this.rootId + "' (it offers: " + registeredRootIds() + ")");
    return false;
  }
}

export function proxy_abi_version_0_2_1(): void {}

export function malloc(size: usize): usize {
  return allocateForHost(size);
}

export function proxy_on_memory_allocate(size: usize): usize {
  return allocateForHost(size);
}

export function proxy_on_context_create(contextId: u32, parentId: u32): void {
  if (parentId == 0) {
    const id = getPropertyString(["plugin_root_id"]);
    const rootId = id !== null ? id : "";
    const factory = findRootFactory(rootId);
    roots.set(contextId, factory !== null ? factory(contextId, rootId) : new UnknownRoot(contextId, rootId));
    return;
  }
  if (!roots.has(parentId)) return;
  const stream = roots.get(parentId).newHttpContext(contextId);
  if (stream !== null) streams.set(contextId, stream);
}

export function proxy_on_vm_start(rootId: u32, vmConfigSize: u32): bool {
  readTestTrapSwitch(vmConfigSize);
  return roots.has(rootId) ? roots.get(rootId).onVmStart(vmConfigSize) : true;
}

export function proxy_on_configure(rootId: u32, configSize: u32): bool {
  if (!roots.has(rootId)) return false;
  const root = roots.get(rootId);
  const accepted = root.onConfigure(configSize);
  if (accepted) recordConfigured(root.rootId);
  return accepted;
}

export function proxy_on_tick(rootId: u32): void {
  if (roots.has(rootId)) roots.get(rootId).onTick();
}

export function proxy_on_queue_ready(rootId: u32, queueId: u32): void {
  if (roots.has(rootId)) roots.get(rootId).onQueueReady(queueId);
}

export function proxy_on_foreign_function(rootId: u32, functionId: u32, dataSize: u32): void {
  if (roots.has(rootId)) roots.get(rootId).onForeignFunction(functionId, dataSize);
}

export function proxy_on_http_call_response(rootId: u32, token: u32, numHeaders: u32, bodySize: u32, numTrailers: u32): void {
  if (roots.has(rootId)) roots.get(rootId).onHttpCallResponse(token, numHeaders, bodySize, numTrailers);
}

export function proxy_on_request_headers(contextId: u32, numHeaders: u32, endOfStream: u32): u32 {
  trapIfRequested();
  return streams.has(contextId) ? streams.get(contextId).onRequestHeaders(numHeaders, endOfStream != 0) : 0;
}

export function proxy_on_request_body(contextId: u32, bodySize: u32, endOfStream: u32): u32 {
  return streams.has(contextId) ? streams.get(contextId).onRequestBody(bodySize, endOfStream != 0) : 0;
}

export function proxy_on_request_trailers(contextId: u32, numTrailers: u32): u32 {
  return streams.has(contextId) ? streams.get(contextId).onRequestTrailers(numTrailers) : 0;
}

export function proxy_on_request_metadata(contextId: u32, numElements: u32): u32 {
  return 0;
}

export function proxy_on_response_headers(contextId: u32, numHeaders: u32, endOfStream: u32): u32 {
  return streams.has(contextId) ? streams.get(contextId).onResponseHeaders(numHeaders, endOfStream != 0) : 0;
}

export function proxy_on_response_body(contextId: u32, bodySize: u32, endOfStream: u32): u32 {
  return streams.has(contextId) ? streams.get(contextId).onResponseBody(bodySize, endOfStream != 0) : 0;
}

export function proxy_on_response_trailers(contextId: u32, numTrailers: u32): u32 {
  return streams.has(contextId) ? streams.get(contextId).onResponseTrailers(numTrailers) : 0;
}

export function proxy_on_response_metadata(contextId: u32, numElements: u32): u32 {
  return 0;
}

export function proxy_on_done(contextId: u32): bool {
  if (streams.has(contextId)) return streams.get(contextId).onDone();
  if (roots.has(contextId)) return roots.get(contextId).onDone();
  return true;
}

export function proxy_on_log(contextId: u32): void {
  if (streams.has(contextId)) streams.get(contextId).onLog();
  else if (roots.has(contextId)) roots.get(contextId).onLog();
}

export function proxy_on_delete(contextId: u32): void {
  if (streams.has(contextId)) {
    streams.get(contextId).onDelete();
    streams.delete(contextId);
  } else if (roots.has(contextId)) {
    const root = roots.get(contextId);
    root.onDelete();
    // Envoy keeps waking a deleted root's timer (it only skips the call), so a retired root stops its ticks.
    setTickPeriod(0);
    roots.delete(contextId);
    recordReleased(root.rootId);
  }
}

// Network-filter and gRPC callbacks: Waymark plugins are HTTP filters; these keep the module loadable anywhere.
export function proxy_on_new_connection(contextId: u32): u32 { return 0; }
export function proxy_on_downstream_data(contextId: u32, dataSize: u32, endOfStream: u32): u32 { return 0; }
export function proxy_on_upstream_data(contextId: u32, dataSize: u32, endOfStream: u32): u32 { return 0; }
export function proxy_on_downstream_connection_close(contextId: u32, peerType: u32): void {}
export function proxy_on_upstream_connection_close(contextId: u32, peerType: u32): void {}
export function proxy_on_grpc_receive_initial_metadata(contextId: u32, token: u32, numHeaders: u32): void {}
export function proxy_on_grpc_receive(contextId: u32, token: u32, responseSize: u32): void {}
export function proxy_on_grpc_receive_trailing_metadata(contextId: u32, token: u32, numTrailers: u32): void {}
export function proxy_on_grpc_close(contextId: u32, token: u32, statusCode: u32): void {}
