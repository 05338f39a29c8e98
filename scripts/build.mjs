#!/usr/bin/env node
// Compiles every AssemblyScript entry of the project:
//   plugins/<name>/index.ts        -> dist/<name>.wasm (release) and dist/<name>.debug.wasm (names, no optimisation)
//   examples/<name>/index.ts       -> build/examples/<name>.wasm (+ .debug.wasm): the SDK examples from the README
//   tests/fixtures/<name>/index.ts -> build/fixtures/<name>.wasm (+ .debug.wasm): proxy-wasm modules used only by tests
//   tools/<name>/index.ts          -> dist/tools/<name>.wasm + .js (ES module bindings): the same shared code, callable from Node
// Proxy-wasm modules are checked after the build: they may import only env.proxy_* and WASI, and must export
// the ABI marker, an allocator and _initialize, or Envoy will refuse them.
// Usage: node scripts/build.mjs [--only <path-prefix>] [--quiet]
import { readdirSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { join, dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureNodeModules } from "./ensure.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : null;
const quiet = args.includes("--quiet");

ensureNodeModules();
const asc = (await import("assemblyscript/asc")).default;

/** Flags every proxy-wasm module needs: abort goes to our logger (Envoy has no env.abort), start is exported as _initialize. */
const PROXY_FLAGS = ["--use", "abort=assembly/sdk/abort/abortHandler", "--exportStart", "_initialize", "--runtime", "incremental"];

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
].filter((job) => !only || job.dir.startsWith(only.replace(/\/$/, "")) || only.startsWith(job.dir));

async function compile(argv) {
  let errText = "";
  const stderr = { write: (s) => { errText += s; return true; } };
  const stdout = { write: () => true };
  const { error } = await asc.main(argv, { stdout, stderr });
  if (error) {
    throw new Error(errText || String(error));
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

let failed = 0;
const rows = [];
for (const job of jobs) {
  mkdirSync(dirname(join(root, job.out)), { recursive: true });
  try {
    if (job.kind === "proxy") {
      await compile([job.entry, "--config", "asconfig.json", "--target", "release", "-o", `${job.out}.wasm`, ...PROXY_FLAGS]);
      await compile([job.entry, "--config", "asconfig.json", "--target", "debug", "-o", `${job.out}.debug.wasm`, ...PROXY_FLAGS]);
      const problems = checkProxyModule(join(root, `${job.out}.wasm`));
      if (problems.length) throw new Error(problems.join("\n"));
    } else {
      await compile([job.entry, "--config", "asconfig.json", "--target", "release", "-o", `${job.out}.wasm`, "--bindings", "esm"]);
    }
    rows.push([`${job.out}.wasm`, statSync(join(root, `${job.out}.wasm`)).size]);
  } catch (err) {
    failed++;
    console.error(`build failed: ${job.entry}\n${err.message}`);
  }
}

if (!quiet) {
  const width = Math.max(0, ...rows.map((r) => r[0].length));
  for (const [file, size] of rows) console.log(`${file.padEnd(width)}  ${String(size).padStart(8)} bytes`);
}
if (failed) {
  console.error(`${failed} module(s) failed to build`);
  process.exit(1);
}
