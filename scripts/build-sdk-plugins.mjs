#!/usr/bin/env node
// Builds the conformance plugins of other SDKs (tests/sdk-plugins/<sdk>/) into build/sdk-plugins/<name>.wasm,
// installing each toolchain when it is missing: C (Debian's clang + wasi-libc), Go (the installed Go, module
// proxy), Rust (Debian's rustc/cargo 1.63 + libstd-rust-dev-wasm32; crates vendored by a cargo that speaks the
// sparse index), AssemblyScript (@solo-io/proxy-runtime on its own AssemblyScript, npm, apart from the project's).
// A build is skipped when the hash of its sources, build command and toolchain version matches the last one.
// A toolchain that cannot be installed fails that plugin: build/sdk-plugins/<name>.error says why, the script
// exits 1, and the conformance test of that SDK fails with the reason.
// Usage: node scripts/build-sdk-plugins.mjs [--only c,go,rust,assemblyscript] [--force]
import { createHash } from "node:crypto";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, copyFileSync } from "node:fs";
import { join, relative } from "node:path";
import { root, npmCommand } from "./ensure.mjs";

const SRC = join(root, "tests", "sdk-plugins");
export const OUT = join(root, "build", "sdk-plugins");

const args = process.argv.slice(2);
const only = args.includes("--only") ? args[args.indexOf("--only") + 1].split(",") : null;
const force = args.includes("--force");

function run(cmd, argv, options = {}) {
  return execFileSync(cmd, argv, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20, ...options }).trim();
}

function which(cmd) {
  try {
    return run("sh", ["-c", `command -v ${cmd}`]) || null;
  } catch {
    return null;
  }
}

/** Installs Debian packages when a check fails; apt-get update only if the first try cannot find them. */
function aptInstall(packages, present) {
  if (present()) return;
  console.error(`installing ${packages.join(" ")} (apt-get) ...`);
  const install = `DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${packages.join(" ")}`;
  try {
    run("sh", ["-c", `(${install} || (apt-get update -qq && ${install})) >/dev/null`]);
  } catch (err) {
    throw new Error(`apt-get install ${packages.join(" ")} failed: ${(err.stderr || err.message).trim().split("\n").slice(-3).join(" ")}`);
  }
  if (!present()) throw new Error(`${packages.join(" ")} installed, but the toolchain is still not usable`);
}

/** Every file under dir (sorted), except build outputs and installed dependencies. */
function sourceFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    if (["node_modules", "target", "vendor", ".gitignore"].includes(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else out.push(path);
  }
  return out;
}

function hashOf(parts, files) {
  const h = createHash("sha256");
  for (const p of parts) h.update(`${p}\0`);
  for (const f of files) h.update(`${relative(root, f)}\0`).update(readFileSync(f));
  return h.digest("hex");
}

/** Runs a command asynchronously (builds of different SDKs run side by side); rejects with its output. */
function build(cmd, argv, options) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { stdio: ["ignore", "pipe", "pipe"], ...options });
    let output = "";
    child.stdout.on("data", (c) => (output += c));
    child.stderr.on("data", (c) => (output += c));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(output) : reject(new Error(`${cmd} ${argv.join(" ")} exited ${code}:\n${output.trim().split("\n").slice(-20).join("\n")}`))));
  });
}

// ---- the four SDKs ----

const C_VARIANTS = {
  "c-abi010": ["-DABI=10"],
  "c-abi020": ["-DABI=20"],
  "c-abi021": ["-DABI=21"],
  // For the load-refusal tests: an import Envoy does not provide, no ABI marker, a forbidden call at start.
  "c-unknown-import": ["-DABI=21", "-DIMPORT_UNKNOWN"],
  "c-no-abi": ["-DABI=0"],
  "c-restricted-start": ["-DABI=21", "-DCALL_AT_START"],
};

