// A proxy-wasm ABI v0.2.1 host in TypeScript that runs a compiled plugin in Node's V8 with Envoy's semantics
// (facts: proxy-wasm-cpp-host, Envoy's host). One ProxyWasmHost = one VM with one plugin (root context).
import { readFileSync } from "node:fs";
import { randomFillSync } from "node:crypto";
import {
  Status, LogLevel, BufferType, MapType, StreamType, MetricType, HeadersAction, BodyAction, LOG_LEVEL_NAMES, LogLevelName,
} from "./abi.ts";
import { encodePairs, decodePairs } from "./pairs.ts";
import { HeaderMap, HeaderInput, toWire, fromWire } from "./header-map.ts";

export interface LogEntry { level: LogLevelName; message: string }

export type PropertyValue = string | Uint8Array | number | bigint | boolean | null | undefined;
export type Properties = Record<string, PropertyValue>;

export interface HttpCallRecord {
  token: number;
  cluster: string;
  headers: Array<[string, string]>;
  body: Uint8Array;
  trailers: Array<[string, string]>;
  timeoutMs: number;
  answered: boolean;
}

export interface CallResponse { status?: number; headers?: HeaderInput; body?: string | Uint8Array; trailers?: HeaderInput }

/**
 * Decides the answer of an HTTP call-out as it is made (a promise answers it later, like a real upstream);
 * undefined leaves it pending for the test to answer with respondToCall.
 */
export type CallHandler = (call: HttpCallRecord) => CallResponse | "fail" | undefined | Promise<CallResponse | "fail">;

/** A host-side foreign function: returns its result bytes, or a Status to fail the call. */
export type ForeignFunction = (args: Uint8Array) => Uint8Array | Status;

export interface HostOptions {
  /** Path to, or bytes of, the compiled module. */
  wasm: string | Uint8Array;
  /** root_id of the plugin (Envoy's `root_id`, default ""). */
  rootId?: string;
  /** Plugin configuration: a string, bytes, or an object serialised as JSON. */
  pluginConfig?: string | Uint8Array | object;
  vmConfig?: string | Uint8Array;
  /** Extra or overriding properties of the plugin/VM, keyed by dotted path ("node.id"). */
  properties?: Properties;
  /** Level reported by proxy_get_log_level (default "trace": the harness captures everything). */
  logLevel?: LogLevelName;
  /** Clusters a call-out may name; when omitted every name is accepted. */
  clusters?: string[];
  onHttpCall?: CallHandler;
  foreignFunctions?: Record<string, ForeignFunction>;
  /**
   * Envoy's `allow_on_headers_stop_iteration`: when true, a StopIteration from a headers callback holds the
   * headers but body chunks still reach the plugin (Continue from the body or trailers callback releases both).
   * When false (Envoy's default), StopIteration becomes StopAllIterationAndWatermark: the body waits too.
   */
  allowOnHeadersStopIteration?: boolean;
  /**
   * Count every host function the module calls (hostCalls), every callback the host makes (callbacks) and every
   * buffer the host copies into module memory (copiesIn), by name: what a request costs in crossings.
   */
  countCalls?: boolean;
  /** Envoy's per-stream buffer limit: a buffered request body beyond it gets 413 (default 1 MiB). */
  bufferLimitBytes?: number;
  /** Start time of the host clock in ms since the epoch (default: now). The clock only moves with advance(). */
  nowMs?: number;
}

export interface StartResult { ok: boolean; vmStarted: boolean; configured: boolean; logs: LogEntry[] }

export interface LocalReply {
  status: number;
  details: string;
  body: string;
  bodyBytes: Uint8Array;
  headers: Array<[string, string]>;
  grpcStatus: number;
}

export class WasmTrap extends Error {
  constructor(public readonly callback: string, public readonly cause: unknown, public readonly logs: LogEntry[]) {
    super(`the plugin trapped in ${callback}: ${cause instanceof Error ? cause.message : String(cause)}` +
      (logs.length ? `\nlast log: ${logs[logs.length - 1].message}` : ""));
  }
}

interface Exports {
  memory: WebAssembly.Memory;
  malloc?: (size: number) => number;
  proxy_on_memory_allocate?: (size: number) => number;
  _initialize?: () => void;
  _start?: () => void;
  [name: string]: unknown;
}

type ExportFn = (...a: number[]) => number | bigint | void;

const ROOT_CONTEXT_ID = 1;
const utf8Decoder = new TextDecoder();
const utf8Encoder = new TextEncoder();

function toBytes(v: string | Uint8Array | object | undefined): Uint8Array {
  if (v === undefined) return new Uint8Array(0);
  if (typeof v === "string") return utf8Encoder.encode(v);
  if (v instanceof Uint8Array) return v;
  return utf8Encoder.encode(JSON.stringify(v));
}

/** Encodes a property value the way Envoy does: strings raw, integers 8-byte LE, booleans one byte. */
export function encodeProperty(v: PropertyValue): Uint8Array | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return utf8Encoder.encode(v);
  if (v instanceof Uint8Array) return v;
  const out = new Uint8Array(v === true || v === false ? 1 : 8);
  const view = new DataView(out.buffer);
  if (typeof v === "boolean") out[0] = v ? 1 : 0;
  else if (typeof v === "bigint") view.setBigInt64(0, v, true);
  else if (Number.isInteger(v)) view.setBigInt64(0, BigInt(v), true);
  else view.setFloat64(0, v, true);
  return out;
}

