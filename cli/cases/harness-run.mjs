// Runs a case file in the plugin test harness: the chain's plugins as Envoy's filter chain (harness FilterChain),
// one VM per filter kept across the cases as Envoy keeps its VMs, call-outs answered from `upstreams` (else with
// the stand-in's report of what reached it), time virtual: while a filter holds a request, the clock jumps from
// tick to tick (at most VIRTUAL_LIMIT_MS), so timeouts a plugin keeps with ticks play out in milliseconds.
import { loadHarness } from "../harness.mjs";
import { ensureBuilt } from "../validate.mjs";
import { CaseFileError } from "./load.mjs";
import { compare } from "./expect.mjs";
import { standInReport } from "./stand-in.mjs";

const VIRTUAL_LIMIT_MS = 60_000;
const utf8 = new TextDecoder();

/** The answer to a call-out in the harness: the cluster's fixed answer, else the stand-in's report. */
function callOutAnswer(upstreams, call) {
  const fixed = upstreams.get(call.cluster);
  if (fixed) return { status: fixed.status, headers: fixed.headers, body: fixed.body };
  const pseudo = (name) => call.headers.find(([k]) => k === name)?.[1];
  const report = standInReport(call.cluster, {
    method: pseudo(":method"), path: pseudo(":path"), headers: call.headers.filter(([k]) => !k.startsWith(":")), body: utf8.decode(call.body),
  });
  return { status: report.status, headers: report.headers, body: report.body };
}

async function startChain(caseFile, harness) {
  for (const f of caseFile.chain) {
    if (f.plugin && !(await ensureBuilt(f.plugin))) {
      throw new CaseFileError(caseFile.file, [{ line: caseFile.lineOf(["chain", f.index, "plugin"]), field: `chain[${f.index}].plugin`, message: `dist/${f.plugin}.wasm could not be built` }]);
    }
  }
  const chain = new harness.FilterChain(caseFile.chain.map((f) => ({
    name: f.name, wasm: f.wasm, rootId: f.rootId, pluginConfig: f.configuration, vmConfig: f.vmConfiguration,
    allowOnHeadersStopIteration: f.allowOnHeadersStopIteration, onHttpCall: (call) => callOutAnswer(caseFile.upstreams, call),
  })));
  let started;
  try {
    started = await chain.start();
  } catch (err) {
    if (!(err instanceof harness.ChainStartError)) throw err;
    const message = `cannot load ${caseFile.chain[err.filter].wasm}: ${err.cause?.message ?? err.message}`;
    throw new CaseFileError(caseFile.file, [{ line: caseFile.lineOf(["chain", err.filter]), field: `chain[${err.filter}]`, message }]);
  }
  if (!started.ok) {
    const problems = started.filters.flatMap((f, i) => {
      if (f.ok) return [];
      const why = f.logs.filter((l) => l.level === "error" || l.level === "critical").map((l) => l.message).join("; ") || "without logging why";
      const what = caseFile.chain[i].configuration ? "its configuration" : "to start";
      return [{ line: caseFile.lineOf(["chain", i]), field: `chain[${i}]`, message: `the plugin refused ${what}: ${why}` }];
    });
    throw new CaseFileError(caseFile.file, problems);
  }
  await chain.idle();
  return chain;
}

/** Lets virtual time pass, tick by tick, until `done()` or the limit. */
async function settle(chain, done) {
  let waited = 0;
  await chain.idle();
  while (!done() && waited < VIRTUAL_LIMIT_MS) {
    const step = chain.tickPeriodMs;
    if (step === 0) return;
    chain.advance(step);
    await chain.idle();
    waited += step;
  }
}

function headersWithoutPseudo(map) {
  return map.pairs().filter(([k]) => !k.startsWith(":"));
}

function pairsWith(pairs, name, value) {
  return pairs.some(([k]) => k === name) ? pairs : [...pairs, [name, value]];
}

