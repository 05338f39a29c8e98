#!/usr/bin/env node
// `npm run bench [filter ...]`: installs what is missing, builds, then runs bench/run.ts.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { root, ensureNodeModules, ensureEnvoy } from "./ensure.mjs";

ensureNodeModules();
ensureEnvoy();
const build = spawnSync(process.execPath, [join(root, "scripts", "build.mjs")], { cwd: root, stdio: "inherit" });
if (build.status !== 0) process.exit(1);
const bench = spawnSync(process.execPath, ["--import", "tsx", join(root, "bench", "run.ts"), ...process.argv.slice(2)], { cwd: root, stdio: "inherit" });
process.exit(bench.status ?? 1);
