// The plugin's counters. Envoy lists them in /stats as wasmcustom.waymark.sticky.<name>.
import { Counter } from "../../assembly/sdk";
import { StickyConfig, SOURCE_NAMES } from "./config";

const P = "waymark.sticky.";

export class StickyMetrics {
  /** Per pod (label = hostname or address with separators as '_'): requests pick mode sent there. */
  picks: Counter[] = [];
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

  constructor(config: StickyConfig) {
    for (let i = 0; i < config.pods.length; i++) this.picks.push(new Counter(P + "picks." + config.pods[i].label));
    for (let i = 0; i < SOURCE_NAMES.length; i++) this.keysFrom.push(new Counter(P + "keys.from." + SOURCE_NAMES[i]));
    for (let i = 0; i < config.dc.peerNames.length; i++) this.forwarded.push(new Counter(P + "dc.forwarded." + config.dc.peerNames[i]));
  }
}
