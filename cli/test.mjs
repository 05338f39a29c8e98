// `waymark test <cases.yaml>...`: configuration tests for CI. A case file names a chain of proxy-wasm plugins and
// requests with what must come out of them (cli/test-cases.schema.json); the cases run in the plugin test harness
// in milliseconds, or with --envoy through real Envoy with the user's own configuration.
// Exit codes: 0 every case passed, 1 a case failed, 2 a bad case file, Envoy configuration or command line.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadCaseFile, CaseFileError } from "./cases/load.mjs";
import { runInHarness } from "./cases/harness-run.mjs";
import { findEnvoy, readEnvoyConfig, runInEnvoy } from "./cases/envoy-run.mjs";
import { junitXml } from "./cases/junit.mjs";
import { CLUSTER_UNCHECKED } from "./cases/expect.mjs";

const USAGE = `usage: waymark test <cases.yaml>... [--envoy <envoy.yaml>] [--envoy-bin <path>] [--junit <file>]

Runs the cases of each file in the plugin test harness, through the file's \`chain\` of plugins as Envoy's filter
chain runs them; with --envoy, through real Envoy with that configuration instead.

  --envoy <envoy.yaml>  run through real Envoy with this static configuration: its listeners and admin on free
                        127.0.0.1 ports, every cluster answered by a stand-in that reports what reached it
  --envoy-bin <path>    the Envoy binary (default: $ENVOY; inside a Waymark clone its pinned Envoy; else envoy on PATH)
  --junit <file>        also write the results as JUnit XML

Exit 0 every case passed, 1 a case failed, 2 a bad case file, Envoy configuration or command line.
The case file format: cli/test-cases.schema.json in the waymark package.`;

function usageError(message) {
  process.stderr.write(`waymark test: ${message}\n${USAGE}\n`);
  return 2;
}

function parseOptions(args) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { envoy: { type: "string" }, "envoy-bin": { type: "string" }, junit: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  return { files: positionals, envoy: values.envoy ?? null, envoyBin: values["envoy-bin"] ?? null, junit: values.junit ?? null, help: values.help === true };
}

function printResult(file, r) {
  const label = { pass: "pass", fail: "FAIL", skip: "skip" }[r.status];
  const out = [`  ${label}  ${r.name}${r.status === "skip" ? "" : ` (${r.ms < 10 ? r.ms.toFixed(1) : Math.round(r.ms)} ms)`}`];
  for (const f of r.failures) out.push(`        ${file}:${f.line}: ${f.field}: ${f.message}`);
  for (const n of r.notes) if (!n.endsWith(CLUSTER_UNCHECKED)) out.push(`        note: ${n}`);
  process.stdout.write(out.join("\n") + "\n");
}

export async function main(args) {
  let opts;
  try {
    opts = parseOptions(args);
  } catch (err) {
    return usageError(err.message);
  }
  if (opts.help) {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  if (opts.files.length === 0) return usageError("a case file is needed");
  if (opts.envoyBin && !opts.envoy) return usageError("--envoy-bin needs --envoy <envoy.yaml>");

  // Everything is read and checked before anything runs, so a bad file never leaves half a run behind.
  let caseFiles;
  let envoyConfig = null;
  let envoy = null;
  try {
    caseFiles = [];
    for (const file of opts.files) {
      const loaded = await loadCaseFile(file);
      if (!opts.envoy && !loaded.hasChain) {
        throw new CaseFileError(file, [{ line: 1, field: "chain", message: "required to run in the harness (or run the cases through Envoy with --envoy <envoy.yaml>)" }]);
      }
      caseFiles.push(loaded);
    }
    if (opts.envoy) {
      envoyConfig = readEnvoyConfig(opts.envoy);
      envoy = await findEnvoy(opts.envoyBin);
    }
  } catch (err) {
    if (!(err instanceof CaseFileError) && !/^no Envoy to run/.test(err.message)) throw err;
    process.stderr.write(`waymark test: ${err.message}\n`);
    return 2;
  }

  const suites = [];
  try {
    for (const caseFile of caseFiles) {
      const where = envoyConfig
        ? `through Envoy with ${envoyConfig.file} (${envoy.from}; Wasm filters: ${envoyConfig.listeners.map((l) => `${l.name}: ${l.wasm.join(" -> ") || "none"}`).join("; ")})`
        : `in the harness (${caseFile.chain.map((f) => f.name).join(" -> ")})`;
      process.stdout.write(`${caseFile.file}: ${caseFile.cases.length} case${caseFile.cases.length === 1 ? "" : "s"} ${where}\n`);
      const report = (r) => printResult(caseFile.file, r);
      const results = envoyConfig ? await runInEnvoy(caseFile, envoyConfig, envoy.bin, report) : await runInHarness(caseFile, report);
      suites.push({ name: `${caseFile.file} (${envoyConfig ? "envoy" : "harness"})`, file: caseFile.file, results });
      const unchecked = results.filter((r) => r.notes.some((n) => n.endsWith(CLUSTER_UNCHECKED))).length;
      if (unchecked) process.stdout.write(`  note: expect.upstream.cluster is not checked in the harness, which has no route table (${unchecked} case${unchecked === 1 ? "" : "s"}); --envoy checks it\n`);
    }
  } catch (err) {
    if (!(err instanceof CaseFileError)) throw err;
    process.stderr.write(`waymark test: ${err.message}\n`);
    return 2;
  }

  const all = suites.flatMap((s) => s.results);
  const count = (status) => all.filter((r) => r.status === status).length;
  process.stdout.write(`${count("pass")} passed, ${count("fail")} failed, ${count("skip")} skipped\n`);
  if (opts.junit) {
    try {
      writeFileSync(opts.junit, junitXml(suites));
    } catch (err) {
      process.stderr.write(`waymark test: cannot write ${opts.junit}: ${err.message}\n`);
      return 2;
    }
  }
  return count("fail") ? 1 : 0;
}
