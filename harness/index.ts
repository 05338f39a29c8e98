// The Waymark plugin test harness: run a compiled proxy-wasm plugin in Node with Envoy's semantics.
export { ProxyWasmHost, HttpStream, WasmTrap, SharedDataStore, encodeProperty } from "./host.ts";
export type { HostOptions, StartResult, LocalReply, LogEntry, HttpCallRecord, CallResponse, CallHandler, ForeignFunction, Properties, Forwarded } from "./host.ts";
export { HeaderMap, toWire, fromWire } from "./header-map.ts";
export type { HeaderInput } from "./header-map.ts";
export { encodePairs, decodePairs, MAX_PAIRS, MAX_PAIRS_BYTES } from "./pairs.ts";
export * from "./abi.ts";
export { FilterChain, ChainStream, ChainStartError } from "./chain.ts";
export type { ChainFilter, ChainStartResult, ChainLogEntry } from "./chain.ts";
