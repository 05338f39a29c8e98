// Several plugins in a row, as Envoy's HTTP filter chain runs them: the request goes through filter 1..n, each
// filter seeing only what the one before it released; a response comes back through n..1; a local reply from
// filter k goes back through the response path of filters k..1 (k's own response callbacks run inside the host,
// filters after k never see it). Every filter is its own ProxyWasmHost (its own VM), as with distinct vm_ids.
import { ProxyWasmHost, HttpStream, type HostOptions, type StartResult, type LocalReply, type Forwarded, type LogEntry } from "./host.ts";
import { HeaderMap, fromWire, type HeaderInput } from "./header-map.ts";

export interface ChainFilter extends HostOptions {
  /** A name for messages (default: the root_id, else "filter <n>"). */
  name?: string;
}

export interface ChainStartResult {
  ok: boolean;
  /** Per filter, in chain order. */
  filters: Array<StartResult & { name: string }>;
}

/** A log line with the name of the filter that wrote it. */
export interface ChainLogEntry extends LogEntry { filter: string }

export class ChainStartError extends Error {
  constructor(readonly filter: number, name: string, readonly cause: unknown) {
    super(`${name}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

export class FilterChain {
  readonly hosts: ProxyWasmHost[];
  readonly names: string[];
  private readonly streams = new Set<ChainStream>();

  constructor(filters: ChainFilter[]) {
    if (filters.length === 0) throw new Error("a filter chain needs at least one filter");
    // One clock for the whole chain, so ticks and token times agree between filters.
    const nowMs = Date.now();
    this.hosts = filters.map((f) => new ProxyWasmHost({ nowMs, ...f }));
    this.names = filters.map((f, i) => f.name ?? (f.rootId || `filter ${i + 1}`));
  }

  /**
   * Starts every filter's VM in order; ok only when every one accepted its configuration. A module that cannot
   * be loaded at all throws a ChainStartError naming the filter.
   */
  async start(): Promise<ChainStartResult> {
    const filters: ChainStartResult["filters"] = [];
    for (const [i, host] of this.hosts.entries()) {
      try {
        filters.push({ name: this.names[i], ...(await host.start()) });
      } catch (err) {
        throw new ChainStartError(i, this.names[i], err);
      }
    }
    return { ok: filters.every((f) => f.ok), filters };
  }

  openStream(): ChainStream {
    const stream = new ChainStream(this, this.hosts.map((h) => h.openStream()));
    this.streams.add(stream);
    return stream;
  }

  /** Waits until no filter has an answer or a resumed delivery in flight, passing on what each released. */
  async idle(): Promise<void> {
    // Work in flight only starts inside a filter's callback; once every filter is idle, only passing something
    // on (a pump that moved anything) can start more.
    for (;;) {
      await Promise.all(this.hosts.map((h) => h.idle()));
      let moved = 0;
      for (const s of this.streams) moved += s.pump();
      if (moved === 0) return;
    }
  }

  /** Moves every filter's clock forward together (ticks fall due on the way). */
  advance(ms: number): void {
    for (const h of this.hosts) h.advance(ms);
    for (const s of this.streams) s.pump();
  }

  /** The shortest tick period any filter asked for (0: none asked). */
  get tickPeriodMs(): number {
    const periods = this.hosts.map((h) => h.tickPeriodMs).filter((p) => p > 0);
    return periods.length ? Math.min(...periods) : 0;
  }

  /** A metric's value summed over the filters that defined it (undefined when none did). */
  metric(name: string): number | undefined {
    const values = this.hosts.map((h) => h.metric(name)).filter((v): v is number => v !== undefined);
    return values.length ? values.reduce((a, b) => a + b, 0) : undefined;
  }

  metrics(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const h of this.hosts) for (const [k, v] of Object.entries(h.metrics())) out[k] = (out[k] ?? 0) + v;
    return out;
  }

  /** Every captured log line, filter by filter. */
  logs(): ChainLogEntry[] {
    return this.hosts.flatMap((h, i) => h.logs.map((l) => ({ ...l, filter: this.names[i] })));
  }

  /** The first trap of any filter (the chain is unusable after it, as that VM is). */
  get trapped(): unknown {
    for (const h of this.hosts) {
      if (h.trapped) return h.trapped;
      if (h.asyncErrors.length) return h.asyncErrors[0] as Error;
    }
    return null;
  }

  streamClosed(stream: ChainStream): void {
    this.streams.delete(stream);
  }
}

/** How much of one side of a stream has been handed to the next filter. */
interface Fed { headers: boolean; bodyBytes: number; trailers: boolean; ended: boolean }

const fresh = (): Fed => ({ headers: false, bodyBytes: 0, trailers: false, ended: false });

/** Wire pairs -> header input that keeps every byte (values as raw bytes, names decoded as the map stores them). */
function carry(map: HeaderMap): HeaderInput {
  return map.wirePairs().map(([k, v]) => [fromWire(k), Buffer.from(v, "latin1")] as const);
}

/** One request/response through the whole chain. */
export class ChainStream {
  /** Per filter, in chain order: that filter's own stream. */
  readonly streams: HttpStream[];
  private readonly requestFed: Fed[];
  private readonly responseFed: Fed[];
  private closed = false;

  constructor(private readonly chain: FilterChain, streams: HttpStream[]) {
    this.streams = streams;
    this.requestFed = streams.map(fresh);
    this.responseFed = streams.map(fresh);
  }

  sendRequestHeaders(headers: HeaderInput, endOfStream = false): void {
    this.streams[0].sendRequestHeaders(headers, endOfStream);
    this.pump();
  }

  sendRequestBody(chunk: string | Uint8Array, endOfStream = false): void {
    this.streams[0].sendRequestBody(chunk, endOfStream);
    this.pump();
  }

  sendRequestTrailers(trailers: HeaderInput): void {
    this.streams[0].sendRequestTrailers(trailers);
    this.pump();
  }

  /** The upstream's answer enters at the last filter and goes back towards the client. */
  sendResponseHeaders(headers: HeaderInput, endOfStream = false): void {
    this.last.sendResponseHeaders(headers, endOfStream);
    this.pump();
  }

  sendResponseBody(chunk: string | Uint8Array, endOfStream = false): void {
    this.last.sendResponseBody(chunk, endOfStream);
    this.pump();
  }

  sendResponseTrailers(trailers: HeaderInput): void {
    this.last.sendResponseTrailers(trailers);
    this.pump();
  }

  /** The filter (index) that answered the request itself, or null when none did. */
  get localReplyFilter(): number | null {
    const k = this.streams.findIndex((s) => s.localReply !== null);
    return k < 0 ? null : k;
  }

  /** The local reply as its filter sent it (after its own response callbacks), or null when no filter answered. */
  get localReply(): LocalReply | null {
    const k = this.localReplyFilter;
    return k === null ? null : this.streams[k].localReply;
  }

  /** What left the last filter towards the upstream (headers null while a filter holds them). */
  get upstream(): Forwarded {
    return this.last.upstream;
  }

  /** What left the first filter towards the client: the upstream's answer or a local reply, after the response path. */
  get downstream(): Forwarded {
    return this.streams[0].downstream;
  }

  /** The first filter that has not released the whole request (null once it went upstream, or was answered). */
  get requestHeldBy(): number | null {
    if (this.localReplyFilter !== null) return null;
    const k = this.streams.findIndex((s) => !s.upstream.ended);
    return k < 0 ? null : k;
  }

  /**
   * Passes on whatever each filter released since the last pump, request side forwards, response side backwards.
   * Returns how many deliveries it made.
   */
  pump(): number {
    if (this.closed) return 0;
    let moved = 0;
    const n = this.streams.length;
    const replier = this.localReplyFilter;
    const requestEnd = replier === null ? n : replier;
    for (let j = 1; j < requestEnd; j++) {
      const to = this.streams[j];
      moved += feed(this.streams[j - 1].upstream, this.requestFed[j], {
        headers: (h, end) => to.sendRequestHeaders(h, end),
        body: (b, end) => to.sendRequestBody(b, end),
        trailers: (t) => to.sendRequestTrailers(t),
      });
    }
    // A local reply from filter k starts its way back at k - 1; an upstream answer at n - 2.
    for (let j = (replier === null ? n - 1 : replier) - 1; j >= 0; j--) {
      const to = this.streams[j];
      moved += feed(this.streams[j + 1].downstream, this.responseFed[j], {
        headers: (h, end) => to.sendResponseHeaders(h, end),
        body: (b, end) => to.sendResponseBody(b, end),
        trailers: (t) => to.sendResponseTrailers(t),
      });
    }
    return moved;
  }

  /** Ends the stream in every filter (on_done, on_log, on_delete), last filter first as Envoy destroys them. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of [...this.streams].reverse()) s.close();
    this.chain.streamClosed(this);
  }

  private get last(): HttpStream {
    return this.streams[this.streams.length - 1];
  }
}

interface Sink {
  headers(h: HeaderInput, endOfStream: boolean): unknown;
  body(chunk: Uint8Array, endOfStream: boolean): unknown;
  trailers(t: HeaderInput): unknown;
}

/**
 * Hands the next filter what `from` released and it has not seen yet: headers, new body bytes, trailers, the end.
 * Returns how many deliveries it made.
 */
function feed(from: Forwarded, fed: Fed, to: Sink): number {
  if (fed.ended) return 0;
  let moved = 0;
  if (!fed.headers) {
    if (!from.headers) return 0;
    fed.headers = true;
    const headersOnly = from.ended && from.body.length === 0 && !from.trailers;
    if (headersOnly) fed.ended = true;
    to.headers(carry(from.headers), headersOnly);
    if (headersOnly) return 1;
    moved++;
  }
  const unseen = from.body.subarray(fed.bodyBytes);
  const endsWithBody = from.ended && !from.trailers;
  if (unseen.length > 0 || endsWithBody) {
    fed.bodyBytes = from.body.length;
    if (endsWithBody) fed.ended = true;
    to.body(unseen.slice(), endsWithBody);
    moved++;
  }
  if (from.trailers && !fed.trailers) {
    fed.trailers = true;
    fed.ended = true;
    to.trailers(carry(from.trailers));
    moved++;
  }
  return moved;
}
