// The sticky plugin's root context: parses and validates the configuration, builds the pod table (once from
// `pods`, and again whenever the membership fetcher brings a new endpoint dump), owns the counters, and hands
// each HTTP stream to a StickyStream. Tables are built off the request path and swapped in by one assignment.
import {
  RootContext, HttpContext, Counter, logError, logInfo, logWarn, nowNanos, setTickPeriod, callResponseHeaders, callResponseBody,
} from "../../assembly/sdk";
import { DEFAULT_OVERPROVISIONING_FACTOR } from "../../assembly/hash";
import { StickyConfig, parseConfig, Mode, Pod } from "./config";
import { PodTable, buildPodTable } from "./table";
import { StickyMetrics } from "./metrics";
import { idHead } from "./id";
import { StickyStream } from "./stream";
import { parseMembership } from "./membership";
import { MembershipFetcher, membershipTickMs } from "./membership-fetcher";

/** Below this many expected hits within id.max_attempts, a pod gets a warning at configure time. */
const MINT_WARN_EXPECTED_HITS: f64 = 20.0;

export class StickyRoot extends RootContext {
  config: StickyConfig = new StickyConfig();
  /** The table requests read: replaced whole, never changed in place. */
  table: PodTable = new PodTable([]);
  metrics: StickyMetrics | null = null;
  /** The fixed start of minted IDs (prefix and DC tag). */
  head: string = "";
  /** With membership: the fetcher, and whether a dump has been applied yet (before that `pods` serve, if given). */
  fetcher: MembershipFetcher | null = null;
  membershipLoaded: bool = false;
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
    const table = buildPodTable(config, config.pods, DEFAULT_OVERPROVISIONING_FACTOR);
    if (table.error.length > 0) {
      logError("sticky: invalid configuration: " + table.error);
      return false;
    }
    const millis = <f64>(nowNanos() - started) / 1e6;
    this.config = config;
    const metrics = new StickyMetrics(config);
    this.metrics = metrics;
    this.head = idHead(config.id.prefix, config.dc.local);
    this.install(table);
    warnSmallShares(config, table);
    let tickMs = 0;
    // Held requests are let go after body_timeout_ms even if the body never comes (Envoy without
    // allow_on_headers_stop_iteration never hands it over): the ticks check them.
    if (config.bodySources > 0) tickMs = min(1000, max(10, config.bodyTimeoutMs / 5));
    const membership = config.membership;
    if (membership.enabled) {
      this.fetcher = new MembershipFetcher(membership, metrics);
      const needs = membershipTickMs(membership);
      tickMs = tickMs > 0 ? min(tickMs, needs) : needs;
    }
    if (tickMs > 0) setTickPeriod(<u32>tickMs);
    logInfo("sticky: configured: mode " + (config.mode == Mode.Pick ? "pick" : "native") + ", " + table.describe(config) +
      (config.pods.length > 0 ? ", built in " + millis.toString() + " ms" : "") +
      (membership.enabled ? ", following the endpoints of cluster " + membership.cluster + " (admin through " + membership.adminCluster +
        ", every " + membership.refreshMs.toString() + " ms" + (config.pods.length > 0 ? "; pods serve until the first answer" : "") + ")" : "") +
      (config.dc.enabled ? ", dc " + config.dc.local + " with " + config.dc.peerNames.length.toString() + " peers" : ""));
    return true;
  }

  /** Makes `table` the one requests read (its pick counters first, so it is complete when it becomes visible). */
  private install(table: PodTable): void {
    const metrics = this.metrics!;
    if (this.config.mode == Mode.Pick) {
      const picks = new Array<Counter>(table.pods.length);
      for (let i = 0; i < table.pods.length; i++) picks[i] = metrics.pickCounter(table.pods[i].label);
      table.picks = picks;
    }
    this.table = table;
    metrics.membershipPods.set(<u64>table.pods.length);
  }

  onHttpCallResponse(token: u32, numHeaders: u32, bodySize: u32, numTrailers: u32): void {
    const fetcher = this.fetcher;
    if (fetcher === null || !fetcher.owns(token)) return;
    const statusText = numHeaders > 0 ? callResponseHeaders.get(":status") : null;
    const status = statusText !== null ? I32.parseInt(statusText) : 0;
    const body = fetcher.take(status, bodySize, callResponseBody);
    if (body !== null) this.applyDump(fetcher, body);
  }

  /** Builds a table from an endpoint dump and swaps it in; an unusable dump leaves the current table serving. */
  private applyDump(fetcher: MembershipFetcher, body: Uint8Array): void {
    const started = nowNanos();
    const config = this.config;
    const membership = parseMembership(body, config);
    if (membership.pods === null) {
      fetcher.fail("unusable answer: " + membership.error);
      return;
    }
    const table = buildPodTable(config, membership.pods!, membership.overprovisioningFactor);
    if (table.error.length > 0) {
      fetcher.fail("unusable answer: " + table.error);
      return;
    }
    const before = this.table;
    this.install(table);
    const micros = (nowNanos() - started) / 1000;
    this.metrics!.membershipBuildMicros.increment(<i64>micros);
    fetcher.applied();
    const first = !this.membershipLoaded;
    this.membershipLoaded = true;
    logInfo("sticky: membership of " + config.membership.cluster + ": " + table.describe(config) + describeChange(before, table, first) +
      ", parsed and built in " + (<f64>micros / 1000.0).toString() + " ms" + (fetcher.leader ? "" : " (fetched by another VM)"));
  }

  hold(stream: StickyStream): void {
    this.held.push(stream);
  }

  release(stream: StickyStream): void {
    const at = this.held.indexOf(stream);
    if (at >= 0) this.held.splice(at, 1);
  }

  onTick(): void {
    const now = nowNanos();
    const fetcher = this.fetcher;
    if (fetcher !== null) {
      const published = fetcher.onTick(<i64>(now / 1_000_000));
      if (published !== null) this.applyDump(fetcher, published);
    }
    if (this.held.length == 0) return;
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

/** Configured pods that own nothing, or too little for the ID generator's bound, are worth a warning. */
function warnSmallShares(config: StickyConfig, table: PodTable): void {
  for (let i = 0; i < table.pods.length; i++) {
    const pod = table.pods[i];
    const share = table.shares[i];
    if (share == 0) {
      logWarn("sticky: pods[" + i.toString() + "] (" + pod.address + ") owns no part of the table: no key routes to it and no ID can be minted for it");
    } else if (share * <f64>config.id.maxAttempts < MINT_WARN_EXPECTED_HITS) {
      logWarn("sticky: pods[" + i.toString() + "] (" + pod.address + ") owns about 1/" + (<i64>Math.round(1.0 / share)).toString() +
        " of the table: minting an ID for it may run out of id.max_attempts (" + config.id.maxAttempts.toString() + ")");
    }
  }
}

/** " (+2 -1: 10.0.0.7:8080 …)" for a membership change, by address. */
function describeChange(before: PodTable, after: PodTable, first: bool): string {
  if (first) return "";
  const added = new Array<string>();
  const removed = new Array<string>();
  for (let i = 0; i < after.pods.length; i++) if (before.findPod(after.pods[i].address) < 0) added.push(after.pods[i].address);
  for (let i = 0; i < before.pods.length; i++) if (after.findPod(before.pods[i].address) < 0) removed.push(before.pods[i].address);
  if (added.length == 0 && removed.length == 0) return " (same pods: health, weight or metadata changed)";
  let out = " (";
  if (added.length > 0) out += "added " + listSome(added);
  if (removed.length > 0) out += (added.length > 0 ? "; " : "") + "removed " + listSome(removed);
  return out + ")";
}

function listSome(items: string[]): string {
  const shown = items.length <= 8 ? items : items.slice(0, 8);
  return shown.join(" ") + (items.length > 8 ? " and " + (items.length - 8).toString() + " more" : "");
}
