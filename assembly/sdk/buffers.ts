// Body buffers (request, response, call-out response) and the configuration buffers.
import { proxy_get_buffer_bytes, proxy_get_buffer_status, proxy_set_buffer_bytes } from "./imports";
import { BufferType, Status } from "./enums";
import { RET_PTR, RET_SIZE, takeHostBytes, clearResultSlots } from "./memory";

/** Bytes [start, start + maxSize) of a buffer, or null when the buffer is absent or empty. */
export function getBuffer(bufferType: BufferType, start: u32, maxSize: u32): Uint8Array | null {
  clearResultSlots();
  const status = proxy_get_buffer_bytes(bufferType, start, maxSize, RET_PTR, RET_SIZE);
  if (status != Status.Ok) return null;
  return takeHostBytes();
}

/** The buffer's current length in bytes (0 when absent). */
export function getBufferSize(bufferType: BufferType): u32 {
  clearResultSlots();
  if (proxy_get_buffer_status(bufferType, RET_PTR, RET_SIZE) != Status.Ok) return 0;
  return load<u32>(RET_PTR);
}

/** The host accepts three writes only: prepend (start 0, size 0), replace all (start 0, size >= length), append (start >= length). */
export function setBuffer(bufferType: BufferType, start: u32, size: u32, data: Uint8Array): Status {
  return <Status>proxy_set_buffer_bytes(bufferType, start, size, data.dataStart, data.length);
}

export function replaceBuffer(bufferType: BufferType, data: Uint8Array): Status {
  return setBuffer(bufferType, 0, u32.MAX_VALUE, data);
}

export function appendBuffer(bufferType: BufferType, data: Uint8Array): Status {
  return setBuffer(bufferType, getBufferSize(bufferType), 0, data);
}

export function prependBuffer(bufferType: BufferType, data: Uint8Array): Status {
  return setBuffer(bufferType, 0, 0, data);
}
