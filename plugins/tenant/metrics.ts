// The plugin's counters, as Envoy's /stats shows them (each prefixed with "wasmcustom."):
//   waymark.tenant.accepted                 requests let through with a verified identity
//   waymark.tenant.missing                  requests without any token (denied, or let through by allow_missing)
//   waymark.tenant.denied                   requests answered 401 (all reasons)
//   waymark.tenant.denied.<reason>          ... per reason (missing, expired, bad_signature, unknown_kid, ...)
//   waymark.tenant.cache.hit / .miss        verified-token cache lookups
//   waymark.tenant.jwks.fetch_success / .fetch_failure   remote JWKS call-outs (failure: status, body, refused, timeout)
//   waymark.tenant.jwks.unknown_kid_refetch refetches started because a token named a kid the set lacks
//   waymark.tenant.held                     requests held while a key set was on its way
//   waymark.tenant.signature.host / .wasm   signature checks done by Envoy's verify_signature / by the plugin
import { Counter } from "../../assembly/sdk";

const PREFIX = "waymark.tenant.";

export class TenantMetrics {
  readonly accepted: Counter = new Counter(PREFIX + "accepted");
  readonly missing: Counter = new Counter(PREFIX + "missing");
  readonly denied: Counter = new Counter(PREFIX + "denied");
  readonly cacheHit: Counter = new Counter(PREFIX + "cache.hit");
  readonly cacheMiss: Counter = new Counter(PREFIX + "cache.miss");
  readonly fetchSuccess: Counter = new Counter(PREFIX + "jwks.fetch_success");
  readonly fetchFailure: Counter = new Counter(PREFIX + "jwks.fetch_failure");
  readonly unknownKidRefetch: Counter = new Counter(PREFIX + "jwks.unknown_kid_refetch");
  readonly held: Counter = new Counter(PREFIX + "held");
  readonly signatureHost: Counter = new Counter(PREFIX + "signature.host");
  readonly signatureWasm: Counter = new Counter(PREFIX + "signature.wasm");
  private readonly deniedBy: Map<string, Counter> = new Map<string, Counter>();

  /** Counts a 401 under its reason; a reason's counter is defined the first time it is used. */
  deny(reason: string): void {
    this.denied.increment();
    if (!this.deniedBy.has(reason)) this.deniedBy.set(reason, new Counter(PREFIX + "denied." + reason));
    this.deniedBy.get(reason).increment();
  }
}
