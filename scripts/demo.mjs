#!/usr/bin/env node
// `npm run demo`: installs what is missing, builds the plugins that are not up to date, then runs every scenario of
// mesh/topology.ts once against a fresh mesh on free ports (mesh/demo.ts) and prints expected vs observed routing.
// Exits 1 if any scenario differs. Safe to run while `npm start` is up.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { root, ensureNodeModules, ensureEnvoy } from "./ensure.mjs";

ensureNodeModules();
ensureEnvoy();
const { ensureMeshBuilt } = await import("../mesh/prepare.mjs");
const failed = await ensureMeshBuilt();
if (failed.length) {
  console.error(`npm run demo: building ${failed.join(", ")} failed (see above)`);
  process.exit(1);
}
const demo = spawn(process.execPath, ["--import", "tsx", join(root, "mesh", "demo.ts"), ...process.argv.slice(2)], { cwd: root, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => demo.kill(signal));
demo.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
