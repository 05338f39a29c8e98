// Waymark's JSON module: strict bounded parsing into JsonValue, RFC 6901 pointers, a streaming
// pointer scanner for request bodies, and JSON text output.
export * from "./value";
export * from "./limits";
export * from "./errors";
export * from "./parse";
export * from "./pointer";
export * from "./pointer-set";
export * from "./stream";
export * from "./write";
