// A test-only switch to make any plugin trap on demand, for failure-policy tests (FAIL_CLOSED / FAIL_OPEN /
// FAIL_RELOAD). It lives in the VM configuration, never in a plugin's own configuration:
//   vm_config.configuration = "waymark-test-trap=<header name>"
// after which a request carrying that header traps the VM in onRequestHeaders. Unset, it costs one branch.
import { requestHeaders } from "./headers";
import { BufferType } from "./enums";
import { getBuffer } from "./buffers";

const PREFIX = "waymark-test-trap=";
let trapHeader: string | null = null;

/** Reads the switch from the VM configuration (called once, from proxy_on_vm_start). */
export function readTestTrapSwitch(vmConfigSize: u32): void {
  const prefixLength = PREFIX.length; // ASCII: one byte per char
  if (vmConfigSize <= <u32>prefixLength || vmConfigSize > 256) return;
  const bytes = getBuffer(BufferType.VmConfiguration, 0, vmConfigSize);
  if (bytes === null) return;
  for (let i = 0; i < prefixLength; i++) {
    if (<i32>bytes[i] != PREFIX.charCodeAt(i)) return;
  }
  trapHeader = String.UTF8.decodeUnsafe(bytes.dataStart + prefixLength, bytes.length - prefixLength);
}

/** Traps when the switch is on and this request asks for it. */
export function trapIfRequested(): void {
  const name = trapHeader;
  if (name === null) return;
  if (requestHeaders.get(name) !== null) throw new Error("test trap requested by the " + name + " header");
}
