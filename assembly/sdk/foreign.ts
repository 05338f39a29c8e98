// Foreign functions the host registers by name (Envoy: verify_signature, clear_route_cache, ...).
import { proxy_call_foreign_function } from "./imports";
import { Status } from "./enums";
import { RET_PTR, RET_SIZE, takeHostBytes, clearResultSlots } from "./memory";

export class ForeignResult {
  constructor(public readonly status: Status, public readonly data: Uint8Array) {}
}

export function callForeignFunction(name: string, args: Uint8Array): ForeignResult {
  const n = String.UTF8.encode(name);
  clearResultSlots();
  const status = <Status>proxy_call_foreign_function(changetype<usize>(n), n.byteLength, args.dataStart, args.length, RET_PTR, RET_SIZE);
  if (status != Status.Ok) return new ForeignResult(status, new Uint8Array(0));
  return new ForeignResult(status, takeHostBytes());
}
