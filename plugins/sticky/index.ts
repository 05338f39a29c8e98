// The sticky plugin: sends each cart, session or order to the pod that holds it, as Envoy's own Maglev and
// ring hash would, and mints IDs that route home. See README.md.
export * from "../../assembly/sdk/callbacks/http";
export * from "../../assembly/sdk/callbacks/request-body";
import { RootContext, registerRootContext } from "../../assembly/sdk";
import { StickyRoot } from "./root";

registerRootContext("sticky", (contextId: u32, rootId: string): RootContext => new StickyRoot(contextId, rootId));
