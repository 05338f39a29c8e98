// The tenant plugin: verifies JWTs (or reads the payload Envoy's jwt_authn verified) and lifts claims such as
// the tenant into request headers Envoy's route table can match. See README.md.
export * from "../../assembly/sdk/callbacks/http";
import { RootContext, registerRootContext } from "../../assembly/sdk";
import { TenantRoot } from "./root";

registerRootContext("tenant", (contextId: u32, rootId: string): RootContext => new TenantRoot(contextId, rootId));
