// The feature-group plugin: picks the feature group (and its version) of each request from rules on headers,
// geolocation, a stable percentage or the JSON body, and writes them into headers the route table matches.
export * from "../../assembly/sdk/callbacks/http";
export * from "../../assembly/sdk/callbacks/request-body";
import { RootContext, registerRootContext } from "../../assembly/sdk";
import { FeatureGroupRoot } from "./root";

registerRootContext("feature-group", (contextId: u32, rootId: string): RootContext => new FeatureGroupRoot(contextId, rootId));
