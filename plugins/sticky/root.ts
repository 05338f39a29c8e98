// The sticky plugin's root context: parses and validates the configuration, builds the pod table once,
// owns the counters, and hands each HTTP stream to a StickyStream.
import { RootContext, HttpContext, logError, logInfo, logWarn, nowNanos, setTickPeriod } from "../../assembly/sdk";
import { StickyConfig, parseConfig, Mode, Algorithm } from "./config";
import { PodTable, buildPodTable } from "./table";
import { StickyMetrics } from "./metrics";
import { canonicalAddress } from "./address";
import { idHead } from "./id";
import { StickyStream } from "./stream";

/** Below this many expected hits within id.max_attempts, a pod gets a warning at configure time. */
const MINT_WARN_EXPECTED_HITS: f64 = 20.0;

export class StickyRoot extends RootContext {
  config: StickyConfig = new StickyConfig();
  table: PodTable = new PodTable(0);
  metrics: StickyMetrics | null = null;
  /** The fixed start of minted IDs (prefix and DC tag). */
  head: string = "";
  /** Pod index by canonical address, address as written, and hostname: how the ID generator is told the pod. */
  podByName: Map<string, i32> = new Map<string, i32>();
  /** Streams whose headers wait for the body, oldest first. */
  private held: Array<StickyStream> = new Array<StickyStream>();
  private warnedNoBody: bool = false;

  onConfigure(configSize: u32): bool {
    const parsed = parseConfig(this.pluginConfiguration(configSize));
    if (parsed.config === null) {
      logError("sticky: invalid configuration: " + parsed.error);
      return false;
    }
    const config = parsed.config!;
    const started = nowNanos();
    const table = buildPodTable(config);
    if (table.error.length > 0) {
      logError("sticky: invalid configuration: " + table.error);
      return false;
    }
    const millis = <f64>(nowNanos() - started) / 1e6;
    this.config = config;
    this.table = table;
    this.metrics = new StickyMetrics(config);
    this.head = idHead(config.id.prefix, config.dc.local);
    this.podByName = new Map<string, i32>();
    for (let i = 0; i < config.pods.length; i++) {
      const pod = config.pods[i];
      this.podByName.set(pod.address, i);
      this.podByName.set(pod.written, i);
      if (pod.hostname.length > 0 && !this.podByName.has(pod.hostname)) this.podByName.set(pod.hostname, i);
      const share = table.shares[i];
      if (share == 0) {
        logWarn("sticky: pods[" + i.toString() + "] (" + pod.address + ") owns no part of the table: no key routes to it and no ID can be minted for it");
      } else if (share * <f64>config.id.maxAttempts < MINT_WARN_EXPECTED_HITS) {
        logWarn("sticky: pods[" + i.toString() + "] (" + pod.address + ") owns about 1/" + (<i64>Math.round(1.0 / share)).toString() +
          " of the table: minting an ID for it may run out of id.max_attempts (" + config.id.maxAttempts.toString() + ")");
      }
    }
    const shape = config.pods.length == 0 ? "no pod table" :
      (config.algorithm == Algorithm.Maglev ? "maglev table of " + config.tableSize.toString() + " slots" :
        "ring of " + (table.ring !== null ? table.ring!.size.toString() : "0") + " entries") +
      " over " + config.pods.length.toString() + " pods, built in " + millis.toString() + " ms";
    // Held requests are let go after body_timeout_ms even if the body never comes (Envoy without
    // allow_on_headers_stop_iteration never hands it over): the ticks check them.
    if (config.bodySources > 0) setTickPeriod(<u32>min(1000, max(10, config.bodyTimeoutMs / 5)));
    logInfo("sticky: configured: mode " + (config.mode == Mode.Pick ? "pick" : "native") + ", " + shape +
      (config.dc.enabled ? ", dc " + config.dc.local + " with " + config.dc.peerNames.length.toString() + " peers" : ""));
    return true;
  }

  /** The pod a caller names (canonical or configured address, or hostname); -1 when unknown. */
  findPod(name: string): i32 {
    if (this.podByName.has(name)) return this.podByName.get(name);
    const canonical = canonicalAddress(name);
    if (canonical !== null && this.podByName.has(canonical)) return this.podByName.get(canonical);
    return -1;
  }

  hold(stream: StickyStream): void {
    this.held.push(stream);
  }

  release(stream: StickyStream): void {
    const at = this.held.indexOf(stream);
    if (at >= 0) this.held.splice(at, 1);
  }

  onTick(): void {
    if (this.held.length == 0) return;
    const now = nowNanos();
    const timeout = <u64>this.config.bodyTimeoutMs * 1_000_000;
    while (this.held.length > 0 && now - this.held[0].waitingSince >= timeout) {
      const stream = this.held.shift();
      this.metrics!.bodyTimeouts.increment();
      if (!stream.sawBody && !this.warnedNoBody) {
        this.warnedNoBody = true;
        logWarn("sticky: a request body never reached the plugin within body_timeout_ms (" + this.config.bodyTimeoutMs.toString() +
          " ms): body key sources need allow_on_headers_stop_iteration: true in the Envoy Wasm filter config");
      }
      stream.giveUpOnBody();
    }
  }

  newHttpContext(contextId: u32): HttpContext | null {
    // Unconfigured (refused configuration): leave streams alone rather than act on defaults.
    if (this.metrics === null) return null;
    return new StickyStream(contextId, this);
  }
}
