// Garbage collection at moments the SDK chooses (issue 13). Proxy-wasm modules are built with AssemblyScript's
// minimal runtime (scripts/build.mjs): an allocation pays no write barrier and no shadow-stack bookkeeping, and
// nothing is collected until the module asks. In Envoy that cut the combined module's own instructions per request
// by a fifth (185,350 -> 168,574 for the whole request, plugins/waymark/README.md: cost).
//
// When it is safe: a collection frees every object no global reaches, so it must not run while a function still
// holds an object in a local. It runs at the end of a callback the host made directly. Envoy never calls into
// the VM from inside a callback (local replies, resumed streams and call-out failures wait until the callback
// has returned; the one call back in, malloc, never collects), so every callback's end is such a moment.
//
// When it is due: once the module has allocated a quarter of its memory since the last collection (at least
// MIN_BYTES), the rule of thumb of AssemblyScript's incremental collector. A collection's work (marking what is
// live, at most the memory) is then spread over as many bytes allocated, and the garbage fits beside what is
// live, so memory stays flat. Allocations are counted here: the build routes `new` and array growth through
// countedNew and countedRenew (--use __new=..., --use __renew=...).
import { __new as runtimeNew, __renew as runtimeRenew } from "rt/tcms";

const MIN_BYTES: usize = 64 << 10;

/** Bytes of objects allocated (or regrown) since the last collection. */
let allocated: usize = 0;

/** Every `new` of the module: the runtime's allocation, counted. */
export function countedNew(size: usize, id: u32): usize {
  allocated += size;
  return runtimeNew(size, id);
}

/** Every regrowth (arrays, strings built in place): counted at its new size, an upper bound. */
export function countedRenew(ptr: usize, size: usize): usize {
  allocated += size;
  return runtimeRenew(ptr, size);
}

/** Collects when enough was allocated; called at the end of callbacks (see above for why only there). */
export function collectIfDue(): void {
  const due = (<usize>memory.size() << 14) > MIN_BYTES ? <usize>memory.size() << 14 : MIN_BYTES; // a quarter of 64 KiB pages
  if (allocated < due) return;
  allocated = 0;
  __collect();
}
