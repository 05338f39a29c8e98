// Unpredictable bytes from the host (WASI random_get; Envoy fills it from its own CSPRNG).
import { wasi_random_get } from "./imports";

export function randomBytes(length: i32): Uint8Array {
  const out = new Uint8Array(length);
  if (length > 0) wasi_random_get(out.dataStart, <usize>length);
  return out;
}