const SDKS = {
  c: {
    outputs: Object.keys(C_VARIANTS),
    ensure() {
      aptInstall(["clang", "lld", "wasi-libc", "libclang-rt-dev-wasm32"], () => !!which("clang") && existsSync("/usr/lib/wasm32-wasi/libc.a"));
      return run("clang", ["--version"]).split("\n")[0];
    },
    async build(tmp) {
      for (const [name, flags] of Object.entries(C_VARIANTS)) {
        await build("clang", ["--target=wasm32-wasi", "-O2", "-mexec-model=reactor", "-Wall", "-Werror", ...flags,
          "-Wl,--export=malloc", "-Wl,--export=free", "-o", join(tmp, `${name}.wasm`), join(SRC, "c", "plugin.c")]);
      }
    },
  },
  go: {
    outputs: ["go"],
    ensure() {
      const go = which("go");
      if (!go) throw new Error("Go is not installed (Go 1.24 or newer is needed; Debian 12's golang is too old)");
      const version = run(go, ["version"]);
      const m = /go(\d+)\.(\d+)/.exec(version);
      if (!m || Number(m[1]) * 100 + Number(m[2]) < 124) throw new Error(`${version}: the Go SDK needs Go 1.24 or newer (go:wasmexport)`);
      return version;
    },
    async build(tmp) {
      await build("go", ["build", "-buildmode=c-shared", "-o", join(tmp, "go.wasm"), "."], {
        cwd: join(SRC, "go"), env: { ...process.env, GOOS: "wasip1", GOARCH: "wasm", GOTOOLCHAIN: "local", GOFLAGS: "-mod=readonly" },
      });
    },
  },
  rust: {
    outputs: ["rust"],
    ensure() {
      aptInstall(["rustc", "cargo", "libstd-rust-dev-wasm32"], () => existsSync("/usr/bin/cargo") && existsSync("/usr/lib/rustlib/wasm32-wasi"));
      return run("/usr/bin/rustc", ["--version"]);
    },
    async build(tmp) {
      const dir = join(SRC, "rust");
      const lock = readFileSync(join(dir, "Cargo.lock"));
      const vendor = join(OUT, "rust-vendor", createHash("sha256").update(lock).digest("hex").slice(0, 16));
      if (!existsSync(join(vendor, ".complete"))) {
        // Debian's cargo 1.65 only knows the git index; the crates are fetched by a cargo that reads the sparse
        // index of crates.io (1.68+), exactly as Cargo.lock pins them, and built offline by Debian's.
        const fetcher = sparseCargo();
        await build(fetcher, ["vendor", "--locked", "--versioned-dirs", vendor], {
          cwd: dir, env: { ...process.env, CARGO_HOME: join(OUT, "cargo-home") },
        });
        writeFileSync(join(vendor, ".complete"), "");
      }
      await build("/usr/bin/cargo", ["build", "--offline", "--locked", "--release", "--target", "wasm32-wasi",
        "--target-dir", join(OUT, "rust-target"),
        "--config", 'source.crates-io.replace-with="vendored-sources"', "--config", `source.vendored-sources.directory="${vendor}"`], {
        cwd: dir, env: { ...process.env, RUSTC: "/usr/bin/rustc", CARGO_HOME: join(OUT, "cargo-home") },
      });
      copyFileSync(join(OUT, "rust-target", "wasm32-wasi", "release", "sdk_conformance.wasm"), join(tmp, "rust.wasm"));
    },
  },
  assemblyscript: {
    outputs: ["assemblyscript"],
    ensure() {
      const dir = join(SRC, "assemblyscript");
      const asc = join(dir, "node_modules", "assemblyscript", "bin", "asc");
      if (!existsSync(asc) || !existsSync(join(dir, "node_modules", "@solo-io", "proxy-runtime"))) {
        console.error("installing assemblyscript 0.17 and @solo-io/proxy-runtime 0.1.8 (npm ci) ...");
        const [cmd, lead] = npmCommand();
        run(cmd, [...lead, "ci", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: dir });
      }
      return `assemblyscript ${JSON.parse(readFileSync(join(dir, "node_modules", "assemblyscript", "package.json"), "utf8")).version}`;
    },
    async build(tmp) {
      const dir = join(SRC, "assemblyscript");
      await build(process.execPath, [join(dir, "node_modules", "assemblyscript", "bin", "asc"), "index.ts", "-b", join(tmp, "assemblyscript.wasm"),
        "--use", "abort=abort_proc_exit", "-O3"], { cwd: dir });
    },
  },
};

/** A cargo that reads crates.io's sparse index (1.68+): rustup's, when Debian's is the one on PATH. */
function sparseCargo() {
  const candidates = [process.env.SPARSE_CARGO, join(process.env.HOME ?? "/root", ".cargo", "bin", "cargo"), which("cargo")].filter(Boolean);
  for (const cargo of candidates) {
    try {
      const m = /cargo (\d+)\.(\d+)/.exec(run(cargo, ["--version"]));
      if (m && Number(m[1]) * 100 + Number(m[2]) >= 168) return cargo;
    } catch {
      // not usable: try the next
    }
  }
  throw new Error("no cargo 1.68+ to fetch crates (Debian's cargo 1.65 cannot read crates.io's sparse index); set SPARSE_CARGO");
}

async function buildSdk(name) {
  const sdk = SDKS[name];
  const started = Date.now();
  for (const out of sdk.outputs) rmSync(join(OUT, `${out}.error`), { force: true });
  try {
    const toolchain = sdk.ensure();
    const hash = hashOf([toolchain, sdk.build.toString(), name === "c" ? JSON.stringify(C_VARIANTS) : ""], sourceFiles(join(SRC, name)));
    const stamp = join(OUT, `${name}.hash`);
    const fresh = !force && existsSync(stamp) && readFileSync(stamp, "utf8") === hash && sdk.outputs.every((o) => existsSync(join(OUT, `${o}.wasm`)));
    if (fresh) return { name, state: "cached", ms: Date.now() - started };
    const tmp = join(OUT, `.tmp-${name}`);
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    await sdk.build(tmp);
    for (const out of sdk.outputs) copyFileSync(join(tmp, `${out}.wasm`), join(OUT, `${out}.wasm`));
    rmSync(tmp, { recursive: true, force: true });
    writeFileSync(stamp, hash);
    return { name, state: "built", ms: Date.now() - started, toolchain };
  } catch (err) {
    for (const out of sdk.outputs) {
      rmSync(join(OUT, `${out}.wasm`), { force: true });
      writeFileSync(join(OUT, `${out}.error`), `${name} conformance plugin could not be built: ${err.message}\n`);
    }
    return { name, state: "failed", ms: Date.now() - started, error: err.message };
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  mkdirSync(OUT, { recursive: true });
  const names = Object.keys(SDKS).filter((n) => !only || only.includes(n));
  // Toolchain installs (apt) are serialised inside ensure(); the builds themselves run side by side.
  const ensured = [];
  for (const name of names) ensured.push(buildSdk(name));
  const results = await Promise.all(ensured);
  for (const r of results) {
    console.log(`${r.name.padEnd(15)} ${r.state.padEnd(7)} ${(r.ms / 1000).toFixed(1)} s${r.error ? `\n  ${r.error.split("\n").join("\n  ")}` : ""}`);
  }
  process.exit(results.some((r) => r.state === "failed") ? 1 : 0);
}
