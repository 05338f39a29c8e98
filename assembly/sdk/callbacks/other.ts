// Metadata, network-filter and gRPC callbacks: Waymark plugins are HTTP filters and ignore them; a module that
// exports them stays loadable anywhere, at the price of the calls.
export function proxy_on_request_metadata(contextId: u32, numElements: u32): u32 { return 0; }
export function proxy_on_response_metadata(contextId: u32, numElements: u32): u32 { return 0; }
export function proxy_on_new_connection(contextId: u32): u32 { return 0; }
export function proxy_on_downstream_data(contextId: u32, dataSize: u32, endOfStream: u32): u32 { return 0; }
export function proxy_on_upstream_data(contextId: u32, dataSize: u32, endOfStream: u32): u32 { return 0; }
export function proxy_on_downstream_connection_close(contextId: u32, peerType: u32): void {}
export function proxy_on_upstream_connection_close(contextId: u32, peerType: u32): void {}
export function proxy_on_grpc_receive_initial_metadata(contextId: u32, token: u32, numHeaders: u32): void {}
export function proxy_on_grpc_receive(contextId: u32, token: u32, responseSize: u32): void {}
export function proxy_on_grpc_receive_trailing_metadata(contextId: u32, token: u32, numTrailers: u32): void {}
export function proxy_on_grpc_close(contextId: u32, token: u32, statusCode: u32): void {}
