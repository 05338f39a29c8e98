// Waymark's proxy-wasm SDK (ABI v0.2.1). Plugins import from here; their entry re-exports "./exports".
export * from "./enums";
export * from "./pairs";
export * from "./log";
export * from "./headers";
export * from "./buffers";
export * from "./stream";
export * from "./properties";
export * from "./metrics";
export * from "./shared-data";
export * from "./http-call";
export * from "./time";
export * from "./random";
export * from "./foreign";
export * from "./context";
export * from "./chain";