async function drive(chain, c) {
  const r = c.request;
  let headers = [[":method", r.method], [":path", r.path], [":authority", r.authority], [":scheme", "http"], ...r.headers];
  if (r.chunks.length === 1) headers = pairsWith(headers, "content-length", String(Buffer.byteLength(r.chunks[0])));
  const s = chain.openStream();
  try {
    s.sendRequestHeaders(headers, r.chunks.length === 0 && !r.trailers);
    await chain.idle();
    for (const [i, chunk] of r.chunks.entries()) {
      s.sendRequestBody(chunk, i === r.chunks.length - 1 && !r.trailers);
      await chain.idle();
    }
    if (r.trailers) s.sendRequestTrailers(r.trailers);
    await settle(chain, () => s.localReplyFilter !== null || s.upstream.ended);

    const observed = { upstream: null, response: null, answeredBy: null, held: null };
    const up = s.upstream;
    if (s.localReplyFilter === null && up.headers) {
      observed.upstream = {
        cluster: undefined, method: up.headers.value(":method"), path: up.headers.value(":path"),
        headers: pairsWith(headersWithoutPseudo(up.headers), "host", up.headers.value(":authority") ?? ""),
        body: utf8.decode(up.body),
      };
      if (up.ended) {
        const answer = c.respond ?? standInReport(null, observed.upstream);
        const body = Buffer.from(answer.body);
        s.sendResponseHeaders([[":status", String(answer.status)], ...pairsWith(answer.headers, "content-length", String(body.length))], body.length === 0);
        if (body.length) s.sendResponseBody(body, true);
        await settle(chain, () => s.downstream.ended);
      }
    }
    const down = s.downstream;
    if (down.headers) {
      observed.response = {
        from: s.localReplyFilter === null ? "upstream" : "local", status: Number(down.headers.value(":status")),
        headers: headersWithoutPseudo(down.headers), body: utf8.decode(down.body),
      };
    } else if (s.localReply) {
      // Envoy's own replies (the 413 of the buffer limit) do not run through the plugin's response callbacks.
      observed.response = { from: "local", status: s.localReply.status, headers: s.localReply.headers, body: s.localReply.body };
    }
    if (s.localReplyFilter !== null) observed.answeredBy = chain.names[s.localReplyFilter];
    const heldBy = s.requestHeldBy;
    if (heldBy !== null) observed.held = `the request is held by ${chain.names[heldBy]} (${VIRTUAL_LIMIT_MS / 1000} s of virtual time passed)`;
    else if (!observed.response) observed.held = "the response is held by a filter";
    return observed;
  } finally {
    s.close();
  }
}

const metricName = (name) => name.replace(/^wasmcustom\./, "");

/**
 * Runs every case of a loaded case file; calls `report(result)` after each. Returns the results:
 * { index, name, status: "pass" | "fail" | "skip", failures, notes, ms }.
 */
export async function runInHarness(caseFile, report = () => {}) {
  const harness = await loadHarness();
  let chain = await startChain(caseFile, harness);
  const results = [];
  for (const c of caseFile.cases) {
    const t0 = performance.now();
    let result;
    if (c.envoyOnly) {
      result = { status: "skip", failures: [], notes: [`${c.field}: envoy_only: runs only with --envoy`] };
    } else {
      const metricsBefore = chain.metrics();
      const logsBefore = chain.hosts.map((h) => h.logs.length);
      try {
        const observed = await drive(chain, c);
        await chain.idle();
        if (chain.trapped) throw chain.trapped;
        const after = chain.metrics();
        observed.metrics = Object.fromEntries(Object.keys(c.expect.metrics ?? {}).map((name) => {
          const k = metricName(name);
          return [name, after[k] === undefined ? undefined : after[k] - (metricsBefore[k] ?? 0)];
        }));
        observed.logs = chain.hosts.flatMap((h, i) => h.logs.slice(logsBefore[i]));
        const { failures, notes } = compare(c, observed, "harness", caseFile.lineOf);
        result = { status: failures.length ? "fail" : "pass", failures, notes };
      } catch (err) {
        // A trap ends that VM; Envoy would start a new one (or fail closed): the next case gets a fresh chain.
        result = { status: "fail", failures: [{ field: c.field, line: c.line, message: err.message.split("\n").join(" | ") }], notes: [] };
        chain = await startChain(caseFile, harness);
      }
    }
    result = { index: c.index, name: c.name, ms: performance.now() - t0, ...result };
    results.push(result);
    report(result);
  }
  return results;
}
