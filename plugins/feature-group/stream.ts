// One request through the feature-group plugin: trust rules for incoming values, then the ordered rules,
// decided on the headers when possible, else on the JSON body as it streams in (headers held meanwhile).
import {
  HttpContext, HeadersAction, BodyAction, TrailersAction, BufferType, requestHeaders, getBuffer, nowNanos,
  setEffectiveContext,
} from "../../assembly/sdk";
import { JsonPointerScanner, ScanState } from "../../assembly/json";
import { FeatureGroupConfig } from "./model";
import { Metrics } from "./metrics";
import { RequestFacts } from "./facts";
import { Truth, isJsonContentType, bodyConditionsTruth, failureReason } from "./body";
import { REASON_BODY_MISSING, REASON_BODY_NOT_JSON, REASON_BODY_NOT_DELIVERED } from "./reasons";
import { FeatureGroupRoot } from "./root";

/** Body bytes copied from the host at first; each further copy doubles, up to MAX_WINDOW. */
const FIRST_WINDOW: u32 = 2048;
const MAX_WINDOW: u32 = 32768;

/** No body rule waiting: shared and never added to, so a new stream allocates no array. */
const NO_CANDIDATES = new Array<i32>(0);

export class FeatureGroupStream extends HttpContext {
  private facts: RequestFacts | null = null;
  // While held for the body:
  private scanner: JsonPointerScanner | null = null;
  /** Body rules still undecided, in rule order, from `next` on. */
  private candidates: i32[] = NO_CANDIDATES;
  private next: i32 = 0;
  /** The rule that wins when every candidate fails (-1: none). */
  private fallback: i32 = -1;
  /** Body bytes handed to the scanner so far, and how many to copy from the host next. */
  private fed: u32 = 0;
  private window: u32 = FIRST_WINDOW;
  holding: bool = false;
  bodySeen: bool = false;
  heldSinceNs: u64 = 0;

