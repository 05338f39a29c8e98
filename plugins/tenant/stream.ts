// One request through the tenant plugin: strip every identity header, find the token(s), decide, and either
// add the claim headers and continue, hold the request until a key set arrives, or answer 401.
import {
  HttpContext, HeadersAction, HeaderPair, requestHeaders, setEffectiveContext, getProperty,
} from "../../assembly/sdk";
import { LocationKind } from "./config";
import { FoundToken, RequestView, scanRequest, removeQueryParam, removeCookie } from "./extract";
import { headerScan } from "./header-scan";
import { TenantRoot, Outcome, TokenDecision } from "./root";
import { jwtPayloadFromMetadata } from "./metadata";
import { claimHeaders } from "./verify";
import { realmOf, sendUnauthorized, REASON_MISSING, REASON_JWKS_UNAVAILABLE } from "./reply";

/** The tokens of a stream not yet scanned: shared and never added to, so a new stream allocates no array. */
const NO_TOKENS = new Array<FoundToken>(0);

export class TenantStream extends HttpContext {
  /** Provider whose key set this held request waits for (-1 when not held). */
  waitingFor: i32 = -1;
  deadlineMs: i64 = 0;
  private tokens: FoundToken[] = NO_TOKENS;
  /** :path as it arrived (read only when a query parameter may hold a token). */
  private path: string = "";
  private finished: bool = false;

  get tenant(): TenantRoot {
    return changetype<TenantRoot>(this.root);
  }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): HeadersAction {
    const root = this.tenant;
    const config = root.config;
    // A client never sets an identity header: every one is removed before anything else, token or not.
    if (config.metadataKey.length > 0) {
      for (let i = 0; i < config.strippedHeaders.length; i++) requestHeaders.remove(unchecked(config.strippedHeaders[i]));
      return this.fromMetadata();
    }
    const scan = headerScan;
    if (scan.load()) {
      const view = scanRequest(config, scan, stripHeader, sharedView);
      this.tokens = view.tokens;
      this.path = view.path;
    } else {
      for (let i = 0; i < config.strippedHeaders.length; i++) requestHeaders.remove(unchecked(config.strippedHeaders[i]));
    }
    scan.release();
    if (this.tokens.length == 0) return this.missing();
    return this.decide(false, true);
  }

  onDelete(): void {
    if (this.waitingFor >= 0) this.tenant.forget(this);
  }

  /** A held request's key set arrived (or its fetch failed): decide again, from the root context. */
  retry(): void {
    this.waitingFor = -1;
    if (this.finished) return;
    setEffectiveContext(this.contextId);
    this.decide(true, true);
  }

  /** The hold deadline passed: decide with what is there, waiting no longer. */
  timedOut(): void {
    this.waitingFor = -1;
    if (this.finished) return;
    setEffectiveContext(this.contextId);
    this.decide(true, false);
  }

  private missing(): HeadersAction {
    const root = this.tenant;
    root.metrics!.missing.increment();
    if (root.config.allowMissing) return HeadersAction.Continue;
    return this.deny(REASON_MISSING, false);
  }

  private fromMetadata(): HeadersAction {
    const root = this.tenant;
    const metadata = getProperty(["metadata"]);
    const payload = metadata !== null ? jwtPayloadFromMetadata(metadata, root.config.metadataKey) : null;
    if (payload === null) return this.missing();
    this.addHeaders(claimHeaders(payload, root.config.metadataClaims));
    root.metrics!.accepted.increment();
    return HeadersAction.Continue;
  }

  /** Every token must be accepted (as jwt_authn requires): one refused token refuses the request. */
  private decide(resumed: bool, allowWait: bool): HeadersAction {
    const root = this.tenant;
    // Decisions are used up within this call: the objects are reused by every request.
    const decisions = decisionsFor(this.tokens.length);
    for (let i = 0; i < this.tokens.length; i++) {
      const t = unchecked(this.tokens[i]);
      const d = root.decide(t, allowWait, unchecked(decisions[i]));
      if (d.outcome == Outcome.Denied) return this.deny(d.reason, resumed);
      if (d.outcome == Outcome.Wait) {
        // Until now the tokens were the shared view's, read in place: a held request keeps copies of its own.
        if (this.tokens === sharedView.tokens) this.tokens = detachAll(this.tokens);
        root.hold(this, d.waitFor);
        return HeadersAction.StopAllIterationAndWatermark;
      }
    }
    for (let i = 0; i < this.tokens.length; i++) {
      const d = unchecked(decisions[i]);
      this.addHeaders(d.headers);
      if (!root.config.providers[d.provider].forward) this.removeToken(unchecked(this.tokens[i]));
    }
    root.metrics!.accepted.increment();
    this.finished = true;
    if (resumed) this.resumeRequest();
    return HeadersAction.Continue;
  }

  private deny(reason: string, resumed: bool): HeadersAction {
    const root = this.tenant;
    // A hold that ended without any key set reads as "unavailable", whatever the last candidate said.
    const why = reason.length > 0 ? reason : REASON_JWKS_UNAVAILABLE;
    root.metrics!.deny(why);
    this.finished = true;
    setEffectiveContext(this.contextId); // also when called from a root callback
    const scheme = requestHeaders.get(":scheme");
    const authority = requestHeaders.get(":authority");
    const path = requestHeaders.get(":path");
    sendUnauthorized(this, realmOf(scheme !== null ? scheme : "http", authority !== null ? authority : "", path !== null ? path : ""), why);
    return HeadersAction.StopIteration;
  }

  private addHeaders(headers: HeaderPair[]): void {
    for (let i = 0; i < headers.length; i++) requestHeaders.add(unchecked(headers[i]).key, unchecked(headers[i]).value);
  }

  /** forward: false: the token leaves the request once verified (header, query parameter or cookie). */
  private removeToken(t: FoundToken): void {
    const location = this.tenant.config.locations[t.location];
    if (location.kind == LocationKind.Header) {
      requestHeaders.remove(location.name);
    } else if (location.kind == LocationKind.Param) {
      requestHeaders.replace(":path", removeQueryParam(this.path, location.name));
    } else {
      // Rare path (a cookie token with forward: false): every Cookie header, rewritten without that cookie.
      const values = requestHeaders.values("cookie");
      requestHeaders.remove("cookie");
      for (let i = 0; i < values.length; i++) {
        const rest = removeCookie(values[i], location.name);
        if (rest.length > 0) requestHeaders.add("cookie", rest);
      }
    }
  }
}

/** The view every request's header walk fills (see RequestView). */
const sharedView = new RequestView();

/** Decision objects for every request (at least n of them). */
const decisionPool = new Array<TokenDecision>();

function decisionsFor(n: i32): TokenDecision[] {
  while (decisionPool.length < n) decisionPool.push(new TokenDecision());
  return decisionPool;
}

function detachAll(tokens: FoundToken[]): FoundToken[] {
  const out = new Array<FoundToken>(tokens.length);
  for (let i = 0; i < tokens.length; i++) unchecked((out[i] = unchecked(tokens[i]).detached()));
  return out;
}

function stripHeader(name: string): void {
  requestHeaders.remove(name);
}
