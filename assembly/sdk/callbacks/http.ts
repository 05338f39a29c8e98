// The callbacks every HTTP plugin exports: memory for the host, context creation, the plugin's own root
// callbacks, the request headers and the end of a stream. Envoy calls only the callbacks a module exports (a
// missing one counts as Continue), and each call into the VM costs CPU on every request, so a plugin exports
// the other groups only when it uses them: request-body.ts, response.ts, stream-end.ts, other.ts
// (../exports.ts exports them all).
import { RootContext, findRootFactory, registeredRootIds } from "../context";
import { allocateForHost } from "../memory";
import { getPropertyString } from "../properties";
import { logError } from "../log";
import { requestSnapshot } from "../header-snapshot";
import { addRoot, rootOf, addStream, streamOf, removeContext } from "../dispatch";
import "../abort"; // parsed so the build can route abort to it
import { readTestTrapSwitch, trapIfRequested } from "../test-trap";
import { recordConfigured, recordReleased } from "../lifecycle";
import { setTickPeriod } from "../time";
import { collectIfDue } from "../gc";

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
  requestSnapshot.reset();
  if (parentId == 0) {
    const id = getPropertyString(["plugin_root_id"]);
    const rootId = id !== null ? id : "";
    const factory = findRootFactory(rootId);
    addRoot(contextId, factory !== null ? factory(contextId, rootId) : new UnknownRoot(contextId, rootId));
    return;
  }
  const root = rootOf(parentId);
  if (root === null) return;
  const stream = root.newHttpContext(contextId);
  if (stream !== null) addStream(contextId, stream);
}

export function proxy_on_vm_start(rootId: u32, vmConfigSize: u32): bool {
  requestSnapshot.reset();
  readTestTrapSwitch(vmConfigSize);
  const root = rootOf(rootId);
  const started = root !== null ? root.onVmStart(vmConfigSize) : true;
  collectIfDue();
  return started;
}

export function proxy_on_configure(rootId: u32, configSize: u32): bool {
  requestSnapshot.reset();
  const root = rootOf(rootId);
  if (root === null) return false;
  const accepted = root.onConfigure(configSize);
  collectIfDue();
  if (accepted) recordConfigured(root.rootId);
  return accepted;
}

export function proxy_on_tick(rootId: u32): void {
  requestSnapshot.reset();
  const root = rootOf(rootId);
  if (root !== null) root.onTick();
  collectIfDue();
}

export function proxy_on_queue_ready(rootId: u32, queueId: u32): void {
  requestSnapshot.reset();
  const root = rootOf(rootId);
  if (root !== null) root.onQueueReady(queueId);
  collectIfDue();
}

export function proxy_on_foreign_function(rootId: u32, functionId: u32, dataSize: u32): void {
  requestSnapshot.reset();
  const root = rootOf(rootId);
  if (root !== null) root.onForeignFunction(functionId, dataSize);
  collectIfDue();
}

export function proxy_on_http_call_response(rootId: u32, token: u32, numHeaders: u32, bodySize: u32, numTrailers: u32): void {
  requestSnapshot.reset();
  const root = rootOf(rootId);
  if (root !== null) root.onHttpCallResponse(token, numHeaders, bodySize, numTrailers);
  collectIfDue();
}

export function proxy_on_request_headers(contextId: u32, numHeaders: u32, endOfStream: u32): u32 {
  requestSnapshot.reset();
  trapIfRequested();
  const stream = streamOf(contextId);
  return stream !== null ? stream.onRequestHeaders(numHeaders, endOfStream != 0) : 0;
}

export function proxy_on_delete(contextId: u32): void {
  requestSnapshot.reset();
  const stream = streamOf(contextId);
  if (stream !== null) {
    stream.onDelete();
  } else {
    const root = rootOf(contextId);
    if (root === null) return;
    root.onDelete();
    // Envoy keeps waking a deleted root's timer (it only skips the call), so a retired root stops its ticks.
    setTickPeriod(0);
    recordReleased(root.rootId);
  }
  removeContext(contextId);
  collectIfDue();
}
