// The plugin's counters. Envoy lists them in /stats as wasmcustom.waymark.sticky.<name>.
import { Counter, Gauge } from "../../assembly/sdk";
import { StickyConfig, SOURCE_NAMES } from "./config";

const P = "waymark.sticky.";
/** Pods that get their own picks counter; later ones (a long-lived gateway sees every rollout) share picks.other. */
export const MAX_PICK_COUNTERS: i32 = 1024;

export class StickyMetrics {
  /** Per pod label (hostname or address with separators as '_'): requests pick mode sent there; see pickCounter. */
  private picks: Map<string, Counter> = new Map<string, Counter>();
  private picksOther: Counter | null = null;
  /** Requests native mode gave a key header. */
  native: Counter = new Counter(P + "native");
  /** Per source kind (header, cookie, query, path, body): where keys came from. */
  keysFrom: Counter[] = [];
  keysMissing: Counter = new Counter(P + "keys.missing");
  /** Keys longer than max_key_length, counted as missing. */
  keysTooLong: Counter = new Counter(P + "keys.too_long");
  /** Requests refused because on_missing is "reject". */
  rejected: Counter = new Counter(P + "rejected");
  /** Bodies that could not give a key: malformed JSON, larger than max_body_bytes, cut short. */
  bodyUnreadable: Counter = new Counter(P + "body.unreadable");
  /** Requests whose body did not decide within body_timeout_ms (routed by the other sources). */
  bodyTimeouts: Counter = new Counter(P + "body.timeouts");
  /** Per peer: requests sent on to that data centre's gateway. */
  forwarded: Counter[] = [];
  forwardedTotal: Counter = new Counter(P + "dc.forwarded");
  /** Requests whose key belongs to a peer but that already crossed once: served here, not sent on. */
  loopStopped: Counter = new Counter(P + "dc.loop_stopped");
  idsMinted: Counter = new Counter(P + "ids.minted");
  /** ID requests that ran out of attempts (the pod owns a tiny share) or named no known pod. */
  idsFailed: Counter = new Counter(P + "ids.failed");
  idsUnknownPod: Counter = new Counter(P + "ids.unknown_pod");
  /** Membership (see membership-fetcher.ts): call-outs started, tables swapped in, answers identical to the last. */
  membershipFetches: Counter = new Counter(P + "membership.fetches");
  membershipUpdates: Counter = new Counter(P + "membership.updates");
  membershipUnchanged: Counter = new Counter(P + "membership.unchanged");
  /** Failed call-outs and unusable answers (the last good table kept serving). */
  membershipFailures: Counter = new Counter(P + "membership.failures");
  /** Answer bytes received, and microseconds spent parsing them and building tables (sums over all workers). */
  membershipBytes: Counter = new Counter(P + "membership.bytes");
  membershipBuildMicros: Counter = new Counter(P + "membership.build_us");
  /** Pods in the current table (the last worker to swap sets it). */
  membershipPods: Gauge = new Gauge(P + "membership.pods");

  constructor(config: StickyConfig) {
    for (let i = 0; i < SOURCE_NAMES.length; i++) this.keysFrom.push(new Counter(P + "keys.from." + SOURCE_NAMES[i]));
    for (let i = 0; i < config.dc.peerNames.length; i++) this.forwarded.push(new Counter(P + "dc.forwarded." + config.dc.peerNames[i]));
  }

  /** The picks counter of the pod labelled `label`, defined on first use (at most MAX_PICK_COUNTERS, then picks.other). */
  pickCounter(label: string): Counter {
    if (this.picks.has(label)) return this.picks.get(label);
    if (this.picks.size < MAX_PICK_COUNTERS) {
      const counter = new Counter(P + "picks." + label);
      this.picks.set(label, counter);
      return counter;
    }
    let other = this.picksOther;
    if (other === null) {
      other = new Counter(P + "picks.other");
      this.picksOther = other;
    }
    return other;
  }
}
