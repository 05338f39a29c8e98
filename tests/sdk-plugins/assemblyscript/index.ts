// The conformance plugin with @solo-io/proxy-runtime 0.1.8 (ABI 0.2.0) on AssemblyScript 0.17. The request
// header `x-scenario` picks what it does; tests/sdk-plugins/scenarios.ts is the contract shared by every SDK's
// plugin. Where the SDK's own wrapper is broken (get_metric, shared data) the plugin calls the host directly.
export * from "@solo-io/proxy-runtime/proxy";
import {
  RootContext, Context, registerRootContext, FilterHeadersStatusValues, FilterDataStatusValues, stream_context,
  send_local_response, GrpcStatusValues, HeaderPair, Headers, Counter, Gauge, Histogram, log, LogLevelValues,
  continue_request, WasmResultValues,
} from "@solo-io/proxy-runtime";
import * as host from "@solo-io/proxy-runtime/imports";

const SDK = "assemblyscript";

// The SDK does not declare this host function; the ABI does.
// @ts-ignore: decorator
@external("env", "proxy_set_buffer_bytes")
declare function proxy_set_buffer_bytes(type: u32, start: u32, length: u32, ptr: usize, size: usize): u32;

function utf8(s: string): ArrayBuffer {
  return String.UTF8.encode(s);
}

function pair(k: string, v: string): HeaderPair {
  return new HeaderPair(utf8(k), utf8(v));
}

/** A host call's result slots: pointer and size of what the host allocated. */
class Out {
  ptr: usize = 0;
  size: usize = 0;
  cas: u32 = 0;
  bytes(): ArrayBuffer {
    const out = new ArrayBuffer(<i32>this.size);
    memory.copy(changetype<usize>(out), this.ptr, this.size);
    return out;
  }
  text(): string {
    return String.UTF8.decode(this.bytes());
  }
}

function property(path: string): string {
  const p = utf8(path);
  const out = new Out();
  const rc = host.proxy_get_property(changetype<usize>(p), p.byteLength, changetype<usize>(out), changetype<usize>(out) + offsetof<Out>("size"));
  if (rc != WasmResultValues.Ok) return "<absent>";
  return out.text();
}

function getMetric(id: u32): u64 {
  const out = new Out();
  host.proxy_get_metric(id, changetype<usize>(out));
  return load<u64>(changetype<usize>(out));
}

function header(name: string): string {
  let v = stream_context.headers.request.get(name);
  if (v == "") v = "<absent>";
  return v;
}

class ConformanceRoot extends RootContext {
  requests: Counter | null = null;
  ticks: Counter | null = null;
  gauge: Gauge | null = null;
  sizes: Histogram | null = null;

  onConfigure(size: u32): bool {
    super.onConfigure(size);
    if (this.getConfiguration() == "fail") {
      log(LogLevelValues.error, "assemblyscript plugin refused its configuration: fail");
      return false;
    }
    this.requests = new Counter("sdk_assemblyscript_requests");
    this.ticks = new Counter("sdk_assemblyscript_ticks");
    this.gauge = new Gauge("sdk_assemblyscript_gauge");
    this.sizes = new Histogram("sdk_assemblyscript_sizes");
    host.proxy_set_tick_period_milliseconds(100);
    log(LogLevelValues.info, "assemblyscript plugin configured");
    return true;
  }

  onTick(): void {
    (<Counter>this.ticks).increment(1);
  }

  createContext(context_id: u32): Context {
    return new ConformanceStream(context_id, this);
  }
}

function onCallout(origin: Context, headers: u32, bodySize: usize, trailers: u32): void {
  const status = stream_context.headers.http_callback.get(":status");
  const out = new Out();
  host.proxy_get_buffer_bytes(4, 0, <u32>bodySize, changetype<usize>(out), changetype<usize>(out) + offsetof<Out>("size"));
  const saw = out.size > 0 && out.text().includes("/callout?from=assemblyscript");
  let shown = status;
  if (shown == "") shown = "<absent>";
  let sawPath = "no";
  if (saw) sawPath = "yes";
  stream_context.headers.request.replace("x-callout-status", shown);
  stream_context.headers.request.replace("x-callout-saw-path", sawPath);
  continue_request();
}

class ConformanceStream extends Context {
  scenario: string = "";
  root: ConformanceRoot;

  constructor(context_id: u32, root: ConformanceRoot) {
    super(context_id, root);
    this.root = root;
  }

