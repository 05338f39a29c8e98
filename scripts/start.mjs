#!/usr/bin/env node
// `npm start`: installs what is missing, builds, starts the local demo in real Envoy on 127.0.0.1 and shows what
// to try. Ctrl-C stops everything. The demo is described by mesh/topology.mjs.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { root, ensureNodeModules, ensureEnvoy } from "./ensure.mjs";

ensureNodeModules();
ensureEnvoy();
const build = spawnSync(process.execPath, [join(root, "scripts", "build.mjs")], { cwd: root, stdio: "inherit" });
if (build.status !== 0) process.exit(1);
const run = spawnSync(process.execPath, ["--import", "tsx", join(root, "mesh", "run.ts"), ...process.argv.slice(2)], { cwd: root, stdio: "inherit" });
process.exit(run.status ?? 1);
