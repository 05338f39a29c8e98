// `npm run demo`: starts a fresh mesh on free ports (so it runs next to `npm start`), runs every scenario of
// mesh/topology.ts once, then changes the mesh under load (mesh/live-scenarios.ts: scale-out, rolling-deploy,
// scale-in, promote-live), prints expected vs observed and exits 1 if any differs. It prints the address of its
// control endpoint, so `waymark mesh --mesh <url> ...` can change this mesh too while it runs.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startMesh, freePlan } from "./mesh.ts";
import { runAll, Outcome } from "./scenarios.ts";
import { demoTokens } from "./tokens.ts";
import { table } from "./table.ts";
import { runLive } from "./live-scenarios.ts";
import { startControl } from "./control.ts";
import { formatChange } from "./live-log.ts";
import { onStopSignal } from "../scripts/lifecycle.mjs";
import { stopAllEnvoys } from "./envoy.ts";

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
let rows: Array<{ name: string; expected: string; observed: string; result: Outcome["result"]; note?: string }> = [];
let control: { url: string; close(): Promise<void> } | undefined;
try {
  const running = mesh;
  control = await startControl(running, plan.port("control"));
  console.log(`mesh ready in ${(mesh.readyMs / 1000).toFixed(1)} s (plugins built: ${[...mesh.available].join(", ") || "none"}); control endpoint ${control.url}\n`);
  mesh.onChange((report) => console.log(formatChange(report)));
  const ctx = { plan, tokens: await demoTokens(), available: mesh.available, podNames: (d: string) => running.pods(d).map((p) => p.spec.name) };
  const fixed = await runAll(ctx);
  const live = await runLive({ ...ctx, mesh: running });
  rows = [...fixed.map((o) => ({ ...o, name: o.scenario.name })), ...live];
} finally {
  await control?.close();
  await mesh.stop();
  rmSync(logDir, { recursive: true, force: true });
}

console.log("\n" + table(["scenario", "expected", "observed", "result"], rows.map((o) => [o.name, o.expected, o.observed, o.result])));
for (const o of rows) if (o.note) console.log(`  ${o.name}: ${o.note}`);
const count = (r: Outcome["result"]) => rows.filter((o) => o.result === r).length;
console.log(`\ndemo: ${count("pass")} passed, ${count("FAIL")} failed, ${count("skip")} skipped`);
process.exit(count("FAIL") === 0 ? 0 : 1);
