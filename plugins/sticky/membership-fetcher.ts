// Fetching the endpoint dump from the admin, every refresh_ms, off the request path: the root context drives
// it from ticks and call-out answers. Each worker's VM fetches on its own; the admin's load is bounded by the
// interval (one call in flight at a time), the answer by max_response_bytes (a larger one is refused unread),
// and an answer identical to the last one is not parsed again. A failed or unusable answer leaves the last
// good table serving: it is counted every time and logged once per run of failures.
import { HeaderPair, httpCall, logWarn, logInfo } from "../../assembly/sdk";
import { xxh64Raw } from "../../assembly/hash";
import { MembershipConfig } from "./config";
import { StickyMetrics } from "./metrics";
import { endpointDumpPath } from "./membership";

export class MembershipFetcher {
  /** Call-out token of the fetch in flight, or -1. */
  private inFlight: i64 = -1;
  private inFlightSince: i64 = 0;
  private nextDueMs: i64 = 0;
  /** XXH64 of the last answer that built a table, and its length (0: none yet). */
  private lastHash: u64 = 0;
  private lastLength: i32 = 0;
  private pendingHash: u64 = 0;
  private pendingLength: i32 = 0;
  /** Failures since the last good answer (the first of a run is logged, the end of the run too). */
  private failures: i32 = 0;
  readonly path: string;

  constructor(private readonly config: MembershipConfig, private readonly metrics: StickyMetrics) {
    this.path = endpointDumpPath(config.edsServiceName);
  }

  /** Scheduled work: the due fetch, and recovery from a call the host never answered. */
  onTick(nowMs: i64): void {
    if (this.inFlight >= 0 && nowMs - this.inFlightSince > <i64>this.config.timeoutMs + 1000) {
      this.inFlight = -1; // the answer is lost; the next attempt replaces it
      this.fail("no answer within timeout_ms (" + this.config.timeoutMs.toString() + ")");
    }
    if (this.inFlight < 0 && nowMs >= this.nextDueMs) this.fetch(nowMs);
  }

  private fetch(nowMs: i64): void {
    this.nextDueMs = nowMs + <i64>this.config.refreshMs;
    const headers: HeaderPair[] = [
      new HeaderPair(":method", "GET"),
      new HeaderPair(":path", this.path),
      new HeaderPair(":authority", "envoy-admin"),
      new HeaderPair("accept", "application/json"),
    ];
    const token = httpCall(this.config.adminCluster, headers, new Uint8Array(0), [], <u32>this.config.timeoutMs);
    this.metrics.membershipFetches.increment();
    if (token < 0) {
      this.fail("the host refused the call-out to cluster '" + this.config.adminCluster + "' (is it defined?)");
      return;
    }
    this.inFlight = token;
    this.inFlightSince = nowMs;
  }

  /** Whether `token` is this fetcher's call in flight. */
  owns(token: u32): bool {
    return this.inFlight == <i64>token;
  }

  /**
   * The call-out answer: `status` is the HTTP status (0 when the call failed: no connection, timeout, reset),
   * `bodySize` its length; `read` reads the body, and is called only when it is within max_response_bytes.
   * Returns the body to build a table from (then call applied() or fail()), or null when there is nothing to
   * build: the call failed, the answer is too large, or it is the same as the last one.
   */
  take(status: i32, bodySize: u32, read: (size: u32) => Uint8Array): Uint8Array | null {
    this.inFlight = -1;
    if (status != 200) {
      this.fail(status == 0 ? "call failed (no connection, reset or timeout)" : "the admin answered " + status.toString());
      return null;
    }
    this.metrics.membershipBytes.increment(<i64>bodySize);
    if (bodySize > <u32>this.config.maxResponseBytes) {
      this.fail("answer of " + bodySize.toString() + " bytes is larger than max_response_bytes (" + this.config.maxResponseBytes.toString() + ")");
      return null;
    }
    const body = read(bodySize);
    const hash = xxh64Raw(body.dataStart, <usize>body.length, 0);
    if (this.lastLength > 0 && this.lastLength == body.length && this.lastHash == hash) {
      this.metrics.membershipUnchanged.increment();
      this.recovered();
      return null;
    }
    this.pendingHash = hash;
    this.pendingLength = body.length;
    return body;
  }

  /** The answer built a table that now serves. */
  applied(): void {
    this.lastHash = this.pendingHash;
    this.lastLength = this.pendingLength;
    this.metrics.membershipUpdates.increment();
    this.recovered();
  }

  /** A failed fetch, or an answer that could not be used: counted, logged at the start of a run. */
  fail(why: string): void {
    this.metrics.membershipFailures.increment();
    if (this.failures++ == 0) {
      logWarn("sticky: membership of " + this.config.cluster + ": " + why + " (keeping the last good pod table; retrying every " +
        this.config.refreshMs.toString() + " ms, further failures are counted in membership.failures)");
    }
  }

  private recovered(): void {
    if (this.failures == 0) return;
    logInfo("sticky: membership of " + this.config.cluster + ": fetched again after " + this.failures.toString() + " failed attempts");
    this.failures = 0;
  }
}
