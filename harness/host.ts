// A proxy-wasm host in TypeScript that runs a compiled plugin in Node's V8 with the semantics of Envoy 1.40's host
// (proxy-wasm-cpp-host and Envoy's source/extensions/common/wasm): ABI 0.1.0, 0.2.0 and 0.2.1, the imports that
// host provides and nothing else, its WASI. One ProxyWasmHost = one VM with one plugin (root context);
// reconfigure() replaces the root context as a live configuration update (ECDS, LDS) does in Envoy.
import { readFileSync } from "node:fs";
import {
  Status, LogLevel, BufferType, MapType, StreamType, MetricType, HeadersAction, BodyAction, LOG_LEVEL_NAMES, LogLevelName,
} from "./abi.ts";
import { encodePairs, decodePairs } from "./pairs.ts";
import { HeaderMap, HeaderInput, toWire, fromWire } from "./header-map.ts";
import { inspectModule, type AbiVersion } from "./module-info.ts";
import { envoyImports, loadError, allowedDuringStart } from "./envoy-imports.ts";
import { wasiImports } from "./wasi.ts";

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

/**
 * Envoy's shared data: one key-value store for every VM with the same vm_id in the process, with
 * compare-and-swap versions from one counter. Hosts given the same store behave as VMs of one Envoy.
 */
export class SharedDataStore {
  readonly entries = new Map<string, { value: Uint8Array; cas: number }>();
  private nextCas = 1;

  takeCas(): number {
    return this.nextCas++;
  }
}

/** A gRPC call (proxy_grpc_call) or stream (proxy_grpc_stream) the plugin opened, as the host recorded it. */
export interface GrpcCallRecord {
  /** Envoy's token: calls are 4n+1, streams 4n+2. */
  token: number;
  kind: "call" | "stream";
  /** The `grpc_service` argument: a cluster name (or a serialized GrpcService). */
  service: string;
  serviceName: string;
  method: string;
  initialMetadata: Array<[string, string]>;
  /** Messages the plugin sent: the request of a call; proxy_grpc_send's of a stream. */
  messages: Uint8Array[];
  timeoutMs: number;
  /** The plugin half-closed the stream (proxy_grpc_send with end_of_stream, or proxy_grpc_close). */
  endedByPlugin: boolean;
  /** The plugin cancelled it (proxy_grpc_cancel). */
  cancelled: boolean;
  /** The host delivered proxy_on_grpc_close, or the call is otherwise over. */
  finished: boolean;
}

/**
 * The answer to a gRPC call or stream, delivered in this order: initial metadata, each message, trailing
 * metadata, close with status (0 = OK). A unary call that succeeds gets its one message and no close, as in Envoy.
 */
export interface GrpcResponse {
  initialMetadata?: HeaderInput;
  messages?: Array<string | Uint8Array>;
  trailingMetadata?: HeaderInput;
  /** gRPC status code; a call with a non-zero status (or no message) is closed with it. */
  status?: number;
  statusMessage?: string;
}

/** Decides the answer of a gRPC call as it is made; undefined leaves it for respondToGrpc / the grpc* methods. */
export type GrpcHandler = (call: GrpcCallRecord) => GrpcResponse | undefined | Promise<GrpcResponse>;

/** Envoy refused to load the module: the message is Envoy's own (e.g. a missing import). */
export class WasmLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WasmLoadError";
  }
}

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
  /** Shared data to use (default: a store of this host's own); give several hosts one store to share it. */
  sharedStore?: SharedDataStore;
  /** The VM's vm_id (Envoy's `vm_config.vm_id`): property plugin_vm_id, shared queue resolution. */
  vmId?: string;
  /** Environment variables the VM sees through WASI environ_get (Envoy's `vm_config.environment_variables`). */
  environment?: Record<string, string>;
  onGrpcCall?: GrpcHandler;
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

/** A pointer from the module that lies outside its memory. */
class MemoryFault extends Error {}

/** A host call Envoy does not allow while the module starts: it traps the VM. */
class RestrictedCallback extends Error {
  constructor() {
    super("restricted_callback");
  }
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
  readonly grpcCalls: GrpcCallRecord[] = [];
  readonly sharedStore: SharedDataStore;
  /** The shared data as the plugin sees it (key -> value and CAS version). */
  readonly sharedData: Map<string, { value: Uint8Array; cas: number }>;
  /** Shared queues by name, as proxy_register_shared_queue made them. */
  readonly sharedQueues = new Map<string, { token: number; items: Uint8Array[] }>();
  tickPeriodMs = 0;
  trapped: WasmTrap | null = null;
  /** The ABI version the module declares (known after start()). */
  abiVersion: AbiVersion | null = null;
  /** With countCalls: host functions called by the module, callbacks called by the host, copies into the module. */
  readonly hostCalls = new Map<string, number>();
  readonly callbacks = new Map<string, number>();
  copiesIn = 0;