export class ProxyWasmHost {
  readonly logs: LogEntry[] = [];
  readonly httpCalls: HttpCallRecord[] = [];
  readonly sharedData = new Map<string, { value: Uint8Array; cas: number }>();
  tickPeriodMs = 0;
  trapped: WasmTrap | null = null;
  /** With countCalls: host functions called by the module, callbacks called by the host, copies into the module. */
  readonly hostCalls = new Map<string, number>();
  readonly callbacks = new Map<string, number>();
  copiesIn = 0;

  private exports!: Exports;
  readonly options: HostOptions;
  private readonly pluginConfig: Uint8Array;
  private readonly vmConfig: Uint8Array;
  private readonly metricsById = new Map<number, { name: string; type: MetricType; value: bigint }>();
  private readonly metricIds = new Map<string, number>();
  private readonly streams = new Map<number, HttpStream>();
  private nextContextId = ROOT_CONTEXT_ID + 1;
  private nextCallToken = 1;
  private nextCas = 1;
  private nowNs: bigint;
  private lastTickNs: bigint;
  /** The context host calls act on: the callback's own, or one chosen by proxy_set_effective_context. */
  private effectiveContext = ROOT_CONTEXT_ID;
  /** Only inside proxy_on_http_call_response: the response being delivered. */
  private callResponse: { headers: HeaderMap; body: Uint8Array; trailers: HeaderMap } | null = null;
  private foreignArgs: Uint8Array | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private depth = 0;
  private readonly exportCache = new Map<string, ExportFn>();
  private localReplyPending = false;
  /** Errors (traps included) from asynchronous deliveries, which have no caller to throw to. */
  readonly asyncErrors: unknown[] = [];

  constructor(options: HostOptions) {
    this.options = options;
    this.pluginConfig = toBytes(options.pluginConfig);
    this.vmConfig = toBytes(options.vmConfig);
    this.nowNs = BigInt(options.nowMs ?? Date.now()) * 1_000_000n;
    this.lastTickNs = this.nowNs;
  }

  /** Instantiates the module, runs _initialize, creates the root context, then on_vm_start and on_configure. */
  async start(): Promise<StartResult> {
    const bytes = typeof this.options.wasm === "string" ? readFileSync(this.options.wasm) : this.options.wasm;
    const module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
    const instance = await WebAssembly.instantiate(module, this.imports());
    this.exports = instance.exports as unknown as Exports;
    if (typeof this.exports.malloc !== "function" && typeof this.exports.proxy_on_memory_allocate !== "function") {
      throw new Error("the module exports no allocator (malloc or proxy_on_memory_allocate)");
    }
    if (typeof this.exports.proxy_abi_version_0_2_1 !== "function") {
      throw new Error("the module does not export proxy_abi_version_0_2_1");
    }
    if (this.exports._initialize) this.call("_initialize");
    else if (this.exports._start) this.call("_start");
    this.call("proxy_on_context_create", ROOT_CONTEXT_ID, 0);
    const vmStarted = this.call("proxy_on_vm_start", ROOT_CONTEXT_ID, this.vmConfig.length) !== 0;
    const configured = vmStarted && this.call("proxy_on_configure", ROOT_CONTEXT_ID, this.pluginConfig.length) !== 0;
    return { ok: vmStarted && configured, vmStarted, configured, logs: [...this.logs] };
  }

  /** Opens an HTTP stream (a new context under the root). Per-stream properties override the host's. */
  openStream(options: { properties?: Properties } = {}): HttpStream {
    const id = this.nextContextId++;
    const stream = new HttpStream(this, id, options.properties ?? {});
    this.streams.set(id, stream);
    this.call("proxy_on_context_create", id, ROOT_CONTEXT_ID);
    return stream;
  }

  /** Delivers one tick to the root context. */
  tick(): void {
    this.call("proxy_on_tick", ROOT_CONTEXT_ID);
  }

  /** Moves the host clock forward, delivering every tick that falls due on the way. */
  advance(ms: number): void {
    const target = this.nowNs + BigInt(Math.round(ms * 1e6));
    if (this.tickPeriodMs > 0) {
      const period = BigInt(this.tickPeriodMs) * 1_000_000n;
      while (this.lastTickNs + period <= target) {
        this.lastTickNs += period;
        this.nowNs = this.lastTickNs;
        this.tick();
      }
    }
    this.nowNs = target;
  }

  get nowMs(): number {
    return Number(this.nowNs / 1_000_000n);
  }

  /** Answers a pending call-out; `"fail"` delivers what Envoy delivers on a failed call (no headers, no body). */
  respondToCall(token: number, response: CallResponse | "fail"): void {
    const call = this.httpCalls.find((c) => c.token === token);
    if (!call) throw new Error(`no HTTP call with token ${token}`);
    if (call.answered) throw new Error(`HTTP call ${token} was already answered`);
    call.answered = true;
    if (response === "fail") {
      this.callResponse = { headers: new HeaderMap(), body: new Uint8Array(0), trailers: new HeaderMap() };
    } else {
      const headers = HeaderMap.from(response.headers);
      headers.replace(":status", String(response.status ?? 200));
      this.callResponse = { headers, body: toBytes(response.body), trailers: HeaderMap.from(response.trailers) };
    }
    const r = this.callResponse;
    try {
      this.call("proxy_on_http_call_response", ROOT_CONTEXT_ID, token, r.headers.size, r.body.length, r.trailers.size);
    } finally {
      this.callResponse = null;
    }
  }