  constructor(contextId: u32, readonly owner: FeatureGroupRoot, readonly config: FeatureGroupConfig, readonly metrics: Metrics) {
    super(contextId, owner);
  }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): HeadersAction {
    const config = this.config;
    const facts = this.owner.takeFacts();
    this.facts = facts;
    if (this.keepIncoming(facts)) {
      this.releaseFacts();
      return HeadersAction.Continue;
    }

    // Ordered rules, first match wins. A body rule whose header-time conditions hold cannot be decided yet:
    // it and every later candidate wait for the body, up to the first rule that holds on headers alone.
    const rules = config.rules;
    let chosen = -1;
    let jsonBody = -1; // unknown until a body rule asks
    let candidates: i32[] | null = null;
    for (let i = 0; i < rules.length; i++) {
      const rule = unchecked(rules[i]);
      if (!facts.holds(rule.conditions)) continue;
      if (rule.conditions.body.length == 0) {
        chosen = i;
        break;
      }
      if (jsonBody < 0) jsonBody = this.hasJsonBody(endOfStream, facts) ? 1 : 0;
      if (jsonBody == 0) continue;
      if (candidates === null) candidates = [];
      candidates.push(i);
    }
    if (candidates === null) {
      this.finish(chosen);
      return HeadersAction.Continue;
    }
    this.candidates = candidates;
    this.fallback = chosen;
    this.scanner = this.owner.takeScanner();
    this.holding = true;
    this.heldSinceNs = nowNanos();
    this.owner.hold(this);
    this.metrics.bodyHeld.increment();
    // StopIteration holds the headers while the body still reaches this filter; Envoy honours it only with
    // allow_on_headers_stop_iteration: true (otherwise it becomes StopAll and the watchdog in root.ts resumes).
    return HeadersAction.StopIteration;
  }

  onRequestBody(bodySize: u32, endOfStream: bool): BodyAction {
    if (!this.holding) return BodyAction.Continue;
    this.bodySeen = true;
    const scanner = this.scanner!;
    // One byte past the bound is enough for the scanner to report it exceeded; the rest is never copied.
    const limit = <u32>this.config.maxBodyBytes + 1;
    const available = bodySize < limit ? bodySize : limit;
    // Copy the new bytes in growing windows and stop as soon as the rules are decided, so a field near the
    // start of a large chunk costs little more than a small body.
    while (available > this.fed) {
      let want = available - this.fed;
      if (want > this.window) want = this.window;
      const chunk = getBuffer(BufferType.HttpRequestBody, this.fed, want);
      if (chunk === null || chunk.length == 0) break;
      this.fed += <u32>chunk.length;
      scanner.feed(chunk, 0, chunk.length, endOfStream && this.fed >= bodySize);
      if (this.decideOnBody()) return BodyAction.Continue;
      if (this.window < MAX_WINDOW) this.window <<= 1;
    }
    if (endOfStream && scanner.state == ScanState.InProgress) scanner.end();
    if (this.decideOnBody()) return BodyAction.Continue;
    return BodyAction.StopIterationAndBuffer;
  }

  onRequestTrailers(numTrailers: u32): TrailersAction {
    if (!this.holding) return TrailersAction.Continue;
    // Trailers end the body.
    const scanner = this.scanner!;
    if (scanner.state == ScanState.InProgress) scanner.end();
    this.decideOnBody();
    return TrailersAction.Continue;
  }

  onDelete(): void {
    // The client may leave while the request is held.
    if (this.holding) this.release();
  }

  /** Watchdog (root tick): the body never reached the plugin; decide without it and let the request go. */
  giveUpOnBody(): void {
    if (!this.holding) return;
    setEffectiveContext(this.contextId);
    this.facts!.reasons |= REASON_BODY_NOT_DELIVERED;
    this.finish(this.fallback);
    this.resumeRequest();
  }

  /** The incoming group/version are kept (trusted, or allowed by an override): true means no rule runs. */
  private keepIncoming(facts: RequestFacts): bool {
    const config = this.config;
    let group = requestHeaders.get(config.groupHeader);
    let version = requestHeaders.get(config.versionHeader);
    if (!config.trustIncoming) {
      // Ingress: a client may send an override header only when its condition holds; group and version only
      // when an override names them.
      let groupAllowed = false;
      let versionAllowed = false;
      const overrides = config.overrides;
      for (let i = 0; i < overrides.length; i++) {
        const o = unchecked(overrides[i]);
        if (facts.header(o.slot) === null) continue;
        if (facts.holds(o.when)) {
          unchecked(this.metrics.overrideAllowed[i]).increment();
          if (o.header == config.groupHeader) groupAllowed = true;
          else if (o.header == config.versionHeader) versionAllowed = true;
        } else {
          requestHeaders.remove(o.header);
          facts.forget(o.slot);
          unchecked(this.metrics.overrideDenied[i]).increment();
        }
      }
      let removed = false;
      if (group !== null && !groupAllowed) {
        if (!overrideNames(config, config.groupHeader)) requestHeaders.remove(config.groupHeader);
        group = null;
        removed = true;
      }
      if (version !== null && !versionAllowed) {
        if (!overrideNames(config, config.versionHeader)) requestHeaders.remove(config.versionHeader);
        version = null;
        removed = true;
      }
      if (removed) this.metrics.incomingRemoved.increment();
    }
    if (group === null && version === null) return false;
    if (group !== null && version === null && config.aliases.has(group)) {
      requestHeaders.add(config.versionHeader, config.aliases.get(group));
    }
    this.metrics.incomingKept.increment();
    return true;
  }

  private hasJsonBody(endOfStream: bool, facts: RequestFacts): bool {
    if (endOfStream) {
      facts.reasons |= REASON_BODY_MISSING;
      return false;
    }
    if (!isJsonContentType(requestHeaders.get("content-type"))) {
      facts.reasons |= REASON_BODY_NOT_JSON;
      return false;
    }
    return true;
  }

  /** Decides when the scanner knows enough; true when decided (the request may go on). */
  private decideOnBody(): bool {
    if (!this.holding) return true;
    const scanner = this.scanner!;
    const rules = this.config.rules;
    const candidates = this.candidates;
    while (this.next < candidates.length) {
      const index = unchecked(candidates[this.next]);
      const truth = bodyConditionsTruth(unchecked(rules[index]).conditions.body, scanner);
      if (truth == Truth.Unknown) return false;
      if (truth == Truth.True) {
        this.finish(index);
        return true;
      }
      if (truth == Truth.Unreadable) this.facts!.reasons |= failureReason(scanner);
      this.next++;
    }
    this.finish(this.fallback);
    return true;
  }

  /** Sets the output headers for rule `index` (-1: no group) and counts. */
  private finish(index: i32): void {
    if (this.holding) this.release();
    const config = this.config;
    if (index < 0) {
      this.metrics.noGroup.increment();
    } else {
      const rule = unchecked(config.rules[index]);
      // Both headers are absent here: removed at an ingress, or absent at a trusting gateway.
      requestHeaders.add(config.groupHeader, rule.group);
      if (config.aliases.has(rule.group)) requestHeaders.add(config.versionHeader, config.aliases.get(rule.group));
      unchecked(this.metrics.groups[rule.groupIndex]).increment();
    }
    const facts = this.facts;
    if (facts !== null && facts.reasons != 0) this.metrics.countReasons(facts.reasons);
    this.releaseFacts();
  }

  /** The request is decided: its facts go back to the root for the next request. */
  private releaseFacts(): void {
    const facts = this.facts;
    if (facts === null) return;
    this.facts = null;
    this.owner.returnFacts(facts);
  }

  private release(): void {
    this.holding = false;
    const scanner = this.scanner;
    if (scanner !== null) this.owner.returnScanner(scanner);
    this.scanner = null;
    this.owner.unhold(this);
  }
}

/** Some override names this header (its own loop already removed it when not allowed). */
function overrideNames(config: FeatureGroupConfig, header: string): bool {
  const overrides = config.overrides;
  for (let i = 0; i < overrides.length; i++) if (unchecked(overrides[i]).header == header) return true;
  return false;
}
