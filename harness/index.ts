// The Waymark plugin test harness: run a compiled proxy-wasm plugin in Node with Envoy's semantics.
export { ProxyWasmHost, HttpStream, WasmTrap, WasmLoadError, SharedDataStore, encodeProperty } from "./host.ts";
export type {
  HostOptions, StartResult, LocalReply, LogEntry, HttpCallRecord, CallResponse, CallHandler, ForeignFunction, Properties, Forwarded,
  GrpcCallRecord, GrpcResponse, GrpcHandler,
} from "./host.ts";
export { HeaderMap, toWire, fromWire } from "./header-map.ts";
export type { HeaderInput } from "./header-map.ts";
export { encodePairs, decodePairs, MAX_PAIRS, MAX_PAIRS_BYTES } from "./pairs.ts";
export { inspectModule } from "./module-info.ts";
export type { AbiVersion, ModuleInfo, ModuleImport, ModuleExport } from "./module-info.ts";
export { envoyImports, loadError, WASI_SIGNATURES } from "./envoy-imports.ts";
export * from "./abi.ts";
export { FilterChain, ChainStream, ChainStartError } from "./chain.ts";
export type { ChainFilter, ChainStartResult, ChainLogEntry } from "./chain.ts";
