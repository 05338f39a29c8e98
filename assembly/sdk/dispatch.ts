// The contexts Envoy created in this VM, by context id: one root per plugin (root_id), one stream per HTTP
// request. The callbacks (callbacks/*.ts) find their context here.
import { RootContext, HttpContext } from "./context";

const roots = new Map<u32, RootContext>();
const streams = new Map<u32, HttpContext>();
// The stream of the last lookup: a request's callbacks mostly come one after another, so this answers most of
// them without a map lookup.
let lastId: u32 = 0;
let last: HttpContext | null = null;

export function addRoot(id: u32, root: RootContext): void {
  roots.set(id, root);
}

// The root of the last lookup: every new stream asks for its root, nearly always the same one.
let lastRootId: u32 = 0;
let lastRoot: RootContext | null = null;

export function rootOf(id: u32): RootContext | null {
  if (id == lastRootId && lastRoot !== null) return lastRoot;
  if (!roots.has(id)) return null;
  const root = roots.get(id);
  lastRootId = id;
  lastRoot = root;
  return root;
}

export function addStream(id: u32, stream: HttpContext): void {
  streams.set(id, stream);
  lastId = id;
  last = stream;
}

export function streamOf(id: u32): HttpContext | null {
  if (id == lastId) return last;
  if (!streams.has(id)) return null;
  const stream = streams.get(id);
  lastId = id;
  last = stream;
  return stream;
}

/** Forgets a context (stream or root); the context's own onDelete has run. */
export function removeContext(id: u32): void {
  if (id == lastId) {
    lastId = 0;
    last = null;
  }
  if (id == lastRootId) {
    lastRootId = 0;
    lastRoot = null;
  }
  if (!streams.delete(id)) roots.delete(id);
}
