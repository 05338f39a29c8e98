// `waymark validate <plugin> <config.json>`: checks a plugin configuration the two ways that matter.
//   1. the plugin itself: its compiled module (dist/<plugin>.wasm) is loaded in the test harness (dist/harness,
//      compiled from harness/, Envoy's semantics) with this configuration, exactly as Envoy loads it; its configure result and the error
//      line it logs are reported. That is literally the plugin's own set of rules.
//   2. the published JSON Schema (plugins/<plugin>/schema.json, draft 2020-12), for editors and CI pipelines.
// Valid only when both accept it. Messages name the field (`rules[0].group: ...`).
// Exit codes: 0 valid, 1 invalid, 2 usage or I/O error.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadHarness } from "./harness.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

const USAGE = `usage: waymark validate <plugin> <config.json | -> [--json]

  <plugin>       one of: ${pluginNames().join(", ")}
  <config.json>  the plugin configuration (the JSON Envoy passes as the filter's configuration); "-" reads stdin
  --json         print the result as one JSON object

Runs the plugin's compiled module (dist/<plugin>.wasm, built when missing) in the test harness with
the configuration — the same checks the plugin makes when Envoy loads it — and checks the JSON Schema published in
plugins/<plugin>/schema.json. Exit 0 valid, 1 invalid, 2 usage or I/O error.`;

/** The Waymark plugins: their sources in a clone, their compiled modules in an installed package. */
export function pluginNames() {
  const dir = join(root, "plugins");
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((n) => existsSync(join(dir, n, "index.ts")) || existsSync(join(root, "dist", `${n}.wasm`))).sort();
}

/** True inside a clone (the plugin's sources are here), where a missing or stale module can be built. */
function hasSources(plugin) {
  return existsSync(join(root, "plugins", plugin, "index.ts"));
}

function usageError(message) {
  if (message) process.stderr.write(`waymark validate: ${message}\n`);
  process.stderr.write(USAGE + "\n");
  return 2;
}

/** JSON Pointer of an Ajv error -> the dotted field style the plugins log: /rules/0/group -> rules[0].group. */
export function fieldName(pointer, child) {
  const parts = pointer.split("/").slice(1).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  if (child !== undefined) parts.push(child);
  let out = "";
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
  return out || "(the configuration)";
}

/** Ajv errors -> "field: message" lines, without the noise of alternatives that were never meant. */
export function schemaMessages(errors) {
  const lines = [];
  for (const e of errors ?? []) {
    if (e.keyword === "if" || e.keyword === "anyOf" || e.keyword === "oneOf") continue;
    let line;
    if (e.keyword === "required") line = `${fieldName(e.instancePath, e.params.missingProperty)}: required`;
    else if (e.keyword === "additionalProperties") line = `${fieldName(e.instancePath, e.params.additionalProperty)}: unknown field`;
    else if (e.keyword === "enum") line = `${fieldName(e.instancePath)}: must be one of ${e.params.allowedValues.map((v) => JSON.stringify(v)).join(", ")}`;
    else line = `${fieldName(e.instancePath)}: ${e.message}`;
    if (!lines.includes(line)) lines.push(line);
  }
  if (lines.length === 0 && errors?.length) lines.push(`${fieldName(errors[0].instancePath)}: ${errors[0].message}`);
  return lines;
}

async function checkSchema(plugin, text) {
  const file = join(root, "plugins", plugin, "schema.json");
  if (!existsSync(file)) return { checked: false, valid: true, messages: [`no schema published (plugins/${plugin}/schema.json)`] };
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { checked: true, valid: false, messages: [`(the configuration): not JSON: ${err.message}`] };
  }
  const { default: Ajv2020 } = await import("ajv/dist/2020.js");
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  // A schema may refer to another plugin's by its $id (the combined module's sections are the plugins' own).
  for (const other of pluginNames()) {
    const otherFile = join(root, "plugins", other, "schema.json");
    if (other !== plugin && existsSync(otherFile)) ajv.addSchema(JSON.parse(readFileSync(otherFile, "utf8")));
  }
  const validate = ajv.compile(JSON.parse(readFileSync(file, "utf8")));
  const valid = validate(doc);
  return { checked: true, valid, messages: valid ? [] : schemaMessages(validate.errors) };
}