  private exports!: Exports;
  readonly options: HostOptions;
  private pluginConfig: Uint8Array;
  private readonly vmConfig: Uint8Array;
  /** Envoy numbers metrics by type (counters 4n, gauges 4n+1, histograms 4n+2); several ids may name one stat. */
  private readonly metricsById = new Map<number, { name: string; type: MetricType }>();
  private readonly metricValues = new Map<string, { type: MetricType; value: bigint }>();
  private readonly nextMetricId = [MetricType.Counter, MetricType.Gauge, MetricType.Histogram];
  private readonly streams = new Map<number, HttpStream>();
  /** The root context new streams, ticks and call-out answers go to; reconfigure() replaces it. */
  private rootContext = ROOT_CONTEXT_ID;
  /** Root contexts that still exist (the current one, and replaced ones whose streams have not all ended). */
  private readonly liveRoots = new Set<number>([ROOT_CONTEXT_ID]);
  /** The root context of each open stream and each call-out in flight (answers go to the root that called). */
  private readonly streamRoots = new Map<number, number>();
  private readonly callRoots = new Map<number, number>();
  /** Tick period per root context, in ms (0 or absent: no ticks). */
  readonly tickPeriods = new Map<number, number>();
  private nextContextId = ROOT_CONTEXT_ID + 1;
  /** Envoy's callout tokens: HTTP calls 4n, gRPC calls 4n+1, gRPC streams 4n+2. */
  private nextHttpToken = 0;
  private nextGrpcCallToken = 1;
  private nextGrpcStreamToken = 2;
  /** Only inside a gRPC callback: its metadata or message. */
  private grpcDelivery: { initial?: HeaderMap; trailing?: HeaderMap; message?: Uint8Array } | null = null;
  /** Set by the last gRPC close: what proxy_get_status reports. */
  private lastStatus: { code: number; message: Uint8Array } = { code: 0, message: new Uint8Array(0) };
  /** True only inside proxy_on_configure: Envoy gives the plugin configuration only then. */
  private configuring = false;
  /** True while _initialize / main / _start run (Envoy restricts host calls then). */
  private starting = false;
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
    this.sharedStore = options.sharedStore ?? new SharedDataStore();
    this.sharedData = this.sharedStore.entries;
    this.nowNs = BigInt(options.nowMs ?? Date.now()) * 1_000_000n;
    this.lastTickNs = this.nowNs;
  }

  /** Instantiates the module, runs _initialize, creates the root context, then on_vm_start and on_configure. */
  /**
   * Loads the module as Envoy does, or throws WasmLoadError with Envoy's message (unknown ABI version, an import
   * Envoy does not provide or provides with another type, no allocator). Then, as Envoy: _initialize and main
   * (or __main_void) for a WASI reactor, else _start; the root context; on_vm_start and on_configure.
   */
  async start(): Promise<StartResult> {
    const bytes = typeof this.options.wasm === "string" ? readFileSync(this.options.wasm) : this.options.wasm;
    let info;
    try {
      info = inspectModule(bytes);
    } catch (err) {
      throw new WasmLoadError((err as Error).message);
    }
    const refused = loadError(info);
    if (refused) throw new WasmLoadError(refused);
    this.abiVersion = info.abi;
    const module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
    const instance = await WebAssembly.instantiate(module, this.imports(info.abi!));
    this.exports = instance.exports as unknown as Exports;
    if (this.exports._initialize) {
      this.startUp("_initialize");
      if (typeof this.exports.main === "function") this.startUp("main", 0, 0);
      else if (typeof this.exports.__main_void === "function") this.startUp("__main_void");
    } else if (this.exports._start) {
      this.startUp("_start");
    }
    this.call("proxy_on_context_create", ROOT_CONTEXT_ID, 0);
    // A module without on_vm_start or on_configure is started and configured (ContextBase::onStart/onConfigure).
    const exported = (name: string) => this.exported(name);
    const vmStarted = !exported("proxy_on_vm_start") || this.call("proxy_on_vm_start", ROOT_CONTEXT_ID, this.vmConfig.length) !== 0;
    let configured = false;
    if (vmStarted) {
      this.configuring = true;
      try {
        configured = !exported("proxy_on_configure") || this.call("proxy_on_configure", ROOT_CONTEXT_ID, this.pluginConfig.length) !== 0;
      } finally {
        this.configuring = false;
      }
    }
    return { ok: vmStarted && configured, vmStarted, configured, logs: [...this.logs] };
  }

  /** A WASI start function, run as Envoy runs it: most host calls trap; a trap refuses the module. */
  private startUp(name: string, ...args: number[]): void {
    this.starting = true;
    try {
      this.call(name, ...args);
    } catch (err) {
      if (!(err instanceof WasmTrap)) throw err;
      const cause = err.cause instanceof RestrictedCallback ? "Uncaught Error: restricted_callback" : String((err.cause as Error)?.message ?? err.cause);
      throw new WasmLoadError(`Function: ${name} failed: ${cause}`);
    } finally {
      this.starting = false;
    }
  }

  /**
   * A new plugin configuration, applied as Envoy applies an ECDS or LDS update to a running VM. Envoy first tries
   * it in a fresh copy of the VM (its canary), so a configuration the plugin refuses never reaches this VM: the
   * result says so and the current root keeps serving. An accepted one gets a new root context here
   * (on_context_create, on_vm_start, on_configure); new streams go to it, while streams already open finish on the
   * old root, which then gets on_done and on_delete (Envoy's PluginHandle release). Ticks (tick(), advance()) go
   * to the current root only; call-out answers go to the root that made the call.
   */
  async reconfigure(pluginConfig: string | Uint8Array | object): Promise<StartResult> {
    const canary = await new ProxyWasmHost({ ...this.options, pluginConfig, nowMs: this.nowMs }).start();
    if (!canary.ok) return canary;
    const previous = this.pluginConfig;
    this.pluginConfig = toBytes(pluginConfig);
    const id = this.nextContextId++;
    const logsBefore = this.logs.length;
    this.liveRoots.add(id);
    this.call("proxy_on_context_create", id, 0);
    const vmStarted = !this.exported("proxy_on_vm_start") || this.call("proxy_on_vm_start", id, this.vmConfig.length) !== 0;
    let configured = false;
    if (vmStarted) {
      this.configuring = true;
      try {
        configured = !this.exported("proxy_on_configure") || this.call("proxy_on_configure", id, this.pluginConfig.length) !== 0;
      } finally {
        this.configuring = false;
      }
    }
    const result = { ok: vmStarted && configured, vmStarted, configured, logs: this.logs.slice(logsBefore) };
    if (!result.ok) {
      // Accepted by the canary but refused here: Envoy fails the thread-local plugin and keeps the old one.
      this.pluginConfig = previous;
      return result;
    }
    const old = this.rootContext;
    this.rootContext = id;
    this.tickPeriodMs = this.tickPeriods.get(id) ?? 0;
    this.lastTickNs = this.nowNs;
    this.retireIfIdle(old);
    return result;
  }

  /** The number of root contexts not yet deleted (1 when every replaced root has been retired). */
  get rootContexts(): number {
    return this.liveRoots.size;
  }

  /** How many times the module defined a metric (each definition costs Envoy a new id and table entry). */
  get metricDefinitions(): number {
    return this.metricsById.size;
  }

  /** Opens an HTTP stream (a new context under the root). Per-stream properties override the host's. */
  openStream(options: { properties?: Properties } = {}): HttpStream {
    const id = this.nextContextId++;
    const stream = new HttpStream(this, id, options.properties ?? {});
    this.streams.set(id, stream);
    this.streamRoots.set(id, this.rootContext);
    this.call("proxy_on_context_create", id, this.rootContext);
    return stream;
  }

  /** Delivers one tick to the root context. */
  tick(): void {
    this.call("proxy_on_tick", this.rootContext);
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
      const caller = this.callRoots.get(token) ?? this.rootContext;
      this.callRoots.delete(token);
      if (this.liveRoots.has(caller)) this.call("proxy_on_http_call_response", caller, token, r.headers.size, r.body.length, r.trailers.size);
    } finally {
      this.callResponse = null;
    }
  }

  /**
   * Answers a gRPC call or stream in Envoy's order: initial metadata, messages, trailing metadata, then close.
   * A unary call that succeeds with a message is finished by that message (Envoy does not close it).
   */
  respondToGrpc(token: number, response: GrpcResponse): void {
    const call = this.grpcCall(token);
    if (response.initialMetadata !== undefined) this.grpcReceiveInitialMetadata(token, response.initialMetadata);
    for (const message of response.messages ?? []) {
      this.grpcReceive(token, message);
      if (call.finished) return;
    }
    if (response.trailingMetadata !== undefined) this.grpcReceiveTrailingMetadata(token, response.trailingMetadata);
    if (!call.finished) this.grpcClose(token, response.status ?? 0, response.statusMessage ?? "");
  }

  /** Delivers proxy_on_grpc_receive_initial_metadata (map type 4 readable inside it). */
  grpcReceiveInitialMetadata(token: number, metadata: HeaderInput): void {
    this.grpcCall(token);
    const map = HeaderMap.from(metadata);
    this.deliverGrpc({ initial: map }, "proxy_on_grpc_receive_initial_metadata", token, map.size);
  }

  /** Delivers one message through proxy_on_grpc_receive (buffer type 5 inside it). */
  grpcReceive(token: number, message: string | Uint8Array): void {
    const call = this.grpcCall(token);
    const bytes = toBytes(message);
    this.deliverGrpc({ message: bytes }, "proxy_on_grpc_receive", token, bytes.length);
    if (call.kind === "call") call.finished = true;
  }

  /** Delivers proxy_on_grpc_receive_trailing_metadata (map type 5 readable inside it). */
  grpcReceiveTrailingMetadata(token: number, metadata: HeaderInput): void {
    this.grpcCall(token);
    const map = HeaderMap.from(metadata);
    this.deliverGrpc({ trailing: map }, "proxy_on_grpc_receive_trailing_metadata", token, map.size);
  }

  /** Closes the call or stream: proxy_on_grpc_close with the status; proxy_get_status reports it afterwards. */
  grpcClose(token: number, status: number, message = ""): void {
    const call = this.grpcCall(token);
    call.finished = true;
    const bytes = utf8Encoder.encode(message);
    this.lastStatus = { code: status, message: bytes };
    this.deliverGrpc({ message: bytes }, "proxy_on_grpc_close", token, status);
  }

  pendingGrpcCalls(): GrpcCallRecord[] {
    return this.grpcCalls.filter((c) => !c.finished && !c.cancelled);
  }

  private grpcCall(token: number): GrpcCallRecord {
    const call = this.grpcCalls.find((c) => c.token === token);
    if (!call) throw new Error(`no gRPC call with token ${token}`);
    if (call.finished || call.cancelled) throw new Error(`gRPC call ${token} is already over`);
    return call;
  }

  private deliverGrpc(delivery: NonNullable<ProxyWasmHost["grpcDelivery"]>, callback: string, token: number, arg: number): void {
    this.grpcDelivery = delivery;
    try {
      this.call(callback, this.rootContext, token, arg);
    } finally {
      this.grpcDelivery = null;
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
    const m = this.metricValues.get(name);
    return m === undefined ? undefined : Number(m.value);
  }

  metrics(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, { value }] of this.metricValues) out[name] = Number(value);
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
    this.effectiveContext = name === "proxy_on_context_create" ? args[0] : args.length > 0 ? args[0] : this.rootContext;
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
    const root = this.streamRoots.get(id);
    this.streamRoots.delete(id);
    if (root !== undefined && root !== this.rootContext) this.retireIfIdle(root);
  }

  /** True when the module exports the callback: Envoy calls only those, and counts a missing one as Continue / true. */
  private exported(name: string): boolean {
    return typeof this.exports[name] === "function";
  }

  /** A replaced root context with no stream left gets on_done and, when that says done, on_delete. */
  private retireIfIdle(root: number): void {
    for (const r of this.streamRoots.values()) if (r === root) return;
    // A module that does not export on_done is done at once, as Envoy's host counts it.
    if (this.exported("proxy_on_done") && this.call("proxy_on_done", root) === 0) return; // the plugin finishes later (proxy_done)
    this.call("proxy_on_delete", root);
    this.liveRoots.delete(root);
  }

  /** The root context of a context: itself for a root, its parent for a stream. */
  private rootOf(context: number): number {
    return this.streamRoots.get(context) ?? context;
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
  /** Envoy answers InvalidMemoryAccess for a pointer outside the module's memory; the guard turns this into it. */
  private checkMemory(ptr: number, len: number): void {
    if (ptr < 0 || len < 0 || ptr + len > this.mem.byteLength) throw new MemoryFault();
  }
  private read(ptr: number, len: number): Uint8Array {
    this.checkMemory(ptr, len);
    return this.mem.slice(ptr, ptr + len);
  }
  private readString(ptr: number, len: number): string {
    this.checkMemory(ptr, len);
    return utf8Decoder.decode(this.mem.subarray(ptr, ptr + len));
  }
  private readLatin1(ptr: number, len: number): string {
    this.checkMemory(ptr, len);
    const mem = this.mem;
    if (len <= 256) return String.fromCharCode.apply(null, mem.subarray(ptr, ptr + len) as unknown as number[]);
    return Buffer.from(mem.subarray(ptr, ptr + len)).toString("latin1");
  }
  /** As give(), for a wire string (one char per byte), written straight into module memory. */
  private giveLatin1(value: string, retPtr: number, retSize: number): Status {
    this.checkMemory(retPtr, 4);
    this.checkMemory(retSize, 4);
    const ptr = value.length === 0 ? 0 : this.alloc(value.length);
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
    this.checkMemory(retPtr, 4);
    this.checkMemory(retSize, 4);
    const ptr = bytes.length === 0 ? 0 : this.alloc(bytes.length);
    if (ptr !== 0 && this.options.countCalls) this.copiesIn++;
    if (bytes.length) this.mem.set(bytes, ptr);
    this.view.setUint32(retPtr, ptr, true);
    this.view.setUint32(retSize, bytes.length, true);
    return Status.Ok;
  }

  /** The module's allocator, malloc preferred (Envoy's getFunctions()); a null or bad pointer is a memory fault. */
  private alloc(size: number): number {
    const fn = (this.exports.malloc ?? this.exports.proxy_on_memory_allocate)!;
    const ptr = (fn(size) as number) >>> 0;
    if (ptr === 0) throw new MemoryFault();
    this.checkMemory(ptr, size);
    return ptr;
  }
  private setU32(ptr: number, value: number): void {
    this.checkMemory(ptr, 4);
    this.view.setUint32(ptr, value, true);
  }

  private stream(): HttpStream | undefined {
    return this.streams.get(this.effectiveContext);
  }

  /** The map a header call may read (Envoy's getConstMap): call-out response and gRPC metadata included. */
  private headerMap(type: MapType): HeaderMap | undefined {
    if (type === MapType.HttpCallResponseHeaders) return this.callResponse?.headers;
    if (type === MapType.HttpCallResponseTrailers) return this.callResponse?.trailers;
    if (type === MapType.GrpcInitialMetadata) return this.grpcDelivery?.initial;
    if (type === MapType.GrpcTrailingMetadata) return this.grpcDelivery?.trailing;
    return this.stream()?.map(type);
  }

  /** The map a header call may change or size (Envoy's getMap): only the stream's own headers and trailers. */
  private mutableHeaderMap(type: MapType): HeaderMap | undefined {
    return type <= MapType.ResponseTrailers ? this.stream()?.map(type) : undefined;
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
      case "plugin_vm_id": return utf8Encoder.encode(this.options.vmId ?? "");
      case "node.id": return utf8Encoder.encode("waymark-harness");
    }
    return undefined;
  }

  private log(level: number, message: string): void {
    this.logs.push({ level: LOG_LEVEL_NAMES[level] ?? "info", message });
  }

  private queueByToken(token: number): { token: number; items: Uint8Array[] } | undefined {
    for (const q of this.sharedQueues.values()) if (q.token === token) return q;
    return undefined;
  }

  private pairsToStrings(pairs: Array<[Uint8Array, Uint8Array]>): Array<[string, string]> {
    return pairs.map(([k, v]) => [utf8Decoder.decode(k), utf8Decoder.decode(v)]);
  }

  /** Records a gRPC call or stream; Envoy refuses a cluster it does not know with ParseFailure. */
  private openGrpc(kind: "call" | "stream", a: number[], message: Uint8Array | null, timeout: number, retToken: number): number {
    const [sptr, slen, nptr, nlen, mptr, mlen, mdptr, mdlen] = a;
    const service = this.readString(sptr, slen);
    const metadata = decodePairs(this.read(mdptr, mdlen)) ?? [];
    if (this.options.clusters && !this.options.clusters.includes(service)) return Status.ParseFailure;
    this.checkMemory(retToken, 4);
    const token = kind === "call" ? (this.nextGrpcCallToken += 4) : (this.nextGrpcStreamToken += 4);
    const call: GrpcCallRecord = {
      token, kind, service, serviceName: this.readString(nptr, nlen), method: this.readString(mptr, mlen),
      initialMetadata: this.pairsToStrings(metadata), messages: message ? [message] : [], timeoutMs: timeout,
      endedByPlugin: kind === "call", cancelled: false, finished: false,
    };
    this.grpcCalls.push(call);
    this.setU32(retToken, token);
    const answer = this.options.onGrpcCall?.(call);
    if (answer !== undefined) this.settle(Promise.resolve(answer).then((r) => this.respondToGrpc(token, r)));
    return Status.Ok;
  }

  /** The functions Envoy provides to a module of this ABI version, and only those. */
  private imports(abi: AbiVersion): WebAssembly.Imports {
    const host = this;
    const logLevel = LOG_LEVEL_NAMES.indexOf(this.options.logLevel ?? "trace");
    const continueType = (type: number): number => {
      if (type > StreamType.Upstream) return Status.BadArgument;
      const stream = host.stream();
      if (!stream) return Status.NotFound;
      return stream.resume(type);
    };
    const env: Record<string, (...a: any[]) => number | void> = {
      proxy_log(level: number, ptr: number, len: number): number {
        if (level > LogLevel.Critical) return Status.BadArgument;
        host.log(level, host.readString(ptr, len));
        return Status.Ok;
      },
      proxy_get_log_level(ret: number): number {
        host.setU32(ret, logLevel);
        return Status.Ok;
      },
      proxy_get_current_time_nanoseconds(ret: number): number {
        host.checkMemory(ret, 8);
        host.view.setBigUint64(ret, host.nowNs, true);
        return Status.Ok;
      },
      proxy_set_tick_period_milliseconds(ms: number): number {
        const root = host.rootOf(host.effectiveContext);
        host.tickPeriods.set(root, ms);
        if (root === host.rootContext) {
          host.tickPeriodMs = ms;
          host.lastTickNs = host.nowNs;
        }
        return Status.Ok;
      },
      proxy_set_effective_context(id: number): number {
        if (!host.liveRoots.has(id) && !host.streams.has(id)) return Status.BadArgument;
        host.effectiveContext = id;
        return Status.Ok;
      },
      proxy_done(): number {
        return Status.Ok;
      },
      // ABI 0.1.0: the plugin configuration while on_configure runs, the VM configuration otherwise.
      proxy_get_configuration(retPtr: number, retSize: number): number {
        return host.give(host.configuring ? host.pluginConfig : host.vmConfig, retPtr, retSize);
      },
      proxy_get_status(retCode: number, retPtr: number, retSize: number): number {
        host.setU32(retCode, host.lastStatus.code);
        return host.give(host.lastStatus.message, retPtr, retSize);
      },
      proxy_get_buffer_bytes(type: number, start: number, max: number, retPtr: number, retSize: number): number {
        if (type > BufferType.ForeignFunctionArguments) return Status.BadArgument;
        const buf = host.buffer(type);
        if (buf === undefined) return Status.NotFound;
        if (start > buf.length) return Status.BadArgument;
        return host.give(buf.subarray(start, Math.min(buf.length, start + max)), retPtr, retSize);
      },
      proxy_get_buffer_status(type: number, retSize: number, retFlags: number): number {
        if (type > BufferType.ForeignFunctionArguments) return Status.BadArgument;
        const buf = host.buffer(type);
        if (buf === undefined) return Status.NotFound;
        host.setU32(retSize, buf.length);
        host.setU32(retFlags, 0);
        return Status.Ok;
      },
      proxy_set_buffer_bytes(type: number, start: number, size: number, ptr: number, len: number): number {
        if (type > BufferType.ForeignFunctionArguments) return Status.BadArgument;
        const stream = host.stream();
        if (!stream || (type !== BufferType.HttpRequestBody && type !== BufferType.HttpResponseBody)) return Status.NotFound;
        return stream.writeBody(type, start, size, host.read(ptr, len));
      },
      proxy_get_header_map_pairs(type: number, retPtr: number, retSize: number): number {
        if (type > MapType.HttpCallResponseTrailers) return Status.BadArgument;
        const pairs = (host.headerMap(type)?.wirePairs() ?? []).map(([k, v]) => [Buffer.from(k, "latin1"), Buffer.from(v, "latin1")] as const);
        return host.give(pairs.length ? encodePairs(pairs) : new Uint8Array(0), retPtr, retSize);
      },
      proxy_set_header_map_pairs(type: number, ptr: number, len: number): number {
        if (type > MapType.HttpCallResponseTrailers) return Status.BadArgument;
        const data = host.read(ptr, len);
        const map = host.mutableHeaderMap(type);
        if (!map) return Status.BadArgument;
        const pairs = decodePairs(data);
        if (!pairs) return Status.BadArgument;
        map.setAll(pairs.map(([k, v]) => [Buffer.from(k).toString("latin1"), Buffer.from(v).toString("latin1")]));
        return Status.Ok;
      },
      proxy_get_header_map_value(type: number, kptr: number, klen: number, retPtr: number, retSize: number): number {
        if (type > MapType.HttpCallResponseTrailers) return Status.BadArgument;
        const key = host.readLatin1(kptr, klen);
        const map = host.headerMap(type);
        if (!map) return Status.BadArgument;
        const value = map.get(key);
        // ABI 0.1.0 answers an absent header with an empty value.
        if (value === undefined) return abi === "0.1.0" ? host.giveLatin1("", retPtr, retSize) : Status.NotFound;
        return host.giveLatin1(value, retPtr, retSize);
      },
      proxy_add_header_map_value(type: number, kptr: number, klen: number, vptr: number, vlen: number): number {
        if (type > MapType.HttpCallResponseTrailers) return Status.BadArgument;
        const [key, value] = [host.readLatin1(kptr, klen), host.readLatin1(vptr, vlen)];
        const map = host.mutableHeaderMap(type);
        if (!map) return Status.BadArgument;
        map.add(key, value);
        return Status.Ok;
      },
      proxy_replace_header_map_value(type: number, kptr: number, klen: number, vptr: number, vlen: number): number {
        if (type > MapType.HttpCallResponseTrailers) return Status.BadArgument;
        const [key, value] = [host.readLatin1(kptr, klen), host.readLatin1(vptr, vlen)];
        const map = host.mutableHeaderMap(type);
        if (!map) return Status.BadArgument;
        map.replace(key, value);
        return Status.Ok;
      },
      proxy_remove_header_map_value(type: number, kptr: number, klen: number): number {
        if (type > MapType.HttpCallResponseTrailers) return Status.BadArgument;
        const key = host.readLatin1(kptr, klen);
        const map = host.mutableHeaderMap(type);
        if (!map) return Status.BadArgument;
        map.remove(key);
        return Status.Ok;
      },
      // Envoy answers the map's byte size (names and values), not its number of entries.
      proxy_get_header_map_size(type: number, ret: number): number {
        if (type > MapType.HttpCallResponseTrailers) return Status.BadArgument;
        const map = host.mutableHeaderMap(type);
        if (!map) return Status.BadArgument;
        host.setU32(ret, map.byteSize);
        return Status.Ok;
      },
      proxy_continue_stream: continueType,
      proxy_continue_request: () => continueType(StreamType.HttpRequest),
      proxy_continue_response: () => continueType(StreamType.HttpResponse),
      proxy_clear_route_cache: () => Status.Ok,
      proxy_close_stream(type: number): number {
        if (type > StreamType.Upstream) return Status.BadArgument;
        const stream = host.stream();
        if (!stream) return Status.NotFound;
        stream.closedByPlugin = true;
        return Status.Ok;
      },
      proxy_send_local_response(code: number, dptr: number, dlen: number, bptr: number, blen: number, hptr: number, hlen: number, grpc: number): number {
        const details = host.readString(dptr, dlen);
        const bodyBytes = host.read(bptr, blen);
        const pairs = decodePairs(host.read(hptr, hlen));
        const stream = host.stream();
        if (!stream) return Status.NotFound;
        if (!pairs) return Status.BadArgument;
        host.localReplyPending = true;
        stream.localReply = {
          status: code,
          details,
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
        const body = host.read(bptr, blen);
        const headers = decodePairs(host.read(hptr, hlen)) ?? [];
        const trailers = decodePairs(host.read(tptr, tlen)) ?? [];
        host.setU32(retToken, 0);
        if ((timeout | 0) < 0) return Status.BadArgument;
        if (host.options.clusters && !host.options.clusters.includes(cluster)) return Status.BadArgument;
        const h = host.pairsToStrings(headers);
        for (const required of [":method", ":path", ":authority"]) {
          if (!h.some(([k]) => k === required)) return Status.BadArgument;
        }
        const call: HttpCallRecord = {
          token: (host.nextHttpToken += 4), cluster, headers: h, body,
          trailers: host.pairsToStrings(trailers), timeoutMs: timeout, answered: false,
        };
        host.httpCalls.push(call);
        host.callRoots.set(call.token, host.rootOf(host.effectiveContext));
        host.setU32(retToken, call.token);
        const answer = host.options.onHttpCall?.(call);
        if (answer !== undefined) host.settle(Promise.resolve(answer).then((a) => host.respondToCall(call.token, a)));
        return Status.Ok;
      },
      proxy_grpc_call(sp: number, sl: number, np: number, nl: number, mp: number, ml: number, mdp: number, mdl: number,
        msgp: number, msgl: number, timeout: number, retToken: number): number {
        return host.openGrpc("call", [sp, sl, np, nl, mp, ml, mdp, mdl], host.read(msgp, msgl), timeout, retToken);
      },
      proxy_grpc_stream(sp: number, sl: number, np: number, nl: number, mp: number, ml: number, mdp: number, mdl: number, retToken: number): number {
        return host.openGrpc("stream", [sp, sl, np, nl, mp, ml, mdp, mdl], null, 0, retToken);
      },
      proxy_grpc_send(token: number, ptr: number, len: number, endStream: number): number {
        const message = host.read(ptr, len);
        const call = host.grpcCalls.find((c) => c.token === token && c.kind === "stream" && !c.finished && !c.cancelled);
        if (!call) return Status.BadArgument;
        call.messages.push(message);
        if (endStream) call.endedByPlugin = true;
        return Status.Ok;
      },
      proxy_grpc_cancel(token: number): number {
        const call = host.grpcCalls.find((c) => c.token === token && !c.finished && !c.cancelled);
        if (!call) return Status.NotFound;
        call.cancelled = true;
        return Status.Ok;
      },
      proxy_grpc_close(token: number): number {
        const call = host.grpcCalls.find((c) => c.token === token && !c.finished && !c.cancelled);
        if (!call) return Status.NotFound;
        if (call.kind === "stream") call.endedByPlugin = true;
        else call.cancelled = true;
        return Status.Ok;
      },
      proxy_get_shared_data(kptr: number, klen: number, retPtr: number, retSize: number, retCas: number): number {
        const entry = host.sharedData.get(host.readString(kptr, klen));
        if (!entry) return Status.NotFound;
        const status = host.give(entry.value, retPtr, retSize);
        host.setU32(retCas, entry.cas);
        return status;
      },
      proxy_set_shared_data(kptr: number, klen: number, vptr: number, vlen: number, cas: number): number {
        const key = host.readString(kptr, klen);
        const value = host.read(vptr, vlen);
        const entry = host.sharedData.get(key);
        if (cas !== 0 && entry && entry.cas !== cas) return Status.CasMismatch;
        host.sharedData.set(key, { value, cas: host.sharedStore.takeCas() });
        return Status.Ok;
      },
      // Queues are the VM's (vm_id); registering a name again gives the same token.
      proxy_register_shared_queue(nptr: number, nlen: number, retToken: number): number {
        const name = host.readString(nptr, nlen);
        let queue = host.sharedQueues.get(name);
        if (!queue) {
          queue = { token: host.sharedQueues.size + 1, items: [] };
          host.sharedQueues.set(name, queue);
        }
        host.setU32(retToken, queue.token);
        return Status.Ok;
      },
      proxy_resolve_shared_queue(vptr: number, vlen: number, nptr: number, nlen: number, retToken: number): number {
        const vmId = host.readString(vptr, vlen);
        const queue = host.sharedQueues.get(host.readString(nptr, nlen));
        if (!queue || (vmId !== "" && vmId !== (host.options.vmId ?? ""))) return Status.NotFound;
        host.setU32(retToken, queue.token);
        return Status.Ok;
      },
      proxy_enqueue_shared_queue(token: number, ptr: number, len: number): number {
        const data = host.read(ptr, len);
        const queue = host.queueByToken(token);
        if (!queue) return Status.NotFound;
        queue.items.push(data);
        // Envoy posts proxy_on_queue_ready to the registering root context: it runs after the current callback.
        host.settle(Promise.resolve().then(() => host.call("proxy_on_queue_ready", host.rootContext, token)));
        return Status.Ok;
      },
      proxy_dequeue_shared_queue(token: number, retPtr: number, retSize: number): number {
        const queue = host.queueByToken(token);
        if (!queue) return Status.NotFound;
        const item = queue.items.shift();
        if (item === undefined) return Status.Empty;
        return host.give(item, retPtr, retSize);
      },
      proxy_define_metric(type: number, nptr: number, nlen: number, retId: number): number {
        if (type > MetricType.Histogram) return Status.BadArgument;
        const name = host.readString(nptr, nlen);
        const id = (host.nextMetricId[type] += 4);
        host.metricsById.set(id, { name, type });
        if (!host.metricValues.has(name)) host.metricValues.set(name, { type, value: 0n });
        host.setU32(retId, id);
        return Status.Ok;
      },
      proxy_increment_metric(id: number, offset: bigint): number {
        const m = host.metricById(id);
        if (!m) return Status.NotFound;
        if (m.type === MetricType.Histogram) return Status.BadArgument;
        if (m.type === MetricType.Counter && offset < 0n) return Status.BadArgument;
        m.value += offset;
        return Status.Ok;
      },
      proxy_record_metric(id: number, value: bigint): number {
        const m = host.metricById(id);
        if (!m) return Status.NotFound;
        if (m.type === MetricType.Counter) return Status.BadArgument;
        m.value = BigInt.asUintN(64, value);
        return Status.Ok;
      },
      proxy_get_metric(id: number, ret: number): number {
        const m = host.metricById(id);
        if (!m) return Status.NotFound;
        if (m.type === MetricType.Histogram) return Status.BadArgument;
        host.checkMemory(ret, 8);
        host.view.setBigUint64(ret, BigInt.asUintN(64, m.value), true);
        return Status.Ok;
      },
      proxy_get_property(pptr: number, plen: number, retPtr: number, retSize: number): number {
        const value = host.property(host.readString(pptr, plen));
        if (value === undefined) return Status.NotFound;
        return host.give(value, retPtr, retSize);
      },
      proxy_set_property(pptr: number, plen: number, vptr: number, vlen: number): number {
        const [path, value] = [host.readString(pptr, plen), host.read(vptr, vlen)];
        const stream = host.stream();
        if (!stream) return Status.NotFound;
        stream.setProperty(path, value);
        return Status.Ok;
      },
      proxy_call_foreign_function(nptr: number, nlen: number, aptr: number, alen: number, retPtr: number, retSize: number): number {
        const fn = host.options.foreignFunctions?.[host.readString(nptr, nlen)];
        const args = host.read(aptr, alen);
        if (!fn) return Status.NotFound;
        const result = fn(args);
        if (typeof result === "number") return result;
        return host.give(result, retPtr, retSize);
      },
      // Emscripten's notice that memory grew: Envoy does nothing with it.
      emscripten_notify_memory_growth(): void {},
      pthread_equal: (a: number, b: number) => (a === b ? 1 : 0),
    };
    const provided = envoyImports(abi);
    const guardedEnv: Record<string, (...a: any[]) => number | void> = {};
    for (const [name, fn] of Object.entries(env)) {
      if (!provided.has(`env.${name}`)) continue;
      const allowedAtStart = allowedDuringStart("env", name);
      guardedEnv[name] = (...args: any[]) => {
        if (host.starting && !allowedAtStart) throw new RestrictedCallback();
        try {
          // Sizes and pointers are u32 in the ABI; V8 hands them over as signed.
          return fn(...args.map((a) => (typeof a === "number" ? a >>> 0 : a)));
        } catch (err) {
          if (err instanceof MemoryFault) return Status.InvalidMemoryAccess;
          throw err;
        }
      };
    }
    const wasi = wasiImports({
      memory: () => host.exports.memory,
      log: (level, message) => host.log(level, message),
      nowNs: () => host.nowNs,
      environment: () => Object.entries(host.options.environment ?? {}),
    });
    for (const [name, fn] of Object.entries(wasi)) {
      if (allowedDuringStart("wasi_snapshot_preview1", name)) continue;
      wasi[name] = (...args: any[]) => {
        if (host.starting) throw new RestrictedCallback();
        return fn(...args);
      };
    }
    if (this.options.countCalls) {
      const counted = guardedEnv as Record<string, (...a: never[]) => number>;
      for (const [name, fn] of Object.entries(counted)) {
        counted[name] = (...args: never[]) => {
          host.hostCalls.set(name, (host.hostCalls.get(name) ?? 0) + 1);
          return fn(...args);
        };
      }
    }
    return { env: guardedEnv, wasi_snapshot_preview1: wasi, wasi_unstable: wasi };
  }

  private metricById(id: number): { type: MetricType; value: bigint } | undefined {
    const m = this.metricsById.get(id);
    return m && this.metricValues.get(m.name);
  }

  private buffer(type: number): Uint8Array | undefined {
    switch (type) {
      case BufferType.PluginConfiguration: return this.configuring ? this.pluginConfig : undefined;
      case BufferType.VmConfiguration: return this.vmConfig;
      case BufferType.HttpCallResponseBody: return this.callResponse?.body;
      case BufferType.GrpcCallMessage: return this.grpcDelivery?.message;
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
    const args = this.host.abiVersion === "0.1.0" ? [dir.headers.size] : [dir.headers.size, end ? 1 : 0];
    this.record("proxy_on_response_headers", this.host.call("proxy_on_response_headers", this.contextId, ...args));
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
    // ABI 0.1.0's header callbacks take no end_of_stream.
    const args = this.host.abiVersion === "0.1.0" ? [dir.headers.size] : [dir.headers.size, endOfStream ? 1 : 0];
    const action = this.record(callback, this.host.call(callback, this.contextId, ...args));
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
