#!/usr/bin/env node
// `npm run soak`: 1,000,000 requests per plugin through the harness and 200,000+ through real Envoy with every
// plugin loaded (three wrk phases of SOAK_ENVOY_SECONDS), printing module memory and Envoy's resident memory.
// `npm test` runs the same test with 20,000 requests and 3-second phases.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { root, ensureNodeModules, ensureEnvoy } from "./ensure.mjs";

ensureNodeModules();
ensureEnvoy();
const build = spawnSync(process.execPath, [join(root, "scripts", "build.mjs"), "--quiet"], { cwd: root, stdio: "inherit" });
if (build.status !== 0) process.exit(1);
const env = { ...process.env, SOAK_REQUESTS: process.env.SOAK_REQUESTS ?? "1000000", SOAK_ENVOY_SECONDS: process.env.SOAK_ENVOY_SECONDS ?? "20" };
const run = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-timeout=86400000", "--test-reporter=spec", join("tests", "soak", "soak.test.ts")], { cwd: root, stdio: "inherit", env });
process.exit(run.status ?? 1);
