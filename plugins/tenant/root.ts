// The tenant plugin's root context: configuration, key sets (local, or remote with their fetchers), the
// verified-token cache, metrics, and the requests held while a key set is on its way.
import {
  RootContext, HttpContext, HeaderPair, logError, logInfo, nowNanos, setTickPeriod,
  callResponseHeaders, callResponseBody,
} from "../../assembly/sdk";
import { TenantConfig, parseConfig, SignatureBackend } from "./config";
import { TenantMetrics } from "./metrics";
import { TokenCache, CachedToken, MAX_TTL_SECONDS } from "./token-cache";
import { JwksFetcher, FetchReason, MAX_JWKS_BYTES } from "./jwks-fetcher";
import { KeySetHolder } from "./keys";
import { ParsedToken, parseToken, verifyParsed, claimHeaders, VerifyStatus, HostMode } from "./verify";
import { hostOffersVerifySignature } from "./host-signature";
import { REASON_ISSUER, REASON_JWKS_UNAVAILABLE } from "./reply";
import { TenantStream } from "./stream";
import { FoundToken } from "./extract";

/** Tick period while any provider is remote: drives fetches, refreshes and held-request deadlines. */
export const TICK_MS: u32 = 100;

export enum Outcome { Accepted = 0, Denied = 1, Wait = 2 }

/** A decision's headers until it has some: shared and never added to (a decision is made per request). */
const NO_HEADERS = new Array<HeaderPair>(0);

/** The decision about one token. */
export class TokenDecision {
  outcome: Outcome = Outcome.Denied;
  reason: string = "";
  headers: HeaderPair[] = NO_HEADERS;
  /** Provider whose key set the request waits for (Outcome.Wait). */
  waitFor: i32 = -1;
  /** Provider that accepted the token. */
  provider: i32 = -1;

  /** As new (decisions are reused from request to request). */
  reset(): TokenDecision {
    this.outcome = Outcome.Denied;
    this.reason = "";
    this.headers = NO_HEADERS;
    this.waitFor = -1;
    this.provider = -1;
    return this;
  }
}

export class TenantRoot extends RootContext {
  config: TenantConfig = new TenantConfig();
  metrics: TenantMetrics | null = null;
  cache: TokenCache = new TokenCache(0, 0);
  /** Per provider: its fetcher (remote) or null (local). */
  fetchers: Array<JwksFetcher | null> = [];
  /** Per provider: the local key set (remote sets live in their fetchers). */
  localKeys: Array<KeySetHolder | null> = [];
  /** Where RS* and ES* signatures are checked (HostMode in verify.ts). */
  hostMode: HostMode = HostMode.Never;
  private readonly held: TenantStream[] = [];
  private configured: bool = false;

  onConfigure(configSize: u32): bool {
    const parsed = parseConfig(this.pluginConfiguration(configSize));
    if (parsed.config === null) {
      logError("tenant: invalid configuration: " + parsed.error);
      return false;
    }
    const config = parsed.config!;
    if (this.metrics === null) this.metrics = new TenantMetrics();
    const metrics = this.metrics!;
    let hostMode = HostMode.Never;
    if (config.signatureBackend != SignatureBackend.Wasm) {
      const offered = hostOffersVerifySignature();
      if (config.signatureBackend == SignatureBackend.Host) {
        if (!offered) {
          logError("tenant: invalid configuration: signature_backend: \"host\" but the host offers no verify_signature function");
          return false;
        }
        hostMode = HostMode.Only;
      } else if (offered) {
        hostMode = HostMode.Prefer;
      }
    }
    this.hostMode = hostMode;
    this.config = config;
    this.cache = new TokenCache(config.cacheSize, config.cacheMaxTokenBytes);
    this.fetchers = [];
    this.localKeys = [];
    let remote = false;
    for (let i = 0; i < config.providers.length; i++) {
      const p = config.providers[i];
      this.localKeys.push(p.localKeys);
      if (p.remote !== null) {
        remote = true;
        this.fetchers.push(new JwksFetcher(p.name, p.remote!, metrics));
      } else {
        this.fetchers.push(null);
      }
    }
    // Remote sets are fetched from the first tick on, once Envoy's clusters are up.
    setTickPeriod(remote ? TICK_MS : 0);
    this.configured = true;
    logInfo("tenant: configured " + (config.metadataKey.length > 0 ? "in jwt_authn_metadata mode (key " + config.metadataKey + ")"
      : config.providers.length.toString() + " provider(s)") + ", signatures: " + describeBackend(hostMode));
    return true;
  }

