// Compares what a case produced (in the harness or in Envoy, in one shape) with what its `expect` asks for, and
// names every expectation that does not hold by its field and line:
//   cases[3].expect.upstream.headers.x-version: expected "v2", saw absent
//
// The observed shape, the same for both runners:
//   upstream   null (the request never reached an upstream) or { cluster, method, path, headers, body };
//              cluster is undefined in the harness, which has no route table
//   response   null (nothing reached the client) or { from: "upstream" | "local", status, headers, body }
//   answeredBy the filter that answered locally (harness), else null
//   held       why there is no outcome (a filter still holds the request, no answer in time), else null
//   metrics    { name: change during the case, or undefined when no plugin defines it }
//   logs       [{ level, message }] written during the case
// headers are [name, value] pairs, names lower-case, without pseudo-headers (`host` carries the authority).

const MAX_SHOWN = 200;

/** The note a harness run gives a case that expects a cluster (the command sums these up). */
export const CLUSTER_UNCHECKED = "expect.upstream.cluster: not checked in the harness, which has no route table (run with --envoy)";

function show(value) {
  if (value === undefined || value === null) return "absent";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return JSON.stringify(text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text);
}

function headerValues(headers, name) {
  const k = name.toLowerCase();
  return headers.filter(([n]) => n === k).map(([, v]) => v);
}

function showValues(values) {
  if (values.length === 0) return "absent";
  return values.length === 1 ? show(values[0]) : JSON.stringify(values);
}

/** One expected header against the observed values; undefined when it holds, else the complaint. */
function headerMismatch(expected, values) {
  if (expected === null || expected === false) return values.length === 0 ? undefined : `expected absent, saw ${showValues(values)}`;
  if (expected === true) return values.length > 0 ? undefined : "expected present, saw absent";
  if (Array.isArray(expected)) {
    const same = expected.length === values.length && expected.every((v, i) => v === values[i]);
    return same ? undefined : `expected ${JSON.stringify(expected)}, saw ${showValues(values)}`;
  }
  return values.length > 0 && values.join(",") === expected ? undefined : `expected ${show(expected)}, saw ${showValues(values)}`;
}

function whyNoOutcome(observed) {
  return observed.held ?? "nothing came out of the chain";
}

function localText(observed) {
  return `answered locally with ${observed.response.status}${observed.answeredBy ? ` by ${observed.answeredBy}` : ""}`;
}

/**
 * Returns { failures: [{ field, line, message }], notes: [string] } for one case.
 * `lineOf(path)` gives the line of a field of the case file.
 */
export function compare(c, observed, mode, lineOf) {
  const failures = [];
  const notes = [];
  const base = ["cases", c.index, "expect"];
  const fail = (path, message) => {
    const full = [...base, ...path];
    const field = `${c.field}.expect` + path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("");
    failures.push({ field, line: lineOf(full), message });
  };
  const e = c.expect;

  const checkMessage = (part, got, spec) => {
    if (spec.status !== undefined && got.status !== spec.status) fail([part, "status"], `expected ${spec.status}, saw ${got.status}`);
    if (spec.method !== undefined && got.method !== spec.method) fail([part, "method"], `expected ${show(spec.method)}, saw ${show(got.method)}`);
    if (spec.path !== undefined && got.path !== spec.path) fail([part, "path"], `expected ${show(spec.path)}, saw ${show(got.path)}`);
    for (const [name, want] of Object.entries(spec.headers ?? {})) {
      const problem = headerMismatch(want, headerValues(got.headers, name));
      if (problem) fail([part, "headers", name], problem);
    }
    if (spec.body !== undefined && got.body !== spec.body) fail([part, "body"], `expected ${show(spec.body)}, saw ${show(got.body)}`);
    if (spec.body_contains !== undefined && !got.body.includes(spec.body_contains)) {
      fail([part, "body_contains"], `expected a body containing ${show(spec.body_contains)}, saw ${show(got.body)}`);
    }
  };

  if (e.upstream) {
    const up = observed.upstream;
    if (!up) {
      fail(["upstream"], `the request did not reach the upstream: ${observed.response?.from === "local" ? localText(observed) : whyNoOutcome(observed)}`);
    } else {
      if (e.upstream.cluster !== undefined) {
        if (mode === "harness") notes.push(`${c.field}.${CLUSTER_UNCHECKED}`);
        else if (up.cluster !== e.upstream.cluster) fail(["upstream", "cluster"], `expected ${show(e.upstream.cluster)}, saw ${show(up.cluster)}`);
      }
      checkMessage("upstream", up, e.upstream);
    }
  }

  if (e.local_reply) {
    const r = observed.response;
    if (!r) fail(["local_reply"], `no local reply: ${whyNoOutcome(observed)}`);
    else if (r.from !== "local") {
      const where = observed.upstream?.cluster ? ` (cluster ${observed.upstream.cluster})` : "";
      fail(["local_reply"], `no local reply: the request reached the upstream${where}, which answered ${r.status}`);
    } else checkMessage("local_reply", r, e.local_reply);
  }

  if (e.response) {
    if (!observed.response) fail(["response"], `no response: ${whyNoOutcome(observed)}`);
    else checkMessage("response", observed.response, e.response);
  }

  for (const [name, want] of Object.entries(e.metrics ?? {})) {
    const got = observed.metrics[name];
    if (got === undefined) fail(["metrics", name], `no plugin defines this metric`);
    else if (got !== want) fail(["metrics", name], `expected a change of ${want}, saw ${got}`);
  }

  for (const [i, want] of (e.logs ?? []).entries()) {
    const found = observed.logs.some((l) => (want.level === undefined || l.level === want.level) && l.message.includes(want.contains));
    if (!found) {
      const at = want.level ? ` at level ${want.level}` : "";
      fail(["logs", i], `no log line${at} contains ${show(want.contains)} (${observed.logs.length} lines written during the case)`);
    }
  }
  return { failures, notes };
}
