// Fetching the endpoint dump from the admin, off the request path: the root context drives this from ticks and
// call-out answers, and builds a table from every new dump it hands back.
//
// One VM per Envoy fetches, the others follow. Every VM of the plugin in a process (the main thread's and each
// worker's, one per vm_id) shares Envoy's shared data: a lease names the VM that fetches; it fetches every
// refresh_ms and, once a dump built a table, publishes it; the others check the published dump's hash every tick
// (refresh_ms / 4) and build from it when it changed. A lease not renewed for 3 refreshes (its VM went away with a
// configuration change) is taken over by the next VM that ticks. So the admin answers one request per refresh,
// whatever the number of workers. The admin's answer is bounded by max_response_bytes (a larger one is refused
// unread), and an answer identical to the last one is not parsed again. A failed or unusable answer leaves the
// last good table serving: it is counted every time and logged once per run of failures.
import { HeaderPair, httpCall, logWarn, logInfo, getSharedData, setSharedData, randomBytes, Status } from "../../assembly/sdk";
import { xxh64Raw } from "../../assembly/hash";
import { MembershipConfig } from "./config";
import { StickyMetrics } from "./metrics";
import { endpointDumpPath } from "./membership";

/** Ticks per refresh: how often a following VM looks at the published dump. */
const TICKS_PER_REFRESH: i32 = 4;
/** A lease not renewed for this many refreshes is free. */
const LEASE_REFRESHES: i64 = 3;

/** The tick period membership needs: a quarter of refresh_ms, at least 10 ms. */
export function membershipTickMs(config: MembershipConfig): i32 {
  return max(10, config.refreshMs / TICKS_PER_REFRESH);
}

export class MembershipFetcher {
  /** Call-out token of the fetch in flight, or -1. */
  private inFlight: i64 = -1;
  private inFlightSince: i64 = 0;
  private nextDueMs: i64 = 0;
  /** XXH64 of the dump the current table was built from, and its length (0: none yet). */
  private appliedHash: u64 = 0;
  private appliedLength: i32 = 0;
  /** The dump handed to the root to build: its hash, and whether this VM fetched it (then it is published). */
  private pendingHash: u64 = 0;
  private pendingLength: i32 = 0;
  private pendingBody: Uint8Array | null = null;
  /** A published dump this VM could not use: not tried again. */
  private rejectedHash: u64 = 0;
  /** Failures since the last good answer (the first of a run is logged, the end of the run too). */
  private failures: i32 = 0;
  private leading: bool = false;
  /** This root context's name in the lease. */
  private readonly me: string;
  private readonly leaseKey: string;
  private readonly hashKey: string;
  private readonly dumpKey: string;
  readonly path: string;

  constructor(private readonly config: MembershipConfig, private readonly metrics: StickyMetrics) {
    this.path = endpointDumpPath(config.edsServiceName);
    const id = randomBytes(8);
    let me = "";
    for (let i = 0; i < id.length; i++) me += (<u32>id[i] | 0x100).toString(16).substring(1);
    this.me = me;
    // Everything that makes two dumps the same: the admin asked and the name asked for.
    const base = "waymark.sticky.membership/" + config.adminCluster + "/" + config.edsServiceName + "/";
    this.leaseKey = base + "lease";
    this.hashKey = base + "hash";
    this.dumpKey = base + "dump";
  }

  /** Whether this VM fetches for all of them (it holds the lease). */
  get leader(): bool {
    return this.leading;
  }

  /**
   * Scheduled work: the lease, the due fetch, recovery from a call the host never answered; for a following
   * VM, a newly published dump, returned for the root to build a table from (then applied() or fail()).
   */
  onTick(nowMs: i64): Uint8Array | null {
    this.leading = this.holdLease(nowMs);
    if (!this.leading) return this.published();
    if (this.inFlight >= 0 && nowMs - this.inFlightSince > <i64>this.config.timeoutMs + 1000) {
      this.inFlight = -1; // the answer is lost; the next attempt replaces it
      this.fail("no answer within timeout_ms (" + this.config.timeoutMs.toString() + ")");
    }
    if (this.inFlight < 0 && nowMs >= this.nextDueMs) this.fetch(nowMs);
    return null;
  }

  /** Takes or renews the lease when it is free, expired or ours; true when this VM holds it. */
  private holdLease(nowMs: i64): bool {
    const current = getSharedData(this.leaseKey);
    let cas: u32 = 0;
    if (current !== null) {
      const text = String.UTF8.decodeUnsafe(current.value.dataStart, <usize>current.value.length);
      const comma = text.indexOf(",");
      const owner = comma > 0 ? text.substring(0, comma) : "";
      const expires = comma > 0 ? I64.parseInt(text.substring(comma + 1)) : 0;
      if (owner != this.me && expires > nowMs) return false;
      cas = current.cas;
    }
    const lease = this.me + "," + (nowMs + LEASE_REFRESHES * <i64>this.config.refreshMs).toString();
    const status = setSharedData(this.leaseKey, Uint8Array.wrap(String.UTF8.encode(lease)), cas);
    // Another VM renewed or took it since we read it: it leads. Without shared data at all, fetch alone.
    return status != Status.CasMismatch;
  }

  /** The dump the leading VM published, when it differs from ours and from one we could not use. */
  private published(): Uint8Array | null {
    const signal = getSharedData(this.hashKey);
    if (signal === null || signal.value.length != 8) return null;
    const hash = load<u64>(signal.value.dataStart);
    if (hash == this.appliedHash || hash == this.rejectedHash) return null;
    const stored = getSharedData(this.dumpKey);
    // The dump is written before its hash; a dump newer than the hash we read is fine (it carries its own).
    if (stored === null || stored.value.length < 8) return null;
    const value = stored.value;
    const body = value.subarray(8);
    const own = xxh64Raw(body.dataStart, <usize>body.length, 0);
    if (own != load<u64>(value.dataStart)) return null;
    if (own == this.appliedHash || own == this.rejectedHash) return null;
    this.pendingHash = own;
    this.pendingLength = body.length;
    this.pendingBody = null;
    return body;
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
    if (this.appliedLength > 0 && this.appliedLength == body.length && this.appliedHash == hash) {
      this.metrics.membershipUnchanged.increment();
      this.recovered();
      return null;
    }
    this.pendingHash = hash;
    this.pendingLength = body.length;
    this.pendingBody = body;
    return body;
  }

  /** The dump built a table that now serves; one this VM fetched is published for the others. */
  applied(): void {
    this.appliedHash = this.pendingHash;
    this.appliedLength = this.pendingLength;
    const fetched = this.pendingBody;
    this.pendingBody = null;
    this.metrics.membershipUpdates.increment();
    this.recovered();
    if (fetched === null) return;
    const value = new Uint8Array(8 + fetched.length);
    store<u64>(value.dataStart, this.appliedHash);
    value.set<Uint8Array>(fetched, 8);
    const hash = new Uint8Array(8);
    store<u64>(hash.dataStart, this.appliedHash);
    setSharedData(this.dumpKey, value);
    setSharedData(this.hashKey, hash);
  }

  /** A failed fetch, or a dump that could not be used: counted, logged at the start of a run. */
  fail(why: string): void {
    if (this.pendingBody === null && this.pendingHash != 0 && this.pendingHash != this.appliedHash) this.rejectedHash = this.pendingHash;
    this.pendingBody = null;
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
