// `npm run demo`: starts a fresh mesh on free ports (so it runs next to `npm start`), runs every scenario of
// mesh/topology.ts once, prints expected vs observed routing and exits 1 if any differs.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startMesh, freePlan } from "./mesh.ts";
import { runAll, Outcome } from "./scenarios.ts";
import { demoTokens } from "./tokens.ts";
import { table } from "./table.ts";
import { onStopSignal } from "../scripts/lifecycle.mjs";
import { stopAllEnvoys } from "../tests/envoy/envoy.ts";

const logDir = mkdtempSync(join(tmpdir(), "waymark-demo-"));
let mesh: Awaited<ReturnType<typeof startMesh>> | undefined;
// SIGINT, SIGTERM, SIGHUP, or the parent gone: stop the mesh (gateways still starting too), then die of the signal.
onStopSignal(async () => {
  await mesh?.stop();
  await stopAllEnvoys();
  rmSync(logDir, { recursive: true, force: true });
  console.log("stopped: every gateway and service is down.");
});
const plan = await freePlan();
try {
  mesh = await startMesh({ plan, logDir });
} catch (err) {
  console.error(`the mesh did not start: ${(err as Error).message.split("\n").slice(0, 12).join("\n")}`);
  rmSync(logDir, { recursive: true, force: true });
  process.exit(1);
}
let outcomes: Outcome[] = [];
try {
  console.log(`mesh ready in ${(mesh.readyMs / 1000).toFixed(1)} s (plugins built: ${[...mesh.available].join(", ") || "none"})\n`);
  outcomes = await runAll({ plan, tokens: await demoTokens(), available: mesh.available });
} finally {
  await mesh.stop();
  rmSync(logDir, { recursive: true, force: true });
}

console.log(table(["scenario", "expected", "observed", "result"], outcomes.map((o) => [o.scenario.name, o.expected, o.observed, o.result])));
for (const o of outcomes) if (o.note) console.log(`  ${o.scenario.name}: ${o.note}`);
const count = (r: Outcome["result"]) => outcomes.filter((o) => o.result === r).length;
console.log(`\ndemo: ${count("pass")} passed, ${count("FAIL")} failed, ${count("skip")} skipped`);
process.exit(count("FAIL") === 0 ? 0 : 1);
