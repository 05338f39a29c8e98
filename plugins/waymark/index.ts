// The whole suite as one module (root_id "waymark"): tenant, then feature-group, then sticky, each configured
// with its own section and running its own code, in one Envoy filter. See README.md.
export * from "../../assembly/sdk/callbacks/http";
export * from "../../assembly/sdk/callbacks/request-body";
import { RootContext, registerRootContext } from "../../assembly/sdk";
import { WaymarkRoot } from "./root";

registerRootContext("waymark", (contextId: u32, rootId: string): RootContext => new WaymarkRoot(contextId, rootId));