  /** Resolves once every call-out answer and resumed body delivery started so far has been delivered. */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  /** Tracks asynchronous host work (call-out answers, resumed deliveries) so idle() can wait for it. */
  settle(work: Promise<unknown>): void {
    const tracked = work.then(() => undefined, (err) => { this.asyncErrors.push(err); });
    this.inFlight.add(tracked);
    tracked.finally(() => this.inFlight.delete(tracked));
  }

  pendingCalls(): HttpCallRecord[] {
    return this.httpCalls.filter((c) => !c.answered);
  }

  /** A metric's value as Envoy's /stats would show it (undefined when never defined). */
  metric(name: string): number | undefined {
    const id = this.metricIds.get(name);
    return id === undefined ? undefined : Number(this.metricsById.get(id)!.value);
  }

  metrics(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const { name, value } of this.metricsById.values()) out[name] = Number(value);
    return out;
  }

  logsAt(level: LogLevelName): string[] {
    return this.logs.filter((l) => l.level === level).map((l) => l.message);
  }

  /** The module's linear memory size in bytes: flat across requests when nothing leaks. */
  memoryBytes(): number {
    return this.exports.memory.buffer.byteLength;
  }

  // ---- internals shared with HttpStream ----

  /** Calls an export; a trap is recorded and rethrown as WasmTrap with the plugin's last logs. */
  call(name: string, ...args: number[]): number {
    if (this.trapped) throw this.trapped;
    let fn = this.exportCache.get(name);
    if (fn === undefined) {
      fn = this.exports[name] as ExportFn | undefined;
      if (fn) this.exportCache.set(name, fn);
    }
    if (typeof fn !== "function") return 0;
    if (this.options.countCalls) this.callbacks.set(name, (this.callbacks.get(name) ?? 0) + 1);
    const saved = this.effectiveContext;
    this.effectiveContext = name === "proxy_on_context_create" ? args[0] : args.length > 0 ? args[0] : ROOT_CONTEXT_ID;
    this.depth++;
    let result: number | bigint | void;
    try {
      result = fn(...args);
    } catch (err) {
      this.trapped = new WasmTrap(name, err, [...this.logs]);
      throw this.trapped;
    } finally {
      this.effectiveContext = saved;
      this.depth--;
    }
    // Envoy sends a local reply after the callback returns, through the response path (this filter included).
    if (this.depth === 0 && this.localReplyPending) {
      this.localReplyPending = false;
      for (const stream of [...this.streams.values()]) stream.deliverLocalReply();
    }
    return typeof result === "number" ? result : typeof result === "bigint" ? Number(result) : 0;
  }

  streamClosed(id: number): void {
    this.streams.delete(id);
  }

  // Views of module memory, rebuilt only when the memory grew (a grown memory has a new buffer).
  private memCache = new Uint8Array(0);
  private viewCache = new DataView(new ArrayBuffer(0));
  // Growing a wasm memory detaches its old buffer, so a zero-length cached view means "grown: rebuild".
  private get mem(): Uint8Array {
    if (this.memCache.byteLength === 0) this.refreshViews();
    return this.memCache;
  }
  private get view(): DataView {
    // A DataView over a detached buffer throws on access, so the check goes through the Uint8Array view.
    if (this.memCache.byteLength === 0) this.refreshViews();
    return this.viewCache;
  }
  private refreshViews(): void {
    this.memCache = new Uint8Array(this.exports.memory.buffer);
    this.viewCache = new DataView(this.exports.memory.buffer);
  }
  private read(ptr: number, len: number): Uint8Array {
    return this.mem.slice(ptr, ptr + len);
  }
  private readString(ptr: number, len: number): string {
    return utf8Decoder.decode(this.mem.subarray(ptr, ptr + len));
  }
  private readLatin1(ptr: number, len: number): string {
    const mem = this.mem;
    if (len <= 256) return String.fromCharCode.apply(null, mem.subarray(ptr, ptr + len) as unknown as number[]);
    return Buffer.from(mem.subarray(ptr, ptr + len)).toString("latin1");
  }
  /** As give(), for a wire string (one char per byte), written straight into module memory. */
  private giveLatin1(value: string, retPtr: number, retSize: number): Status {
    const alloc = (this.exports.malloc ?? this.exports.proxy_on_memory_allocate)!;
    const ptr = value.length === 0 ? 0 : alloc(value.length);
    if (ptr !== 0 && this.options.countCalls) this.copiesIn++;
    const mem = this.mem;
    for (let i = 0; i < value.length; i++) mem[ptr + i] = value.charCodeAt(i);
    const view = this.view;
    view.setUint32(retPtr, ptr, true);
    view.setUint32(retSize, value.length, true);
    return Status.Ok;
  }
  /** Copies bytes into module memory through its allocator and reports pointer and size in the result slots. */
  private give(bytes: Uint8Array, retPtr: number, retSize: number): Status {
    const alloc = (this.exports.malloc ?? this.exports.proxy_on_memory_allocate)!;
    const ptr = bytes.length === 0 ? 0 : alloc(bytes.length);
    if (ptr !== 0 && this.options.countCalls) this.copiesIn++;
    if (bytes.length) this.mem.set(bytes, ptr);
    this.view.setUint32(retPtr, ptr, true);
    this.view.setUint32(retSize, bytes.length, true);
    return Status.Ok;
  }

  private stream(): HttpStream | undefined {
    return this.streams.get(this.effectiveContext);
  }

  private headerMap(type: MapType): HeaderMap | undefined {
    if (type === MapType.HttpCallResponseHeaders) return this.callResponse?.headers;
    if (type === MapType.HttpCallResponseTrailers) return this.callResponse?.trailers;
    return this.stream()?.map(type);
  }

  private property(path: string): Uint8Array | undefined {
    const stream = this.stream();
    if (stream) {
      const own = stream.property(path);
      if (own !== undefined) return own;
    }
    const dotted = path.split("\0").join(".");
    if (this.options.properties && dotted in this.options.properties) return encodeProperty(this.options.properties[dotted]);
    switch (dotted) {
      case "plugin_root_id": return utf8Encoder.encode(this.options.rootId ?? "");
      case "plugin_name": return utf8Encoder.encode(this.options.rootId ?? "");
      case "plugin_vm_id": return utf8Encoder.encode("");
      case "node.id": return utf8Encoder.encode("waymark-harness");
    }
    return undefined;
  }

  private log(level: number, message: string): void {
    this.logs.push({ level: LOG_LEVEL_NAMES[level] ?? "info", message });
  }

  private imports(): WebAssembly.Imports {
    const host = this;
    const logLevel = LOG_LEVEL_NAMES.indexOf(this.options.logLevel ?? "trace");
    const env = {
      proxy_log(level: number, ptr: number, len: number): number {
        host.log(level, host.readString(ptr, len));
        return Status.Ok;
      },
      proxy_get_log_level(ret: number): number {
        host.view.setUint32(ret, logLevel, true);
        return Status.Ok;
      },
      proxy_get_current_time_nanoseconds(ret: number): number {
        host.view.setBigUint64(ret, host.nowNs, true);
        return Status.Ok;
      },
      proxy_set_tick_period_milliseconds(ms: number): number {
        host.tickPeriodMs = ms;
        host.lastTickNs = host.nowNs;
        return Status.Ok;
      },
      proxy_set_effective_context(id: number): number {
        if (id !== ROOT_CONTEXT_ID && !host.streams.has(id)) return Status.BadArgument;
        host.effectiveContext = id;
        return Status.Ok;
      },
      proxy_done(): number {
        return Status.Ok;
      },
      proxy_get_buffer_bytes(type: number, start: number, max: number, retPtr: number, retSize: number): number {
        start >>>= 0; // sizes are u32 in the ABI; V8 hands them over as signed
        max >>>= 0;
        const buf = host.buffer(type);
        if (buf === undefined) return Status.NotFound;
        if (start > buf.length) return Status.BadArgument;
        return host.give(buf.subarray(start, Math.min(buf.length, start + max)), retPtr, retSize);
      },
      proxy_get_buffer_status(type: number, retSize: number, retFlags: number): number {
        const buf = host.buffer(type);
        if (buf === undefined) return Status.NotFound;
        host.view.setUint32(retSize, buf.length, true);
        host.view.setUint32(retFlags, 0, true);
        return Status.Ok;
      },
      proxy_set_buffer_bytes(type: number, start: number, size: number, ptr: number, len: number): number {
        const stream = host.stream();
        if (!stream || (type !== BufferType.HttpRequestBody && type !== BufferType.HttpResponseBody)) return Status.NotFound;
        return stream.writeBody(type, start >>> 0, size >>> 0, host.read(ptr, len));
      },
      proxy_get_header_map_pairs(type: number, retPtr: number, retSize: number): number {
        const map = host.headerMap(type);
        if (!map) return Status.NotFound;
        const pairs = map.wirePairs().map(([k, v]) => [Buffer.from(k, "latin1"), Buffer.from(v, "latin1")] as const);
        return host.give(encodePairs(pairs), retPtr, retSize);
      },
      proxy_set_header_map_pairs(type: number, ptr: number, len: number): number {
        const map = host.headerMap(type);
        if (!map) return Status.NotFound;
        const pairs = decodePairs(host.read(ptr, len));
        if (!pairs) return Status.BadArgument;
        map.setAll(pairs.map(([k, v]) => [Buffer.from(k).toString("latin1"), Buffer.from(v).toString("latin1")]));
        return Status.Ok;
      },
      proxy_get_header_map_value(type: number, kptr: number, klen: number, retPtr: number, retSize: number): number {
        const map = host.headerMap(type);
        if (!map) return Status.NotFound;
        const value = map.get(host.readLatin1(kptr, klen));
        if (value === undefined) return Status.NotFound;
        return host.giveLatin1(value, retPtr, retSize);
      },
      proxy_add_header_map_value(type: number, kptr: number, klen: number, vptr: number, vlen: number): number {
        const map = host.headerMap(type);
        if (!map) return Status.NotFound;
        map.add(host.readLatin1(kptr, klen), host.readLatin1(vptr, vlen));
        return Status.Ok;
      },
      proxy_replace_header_map_value(type: number, kptr: number, klen: number, vptr: number, vlen: number): number {
        const map = host.headerMap(type);
        if (!map) return Status.NotFound;
        map.replace(host.readLatin1(kptr, klen), host.readLatin1(vptr, vlen));
        return Status.Ok;
      },
      proxy_remove_header_map_value(type: number, kptr: number, klen: number): number {
        const map = host.headerMap(type);
        if (!map) return Status.NotFound;
        map.remove(host.readLatin1(kptr, klen));
        return Status.Ok;
      },
      proxy_get_header_map_size(type: number, ret: number): number {
        const map = host.headerMap(type);
        if (!map) return Status.NotFound;
        host.view.setUint32(ret, map.size, true);
        return Status.Ok;
      },
      proxy_continue_stream(type: number): number {
        const stream = host.stream();
        if (!stream) return Status.NotFound;
        return stream.resume(type);
      },
      proxy_close_stream(type: number): number {
        const stream = host.stream();
        if (!stream) return Status.NotFound;
        stream.closedByPlugin = true;
        return Status.Ok;
      },
      proxy_get_status(): number {
        return Status.Unimplemented;
      },
      proxy_send_local_response(code: number, dptr: number, dlen: number, bptr: number, blen: number, hptr: number, hlen: number, grpc: number): number {
        const stream = host.stream();
        if (!stream) return Status.NotFound;
        const pairs = decodePairs(host.read(hptr, hlen));
        if (!pairs) return Status.BadArgument;
        const bodyBytes = host.read(bptr, blen);
        host.localReplyPending = true;
        stream.localReply = {
          status: code,
          details: host.readString(dptr, dlen),
          body: utf8Decoder.decode(bodyBytes),
          bodyBytes,
          headers: pairs.map(([k, v]) => [utf8Decoder.decode(k).toLowerCase(), utf8Decoder.decode(v)]),
          grpcStatus: grpc,
        };
        return Status.Ok;
      },
      proxy_http_call(uptr: number, ulen: number, hptr: number, hlen: number, bptr: number, blen: number,
        tptr: number, tlen: number, timeout: number, retToken: number): number {
        const cluster = host.readString(uptr, ulen);
        const headers = decodePairs(host.read(hptr, hlen));
        const trailers = decodePairs(host.read(tptr, tlen));
        if (!headers || !trailers) return Status.BadArgument;
        if (host.options.clusters && !host.options.clusters.includes(cluster)) return Status.BadArgument;
        const h = headers.map(([k, v]) => [utf8Decoder.decode(k), utf8Decoder.decode(v)] as [string, string]);
        for (const required of [":method", ":path", ":authority"]) {
          if (!h.some(([k]) => k === required)) return Status.BadArgument;
        }
        const call: HttpCallRecord = {
          token: host.nextCallToken++, cluster, headers: h, body: host.read(bptr, blen),
          trailers: trailers.map(([k, v]) => [utf8Decoder.decode(k), utf8Decoder.decode(v)]), timeoutMs: timeout, answered: false,
        };
        host.httpCalls.push(call);
        host.view.setUint32(retToken, call.token, true);
        const answer = host.options.onHttpCall?.(call);
        if (answer !== undefined) host.settle(Promise.resolve(answer).then((a) => host.respondToCall(call.token, a)));
        return Status.Ok;
      },
      proxy_get_shared_data(kptr: number, klen: number, retPtr: number, retSize: number, retCas: number): number {
        const entry = host.sharedData.get(host.readString(kptr, klen));
        if (!entry) return Status.NotFound;
        host.view.setUint32(retCas, entry.cas, true);
        return host.give(entry.value, retPtr, retSize);
      },
      proxy_set_shared_data(kptr: number, klen: number, vptr: number, vlen: number, cas: number): number {
        const key = host.readString(kptr, klen);
        const entry = host.sharedData.get(key);
        if (cas !== 0 && entry && entry.cas !== cas) return Status.CasMismatch;
        host.sharedData.set(key, { value: host.read(vptr, vlen), cas: host.nextCas++ });
        return Status.Ok;
      },
      proxy_define_metric(type: number, nptr: number, nlen: number, retId: number): number {
        if (type > MetricType.Histogram) return Status.BadArgument;
        const name = host.readString(nptr, nlen);
        let id = host.metricIds.get(name);
        if (id === undefined) {
          id = host.metricIds.size + 1;
          host.metricIds.set(name, id);
          host.metricsById.set(id, { name, type, value: 0n });
        }
        host.view.setUint32(retId, id, true);
        return Status.Ok;
      },
      proxy_increment_metric(id: number, offset: bigint): number {
        const m = host.metricsById.get(id);
        if (!m) return Status.NotFound;
        if (m.type === MetricType.Histogram) return Status.BadArgument;
        if (m.type === MetricType.Counter && offset < 0n) return Status.BadArgument;
        m.value += offset;
        return Status.Ok;
      },
      proxy_record_metric(id: number, value: bigint): number {
        const m = host.metricsById.get(id);
        if (!m) return Status.NotFound;
        if (m.type === MetricType.Counter) return Status.BadArgument;
        m.value = BigInt.asUintN(64, value);
        return Status.Ok;
      },
      proxy_get_metric(id: number, ret: number): number {
        const m = host.metricsById.get(id);
        if (!m) return Status.NotFound;
        if (m.type === MetricType.Histogram) return Status.BadArgument;
        host.view.setBigUint64(ret, BigInt.asUintN(64, m.value), true);
        return Status.Ok;
      },
      proxy_get_property(pptr: number, plen: number, retPtr: number, retSize: number): number {
        const value = host.property(host.readString(pptr, plen));
        if (value === undefined) return Status.NotFound;
        return host.give(value, retPtr, retSize);
      },
      proxy_set_property(pptr: number, plen: number, vptr: number, vlen: number): number {
        const stream = host.stream();
        if (!stream) return Status.NotFound;
        stream.setProperty(host.readString(pptr, plen), host.read(vptr, vlen));
        return Status.Ok;
      },
      proxy_call_foreign_function(nptr: number, nlen: number, aptr: number, alen: number, retPtr: number, retSize: number): number {
        const fn = host.options.foreignFunctions?.[host.readString(nptr, nlen)];
        if (!fn) return Status.NotFound;
        const result = fn(host.read(aptr, alen));
        if (typeof result === "number") return result;
        return host.give(result, retPtr, retSize);
      },
    };
    const wasi = {
      fd_write(fd: number, iovs: number, iovsLen: number, retWritten: number): number {
        let text = "";
        let written = 0;
        for (let i = 0; i < iovsLen; i++) {
          const ptr = host.view.getUint32(iovs + i * 8, true);
          const len = host.view.getUint32(iovs + i * 8 + 4, true);
          text += host.readString(ptr, len);
          written += len;
        }
        host.log(fd === 2 ? LogLevel.Error : LogLevel.Info, text.replace(/\n$/, ""));
        host.view.setUint32(retWritten, written, true);
        return 0;
      },
      random_get(ptr: number, len: number): number {
        randomFillSync(host.mem, ptr, len);
        return 0;
      },
      clock_time_get(_id: number, _precision: bigint, ret: number): number {
        host.view.setBigUint64(ret, host.nowNs, true);
        return 0;
      },
      environ_sizes_get(count: number, size: number): number {
        host.view.setUint32(count, 0, true);
        host.view.setUint32(size, 0, true);
        return 0;
      },
      environ_get(): number { return 0; },
      args_sizes_get(count: number, size: number): number {
        host.view.setUint32(count, 0, true);
        host.view.setUint32(size, 0, true);
        return 0;
      },
      args_get(): number { return 0; },
      proc_exit(code: number): never {
        throw new Error(`proc_exit(${code})`);
      },
    };
    if (this.options.countCalls) {
      const counted = env as Record<string, (...a: never[]) => number>;
      for (const [name, fn] of Object.entries(counted)) {
        counted[name] = (...args: never[]) => {
          host.hostCalls.set(name, (host.hostCalls.get(name) ?? 0) + 1);
          return fn(...args);
        };
      }
    }
    return { env, wasi_snapshot_preview1: wasi, wasi_unstable: wasi };
  }

  private buffer(type: number): Uint8Array | undefined {
    switch (type) {
      case BufferType.PluginConfiguration: return this.pluginConfig;
      case BufferType.VmConfiguration: return this.vmConfig;
      case BufferType.HttpCallResponseBody: return this.callResponse?.body;
      case BufferType.ForeignFunctionArguments: return this.foreignArgs ?? undefined;
      case BufferType.HttpRequestBody:
      case BufferType.HttpResponseBody: return this.stream()?.body(type);
    }
    return undefined;
  }
}

