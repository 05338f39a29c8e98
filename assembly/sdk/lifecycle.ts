// What operators can see of root contexts across live configuration updates. Each accepted configuration (ECDS or
// LDS) gets a new root context in the same VM; Envoy retires the old one (proxy_on_done, then proxy_on_delete)
// once its last stream has ended. Envoy reports no memory per VM, so the SDK does:
//   waymark.sdk.<root_id>.memory_bytes    gauge: the module instance's linear memory in bytes, set whenever a
//                                         configuration is accepted (each worker's VM has its own memory; the
//                                         gauge shows the VM that configured last). Linear memory never shrinks,
//                                         so a leak across updates shows as a rising value.
//   waymark.sdk.<root_id>.roots_released  counter: root contexts Envoy retired in any VM of this plugin.
// Both are touched only when a root context is configured or deleted, never per request.
import { Counter, Gauge } from "./metrics";

const PREFIX = "waymark.sdk.";

/** After a root context of `rootId` accepted its configuration. */
export function recordConfigured(rootId: string): void {
  new Gauge(PREFIX + rootId + ".memory_bytes").set(<u64>memory.size() << 16);
}

/** After Envoy deleted a root context of `rootId`. */
export function recordReleased(rootId: string): void {
  new Counter(PREFIX + rootId + ".roots_released").increment();
}