  newHttpContext(contextId: u32): HttpContext | null {
    return this.configured ? new TenantStream(contextId, this) : null;
  }

  nowMs(): i64 {
    return <i64>(nowNanos() / 1_000_000);
  }

  onTick(): void {
    const now = this.nowMs();
    for (let i = 0; i < this.fetchers.length; i++) {
      const f = this.fetchers[i];
      if (f === null) continue;
      const wasBusy = f.busy;
      f.onTick(now);
      // A fetch that ended on the spot (the host refused it) releases its waiters now.
      if (!wasBusy && !f.busy && f.attempted) this.release(i);
    }
    // Requests held past their deadline get their answer (the key set did not arrive in time).
    for (let i = this.held.length - 1; i >= 0; i--) {
      const s = this.held[i];
      if (now >= s.deadlineMs) {
        this.held.splice(i, 1);
        s.timedOut();
      }
    }
  }

  onHttpCallResponse(token: u32, numHeaders: u32, bodySize: u32, numTrailers: u32): void {
    const now = this.nowMs();
    for (let i = 0; i < this.fetchers.length; i++) {
      const f = this.fetchers[i];
      if (f === null || f.inFlight != <i64>token) continue;
      const statusText = numHeaders > 0 ? callResponseHeaders.get(":status") : null;
      const status = statusText !== null ? I32.parseInt(statusText) : 0;
      const body: Uint8Array | null = bodySize > MAX_JWKS_BYTES ? null : callResponseBody(bodySize);
      if (f.onResponse(now, status, body)) this.cache.clear();
      this.release(i);
      return;
    }
  }

  /** Holds `stream` until provider `provider`'s key set changes or its deadline passes. */
  hold(stream: TenantStream, provider: i32): void {
    const f = this.fetchers[provider]!;
    stream.waitingFor = provider;
    if (!this.held.includes(stream)) {
      stream.deadlineMs = this.nowMs() + f.remote.timeoutMs;
      this.held.push(stream);
      this.metrics!.held.increment();
    }
  }

  forget(stream: TenantStream): void {
    const i = this.held.indexOf(stream);
    if (i >= 0) this.held.splice(i, 1);
  }

  /** Every request waiting on `provider` decides again (a fetch ended, well or badly). */
  private release(provider: i32): void {
    const waiting = new Array<TenantStream>();
    for (let i = this.held.length - 1; i >= 0; i--) {
      const s = this.held[i];
      if (s.waitingFor == provider) {
        this.held.splice(i, 1);
        waiting.unshift(s);
      }
    }
    for (let i = 0; i < waiting.length; i++) waiting[i].retry();
  }

  /** The key set of a provider now, or null (a remote set that has not arrived). */
  keysOf(provider: i32): KeySetHolder | null {
    const f = this.fetchers[provider];
    return f !== null ? f.keys : this.localKeys[provider];
  }