/**
 * Builds dist/<plugin>.wasm when it is missing (in a clone); warns (and goes on) when it is older than its sources.
 * An installed package ships the compiled modules and no sources.
 */
export async function ensureBuilt(plugin) {
  if (!hasSources(plugin)) return existsSync(join(root, "dist", `${plugin}.wasm`));
  const { stale } = await import("../scripts/freshness.mjs");
  const module = { only: `plugins/${plugin}`, out: `dist/${plugin}.wasm` };
  if (existsSync(join(root, module.out))) {
    if (stale(module.only, [module.out])) process.stderr.write(`waymark: note: dist/${plugin}.wasm is older than its sources (npm run build updates it)\n`);
    return true;
  }
  const build = spawnSync(process.execPath, [join(root, "scripts", "build.mjs"), "--only", module.only, "--release", "--quiet"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  return build.status === 0 && existsSync(join(root, module.out));
}

async function checkPlugin(plugin, text) {
  const { ProxyWasmHost } = await loadHarness();
  // Call-outs the plugin makes at start (a remote JWKS fetch) stay unanswered: configuring does not depend on them.
  const host = new ProxyWasmHost({ wasm: join(root, "dist", `${plugin}.wasm`), rootId: plugin, pluginConfig: text, onHttpCall: () => undefined });
  const started = await host.start();
  const errors = started.logs.filter((l) => l.level === "error" || l.level === "critical").map((l) => l.message);
  return { valid: started.ok, messages: started.ok ? [] : errors.length ? errors : ["refused the configuration without logging why"] };
}

/** Both checks of one configuration text (dist/<plugin>.wasm must exist). */
export async function validateConfig(plugin, text) {
  const schema = await checkSchema(plugin, text);
  const wasm = await checkPlugin(plugin, text);
  return { valid: schema.valid && wasm.valid, schema, wasm };
}

export async function main(args) {
  const json = args.includes("--json");
  const rest = args.filter((a) => a !== "--json");
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  const unknown = rest.find((a) => a.startsWith("--"));
  if (unknown) return usageError(`unknown option ${unknown}`);
  if (rest.length !== 2) return usageError(rest.length < 2 ? "a plugin and a configuration file are needed" : "too many arguments");
  const [plugin, file] = rest;
  if (!pluginNames().includes(plugin)) return usageError(`unknown plugin "${plugin}"`);
  let text;
  try {
    text = readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (err) {
    process.stderr.write(`waymark validate: cannot read ${file}: ${err.code === "ENOENT" ? "no such file" : err.message}\n`);
    return 2;
  }
  if (!(await ensureBuilt(plugin))) {
    process.stderr.write(`waymark validate: could not build dist/${plugin}.wasm\n`);
    return 2;
  }

  const { valid, schema, wasm } = await validateConfig(plugin, text);
  if (json) {
    process.stdout.write(JSON.stringify({ plugin, valid, plugin_check: wasm, schema_check: schema }) + "\n");
    return valid ? 0 : 1;
  }
  const where = file === "-" ? "stdin" : file;
  const out = [`${plugin} configuration ${where}: ${valid ? "valid" : "invalid"}`];
  out.push(`  plugin (dist/${plugin}.wasm, loaded as Envoy loads it): ${wasm.valid ? "accepted" : "refused"}`);
  for (const m of wasm.messages) out.push(`    ${m}`);
  out.push(`  schema (plugins/${plugin}/schema.json): ${!schema.checked ? "not checked" : schema.valid ? "valid" : "invalid"}`);
  for (const m of schema.messages) out.push(`    ${m}`);
  if (schema.checked && schema.valid !== wasm.valid) {
    out.push(schema.valid
      ? "  note: the plugin checks more than a JSON Schema can express (see the schema's description)"
      : "  note: the schema refuses what the plugin accepts: please report this mismatch");
  }
  (valid ? process.stdout : process.stderr).write(out.join("\n") + "\n");
  return valid ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await main(process.argv.slice(2));
