// What the mesh needs built before it starts: the three plugins and the hash tool (the demo computes the pod
// Envoy's Maglev picks for a cart key with it). Only modules older than their sources are rebuilt, and those
// builds run in parallel (one `scripts/build.mjs --only` per module), which matters most on a fresh clone.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { root } from "../scripts/ensure.mjs";

export const MESH_MODULES = [
  { only: "plugins/tenant", out: "dist/tenant.wasm" },
  { only: "plugins/feature-group", out: "dist/feature-group.wasm" },
  { only: "plugins/sticky", out: "dist/sticky.wasm" },
  { only: "tools/hash", out: "dist/tools/hash.js" },
];

export function newestUnder(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestUnder(join(path, name)));
  return newest;
}

/** True when the module's output is missing or older than anything it is built from. */
export function stale(module) {
  const out = join(root, module.out);
  if (!existsSync(out)) return true;
  const inputs = [module.only, "assembly", "asconfig.json", "package-lock.json"].map((p) => newestUnder(join(root, p)));
  return Math.max(...inputs) > statSync(out).mtimeMs;
}

function build(only) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, "scripts", "build.mjs"), "--only", only, "--quiet"], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
    child.on("exit", (code) => resolve(code === 0));
  });
}

/** Builds what is stale, at most `parallel` at a time; returns the modules that failed to build. */
export async function ensureMeshBuilt({ parallel = 2, log = (m) => console.error(m) } = {}) {
  const todo = MESH_MODULES.filter((m) => existsSync(join(root, m.only)) && stale(m));
  if (todo.length === 0) return [];
  log(`building ${todo.map((m) => m.only).join(", ")} ...`);
  const failed = [];
  const queue = [...todo];
  await Promise.all(Array.from({ length: Math.min(parallel, queue.length) }, async () => {
    for (let m = queue.shift(); m; m = queue.shift()) if (!(await build(m.only))) failed.push(m.only);
  }));
  return failed;
}
