// Request body and trailers: for plugins that read the body (or must see where it ends).
import { requestSnapshot } from "../header-snapshot";
import { streamOf } from "../dispatch";
import { collectIfDue } from "../gc";

export function proxy_on_request_body(contextId: u32, bodySize: u32, endOfStream: u32): u32 {
  requestSnapshot.reset();
  const stream = streamOf(contextId);
  const action = stream !== null ? stream.onRequestBody(bodySize, endOfStream != 0) : 0;
  collectIfDue();
  return action;
}

export function proxy_on_request_trailers(contextId: u32, numTrailers: u32): u32 {
  requestSnapshot.reset();
  const stream = streamOf(contextId);
  const action = stream !== null ? stream.onRequestTrailers(numTrailers) : 0;
  collectIfDue();
  return action;
}
