#!/usr/bin/env node
// Compiles every AssemblyScript entry of the project:
//   plugins/<name>/index.ts        -> dist/<name>.wasm (release) and dist/<name>.debug.wasm (names, no optimisation)
//   examples/<name>/index.ts       -> build/examples/<name>.wasm (+ .debug.wasm): the SDK examples from the README
//   tests/fixtures/<name>/index.ts -> build/fixtures/<name>.wasm (+ .debug.wasm): proxy-wasm modules used only by tests
//   tools/<name>/index.ts          -> dist/tools/<name>.wasm + .js (ES module bindings): the same shared code, callable from Node
//   harness/*.ts                   -> dist/harness/*.js + .d.ts (tsc, tsconfig.harness.json): the package export `waymark/harness`
// Proxy-wasm modules are checked after the build: they may import only env.proxy_* and WASI, and must export
// the ABI marker, an allocator and _initialize, or Envoy will refuse them.
// Only modules older than their sources are built, several at once (one process per core).
// Usage: node scripts/build.mjs [--only <path-prefix>]... [--release] [--force] [--quiet]
//   --release  skip the .debug.wasm builds (npm start, waymark validate: only the release module is loaded)
//   --force    build even what is up to date
import { readdirSync, existsSync, mkdirSync, readFileSync, statSync, rmSync, writeFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { spawn, spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { ensureNodeModules } from "./ensure.mjs";
import { stale, SHARED_INPUTS } from "./freshness.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const flagValues = (name) => args.flatMap((a, i) => (a === name && args[i + 1] ? [args[i + 1].replace(/\/$/, "")] : []));
const only = flagValues("--only");
const worker = flagValues("--job")[0];
const quiet = args.includes("--quiet");
const releaseOnly = args.includes("--release");
const force = args.includes("--force");

/** Flags every proxy-wasm module needs: abort goes to our logger (Envoy has no env.abort), start is exported as _initialize. */
const PROXY_FLAGS = [
  "--use", "abort=assembly/sdk/abort/abortHandler", "--exportStart", "_initialize",
  // The minimal runtime collects only when asked: assembly/sdk/gc.ts counts allocations and collects between callbacks.
  "--runtime", "minimal", "--use", "__new=assembly/sdk/gc/countedNew", "--use", "__renew=assembly/sdk/gc/countedRenew",
];

function entries(dir) {
  const base = join(root, dir);
  if (!existsSync(base)) return [];
  return readdirSync(base)
    .filter((name) => existsSync(join(base, name, "index.ts")))
    .sort()
    .map((name) => ({ name, dir: `${dir}/${name}`, entry: `${dir}/${name}/index.ts` }));
}

const jobs = [
  ...entries("plugins").map((e) => ({ ...e, kind: "proxy", out: `dist/${e.name}` })),
  ...entries("examples").map((e) => ({ ...e, kind: "proxy", out: `build/examples/${e.name}` })),
  ...entries("tests/fixtures").map((e) => ({ ...e, kind: "proxy", out: `build/fixtures/${e.name}` })),
  ...entries("tools").map((e) => ({ ...e, kind: "tool", out: `dist/tools/${e.name}` })),
  { name: "harness", dir: "harness", entry: "harness/index.ts", kind: "harness", out: "dist/harness/index" },
].filter((job) => only.length === 0 || only.some((o) => job.dir.startsWith(o) || o.startsWith(job.dir)));

function outputs(job) {
  if (job.kind === "harness") return [`${job.out}.js`, `${job.out}.d.ts`];
  if (job.kind === "tool") return [`${job.out}.wasm`, `${job.out}.js`];
  return releaseOnly ? [`${job.out}.wasm`] : [`${job.out}.wasm`, `${job.out}.debug.wasm`];
}

async function compile(argv) {
  const asc = (await import("assemblyscript/asc")).default;
  let errText = "";
  const stderr = { write: (s) => { errText += s; return true; } };
  const stdout = { write: () => true };
  const { error } = await asc.main(argv, { stdout, stderr });
  if (error) throw new Error(errText || String(error));
}

/**
 * harness/*.ts -> dist/harness/ (JavaScript and declarations) with tsc. tsc rewrites the `.ts` import specifiers
 * in the JavaScript but leaves them in the declarations, which some editors and older TypeScript cannot follow,
 * so those are rewritten here too.
 */
function compileHarness() {
  const out = join(root, "dist", "harness");
  rmSync(out, { recursive: true, force: true });
  const tsc = spawnSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.harness.json"], {
    cwd: root, encoding: "utf8",
  });
  if (tsc.status !== 0) throw new Error(`tsc -p tsconfig.harness.json failed:\n${tsc.stdout}${tsc.stderr}`);
  for (const name of readdirSync(out).filter((n) => n.endsWith(".d.ts"))) {
    const file = join(out, name);
    writeFileSync(file, readFileSync(file, "utf8").replace(/(from\s+["']\.{1,2}\/[^"']+)\.ts(["'])/g, "$1.js$2"));
  }
}