  /**
   * Decides one token found at location `location`. Cache first; then the providers reading that location,
   * those whose issuer equals the token's iss first, then those without an issuer; the first to accept wins.
   */
  /** Decides about one token, in `d` (reset first); returns `d`. */
  decide(found: FoundToken, allowWait: bool, d: TokenDecision): TokenDecision {
    d.reset();
    const metrics = this.metrics!;
    const now = this.nowMs();
    const nowSeconds = now / 1000;
    const readers = this.config.locations[found.location].providers;
    const cache = this.cache;
    let hash: u64 = 0;
    if (cache.enabled) {
      hash = cache.hashOf(found.ptr, found.length);
      const hit = cache.lookup(found.ptr, found.length, hash, nowSeconds);
      if (hit !== null && readers.includes(hit.provider)) {
        metrics.cacheHit.increment();
        d.outcome = Outcome.Accepted;
        d.provider = hit.provider;
        d.headers = hit.headers;
        return d;
      }
      metrics.cacheMiss.increment();
    }
    // Verified tokens are kept: from here on the token has bytes of its own.
    const token = found.bytes();
    const parsed = parseToken(token);
    if (parsed.error.length > 0) {
      d.reason = parsed.error;
      return d;
    }
    const candidates = this.candidates(readers, parsed);
    if (candidates.length == 0) {
      d.reason = REASON_ISSUER;
      return d;
    }
    let firstReason = "";
    let waitFor = -1;
    for (let c = 0; c < candidates.length; c++) {
      const index = candidates[c];
      const provider = this.config.providers[index];
      const keys = this.keysOf(index);
      if (keys === null) {
        // A remote set not here yet: wait for the fetch in flight, or start one unless the last one failed
        // moments ago (then the set is unavailable and the request is answered at once).
        const f = this.fetchers[index]!;
        if (allowWait && !f.busy && (!f.attempted || now >= f.nextDueMs)) f.fetch(now, FetchReason.Initial);
        if (allowWait && f.busy) {
          if (waitFor < 0) waitFor = index;
        } else if (firstReason.length == 0) {
          firstReason = REASON_JWKS_UNAVAILABLE;
        }
        continue;
      }
      const v = verifyParsed(parsed, provider, keys, nowSeconds, this.hostMode, metrics);
      if (v.status == VerifyStatus.Valid) {
        d.outcome = Outcome.Accepted;
        d.provider = index;
        d.headers = claimHeaders(v.payload!, provider.claimToHeaders);
        if (cache.enabled) {
          const until = isNaN(v.exp) ? <f64>(nowSeconds + MAX_TTL_SECONDS) : v.exp + <f64>provider.clockSkewSeconds;
          cache.insert(new CachedToken(token, hash, until, index, d.headers));
        }
        return d;
      }
      if (v.status == VerifyStatus.UnknownKid && allowWait) {
        const f = this.fetchers[index];
        if (f !== null && f.refetchForUnknownKid(now)) {
          metrics.unknownKidRefetch.increment();
          if (waitFor < 0) waitFor = index;
          continue;
        }
      }
      if (firstReason.length == 0) firstReason = v.reason;
    }
    if (waitFor >= 0) {
      d.outcome = Outcome.Wait;
      d.waitFor = waitFor;
      return d;
    }
    d.reason = firstReason;
    return d;
  }

  /**
   * Providers among `readers` to try, in order: those whose issuer equals the token's iss, then those without
   * an issuer. A readable iss no provider names is refused outright (no signature work for a stranger's token);
   * an unreadable one leaves every reader to the JOSE layer, which names what is wrong with the token.
   */
  private candidates(readers: i32[], parsed: ParsedToken): i32[] {
    const providers = this.config.providers;
    if (readers.length == 1) return readers;
    const issuer = parsed.issuer;
    if (issuer === null) return readers;
    const out = new Array<i32>();
    for (let i = 0; i < readers.length; i++) if (providers[readers[i]].issuer == issuer) out.push(readers[i]);
    for (let i = 0; i < readers.length; i++) if (providers[readers[i]].issuer.length == 0) out.push(readers[i]);
    return out;
  }
}

/** The signature backend, as the configure log line names it. */
function describeBackend(mode: HostMode): string {
  if (mode == HostMode.Only) return "Envoy's verify_signature for RS*/ES*, wasm for the rest";
  if (mode == HostMode.Prefer) return "Envoy's verify_signature for RS*/ES384/ES512, wasm for the rest";
  return "wasm";
}
