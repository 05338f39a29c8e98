// Test and benchmark entry for the crypto primitives: compiled with JS bindings to dist/tools/crypto.{wasm,js}.
export * from "./rsa";
export * from "./ec";
