// Reads a `waymark test` case file: YAML (or JSON), checked against cli/test-cases.schema.json and then for what a
// schema cannot say (files that must exist, plugins that must be known, unique case names). Every problem names
// the line and the field: `cases.yaml:14: cases[2].expect.upstream.headers: must be an object`.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseDocument, LineCounter, isMap, isSeq } from "yaml";
import { fieldName, pluginNames } from "../validate.mjs";
import { root } from "../tool.mjs";

export const SCHEMA_FILE = join(root, "cli", "test-cases.schema.json");

/** Case files are small; this bounds what a mistaken argument (a log file, a binary) can make us parse. */
const MAX_FILE_BYTES = 8 << 20;

/** A case file (or Envoy configuration) that cannot run: every problem with its line and field. */
export class CaseFileError extends Error {
  constructor(file, problems) {
    super(problems.map((p) => `${file}:${p.line}: ${p.field}: ${p.message}`).join("\n"));
    this.problems = problems;
  }
}

/** Reads a YAML file a command was given: its text and parsed document (syntax errors kept for refuseYamlErrors). */
export function readYamlFile(file) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new CaseFileError(file, [{ line: 1, field: "(the file)", message: `cannot read: ${err.code === "ENOENT" ? "no such file" : err.message}` }]);
  }
  if (Buffer.byteLength(text) > MAX_FILE_BYTES) throw new CaseFileError(file, [{ line: 1, field: "(the file)", message: `larger than ${MAX_FILE_BYTES} bytes` }]);
  const counter = new LineCounter();
  return { text, counter, doc: parseDocument(text, { lineCounter: counter, prettyErrors: false }) };
}

/** The first YAML syntax error, with its line, as a CaseFileError. */
export function refuseYamlErrors(file, doc, counter) {
  if (doc.errors.length === 0) return;
  const e = doc.errors[0];
  const line = e.linePos?.[0]?.line ?? counter.linePos(e.pos[0]).line;
  throw new CaseFileError(file, [{ line, field: "(YAML)", message: e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "") }]);
}

let compiledSchema;

async function schemaValidator() {
  if (!compiledSchema) {
    const { default: Ajv2020 } = await import("ajv/dist/2020.js");
    const ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true });
    compiledSchema = ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, "utf8")));
  }
  return compiledSchema;
}

/** JSON Pointer -> path segments. */
function segments(pointer) {
  return pointer === "" ? [] : pointer.split("/").slice(1).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** Finds lines of fields in the parsed document: `lineOf(["cases", 2, "expect"])`, or of a key with `{ key: true }`. */
function lineFinder(doc, counter) {
  return (path, { key = false } = {}) => {
    let node = doc.contents;
    let line = node?.range ? counter.linePos(node.range[0]).line : 1;
    for (const [i, seg] of path.entries()) {
      let next;
      let keyNode;
      if (isMap(node)) {
        const pair = node.items.find((p) => String(p.key?.value ?? p.key) === String(seg));
        next = pair?.value;
        keyNode = pair?.key;
      } else if (isSeq(node)) {
        next = node.items[Number(seg)];
      }
      const last = i === path.length - 1;
      const at = last && key && keyNode ? keyNode : next;
      if (!at?.range) break;
      line = counter.linePos(at.range[0]).line;
      node = next;
    }
    return line;
  };
}

const ARTICLES = { object: "an object", array: "a list", string: "a string", integer: "an integer", number: "a number", boolean: "true or false", null: "null" };

/** Ajv errors -> problems with field and line, in words a person reads (`must be an object`, `unknown field`). */
function schemaProblems(errors, lineOf) {
  const out = [];
  const seen = new Set();
  for (const e of errors) {
    // A required property inside an anyOf is one alternative of several: the anyOf's own message says it.
    if (e.keyword === "required" && /\/anyOf\/\d+\/required$/.test(e.schemaPath)) continue;
    if (e.keyword === "if" || e.keyword === "oneOf") continue;
    const path = segments(e.instancePath);
    let field = fieldName(e.instancePath);
    let line = lineOf(path);
    let message;
    if (e.keyword === "required") {
      field = fieldName(e.instancePath, e.params.missingProperty);
      message = "required";
    } else if (e.keyword === "additionalProperties") {
      field = fieldName(e.instancePath, e.params.additionalProperty);
      line = lineOf([...path, e.params.additionalProperty], { key: true });
      message = `unknown field (allowed: ${Object.keys(e.parentSchema.properties ?? {}).join(", ")})`;
    } else if (e.keyword === "type") {
      const types = Array.isArray(e.schema) ? e.schema : [e.schema];
      message = `must be ${types.map((t) => ARTICLES[t] ?? t).join(" or ")}`;
    } else if (e.keyword === "enum") {
      message = `must be one of ${e.schema.map((v) => JSON.stringify(v)).join(", ")}`;
    } else if (e.keyword === "anyOf" && e.schema.every((s) => Array.isArray(s.required))) {
      message = `needs one of: ${e.schema.map((s) => s.required.join(" + ")).join(", ")}`;
    } else if (e.keyword === "not" && Array.isArray(e.schema.required)) {
      message = `${e.schema.required.join(" and ")} exclude each other: give one`;
    } else if (e.keyword === "minProperties" && e.schema === 1) {
      message = "must not be empty";
    } else if (e.keyword === "pattern") {
      message = `must match ${e.schema}`;
    } else {
      message = e.message;
    }
    const text = `${line}:${field}:${message}`;
    if (!seen.has(text)) {
      seen.add(text);
      out.push({ line, field, message });
    }
  }
  return out;
}

/** Header input (`name: value` or `name: [v1, v2]`) -> pairs in order. */
function headerPairs(headers) {
  return Object.entries(headers ?? {}).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => [k.toLowerCase(), x]));
}