/** The outcome of one side of a stream, as the next filter (or the upstream) would see it. */
export interface Forwarded { headers: HeaderMap | null; body: Uint8Array; trailers: HeaderMap | null; ended: boolean }

interface Direction {
  headers: HeaderMap;
  trailers: HeaderMap;
  /** Body bytes held by the host for the filter (buffered since the last Continue). */
  buffered: Uint8Array;
  /** Body chunks that arrived while the filter held the headers. */
  queued: Uint8Array[];
  queuedEnd: boolean;
  /** True while the filter holds the stream (a Stop action not yet resumed). */
  paused: boolean;
  headersPaused: boolean;
  /** Headers are held but the body still flows to the plugin (allow_on_headers_stop_iteration). */
  bodyFlows: boolean;
  forwarded: Forwarded;
}

const EMPTY = new Uint8Array(0);

function newDirection(): Direction {
  return {
    headers: new HeaderMap(), trailers: new HeaderMap(), buffered: EMPTY, queued: [], queuedEnd: false,
    paused: false, headersPaused: false, bodyFlows: false, forwarded: { headers: null, body: EMPTY, trailers: null, ended: false },
  };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

export interface ActionRecord { callback: string; action: number }

/** One HTTP stream through the plugin. Feed it like Envoy would, then inspect what was forwarded. */
export class HttpStream {
  localReply: LocalReply | null = null;
  private localReplyDelivered = false;
  closedByPlugin = false;
  readonly actions: ActionRecord[] = [];
  private readonly request = newDirection();
  private responseDirection: Direction | undefined;
  /** Created on first use: most harness streams never see a response. */
  private get response(): Direction {
    return (this.responseDirection ??= newDirection());
  }
  private readonly props = new Map<string, Uint8Array>();
  private closed = false;

  constructor(private readonly host: ProxyWasmHost, readonly contextId: number, properties: Properties) {
    for (const [k, v] of Object.entries(properties)) {
      const bytes = encodeProperty(v);
      if (bytes) this.props.set(k.split(".").join("\0"), bytes);
    }
  }

  /** Request headers as they are now (after the plugin's changes). */
  get requestHeaders(): HeaderMap { return this.request.headers; }
  get responseHeaders(): HeaderMap { return this.response.headers; }
  /** What went upstream: headers once the plugin let them through, body chunks it released, trailers. */
  get upstream(): Forwarded { return this.request.forwarded; }
  /** What went to the client. */
  get downstream(): Forwarded { return this.response.forwarded; }
  get requestPaused(): boolean { return this.request.paused; }
  get responsePaused(): boolean { return this.response.paused; }
  get lastAction(): number | undefined { return this.actions[this.actions.length - 1]?.action; }

  /** Feeds request headers; pseudo-headers (:method, :path, :authority, :scheme) may be given or defaulted. */
  sendRequestHeaders(headers: HeaderInput, endOfStream = false): number | undefined {
    const map = HeaderMap.from(headers);
    for (const [k, v] of [[":method", "GET"], [":scheme", "http"], [":authority", "gateway"], [":path", "/"]] as const) {
      if (!map.has(k)) map.add(k, v);
    }
    // Envoy keeps pseudo-headers first.
    const pairs = map.wirePairs();
    const firstRegular = pairs.findIndex(([k]) => !k.startsWith(":"));
    if (firstRegular >= 0 && pairs.slice(firstRegular).some(([k]) => k.startsWith(":"))) {
      map.setAll([...pairs.filter(([k]) => k.startsWith(":")), ...pairs.filter(([k]) => !k.startsWith(":"))]);
    }
    this.request.headers = map;
    return this.deliverHeaders(this.request, "proxy_on_request_headers", endOfStream);
  }

  sendRequestBody(chunk: string | Uint8Array, endOfStream = false): number | undefined {
    return this.deliverBody(this.request, BufferType.HttpRequestBody, toBytes(chunk), endOfStream);
  }

  sendRequestTrailers(trailers: HeaderInput): number | undefined {
    return this.deliverTrailers(this.request, "proxy_on_request_trailers", trailers);
  }

  sendResponseHeaders(headers: HeaderInput, endOfStream = false): number | undefined {
    const map = HeaderMap.from(headers);
    if (!map.has(":status")) map.add(":status", "200");
    this.response.headers = map;
    return this.deliverHeaders(this.response, "proxy_on_response_headers", endOfStream);
  }

  sendResponseBody(chunk: string | Uint8Array, endOfStream = false): number | undefined {
    return this.deliverBody(this.response, BufferType.HttpResponseBody, toBytes(chunk), endOfStream);
  }

  sendResponseTrailers(trailers: HeaderInput): number | undefined {
    return this.deliverTrailers(this.response, "proxy_on_response_trailers", trailers);
  }

  /** Ends the stream as Envoy does: on_done, on_log, on_delete. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.host.call("proxy_on_done", this.contextId);
    this.host.call("proxy_on_log", this.contextId);
    this.host.call("proxy_on_delete", this.contextId);
    this.host.streamClosed(this.contextId);
  }

  // ---- used by the host ----

  map(type: MapType): HeaderMap | undefined {
    switch (type) {
      case MapType.RequestHeaders: return this.request.headers;
      case MapType.RequestTrailers: return this.request.trailers;
      case MapType.ResponseHeaders: return this.response.headers;
      case MapType.ResponseTrailers: return this.response.trailers;
    }
    return undefined;
  }

  body(type: BufferType): Uint8Array {
    return type === BufferType.HttpRequestBody ? this.request.buffered : this.response.buffered;
  }

  writeBody(type: BufferType, start: number, size: number, data: Uint8Array): Status {
    const dir = type === BufferType.HttpRequestBody ? this.request : this.response;
    const len = dir.buffered.length;
    if (start === 0 && size === 0) dir.buffered = concat(data, dir.buffered);
    else if (start === 0 && size >= len) dir.buffered = data.slice();
    else if (start >= len) dir.buffered = concat(dir.buffered, data);
    else return Status.BadArgument;
    return Status.Ok;
  }

  property(path: string): Uint8Array | undefined {
    const own = this.props.get(path);
    if (own !== undefined) return own;
    const rawPath = this.request.headers.get(":path");
    switch (path) {
      case "request\0path": return rawPath === undefined ? undefined : Buffer.from(rawPath, "latin1");
      case "request\0url_path": return rawPath === undefined ? undefined : Buffer.from(rawPath.split("?")[0], "latin1");
      case "request\0method": return this.wire(":method");
      case "request\0host": return this.wire(":authority");
      case "request\0scheme": return this.wire(":scheme");
      case "source\0address": return utf8Encoder.encode("127.0.0.1:50000");
      case "source\0port": return encodeProperty(50000);
      case "destination\0address": return utf8Encoder.encode("127.0.0.1:10000");
      case "destination\0port": return encodeProperty(10000);
      case "response\0code": {
        const status = this.response.headers.get(":status");
        return status === undefined ? undefined : encodeProperty(Number(status));
      }
    }
    return undefined;
  }

  setProperty(path: string, value: Uint8Array): void {
    this.props.set(path, value);
  }

  resume(type: number): Status {
    const dir = type === StreamType.HttpRequest ? this.request : type === StreamType.HttpResponse ? this.response : undefined;
    if (!dir) return Status.BadArgument;
    if (this.localReply) return Status.Ok;
    if (!dir.paused) return Status.Ok;
    dir.paused = false;
    this.releaseHeldHeaders(dir);
    // What the filter held goes on; body that queued behind held headers is delivered next, as Envoy does.
    dir.forwarded.body = concat(dir.forwarded.body, dir.buffered);
    dir.buffered = new Uint8Array(0);
    if (dir.queued.length || dir.queuedEnd) {
      const chunk = dir.queued.reduce(concat, new Uint8Array(0));
      const end = dir.queuedEnd;
      dir.queued = [];
      dir.queuedEnd = false;
      const type = dir === this.request ? BufferType.HttpRequestBody : BufferType.HttpResponseBody;
      this.host.settle(Promise.resolve().then(() => this.deliverBody(dir, type, chunk, end)));
    }
    return Status.Ok;
  }

  /** Runs a pending local reply through the plugin's response callbacks, as Envoy's encoder chain does. */
  deliverLocalReply(): void {
    const reply = this.localReply;
    if (!reply || this.localReplyDelivered) return;
    this.localReplyDelivered = true;
    const headers: Array<[string, string]> = [[":status", String(reply.status)], ...reply.headers];
    if (reply.bodyBytes.length) headers.push(["content-length", String(reply.bodyBytes.length)], ["content-type", "text/plain"]);
    const dir = this.response;
    dir.headers = HeaderMap.from(headers);
    const end = reply.bodyBytes.length === 0;
    this.record("proxy_on_response_headers", this.host.call("proxy_on_response_headers", this.contextId, dir.headers.size, end ? 1 : 0));
    if (!end) {
      dir.buffered = reply.bodyBytes;
      this.record("proxy_on_response_body", this.host.call("proxy_on_response_body", this.contextId, dir.buffered.length, 1));
      reply.bodyBytes = dir.buffered;
      reply.body = utf8Decoder.decode(dir.buffered);
    }
    reply.headers = dir.headers.pairs().filter(([k]) => !k.startsWith(":"));
    dir.forwarded = { headers: dir.headers, body: reply.bodyBytes, trailers: null, ended: true };
  }

  private wire(header: string): Uint8Array | undefined {
    const v = this.request.headers.get(header);
    return v === undefined ? undefined : Buffer.from(v, "latin1");
  }

  private record(callback: string, action: number): number {
    this.actions.push({ callback, action });
    return action;
  }

  private deliverHeaders(dir: Direction, callback: string, endOfStream: boolean): number | undefined {
    if (this.localReply) return undefined;
    const action = this.record(callback, this.host.call(callback, this.contextId, dir.headers.size, endOfStream ? 1 : 0));
    if (this.localReply) return action;
    if (action === HeadersAction.Continue || action === HeadersAction.ContinueAndEndStream) {
      dir.forwarded.headers = dir.headers;
      dir.forwarded.ended = endOfStream || action === HeadersAction.ContinueAndEndStream;
    } else {
      dir.paused = true;
      dir.headersPaused = true;
      dir.bodyFlows = action === HeadersAction.StopIteration && this.host.options.allowOnHeadersStopIteration === true;
      dir.forwarded.ended = false;
    }
    if (endOfStream && !dir.paused) dir.forwarded.ended = true;
    return action;
  }

  /** A Continue from a body or trailers callback also releases headers held with StopIteration. */
  private releaseHeldHeaders(dir: Direction): void {
    if (!dir.headersPaused) return;
    dir.headersPaused = false;
    dir.bodyFlows = false;
    dir.forwarded.headers = dir.headers;
  }

  private deliverBody(dir: Direction, type: BufferType, chunk: Uint8Array, endOfStream: boolean): number | undefined {
    if (this.localReply) return undefined;
    if (dir.headersPaused && !dir.bodyFlows) {
      dir.queued.push(chunk);
      dir.queuedEnd ||= endOfStream;
      return undefined;
    }
    dir.buffered = concat(dir.buffered, chunk);
    const limit = this.host.options.bufferLimitBytes ?? 1 << 20;
    if (type === BufferType.HttpRequestBody && dir.buffered.length > limit) {
      this.localReply = { status: 413, details: "request_payload_too_large", body: "Payload Too Large",
        bodyBytes: utf8Encoder.encode("Payload Too Large"), headers: [], grpcStatus: -1 };
      return undefined;
    }
    const callback = type === BufferType.HttpRequestBody ? "proxy_on_request_body" : "proxy_on_response_body";
    const action = this.record(callback, this.host.call(callback, this.contextId, dir.buffered.length, endOfStream ? 1 : 0));
    if (this.localReply) return action;
    if (action === BodyAction.Continue) {
      dir.paused = false;
      this.releaseHeldHeaders(dir);
      dir.forwarded.body = concat(dir.forwarded.body, dir.buffered);
      dir.buffered = new Uint8Array(0);
      if (endOfStream) dir.forwarded.ended = true;
    } else {
      dir.paused = true;
    }
    return action;
  }

  private deliverTrailers(dir: Direction, callback: string, trailers: HeaderInput): number | undefined {
    if (this.localReply) return undefined;
    dir.trailers = HeaderMap.from(trailers);
    const action = this.record(callback, this.host.call(callback, this.contextId, dir.trailers.size));
    if (this.localReply) return action;
    if (action === 0) {
      dir.paused = false;
      this.releaseHeldHeaders(dir);
      dir.forwarded.body = concat(dir.forwarded.body, dir.buffered);
      dir.buffered = new Uint8Array(0);
      dir.forwarded.trailers = dir.trailers;
      dir.forwarded.ended = true;
    } else {
      dir.paused = true;
    }
    return action;
  }
}

export { toWire, fromWire };
