// on_done and on_log: for plugins that act when a stream (or the VM) ends, before on_delete.
import { requestSnapshot } from "../header-snapshot";
import { streamOf, rootOf } from "../dispatch";

export function proxy_on_done(contextId: u32): bool {
  requestSnapshot.reset();
  const stream = streamOf(contextId);
  if (stream !== null) return stream.onDone();
  const root = rootOf(contextId);
  return root !== null ? root.onDone() : true;
}

export function proxy_on_log(contextId: u32): void {
  requestSnapshot.reset();
  const stream = streamOf(contextId);
  if (stream !== null) {
    stream.onLog();
    return;
  }
  const root = rootOf(contextId);
  if (root !== null) root.onLog();
}
