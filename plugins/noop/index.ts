// The smallest Waymark plugin: it does nothing. The benchmark's floor and a template.
export * from "../../assembly/sdk/callbacks/http";
import { RootContext, HttpContext, registerRootContext } from "../../assembly/sdk";

class NoopRoot extends RootContext {
  newHttpContext(contextId: u32): HttpContext | null {
    return new HttpContext(contextId, this);
  }
}

registerRootContext("noop", (contextId: u32, rootId: string): RootContext => new NoopRoot(contextId, rootId));
