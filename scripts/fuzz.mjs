#!/usr/bin/env node
// `npm run fuzz [filter ...]`: the long fuzz runs (FUZZ_RUNS cases per plugin, default 1,000,000; the seed is
// printed, and FUZZ_SEED=<seed> replays a failure). `npm test` runs the same tests with a few hundred cases.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { root, ensureNodeModules } from "./ensure.mjs";

ensureNodeModules();
const build = spawnSync(process.execPath, [join(root, "scripts", "build.mjs"), "--quiet"], { cwd: root, stdio: "inherit" });
if (build.status !== 0) process.exit(1);
const filters = process.argv.slice(2);
const files = readdirSync(join(root, "tests", "fuzz")).filter((f) => f.endsWith(".test.ts") && (!filters.length || filters.some((x) => f.includes(x))));
const env = { ...process.env, FUZZ_RUNS: process.env.FUZZ_RUNS ?? "1000000", FUZZ_SEED: process.env.FUZZ_SEED ?? String(Date.now() % 2 ** 31) };
console.log(`fuzz: ${env.FUZZ_RUNS} cases per plugin, seed ${env.FUZZ_SEED}`);
const run = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-timeout=86400000", ...files.map((f) => join("tests", "fuzz", f))], { cwd: root, stdio: "inherit", env });
process.exit(run.status ?? 1);
