// The feature-group root context: parses and checks the configuration, owns the counters, a pool of body
// scanners, and the watchdog that lets a held request go when its body never reaches the plugin.
import {
  RootContext, HttpContext, logError, logInfo, logWarn, setTickPeriod, nowNanos,
} from "../../assembly/sdk";
import { JsonPointerScanner, JsonPointerSet, JsonLimits } from "../../assembly/json";
import { FeatureGroupConfig } from "./model";
import { parseConfig } from "./config";
import { Metrics } from "./metrics";
import { FeatureGroupStream } from "./stream";
import { RequestFacts } from "./facts";

/** Scanners kept for reuse; more concurrent body decisions than this allocate and drop their own. */
const SCANNER_POOL: i32 = 64;
/** The watchdog looks at held requests this often at most. */
const MAX_TICK_MS: i32 = 100;

export class FeatureGroupRoot extends RootContext {
  config: FeatureGroupConfig | null = null;
  metrics: Metrics | null = null;
  private scanners: JsonPointerScanner[] = [];
  /** The body pointers of every rule, compiled once for all scanners. */
  private pointers: JsonPointerSet | null = null;
  private held: Map<u32, FeatureGroupStream> = new Map<u32, FeatureGroupStream>();
  /** A decided request's facts, kept for the next request (most requests are decided in their headers callback). */
  private spareFacts: RequestFacts | null = null;
  private warnedNoBody: bool = false;

  onConfigure(configSize: u32): bool {
    const result = parseConfig(this.pluginConfiguration(configSize));
    const config = result.config;
    if (config === null) {
      logError("feature-group: invalid configuration: " + result.error);
      return false;
    }
    this.config = config;
    this.spareFacts = null;
    this.metrics = new Metrics(config);
    const limits = new JsonLimits();
    limits.maxDepth = config.maxBodyDepth;
    limits.maxInputBytes = config.maxBodyBytes;
    limits.maxStringLength = config.maxBodyBytes;
    this.pointers = new JsonPointerSet(config.pointers, limits);
    this.scanners = [];
    if (config.needsBody) {
      const half = config.bodyWaitMs / 2;
      setTickPeriod(<u32>(half < 1 ? 1 : half > MAX_TICK_MS ? MAX_TICK_MS : half));
    } else {
      setTickPeriod(0);
    }
    const table = config.geo.table;
    logInfo("feature-group: configured: " + config.rules.length.toString() + " rules, " + config.groups.length.toString() +
      " groups, " + (table !== null ? table.size : 0).toString() + " address prefixes, trust_incoming " + config.trustIncoming.toString());
    return true;
  }

  newHttpContext(contextId: u32): HttpContext | null {
    const config = this.config;
    if (config === null) return null;
    return new FeatureGroupStream(contextId, this, config, this.metrics!);
  }

  onTick(): void {
    const config = this.config;
    if (this.held.size == 0 || config === null) return;
    const waitNs = <u64>config.bodyWaitMs * 1_000_000;
    const now = nowNanos();
    const streams = this.held.values();
    for (let i = 0; i < streams.length; i++) {
      const s = unchecked(streams[i]);
      if (s.bodySeen || now - s.heldSinceNs < waitNs) continue;
      if (!this.warnedNoBody) {
        this.warnedNoBody = true;
        logWarn("feature-group: a held request got no body within body_wait_ms; body rules need " +
          "allow_on_headers_stop_iteration: true in the wasm filter's config (Envoy 1.35 or newer)");
      }
      s.giveUpOnBody();
    }
  }

  takeFacts(): RequestFacts {
    const spare = this.spareFacts;
    if (spare !== null && spare.config === this.config) {
      this.spareFacts = null;
      spare.reset();
      return spare;
    }
    return new RequestFacts(this.config!);
  }

  returnFacts(facts: RequestFacts): void {
    this.spareFacts = facts;
  }

  takeScanner(): JsonPointerScanner {
    const n = this.scanners.length;
    if (n > 0) return this.scanners.pop();
    return new JsonPointerScanner(this.pointers!);
  }

  returnScanner(scanner: JsonPointerScanner): void {
    if (this.scanners.length >= SCANNER_POOL) return;
    scanner.reset();
    this.scanners.push(scanner);
  }

  hold(stream: FeatureGroupStream): void {
    this.held.set(stream.contextId, stream);
  }

  unhold(stream: FeatureGroupStream): void {
    this.held.delete(stream.contextId);
  }
}
