// One HTTP request through the sticky plugin: find the key (headers first; the body only when a body
// source is reached), then route: send it to a peer data centre, name the pod (pick), or hand the key
// to Envoy's hash policy (native). Requests to id.path get a freshly minted ID instead.
import {
  HttpContext, HeadersAction, BodyAction, TrailersAction, BufferType, HeaderPair,
  requestHeaders, getBuffer, setEffectiveContext, nowNanos,
} from "../../assembly/sdk";
import { JsonPointerScanner, JsonKind, PointerStatus, ScanState, quoteJsonString } from "../../assembly/json";
import { cookieValue, queryParameterValue } from "../../assembly/hash";
import { StickyConfig, KeySource, SourceKind, Mode, OnMissing } from "./config";
import { StickyMetrics } from "./metrics";
import { StickyRoot } from "./root";
import { mintId, dcOfKey } from "./id";

export class StickyStream extends HttpContext {
  private readonly sticky: StickyRoot;
  /** Index of the next key source to look at (kept while the body is awaited). */
  private next: i32 = 0;
  private path: string = "";
  private cookies: string[] | null = null;
  private scanner: JsonPointerScanner | null = null;
  /** Body bytes already given to the scanner. */
  private fed: u32 = 0;
  private waitingForBody: bool = false;
  /** The headers callback saw end_of_stream: there is no body to wait for. */
  private noBody: bool = false;
  /** Source kind the key came from (valid once a key is found). */
  private keyKind: SourceKind = SourceKind.Header;
  /** When the headers started waiting for the body (host clock, ns). */
  waitingSince: u64 = 0;
  /** Whether any body callback arrived while waiting (none at all means Envoy is not delivering them). */
  sawBody: bool = false;
  /** The body wait timed out: body sources count as absent from now on. */
  private bodyGivenUp: bool = false;

