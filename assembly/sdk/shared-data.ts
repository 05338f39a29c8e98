// Shared data: a key-value store shared by every VM of the same vm_id on this Envoy, with compare-and-swap.
import { proxy_get_shared_data, proxy_set_shared_data } from "./imports";
import { Status } from "./enums";
import { RET_PTR, RET_SIZE, RET_EXTRA, takeHostBytes, clearResultSlots } from "./memory";

export class SharedValue {
  constructor(public readonly value: Uint8Array, public readonly cas: u32) {}
}

export function getSharedData(key: string): SharedValue | null {
  const k = String.UTF8.encode(key);
  clearResultSlots();
  const status = proxy_get_shared_data(changetype<usize>(k), k.byteLength, RET_PTR, RET_SIZE, RET_EXTRA);
  if (status != Status.Ok) return null;
  const cas = load<u32>(RET_EXTRA);
  return new SharedValue(takeHostBytes(), cas);
}

/** cas 0 writes unconditionally; otherwise the write fails with CasMismatch if someone wrote since that read. */
export function setSharedData(key: string, value: Uint8Array, cas: u32 = 0): Status {
  const k = String.UTF8.encode(key);
  return <Status>proxy_set_shared_data(changetype<usize>(k), k.byteLength, value.dataStart, value.length, cas);
}