  onRequestHeaders(a: u32, end_of_stream: bool): FilterHeadersStatusValues {
    (<Counter>this.root.requests).increment(1);
    this.scenario = header("x-scenario");
    const request = stream_context.headers.request;
    request.replace("x-sdk", SDK);
    if (this.scenario == "headers") {
      request.replace("x-first", header("x-rep"));
      request.replace("x-replace", "replaced");
      request.remove("x-remove");
      request.add("x-added", "one");
      request.add("x-added", "two");
      request.replace("x-count", request.get_headers().length.toString());
      request.replace("x-config", this.root.getConfiguration());
    } else if (this.scenario == "local") {
      const headers: Headers = [pair("x-local", SDK)];
      send_local_response(418, "sdk_teapot", utf8("teapot from " + SDK), headers, GrpcStatusValues.Unknown);
      return FilterHeadersStatusValues.StopIteration;
    } else if (this.scenario == "props") {
      request.replace("x-prop-path", property("request\0path"));
      request.replace("x-prop-url-path", property("request\0url_path"));
      request.replace("x-prop-method", property("request\0method"));
      request.replace("x-prop-root-id", property("plugin_root_id"));
      request.replace("x-prop-missing", property("no\0such\0property"));
    } else if (this.scenario == "metrics") {
      const gauge = <Gauge>this.root.gauge;
      gauge.record(gauge.metric_id, 42);
      gauge.increment(-2);
      const sizes = <Histogram>this.root.sizes;
      sizes.record(sizes.metric_id, 7);
      const requests = getMetric((<Counter>this.root.requests).metric_id);
      request.replace("x-metrics", requests.toString() + "," + getMetric(gauge.metric_id).toString());
    } else if (this.scenario == "shared") {
      const key = utf8(header("x-key"));
      const k = changetype<usize>(key);
      const out = new Out();
      const o = changetype<usize>(out);
      const first = host.proxy_get_shared_data(k, key.byteLength, o, o + offsetof<Out>("size"), o + offsetof<Out>("cas"));
      const a = utf8("a");
      const set = host.proxy_set_shared_data(k, key.byteLength, changetype<usize>(a), 1, 0);
      const again = host.proxy_get_shared_data(k, key.byteLength, o, o + offsetof<Out>("size"), o + offsetof<Out>("cas"));
      const value = out.text();
      const b = utf8("b");
      const update = host.proxy_set_shared_data(k, key.byteLength, changetype<usize>(b), 1, out.cas);
      const stale = host.proxy_set_shared_data(k, key.byteLength, changetype<usize>(b), 1, out.cas);
      request.replace("x-shared", first.toString() + "," + set.toString() + "," + again.toString() + ":" + value + "," +
        update.toString() + "," + stale.toString());
    } else if (this.scenario == "callout") {
      const headers: Headers = [pair(":method", "GET"), pair(":path", "/callout?from=assemblyscript"), pair(":authority", "echo")];
      const unknown = this.root.httpCall("no-such-cluster", headers, new ArrayBuffer(0), [], 5000, this, onCallout);
      request.replace("x-callout-unknown-cluster", unknown.toString());
      const rc = this.root.httpCall("echo", headers, new ArrayBuffer(0), [], 5000, this, onCallout);
      if (rc != WasmResultValues.Ok) {
        request.replace("x-callout-failed", rc.toString());
        return FilterHeadersStatusValues.Continue;
      }
      return FilterHeadersStatusValues.StopIteration;
    }
    return FilterHeadersStatusValues.Continue;
  }

  onRequestBody(size: usize, end_of_stream: bool): FilterDataStatusValues {
    if (this.scenario != "body") return FilterDataStatusValues.Continue;
    if (!end_of_stream) return FilterDataStatusValues.StopIterationAndBuffer;
    const out = new Out();
    host.proxy_get_buffer_bytes(0, 0, <u32>size, changetype<usize>(out), changetype<usize>(out) + offsetof<Out>("size"));
    const body = utf8("<<" + out.text().toUpperCase() + ">>");
    proxy_set_buffer_bytes(0, 0, <u32>size, changetype<usize>(body), body.byteLength);
    const sizes = <Histogram>this.root.sizes;
    sizes.record(sizes.metric_id, <u64>out.size);
    return FilterDataStatusValues.Continue;
  }

  onResponseHeaders(a: u32, end_of_stream: bool): FilterHeadersStatusValues {
    const response = stream_context.headers.response;
    response.replace("x-response-sdk", SDK);
    // A string ternary here trips AssemblyScript 0.17's reference counting (a double release): plain statements.
    let status = response.get(":status");
    if (status == "") status = "<absent>";
    response.replace("x-response-status", status);
    return FilterHeadersStatusValues.Continue;
  }
}

registerRootContext((context_id: u32): RootContext => new ConformanceRoot(context_id), "conformance");
