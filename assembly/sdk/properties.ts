// Properties: paths are segments joined by NUL; values come typed by the host (strings raw, integers and
// durations as 8-byte little-endian, doubles as 8-byte IEEE, booleans as one byte, maps in the pairs encoding).
import { proxy_get_property, proxy_set_property } from "./imports";
import { Status } from "./enums";
import { RET_PTR, RET_SIZE, takeHostBytes, clearResultSlots } from "./memory";
import { BytesPair, decodeBytesPairsFrom } from "./pairs";

export function encodePropertyPath(path: string[]): ArrayBuffer {
  return String.UTF8.encode(path.join("\0"));
}

export function getProperty(path: string[]): Uint8Array | null {
  const p = encodePropertyPath(path);
  clearResultSlots();
  const status = proxy_get_property(changetype<usize>(p), p.byteLength, RET_PTR, RET_SIZE);
  if (status != Status.Ok) return null;
  return takeHostBytes();
}

export function getPropertyString(path: string[]): string | null {
  const bytes = getProperty(path);
  if (bytes === null) return null;
  return String.UTF8.decodeUnsafe(bytes.dataStart, bytes.length);
}

/** An int64/uint64/duration/timestamp property, or `fallback` when absent or not 8 bytes. */
export function getPropertyI64(path: string[], fallback: i64): i64 {
  const bytes = getProperty(path);
  if (bytes === null || bytes.length != 8) return fallback;
  return load<i64>(bytes.dataStart);
}

export function getPropertyF64(path: string[], fallback: f64): f64 {
  const bytes = getProperty(path);
  if (bytes === null || bytes.length != 8) return fallback;
  return load<f64>(bytes.dataStart);
}

export function getPropertyBool(path: string[], fallback: bool): bool {
  const bytes = getProperty(path);
  if (bytes === null || bytes.length != 1) return fallback;
  return load<u8>(bytes.dataStart) != 0;
}

/** A map-valued property (dynamic metadata, for example) as its pairs; null when absent or malformed. */
export function getPropertyPairs(path: string[]): BytesPair[] | null {
  const bytes = getProperty(path);
  if (bytes === null) return null;
  return decodeBytesPairsFrom(bytes);
}

export function setProperty(path: string[], value: Uint8Array): Status {
  const p = encodePropertyPath(path);
  return <Status>proxy_set_property(changetype<usize>(p), p.byteLength, value.dataStart, value.length);
}
