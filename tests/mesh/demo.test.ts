// `npm run demo` in the test suite: mesh/demo.ts (what scripts/demo.mjs runs after installing and building, which
// `npm test` has done already): a fresh mesh on free ports, every scenario of mesh/topology.ts once, expected vs
// observed routing. It must exit 0 with every scenario passed; a scenario
// may be skipped only when its plugin has no source in plugins/ at all (a plugin that exists must be built and used).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { root } from "../../scripts/ensure.mjs";
import { scenarios } from "../../mesh/topology.ts";
import { liveScenarios } from "../../mesh/live-scenarios.ts";

test("npm run demo: every scenario routes as the topology says, and the mesh changes under load", { timeout: 240_000 }, async () => {
  const started = Date.now();
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "mesh", "demo.ts")], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  assert.equal(code, 0, out);

  const rows = new Map<string, string>();
  for (const line of out.split("\n")) {
    const m = /^(\S+)\s.*\s(pass|FAIL|skip)$/.exec(line);
    if (m) rows.set(m[1], m[2]);
  }
  for (const s of scenarios) {
    const result = rows.get(s.name);
    assert.ok(result, `scenario ${s.name} missing from the table:\n${out}`);
    if (result === "skip") {
      const unbuilt = s.needs.filter((p) => !existsSync(join(root, "plugins", p, "index.ts")));
      assert.ok(unbuilt.length > 0, `${s.name} was skipped although its plugins exist in plugins/:\n${out}`);
    } else {
      assert.equal(result, "pass", `${s.name}:\n${out}`);
    }
  }
  // The mesh changing under load: scale-out, rolling-deploy, scale-in, promote-live, each passed.
  for (const s of liveScenarios) assert.equal(rows.get(s.name), "pass", `${s.name}:\n${out}`);
  assert.match(out, /CHANGE cart: scaled 3 -> 5 .* applied by cart in/);
  assert.match(out, /CHANGE geo-discount: v2 -> v3\s+applied by ingress, order-mgmt, billing in/);
  assert.match(out, new RegExp(`demo: \\d+ passed, 0 failed, \\d+ skipped`));
  console.log(`demo took ${((Date.now() - started) / 1000).toFixed(1)} s; ${out.split("\n")[0]}`);
});