  constructor(contextId: u32, root: StickyRoot) {
    super(contextId, root);
    this.sticky = root;
  }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): HeadersAction {
    const config = this.sticky.config;
    const path = requestHeaders.get(":path");
    this.path = path !== null ? path : "";
    if (this.isIdRequest(config)) return this.answerId(config);
    this.noBody = endOfStream;
    const key = this.findKey(config);
    // Headers wait (StopIteration: Envoy needs allow_on_headers_stop_iteration) while the body streams in.
    if (this.waitingForBody) {
      this.waitingSince = nowNanos();
      this.sticky.hold(this);
      return HeadersAction.StopIteration;
    }
    return this.route(config, key) ? HeadersAction.Continue : HeadersAction.StopIteration;
  }

  onRequestBody(bodySize: u32, endOfStream: bool): BodyAction {
    if (!this.waitingForBody) return BodyAction.Continue;
    this.sawBody = true;
    const scanner = this.scanner!;
    if (bodySize > this.fed) {
      const chunk = getBuffer(BufferType.HttpRequestBody, this.fed, bodySize - this.fed);
      this.fed = bodySize;
      if (chunk !== null) scanner.feed(chunk, 0, chunk.length, endOfStream);
      else if (endOfStream) scanner.end();
    } else if (endOfStream) {
      scanner.end();
    }
    return this.afterBody(endOfStream) ? BodyAction.Continue : BodyAction.StopIterationAndBuffer;
  }

  onRequestTrailers(numTrailers: u32): TrailersAction {
    // Trailers end the body without an end_of_stream body callback.
    if (this.waitingForBody) {
      this.scanner!.end();
      this.afterBody(true);
    }
    return TrailersAction.Continue;
  }

  /** Looks at the remaining sources once more; true when the request may go on (decided, or answered). */
  private afterBody(endOfStream: bool): bool {
    const config = this.sticky.config;
    const scanner = this.scanner!;
    if (scanner.state == ScanState.Error) this.metrics().bodyUnreadable.increment();
    this.waitingForBody = false;
    const key = this.findKey(config);
    if (this.waitingForBody && !endOfStream) return false;
    this.waitingForBody = false;
    this.sticky.release(this);
    this.route(config, key);
    return true;
  }

  /**
   * Called by the root when the body did not decide within body_timeout_ms: routes by the remaining
   * sources (body sources absent) and lets the request go on.
   */
  giveUpOnBody(): void {
    if (!this.waitingForBody) return;
    this.bodyGivenUp = true;
    this.waitingForBody = false;
    setEffectiveContext(this.contextId);
    const config = this.sticky.config;
    if (this.route(config, this.findKey(config))) this.resumeRequest();
  }

  onDelete(): void {
    if (this.waitingForBody) this.sticky.release(this);
  }

  private metrics(): StickyMetrics {
    return this.sticky.metrics!;
  }

  // ---- the key ----

  /** The first key any source gives, starting at this.next; null when none (or while the body is awaited). */
  private findKey(config: StickyConfig): string | null {
    const sources = config.sources;
    for (let i = this.next; i < sources.length; i++) {
      const source = sources[i];
      let value: string | null = null;
      switch (source.kind) {
        case SourceKind.Header: value = requestHeaders.get(source.name); break;
        case SourceKind.Cookie: value = this.cookie(source.name); break;
        case SourceKind.Query: value = queryParameterValue(this.path, source.name); break;
        case SourceKind.Path: value = source.template!.match(this.path); break;
        default: {
          const status = this.bodyValue(config, source);
          if (status == PointerStatus.Pending) {
            this.next = i;
            this.waitingForBody = true;
            return null;
          }
          if (status == PointerStatus.Found) value = this.bodyKey(source);
        }
      }
      if (value === null || value.length == 0) continue;
      if (value.length > config.maxKeyLength) {
        this.metrics().keysTooLong.increment();
        continue;
      }
      this.keyKind = source.kind;
      this.next = sources.length;
      return value;
    }
    this.next = sources.length;
    return null;
  }

  /**
   * Envoy's cookie policy value: the first cookie of that name over every cookie header in order. The first
   * header alone is one cheap lookup and usually the only one; the full list is fetched only when needed.
   */
  private cookie(name: string): string | null {
    const first = requestHeaders.get("cookie");
    if (first === null) return null;
    const inFirst = cookieValue([first], name);
    if (inFirst !== null) return inFirst;
    let all = this.cookies;
    if (all === null) {
      all = requestHeaders.values("cookie");
      this.cookies = all;
    }
    return all.length > 1 ? cookieValue(all.slice(1), name) : null;
  }

  /** Found / Absent for a body source, Pending while more body is needed. Starts the scanner on first use. */
  private bodyValue(config: StickyConfig, source: KeySource): PointerStatus {
    if (this.bodyGivenUp) return PointerStatus.Absent;
    let scanner = this.scanner;
    if (scanner === null) {
      if (this.noBody || !isJson(requestHeaders.get("content-type"))) return PointerStatus.Absent;
      scanner = new JsonPointerScanner(config.bodyPointers!);
      this.scanner = scanner;
    }
    const status = scanner.status(source.bodyIndex);
    // An error (malformed, too large, cut short) decides nothing more: what is still pending is absent.
    if (status == PointerStatus.Pending && scanner.state != ScanState.InProgress) return PointerStatus.Absent;
    return status;
  }

  /** A body value usable as a key: a string, or an integer written without fraction or exponent. */
  private bodyKey(source: KeySource): string | null {
    const scanner = this.scanner!;
    const v = scanner.value(source.bodyIndex);
    if (v === null) return null;
    if (v.kind == JsonKind.String) return v.asString();
    if (v.isIntegerLiteral()) return v.numberText();
    return null;
  }

  // ---- routing ----

  /** Applies the decision to the request headers; false when the request was answered here (rejected). */
  private route(config: StickyConfig, key: string | null): bool {
    const metrics = this.metrics();
    const dc = config.dc;
    const pick = config.mode == Mode.Pick;
    // The key header, the pod and the DC route are this plugin's alone: whatever a client sent is replaced
    // when the plugin sets them and removed when it does not (replace drops every earlier value).
    let forwarded = false;
    if (key !== null) {
      metrics.keysFrom[<i32>this.keyKind].increment();
      requestHeaders.replace(config.keyHeader, key);
      forwarded = dc.enabled && this.forwardToPeer(config, key);
    } else {
      requestHeaders.remove(config.keyHeader);
    }
    if (dc.enabled && !forwarded) {
      requestHeaders.remove(dc.header);
      if (dc.clusterHeader.length > 0) requestHeaders.remove(dc.clusterHeader);
    }
    if (key === null) {
      if (pick) requestHeaders.remove(config.originalDstHeader);
      metrics.keysMissing.increment();
      if (config.onMissing == OnMissing.Reject) {
        metrics.rejected.increment();
        this.respond(400, "{\"error\":\"sticky key missing\"}", jsonHeaders(), "sticky_key_missing");
        return false;
      }
      return true;
    }
    if (!pick) {
      if (!forwarded) metrics.native.increment();
      return true;
    }
    // One read of the table: a membership swap between here and the header cannot mix two tables.
    const table = this.sticky.table;
    const pod = forwarded ? -1 : table.chooseKey(key);
    if (pod < 0) {
      requestHeaders.remove(config.originalDstHeader);
      return true;
    }
    requestHeaders.replace(config.originalDstHeader, table.pods[pod].address);
    table.picks[pod].increment();
    return true;
  }

  /** Sends a key minted in a peer data centre to that DC's gateway, unless the request already crossed once. */
  private forwardToPeer(config: StickyConfig, key: string): bool {
    const dc = config.dc;
    const owner = dcOfKey(key, config.id.prefix);
    if (owner.length == 0 || owner == dc.local) return false;
    const peer = dc.peer(owner);
    if (peer < 0) return false;
    if (requestHeaders.get(dc.hopHeader) !== null) {
      this.metrics().loopStopped.increment();
      return false;
    }
    requestHeaders.replace(dc.header, owner);
    requestHeaders.replace(dc.hopHeader, dc.local);
    if (dc.clusterHeader.length > 0) requestHeaders.replace(dc.clusterHeader, dc.peerClusters[peer]);
    this.metrics().forwarded[peer].increment();
    this.metrics().forwardedTotal.increment();
    return true;
  }

  // ---- the ID generator ----

  private isIdRequest(config: StickyConfig): bool {
    const p = this.path;
    const idPath = config.id.path;
    if (!p.startsWith(idPath)) return false;
    return p.length == idPath.length || p.charCodeAt(idPath.length) == 0x3f;
  }

  private answerId(config: StickyConfig): HeadersAction {
    const metrics = this.metrics();
    let name = requestHeaders.get(config.id.podHeader);
    if (name === null || name.length == 0) {
      const q = queryParameterValue(this.path, "pod");
      name = q !== null ? unescapeAddress(q) : null;
    }
    if (name === null || name.length == 0) {
      metrics.idsFailed.increment();
      return this.reply(400, "name the pod: ?pod=<address> or the " + config.id.podHeader + " header");
    }
    const table = this.sticky.table;
    const pod = table.findPod(name);
    if (pod < 0) {
      metrics.idsFailed.increment();
      if (!this.sticky.membershipLoaded && table.pods.length == 0 && config.membership.enabled) {
        return this.reply(503, "the pod table is not loaded yet (membership of " + config.membership.cluster + "): try again shortly");
      }
      metrics.idsUnknownPod.increment();
      return this.reply(404, table.pods.length == 0 && !config.membership.enabled ? "no pods configured: the ID generator needs the pod list" : "unknown pod " + name);
    }
    const address = table.pods[pod].address;
    // A pod that owns no part of the table (unhealthy, or on a priority level with no load) gets no key.
    if (table.shares[pod] == 0) {
      metrics.idsFailed.increment();
      return this.reply(503, "pod " + address + " owns no part of the table now (unhealthy, or on a priority level without load): no ID routes to it");
    }
    const minted = mintId(table, pod, this.sticky.head, config.id.maxAttempts);
    if (minted.id.length == 0) {
      metrics.idsFailed.increment();
      return this.reply(503, "no ID routed to " + address + " within " + minted.attempts.toString() +
        " attempts (id.max_attempts): the pod owns too small a share of the table");
    }
    metrics.idsMinted.increment();
    const body = "{\"id\":" + quoteJsonString(minted.id) + ",\"pod\":" + quoteJsonString(address) +
      ",\"dc\":" + quoteJsonString(config.dc.local) + "}";
    this.respond(200, body, jsonHeaders(), "sticky_id");
    return HeadersAction.StopIteration;
  }

  private reply(status: u32, error: string): HeadersAction {
    this.respond(status, "{\"error\":" + quoteJsonString(error) + "}", jsonHeaders(), "sticky_id_error");
    return HeadersAction.StopIteration;
  }
}

function jsonHeaders(): HeaderPair[] {
  return [new HeaderPair("content-type", "application/json"), new HeaderPair("cache-control", "no-store")];
}

/** application/json, or any structured "+json" media type; parameters ignored. */
function isJson(contentType: string | null): bool {
  if (contentType === null) return false;
  let t = contentType;
  const semicolon = t.indexOf(";");
  if (semicolon >= 0) t = t.substring(0, semicolon);
  t = t.trim().toLowerCase();
  return t == "application/json" || t.endsWith("+json");
}

/** Query values arrive percent-encoded; an address needs only '[', ']' and ':' back. */
function unescapeAddress(s: string): string {
  if (!s.includes("%")) return s;
  return s.replaceAll("%5B", "[").replaceAll("%5b", "[").replaceAll("%5D", "]").replaceAll("%5d", "]")
    .replaceAll("%3A", ":").replaceAll("%3a", ":");
}
