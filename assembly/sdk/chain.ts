// Several plugins in one module, run as one Envoy filter: a ChainRoot whose stages are the plugins' own root
// contexts, and per request a ChainStream whose stages are their own streams, called in order the way Envoy
// calls separate filters. Each Wasm filter costs Envoy a context and calls into its VM on every request;
// a chain pays that once.
//
// Request path only (request headers, body, trailers), which is all the stages of a chain may use. Envoy's
// filter-chain rules, as the stages see them:
//   - a stage sees the headers once every earlier stage has let them through;
//   - a stage that holds the headers with StopIteration (waiting for the body) is given the body as it arrives
//     (and, when it holds them later, whatever body has arrived already); Continue from its body or trailers
//     callback lets the headers through;
//   - a stage that holds everything (StopAllIteration*: waiting for something else) sees no body until it
//     resumes (resumeRequest, from a root callback); the chain holds the headers with StopIteration meanwhile
//     and buffers the body, so a later stage can still be given it (Envoy's allow_on_headers_stop_iteration
//     must be on for body stages, as for the plugins alone);
//   - the request goes on when the last stage has let it through.
import { RootContext, HttpContext } from "./context";
import { HeadersAction, BodyAction, TrailersAction, StreamType, Status } from "./enums";
import { continueStream, setEffectiveContext } from "./stream";
import { setTickPeriod, lastTickPeriodAsked } from "./time";

export class ChainRoot extends RootContext {
  stages: RootContext[] = [];
  private tickPeriod: u32 = 0;

  /**
   * Configures each stage with its own section of the configuration (what that plugin would get alone). When
   * all accept, they become the chain's stages, in this order; when one refuses (it has logged why), the stages
   * there were keep serving and false is returned.
   */
  configureStages(stages: RootContext[], sections: Uint8Array[]): bool {
    // One tick period serves every stage: the shortest any asked for (each stage's tick work is time-driven).
    let period: u32 = 0;
    for (let i = 0; i < stages.length; i++) {
      const stage = stages[i];
      stage.suppliedConfiguration = sections[i];
      setTickPeriod(0);
      if (!stage.onConfigure(<u32>sections[i].length)) {
        setTickPeriod(this.tickPeriod);
        return false;
      }
      const asked = lastTickPeriodAsked();
      if (asked > 0 && (period == 0 || asked < period)) period = asked;
    }
    this.stages = stages;
    this.tickPeriod = period;
    setTickPeriod(period);
    return true;
  }

  onTick(): void {
    for (let i = 0; i < this.stages.length; i++) unchecked(this.stages[i]).onTick();
  }

  // A call-out answer or a queue goes to every stage: each recognises its own tokens and ignores the rest.
  onHttpCallResponse(token: u32, numHeaders: u32, bodySize: u32, numTrailers: u32): void {
    for (let i = 0; i < this.stages.length; i++) unchecked(this.stages[i]).onHttpCallResponse(token, numHeaders, bodySize, numTrailers);
  }

  onQueueReady(queueId: u32): void {
    for (let i = 0; i < this.stages.length; i++) unchecked(this.stages[i]).onQueueReady(queueId);
  }

  onDone(): bool {
    let done = true;
    for (let i = 0; i < this.stages.length; i++) if (!unchecked(this.stages[i]).onDone()) done = false;
    return done;
  }

  onDelete(): void {
    for (let i = 0; i < this.stages.length; i++) unchecked(this.stages[i]).onDelete();
  }

  newHttpContext(contextId: u32): HttpContext | null {
    // One object per request for the list (a StaticArray, not an Array and its buffer).
    const n = this.stages.length;
    let streams = new StaticArray<HttpContext>(n);
    let k = 0;
    for (let i = 0; i < n; i++) {
      const s = unchecked(this.stages[i]).newHttpContext(contextId);
      if (s !== null) unchecked((streams[k++] = s));
    }
    if (k == 0) return null;
    if (k < n) streams = StaticArray.slice<HttpContext>(streams, 0, k);
    return new ChainStream(contextId, this, streams);
  }
}

