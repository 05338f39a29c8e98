// The plugin's counters (Envoy lists them as wasmcustom.waymark.feature_group.*).
import { Counter } from "../../assembly/sdk";
import { FeatureGroupConfig } from "./model";
import { REASON_NAMES } from "./reasons";

const PREFIX = "waymark.feature_group.";

export class Metrics {
  // Every request ends in exactly one of group.<name>, no_group or incoming_kept (or is abandoned while held),
  // so their sum is the request count; a separate counter would cost a host call per request.
  /** Requests no rule matched (no group header set). */
  readonly noGroup: Counter = new Counter(PREFIX + "no_group");
  /** Requests whose incoming group/version was kept (trusted gateway, or an override allowed it): no rule ran. */
  readonly incomingKept: Counter = new Counter(PREFIX + "incoming_kept");
  /** Requests from which a client-sent group or version header was removed (ingress). */
  readonly incomingRemoved: Counter = new Counter(PREFIX + "incoming_removed");
  /** Requests whose headers were held until a body decision. */
  readonly bodyHeld: Counter = new Counter(PREFIX + "body_held");
  /** Per group (index as FeatureGroupConfig.groups): requests given that group. */
  readonly groups: Counter[] = [];
  /** Per reason bit (reasons.ts): requests where a rule could not match because of that input problem. */
  readonly reasons: Counter[] = [];
  /** Per override (index as FeatureGroupConfig.overrides): client values allowed / removed. */
  readonly overrideAllowed: Counter[] = [];
  readonly overrideDenied: Counter[] = [];

  constructor(config: FeatureGroupConfig) {
    for (let i = 0; i < config.groups.length; i++) this.groups.push(new Counter(PREFIX + "group." + config.groups[i]));
    for (let i = 0; i < REASON_NAMES.length; i++) this.reasons.push(new Counter(PREFIX + "rule_skipped." + REASON_NAMES[i]));
    for (let i = 0; i < config.overrides.length; i++) {
      const header = config.overrides[i].header;
      this.overrideAllowed.push(new Counter(PREFIX + "override." + header + ".allowed"));
      this.overrideDenied.push(new Counter(PREFIX + "override." + header + ".denied"));
    }
  }

  countReasons(bits: u32): void {
    while (bits != 0) {
      const i = <i32>ctz(bits);
      bits &= bits - 1;
      if (i < this.reasons.length) unchecked(this.reasons[i]).increment();
    }
  }
}