/** `body` / `json` of a request or an answer -> body text, with content-type added for JSON. */
function bodyOf(spec, pairs) {
  if (spec.json === undefined) return spec.body;
  if (!pairs.some(([k]) => k === "content-type")) pairs.push(["content-type", "application/json"]);
  return JSON.stringify(spec.json);
}

function answerOf(spec) {
  const headers = headerPairs(spec.headers);
  const body = bodyOf(spec, headers) ?? "";
  return { status: spec.status ?? 200, headers, body };
}

function requestOf(spec = {}) {
  const headers = headerPairs(spec.headers);
  const body = bodyOf(spec, headers);
  return {
    method: spec.method ?? "GET",
    path: spec.path ?? "/",
    authority: spec.authority ?? "localhost",
    headers,
    chunks: body === undefined ? [] : Array.isArray(body) ? body : [body],
    trailers: spec.trailers ? headerPairs(spec.trailers) : null,
  };
}

/**
 * Reads and checks one case file. Throws CaseFileError (every problem found) when it cannot run; an unreadable
 * file is a CaseFileError too (line 1).
 */
export async function loadCaseFile(file) {
  const fail = (line, field, message) => { throw new CaseFileError(file, [{ line, field, message }]); };
  const { doc, counter } = readYamlFile(file);
  refuseYamlErrors(file, doc, counter);
  const data = doc.toJS({ maxAliasCount: 100 });
  const lineOf = lineFinder(doc, counter);
  if (data === null || typeof data !== "object" || Array.isArray(data)) fail(1, "(the file)", "must be an object with `cases` (and `chain`)");

  const validate = await schemaValidator();
  if (!validate(data)) throw new CaseFileError(file, schemaProblems(validate.errors, lineOf).sort((a, b) => a.line - b.line));

  const dir = dirname(resolve(file));
  const problems = [];
  const problem = (path, message, opts) => problems.push({ line: lineOf(path, opts), field: fieldName("/" + path.join("/")), message });

  const known = pluginNames();
  const chain = (data.chain ?? []).map((f, i) => {
    let wasm;
    if (f.plugin !== undefined) {
      if (!known.includes(f.plugin)) problem(["chain", i, "plugin"], `unknown Waymark plugin "${f.plugin}" (known: ${known.join(", ")})`);
      wasm = join(root, "dist", `${f.plugin}.wasm`);
    } else {
      wasm = resolve(dir, f.wasm);
      if (!existsSync(wasm)) problem(["chain", i, "wasm"], `no such file: ${wasm}`);
    }
    let configuration = f.configuration;
    if (f.configuration_file !== undefined) {
      const path = resolve(dir, f.configuration_file);
      try {
        configuration = readFileSync(path, "utf8");
      } catch (err) {
        problem(["chain", i, "configuration_file"], `cannot read ${path}: ${err.code === "ENOENT" ? "no such file" : err.message}`);
      }
    }
    const rootId = f.root_id ?? f.plugin ?? "";
    return {
      index: i,
      name: f.name ?? (rootId || f.plugin || f.wasm),
      plugin: f.plugin,
      wasm,
      rootId,
      configuration: typeof configuration === "object" ? JSON.stringify(configuration) : configuration ?? "",
      vmConfiguration: typeof f.vm_configuration === "object" ? JSON.stringify(f.vm_configuration) : f.vm_configuration ?? "",
      allowOnHeadersStopIteration: f.allow_on_headers_stop_iteration === true,
    };
  });

  const names = new Map();
  const cases = data.cases.map((c, i) => {
    if (names.has(c.name)) problem(["cases", i, "name"], `"${c.name}" is also the name of cases[${names.get(c.name)}]`);
    else names.set(c.name, i);
    return {
      index: i,
      name: c.name,
      field: `cases[${i}]`,
      line: lineOf(["cases", i]),
      request: requestOf(c.request),
      respond: c.respond ? answerOf(c.respond) : null,
      listener: c.listener ?? null,
      envoyOnly: c.envoy_only === true,
      expect: c.expect,
    };
  });
  if (problems.length) throw new CaseFileError(file, problems);

  const upstreams = new Map(Object.entries(data.upstreams ?? {}).map(([cluster, a]) => [cluster, answerOf(a)]));
  return { file, dir, chain, upstreams, cases, hasChain: data.chain !== undefined, lineOf };
}
