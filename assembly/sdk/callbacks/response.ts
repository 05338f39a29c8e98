// The response side: headers, body and trailers.
import { requestSnapshot } from "../header-snapshot";
import { streamOf } from "../dispatch";
import { collectIfDue } from "../gc";

export function proxy_on_response_headers(contextId: u32, numHeaders: u32, endOfStream: u32): u32 {
  requestSnapshot.reset();
  const stream = streamOf(contextId);
  return stream !== null ? stream.onResponseHeaders(numHeaders, endOfStream != 0) : 0;
}

export function proxy_on_response_body(contextId: u32, bodySize: u32, endOfStream: u32): u32 {
  requestSnapshot.reset();
  const stream = streamOf(contextId);
  const action = stream !== null ? stream.onResponseBody(bodySize, endOfStream != 0) : 0;
  collectIfDue();
  return action;
}

export function proxy_on_response_trailers(contextId: u32, numTrailers: u32): u32 {
  requestSnapshot.reset();
  const stream = streamOf(contextId);
  return stream !== null ? stream.onResponseTrailers(numTrailers) : 0;
}
