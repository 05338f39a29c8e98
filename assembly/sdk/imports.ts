// Host functions of proxy-wasm ABI v0.2.1 (module "env"), exactly as Envoy exports them.
// Every function returns a status (see enums.ts). Pointers are offsets into this module's memory.

@external("env", "proxy_log")
export declare function proxy_log(level: i32, messagePtr: usize, messageSize: usize): u32;
@external("env", "proxy_get_log_level")
export declare function proxy_get_log_level(retLevel: usize): u32;
@external("env", "proxy_get_current_time_nanoseconds")
export declare function proxy_get_current_time_nanoseconds(retTime: usize): u32;
@external("env", "proxy_set_tick_period_milliseconds")
export declare function proxy_set_tick_period_milliseconds(millis: u32): u32;

@external("env", "proxy_set_effective_context")
export declare function proxy_set_effective_context(contextId: u32): u32;
@external("env", "proxy_done")
export declare function proxy_done(): u32;

@external("env", "proxy_get_buffer_bytes")
export declare function proxy_get_buffer_bytes(bufferType: i32, start: u32, maxSize: u32, retPtr: usize, retSize: usize): u32;
@external("env", "proxy_get_buffer_status")
export declare function proxy_get_buffer_status(bufferType: i32, retSize: usize, retFlags: usize): u32;
@external("env", "proxy_set_buffer_bytes")
export declare function proxy_set_buffer_bytes(bufferType: i32, start: u32, size: u32, dataPtr: usize, dataSize: usize): u32;

@external("env", "proxy_get_header_map_pairs")
export declare function proxy_get_header_map_pairs(mapType: i32, retPtr: usize, retSize: usize): u32;
@external("env", "proxy_set_header_map_pairs")
export declare function proxy_set_header_map_pairs(mapType: i32, pairsPtr: usize, pairsSize: usize): u32;
@external("env", "proxy_get_header_map_value")
export declare function proxy_get_header_map_value(mapType: i32, keyPtr: usize, keySize: usize, retPtr: usize, retSize: usize): u32;
@external("env", "proxy_add_header_map_value")
export declare function proxy_add_header_map_value(mapType: i32, keyPtr: usize, keySize: usize, valuePtr: usize, valueSize: usize): u32;
@external("env", "proxy_replace_header_map_value")
export declare function proxy_replace_header_map_value(mapType: i32, keyPtr: usize, keySize: usize, valuePtr: usize, valueSize: usize): u32;
@external("env", "proxy_remove_header_map_value")
export declare function proxy_remove_header_map_value(mapType: i32, keyPtr: usize, keySize: usize): u32;
@external("env", "proxy_get_header_map_size")
export declare function proxy_get_header_map_size(mapType: i32, retSize: usize): u32;

@external("env", "proxy_continue_stream")
export declare function proxy_continue_stream(streamType: i32): u32;
@external("env", "proxy_close_stream")
export declare function proxy_close_stream(streamType: i32): u32;
@external("env", "proxy_send_local_response")
export declare function proxy_send_local_response(
  statusCode: u32, detailsPtr: usize, detailsSize: usize, bodyPtr: usize, bodySize: usize,
  headersPtr: usize, headersSize: usize, grpcStatus: i32): u32;

@external("env", "proxy_http_call")
export declare function proxy_http_call(
  upstreamPtr: usize, upstreamSize: usize, headersPtr: usize, headersSize: usize, bodyPtr: usize, bodySize: usize,
  trailersPtr: usize, trailersSize: usize, timeoutMillis: u32, retToken: usize): u32;

@external("env", "proxy_get_shared_data")
export declare function proxy_get_shared_data(keyPtr: usize, keySize: usize, retValuePtr: usize, retValueSize: usize, retCas: usize): u32;
@external("env", "proxy_set_shared_data")
export declare function proxy_set_shared_data(keyPtr: usize, keySize: usize, valuePtr: usize, valueSize: usize, cas: u32): u32;

@external("env", "proxy_define_metric")
export declare function proxy_define_metric(metricType: i32, namePtr: usize, nameSize: usize, retId: usize): u32;
@external("env", "proxy_increment_metric")
export declare function proxy_increment_metric(metricId: u32, offset: i64): u32;
@external("env", "proxy_record_metric")
export declare function proxy_record_metric(metricId: u32, value: u64): u32;
@external("env", "proxy_get_metric")
export declare function proxy_get_metric(metricId: u32, retValue: usize): u32;

@external("env", "proxy_get_property")
export declare function proxy_get_property(pathPtr: usize, pathSize: usize, retPtr: usize, retSize: usize): u32;
@external("env", "proxy_set_property")
export declare function proxy_set_property(pathPtr: usize, pathSize: usize, valuePtr: usize, valueSize: usize): u32;

@external("env", "proxy_call_foreign_function")
export declare function proxy_call_foreign_function(
  namePtr: usize, nameSize: usize, argsPtr: usize, argsSize: usize, retPtr: usize, retSize: usize): u32;

@external("wasi_snapshot_preview1", "random_get")
export declare function wasi_random_get(buf: usize, len: usize): u16;
