// HTTP call-outs to an Envoy cluster. The answer arrives later in RootContext.onHttpCallResponse with the token.
import { proxy_http_call } from "./imports";
import { Status, BufferType } from "./enums";
import { RET_EXTRA } from "./memory";
import { HeaderPair, encodePairs } from "./pairs";
import { getBuffer } from "./buffers";

/**
 * Starts a call; `headers` must include :method, :path and :authority.
 * Returns the call's token (>= 0), or the negated Status when the host refused it (unknown cluster, bad headers).
 */
export function httpCall(cluster: string, headers: HeaderPair[], body: Uint8Array, trailers: HeaderPair[], timeoutMillis: u32): i64 {
  const c = String.UTF8.encode(cluster);
  const h = encodePairs(headers);
  const t = encodePairs(trailers);
  store<u32>(RET_EXTRA, 0);
  const status = proxy_http_call(changetype<usize>(c), c.byteLength, changetype<usize>(h), h.byteLength,
    body.dataStart, body.length, changetype<usize>(t), t.byteLength, timeoutMillis, RET_EXTRA);
  if (status != Status.Ok) return -(<i64>status);
  return <i64>load<u32>(RET_EXTRA);
}

/** The call-out response body (inside onHttpCallResponse), or an empty array. */
export function callResponseBody(bodySize: u32): Uint8Array {
  if (bodySize == 0) return new Uint8Array(0);
  const body = getBuffer(BufferType.HttpCallResponseBody, 0, bodySize);
  return body !== null ? body : new Uint8Array(0);
}
