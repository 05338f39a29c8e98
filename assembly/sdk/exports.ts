// The module's whole ABI surface: every callback Envoy may call, dispatched to the registered contexts.
// A plugin's entry file re-exports this module (`export * from ".../sdk/exports"`), or, to spare Envoy the
// calls it does not need on every request, only the groups it uses from ./callbacks/ (http.ts always).
export * from "./callbacks/http";
export * from "./callbacks/request-body";
export * from "./callbacks/response";
export * from "./callbacks/stream-end";
export * from "./callbacks/other";
