// Stream control: local replies, resuming a paused stream, closing.
import { proxy_send_local_response, proxy_continue_stream, proxy_close_stream, proxy_set_effective_context } from "./imports";
import { StreamType, Status } from "./enums";
import { HeaderPair, encodePairs } from "./pairs";
import { requestSnapshot } from "./header-snapshot";

/** Answers the client directly; the host stops the stream whatever the callback returns afterwards. */
export function sendLocalResponse(statusCode: u32, details: string, body: Uint8Array, headers: HeaderPair[], grpcStatus: i32 = -1): Status {
  const d = String.UTF8.encode(details);
  const h = encodePairs(headers);
  return <Status>proxy_send_local_response(statusCode, changetype<usize>(d), d.byteLength, body.dataStart, body.length,
    changetype<usize>(h), h.byteLength, grpcStatus);
}

export function continueStream(stream: StreamType): Status {
  return <Status>proxy_continue_stream(stream);
}

export function closeStream(stream: StreamType): Status {
  return <Status>proxy_close_stream(stream);
}

/** Makes later host calls act on another context (a held stream resumed from a root callback, for example). */
export function setEffectiveContext(contextId: u32): Status {
  requestSnapshot.reset();
  return <Status>proxy_set_effective_context(contextId);
}