export class ChainStream extends HttpContext {
  /** Stages before `at` have let the headers through. */
  private at: i32 = 0;
  /** The last stage given the headers (-1: none yet). */
  private seen: i32 = -1;
  /** Stage `at` holds everything (StopAllIteration*): it gets no body until it resumes. */
  private holdsAll: bool = false;
  private numHeaders: u32 = 0;
  private headersEnd: bool = false;
  /** Body (as Envoy has buffered it for this filter) and trailers seen so far. */
  private sawBody: bool = false;
  private bodySize: u32 = 0;
  private bodyEnd: bool = false;
  private sawTrailers: bool = false;
  private numTrailers: u32 = 0;

  constructor(contextId: u32, root: RootContext, readonly stages: StaticArray<HttpContext>) {
    super(contextId, root);
    for (let i = 0; i < stages.length; i++) unchecked(stages[i]).chain = this;
  }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): HeadersAction {
    this.numHeaders = numHeaders;
    this.headersEnd = endOfStream;
    return this.advance() ? HeadersAction.Continue : HeadersAction.StopIteration;
  }

  onRequestBody(bodySize: u32, endOfStream: bool): BodyAction {
    this.sawBody = true;
    this.bodySize = bodySize;
    this.bodyEnd = endOfStream;
    const stages = this.stages;
    if (this.at >= stages.length) {
      // Every stage let the headers through: the body passes each in turn.
      for (let i = 0; i < stages.length; i++) {
        const r = unchecked(stages[i]).onRequestBody(bodySize, endOfStream);
        if (r != BodyAction.Continue) return r;
      }
      return BodyAction.Continue;
    }
    if (this.holdsAll || this.seen < this.at) return BodyAction.StopIterationAndBuffer;
    const r = unchecked(stages[this.at]).onRequestBody(bodySize, endOfStream);
    if (r != BodyAction.Continue) return r;
    this.at++;
    return this.advance() ? BodyAction.Continue : BodyAction.StopIterationAndBuffer;
  }

  onRequestTrailers(numTrailers: u32): TrailersAction {
    this.sawTrailers = true;
    this.numTrailers = numTrailers;
    const stages = this.stages;
    if (this.at >= stages.length) {
      for (let i = 0; i < stages.length; i++) {
        const r = unchecked(stages[i]).onRequestTrailers(numTrailers);
        if (r != TrailersAction.Continue) return r;
      }
      return TrailersAction.Continue;
    }
    if (this.holdsAll || this.seen < this.at) return TrailersAction.StopIteration;
    const r = unchecked(stages[this.at]).onRequestTrailers(numTrailers);
    if (r != TrailersAction.Continue) return r;
    this.at++;
    return this.advance() ? TrailersAction.Continue : TrailersAction.StopIteration;
  }

  onDelete(): void {
    for (let i = 0; i < this.stages.length; i++) unchecked(this.stages[i]).onDelete();
  }

  /** Stage `stage` let the request go from a root callback (a key set arrived, a body wait ended). */
  resumeStage(stage: HttpContext): Status {
    if (this.at >= this.stages.length || unchecked(this.stages[this.at]) !== stage) return Status.Ok;
    this.holdsAll = false;
    this.at++;
    setEffectiveContext(this.contextId);
    if (!this.advance()) return Status.Ok;
    setEffectiveContext(this.contextId);
    return continueStream(StreamType.HttpRequest);
  }

  /** Gives the headers (and what has arrived since) to the stages from `at` on; true when all let them through. */
  private advance(): bool {
    const stages = this.stages;
    while (this.at < stages.length) {
      const stage = unchecked(stages[this.at]);
      if (this.seen < this.at) {
        this.seen = this.at;
        const r = stage.onRequestHeaders(this.numHeaders, this.headersEnd);
        if (r == HeadersAction.Continue) {
          this.at++;
          continue;
        }
        this.holdsAll = r != HeadersAction.StopIteration;
      }
      if (this.holdsAll || !this.giveArrived(stage)) return false;
      this.at++;
    }
    return true;
  }

  /** Hands a stage that holds the headers the body and trailers that arrived already; true when it lets go. */
  private giveArrived(stage: HttpContext): bool {
    if (!this.sawBody && !this.sawTrailers) return false;
    if (this.sawBody) {
      const r = stage.onRequestBody(this.bodySize, this.bodyEnd && !this.sawTrailers);
      if (r == BodyAction.Continue) return true;
    }
    return this.sawTrailers && stage.onRequestTrailers(this.numTrailers) == TrailersAction.Continue;
  }
}
