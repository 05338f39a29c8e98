#!/usr/bin/env node
// Compiles every AssemblyScript entry of the project:
//   plugins/<name>/index.ts        -> dist/<name>.wasm (release) and dist/<name>.debug.wasm (names, no optimisation)
//   examples/<name>/index.ts       -> build/examples/<name>.wasm (+ .debug.wasm): the SDK examples from the README
//   tests/fixtures/<name>/index.ts -> build/fixtures/<name>.wasm (+ .debug.wasm): proxy-wasm modules used only by tests
//   tools/<name>/index.ts          -> dist/tools/<name>.wasm + .js (ES module bindings): the same shared code, callable from Node
//   harness/*.ts                   -> dist/harness/*.js + .d.ts (tsc, tsconfig.harness.json): the package export `waymark/harness`
// Proxy-wasm modules are checked after the build: they may import only env.proxy_* and WASI, and must export
// the ABI marker, an allocator and _initialize, or Envoy will refuse them.
// Usage: node scripts/build.mjs [--only <path-prefix>]... [--release] [--quiet]
//   --only may be repeated; --release skips the .debug.wasm builds (the package ships release modules only).
import { readdirSync, existsSync, mkdirSync, readFileSync, statSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join, dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureNodeModules } from "./ensure.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const onlys = args.flatMap((a, i) => (a === "--only" && i + 1 < args.length ? [args[i + 1].replace(/\/$/, "")] : []));
const quiet = args.includes("--quiet");
const releaseOnly = args.includes("--release");

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
  { name: "harness", dir: "harness", entry: "harness/index.ts", kind: "harness", out: "dist/harness/index" },
].filter((job) => onlys.length === 0 || onlys.some((only) => job.dir.startsWith(only) || only.startsWith(job.dir)));

async function compile(argv) {
  let errText = "";
  const stderr = { write: (s) => { errText += s; return true; } };
  const stdout = { write: () => true };
  const { error } = await asc.main(argv, { stdout, stderr });
  if (error) {
    throw new Error(errText || String(error));
  }
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
  for (const need of ["proxy_abi_version_0_2_1", "malloc", "proxy_on_memory_allocate", "_initialize", "memory"]) {
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
      if (!releaseOnly) await compile([job.entry, "--config", "asconfig.json", "--target", "debug", "-o", `${job.out}.debug.wasm`, ...PROXY_FLAGS]);
      const problems = checkProxyModule(join(root, `${job.out}.wasm`));
      if (problems.length) throw new Error(problems.join("\n"));
    } else if (job.kind === "tool") {
      await compile([job.entry, "--config", "asconfig.json", "--target", "release", "-o", `${job.out}.wasm`, "--bindings", "esm"]);
    } else {
      compileHarness();
      rows.push([`${job.out}.js`, statSync(join(root, `${job.out}.js`)).size]);
      continue;
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
