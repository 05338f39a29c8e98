// One remote JWKS: fetched by HTTP call-out to an Envoy cluster, refreshed before cache_duration runs out,
// refetched (rate-limited) when a token names a kid the set lacks. A failed fetch never drops the last good
// set; it is counted and retried with a growing back-off — also across configuration updates, which hand the
// last good set to the new root context. The owner (the root context) drives it with the host clock: start(),
// onTick(), and the call-out answer.
import { HeaderPair, httpCall, logWarn, logInfo } from "../../assembly/sdk";
import { RemoteJwks } from "./config";
import { KeySetHolder, parseKeySet } from "./keys";
import { TenantMetrics } from "./metrics";

/** Bodies larger than this are refused unread (a key set is a few KiB). */
export const MAX_JWKS_BYTES: u32 = 512 * 1024;
/** Refresh when this share of cache_duration has passed. */
const REFRESH_AT_PERCENT: i64 = 90;
const RETRY_MIN_MS: i64 = 500;
const RETRY_MAX_MS: i64 = 30_000;

export enum FetchReason { Initial = 0, Refresh = 1, UnknownKid = 2 }

/** A key set as fetched, and when (host ms). */
class FetchedSet {
  constructor(public readonly keys: KeySetHolder, public readonly atMs: i64) {}
}

/** At most this many remote key sets are remembered for the next configuration (32 providers fit twice). */
const HANDOVER_MAX: i32 = 64;

/**
 * The last good set of every remote JWKS fetched in this VM, by cluster and uri. A configuration update (ECDS, LDS)
 * gets a new root context with new fetchers: they start from this set and keep its refresh schedule, instead of
 * holding every request for a first fetch — and refusing them all if the identity provider is down right then.
 */
const handover = new Map<string, FetchedSet>();

function handoverKey(remote: RemoteJwks): string {
  return remote.cluster + " " + remote.uri;
}

function remember(remote: RemoteJwks, set: FetchedSet): void {
  const key = handoverKey(remote);
  if (!handover.has(key) && handover.size >= HANDOVER_MAX) handover.delete(handover.keys()[0]);
  handover.set(key, set);
}

export class JwksFetcher {
  /** The last good key set (null until one arrived). */
  keys: KeySetHolder | null = null;
  /** Call-out token of the fetch in flight, or -1. */
  inFlight: i64 = -1;
  private inFlightSince: i64 = 0;
  /** When the next scheduled fetch is due (host ms). */
  nextDueMs: i64 = 0;
  private retryDelayMs: i64 = RETRY_MIN_MS;
  private lastUnknownKidFetchMs: i64 = i64.MIN_VALUE;
  /** True once a fetch attempt has ended (well or badly); requests held before that wait, later ones do not. */
  attempted: bool = false;
  lastError: string = "";

  constructor(public readonly provider: string, public readonly remote: RemoteJwks, private readonly metrics: TenantMetrics) {
    const key = handoverKey(remote);
    if (handover.has(key)) {
      const previous = handover.get(key);
      this.keys = previous.keys;
      this.attempted = true;
      this.nextDueMs = previous.atMs + remote.cacheDurationMs * REFRESH_AT_PERCENT / 100;
      logInfo("tenant: provider " + provider + ": starts with the key set an earlier configuration fetched from " + remote.uri);
    }
  }

  get busy(): bool { return this.inFlight >= 0; }

  /** Starts a fetch unless one is in flight; false when the host refused the call. */
  fetch(nowMs: i64, reason: FetchReason): bool {
    if (this.inFlight >= 0) return true;
    const r = this.remote;
    const headers: HeaderPair[] = [
      new HeaderPair(":method", "GET"),
      new HeaderPair(":path", r.path),
      new HeaderPair(":authority", r.authority),
      new HeaderPair("accept", "application/json"),
    ];
    const token = httpCall(r.cluster, headers, new Uint8Array(0), [], <u32>r.timeoutMs);
    if (reason == FetchReason.UnknownKid) this.lastUnknownKidFetchMs = nowMs;
    if (token < 0) {
      this.fail(nowMs, "the host refused the call-out to cluster '" + r.cluster + "'");
      return false;
    }
    this.inFlight = token;
    this.inFlightSince = nowMs;
    return true;
  }

  /** A kid the set lacks: refetch unless one ran within unknown_kid_refetch_interval. True when a fetch is in flight. */
  refetchForUnknownKid(nowMs: i64): bool {
    if (this.inFlight >= 0) return true;
    if (this.lastUnknownKidFetchMs != i64.MIN_VALUE && nowMs - this.lastUnknownKidFetchMs < this.remote.unknownKidRefetchMs) return false;
    return this.fetch(nowMs, FetchReason.UnknownKid) && this.inFlight >= 0;
  }

  /** Scheduled work: the due fetch, and recovery from a call the host never answered. */
  onTick(nowMs: i64): bool {
    if (this.inFlight >= 0 && nowMs - this.inFlightSince > this.remote.timeoutMs + 5000) {
      this.inFlight = -1; // the answer is lost; the next attempt replaces it
      this.fail(nowMs, "no answer within the timeout");
    }
    if (this.inFlight < 0 && nowMs >= this.nextDueMs) return this.fetch(nowMs, this.keys === null ? FetchReason.Initial : FetchReason.Refresh);
    return true;
  }

  /**
   * The call-out answer. Returns true when a new key set was installed. `status` is the HTTP status (0 when the
   * call failed: no connection, timeout, reset).
   */
  onResponse(nowMs: i64, status: i32, body: Uint8Array | null): bool {
    this.inFlight = -1;
    if (status != 200) {
      this.fail(nowMs, status == 0 ? "call failed (no connection, reset or timeout)" : "status " + status.toString());
      return false;
    }
    if (body === null) {
      this.fail(nowMs, "body larger than " + MAX_JWKS_BYTES.toString() + " bytes");
      return false;
    }
    const keys = parseKeySet(String.UTF8.decodeUnsafe(body.dataStart, <usize>body.length));
    if (keys.error.length > 0) {
      this.fail(nowMs, "unusable key set: " + keys.error);
      return false;
    }
    const first = this.keys === null;
    this.keys = keys;
    this.attempted = true;
    this.lastError = "";
    this.retryDelayMs = RETRY_MIN_MS;
    this.metrics.fetchSuccess.increment();
    this.nextDueMs = nowMs + this.remote.cacheDurationMs * REFRESH_AT_PERCENT / 100;
    remember(this.remote, new FetchedSet(keys, nowMs));
    if (first) logInfo("tenant: provider " + this.provider + ": key set loaded from " + this.remote.uri);
    return true;
  }

  private fail(nowMs: i64, why: string): void {
    this.metrics.fetchFailure.increment();
    this.attempted = true;
    this.lastError = why;
    this.nextDueMs = nowMs + this.retryDelayMs;
    this.retryDelayMs = min(this.retryDelayMs * 2, RETRY_MAX_MS);
    logWarn("tenant: provider " + this.provider + ": JWKS fetch from " + this.remote.uri + " failed: " + why +
      (this.keys !== null ? " (keeping the last good key set)" : ""));
  }
}
