#!/usr/bin/env node
// `npm test`: installs what is missing (Node dependencies, the pinned Envoy), builds every module (and the
// conformance plugins of other SDKs, scripts/build-sdk-plugins.mjs), then runs
// the AssemblyScript unit tests (as-pect) and the TypeScript tests (harness, Envoy end to end) and ends with
// one line summing every suite: "N passed, N failed".
// Usage: node scripts/test.mjs [path-filter ...]   (filters select TypeScript test files by substring)
import { spawnSync } from "node:child_process";
import { readdirSync, statSync, readFileSync, mkdtempSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { tmpdir } from "node:os";
import { root, ensureNodeModules, ensureEnvoy } from "./ensure.mjs";

const filters = process.argv.slice(2);
ensureNodeModules();
ensureEnvoy();

const build = spawnSync(process.execPath, [join(root, "scripts", "build.mjs")], { cwd: root, stdio: "inherit" });
if (build.status !== 0) {
  console.log("0 passed, 1 failed");
  process.exit(1);
}

// The conformance plugins of other SDKs (cached by source hash). A toolchain that cannot be installed does not
// stop the run: the conformance suite of that SDK fails with the reason.
spawnSync(process.execPath, [join(root, "scripts", "build-sdk-plugins.mjs")], { cwd: root, stdio: "inherit" });

let passed = 0;
let failed = 0;

// --- AssemblyScript unit tests ---
if (filters.length === 0) {
  const asp = spawnSync(process.execPath, [join(root, "node_modules", "@as-pect", "cli", "bin", "asp.js"), "--config", "as-pect.config.js"], {
    cwd: root, encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" }, maxBuffer: 64 << 20, timeout: 15 * 60 * 1000,
  });
  // as-pect colours its output whatever the environment says; strip the escapes before reading the counts.
  const out = ((asp.stdout ?? "") + (asp.stderr ?? "")).replace(/\x1b\[[0-9;]*m/g, "");
  process.stdout.write(out.split("\n").filter((l) => /✔|✖|Pass:|Fail|Error|ERROR|\[Tests\]|\[Result\]/.test(l)).join("\n") + "\n");
  const m = /\[Tests\]:\s*(\d+)\s*\/\s*(\d+)/.exec(out);
  if (m) {
    passed += Number(m[1]);
    failed += Number(m[2]) - Number(m[1]);
  }
  if (!m || asp.status !== 0) {
    // A spec that does not compile reports no counts: it still has to fail the run.
    if (!m || Number(m[1]) === Number(m[2])) failed += 1;
    console.log(`as-pect exited with status ${asp.status}`);
  }
  console.log(`as-pect: ${m ? m[1] : 0} of ${m ? m[2] : "?"} passed`);
}

// --- TypeScript tests (harness, tools, Envoy end to end) ---
function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== "unit" && name !== "fixtures" && name !== "node_modules") out.push(...findTests(path));
    } else if (name.endsWith(".test.ts")) {
      out.push(path);
    }
  }
  return out;
}

const files = findTests(join(root, "tests"))
  .filter((f) => filters.length === 0 || filters.some((x) => relative(root, f).includes(x)))
  .sort();
if (files.length) {
  const dir = mkdtempSync(join(tmpdir(), "waymark-test-"));
  const tap = join(dir, "results.tap");
  const node = spawnSync(process.execPath, [
    // A test that hangs fails after 5 minutes instead of holding up the whole run.
    "--import", "tsx", "--test", "--test-concurrency=2", "--test-timeout=300000",
    "--test-reporter=spec", "--test-reporter-destination=stdout",
    "--test-reporter=tap", `--test-reporter-destination=${tap}`,
    ...files.map((f) => relative(root, f)),
  ], { cwd: root, stdio: "inherit", timeout: 45 * 60 * 1000, killSignal: "SIGKILL" });
  if (node.error) console.log(`the TypeScript suites did not finish: ${node.error.message}`);
  const summary = readFileSync(tap, "utf8");
  const count = (what) => Number(new RegExp(`^# ${what} (\\d+)$`, "m").exec(summary)?.[1] ?? 0);
  passed += count("pass");
  failed += count("fail") + count("cancelled");
  if (node.status !== 0 && count("fail") + count("cancelled") === 0) failed += 1;
  rmSync(dir, { recursive: true, force: true });
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