function checkProxyModule(file) {
  const mod = new WebAssembly.Module(readFileSync(file));
  const problems = [];
  for (const imp of WebAssembly.Module.imports(mod)) {
    const ok = (imp.module === "env" && imp.name.startsWith("proxy_")) || imp.module === "wasi_snapshot_preview1";
    if (!ok) problems.push(`imports ${imp.module}.${imp.name}, which Envoy does not provide`);
  }
  const exports = new Set(WebAssembly.Module.exports(mod).map((e) => e.name));
  for (const need of ["proxy_abi_version_0_2_1", "malloc", "proxy_on_memory_allocate", "_initialize", "memory", "proxy_on_context_create", "proxy_on_request_headers", "proxy_on_delete"]) {
    if (!exports.has(need)) problems.push(`does not export ${need}`);
  }
  return problems;
}

/** Builds one module in this process; throws with the compiler's or the checker's message. */
async function buildJob(job) {
  mkdirSync(dirname(join(root, job.out)), { recursive: true });
  if (job.kind === "harness") {
    compileHarness();
  } else if (job.kind === "proxy") {
    await compile([job.entry, "--config", "asconfig.json", "--target", "release", "-o", `${job.out}.wasm`, ...PROXY_FLAGS]);
    if (!releaseOnly) await compile([job.entry, "--config", "asconfig.json", "--target", "debug", "-o", `${job.out}.debug.wasm`, ...PROXY_FLAGS]);
    const problems = checkProxyModule(join(root, `${job.out}.wasm`));
    if (problems.length) throw new Error(problems.join("\n"));
  } else {
    await compile([job.entry, "--config", "asconfig.json", "--target", "release", "-o", `${job.out}.wasm`, "--bindings", "esm"]);
  }
}

if (worker) {
  // One module, in a process of its own (the parallel build below starts these).
  const job = jobs.find((j) => j.dir === worker);
  try {
    await buildJob(job);
  } catch (err) {
    console.error(`build failed: ${job.entry}\n${err.message}`);
    process.exit(1);
  }
  process.exit(0);
}

ensureNodeModules();
/** The harness is TypeScript compiled by tsc: it is built from its own folder and its tsconfig, not from assembly/. */
const inputsBeside = (job) => (job.kind === "harness" ? ["tsconfig.harness.json", "scripts/build.mjs"] : SHARED_INPUTS);
const todo = jobs.filter((job) => force || stale(job.dir, outputs(job), inputsBeside(job)));
if (todo.length) console.error(`building ${todo.length} of ${jobs.length} module(s): ${todo.map((j) => j.dir).join(", ")}`);

function buildInChild(job) {
  return new Promise((resolve) => {
    const argv = [fileURLToPath(import.meta.url), "--job", job.dir, ...(releaseOnly ? ["--release"] : [])];
    const child = spawn(process.execPath, argv, { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
    child.on("exit", (code) => resolve(code === 0));
  });
}

let failed = 0;
const queue = [...todo];
await Promise.all(Array.from({ length: Math.min(availableParallelism(), queue.length) }, async () => {
  for (let job = queue.shift(); job; job = queue.shift()) if (!(await buildInChild(job))) failed++;
}));

if (!quiet) {
  const rows = jobs.map((j) => outputs(j)[0]).filter((file) => existsSync(join(root, file))).map((file) => [file, statSync(join(root, file)).size]);
  const width = Math.max(0, ...rows.map((r) => r[0].length));
  for (const [file, size] of rows) console.log(`${file.padEnd(width)}  ${String(size).padStart(8)} bytes`);
}
if (failed) {
  console.error(`${failed} module(s) failed to build`);
  process.exit(1);
}
