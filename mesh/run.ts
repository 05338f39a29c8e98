// Process runner for mesh/topology.ts (`npm start` runs it through scripts/start.mjs): starts every service and
// gateway on 127.0.0.1 at the topology's fixed ports, waits until all are ready, prints the entry points and a
// curl command per scenario (tokens included), then a live log of routing decisions. Ctrl-C stops everything.
//
//   --free-ports   use free ports instead of the fixed ones (tests; a second mesh next to a running one)
//   --check        run every scenario once after start-up, print the outcome and stop (exit 1 if any differs)
import { join } from "node:path";
import { rmSync, writeFileSync, mkdirSync } from "node:fs";
import { gateways, scenarios, services, fixedPorts, Scenario } from "./topology.ts";
import { startMesh, freePlan, busyPorts, Mesh } from "./mesh.ts";
import { demoTokens } from "./tokens.ts";
import { curlFor, mintCartId, mintUrl, runAll, maglevPod, Context } from "./scenarios.ts";
import { followMesh, formatChange } from "./live-log.ts";
import { startControl } from "./control.ts";
import { table } from "./table.ts";
import { root } from "../scripts/ensure.mjs";
import { onStopSignal } from "../scripts/lifecycle.mjs";
import { stopAllEnvoys } from "./envoy.ts";

const args = process.argv.slice(2);
const t0 = Number(process.env.WAYMARK_T0) || Date.now();
const plan = args.includes("--free-ports") ? await freePlan() : fixedPorts;
/** Where `waymark mesh` finds the running mesh's control endpoint. */
const CONTROL_FILE = join(root, "build", "mesh", "control.json");
mkdirSync(join(root, "build", "mesh"), { recursive: true });

let mesh: Mesh | undefined;
let follower: { stop(): void } | undefined;
let control: { close(): Promise<void> } | undefined;
const stopAll = async () => {
  follower?.stop();
  await control?.close();
  if (control && plan === fixedPorts) rmSync(CONTROL_FILE, { force: true });
  await mesh?.stop();
  await stopAllEnvoys(); // gateways still starting when the signal came
  console.log("\nstopped: every gateway and service is down.");
};
// SIGINT, SIGTERM, SIGHUP, or the parent gone: stop everything, then die of that signal (exit 130 / 143 / 129).
onStopSignal(stopAll);

const busy = await busyPorts(plan);
if (busy.length) {
  console.error(`cannot start the mesh: port${busy.length > 1 ? "s" : ""} ${busy.join(", ")} already in use on 127.0.0.1.`);
  console.error("Is another `npm start` running? Stop it (Ctrl-C), or free the port; `npm run demo` uses free ports and can run alongside.");
  process.exit(1);
}

try {
  mesh = await startMesh({ plan, logDir: join(root, "build", "mesh", "logs") });
} catch (err) {
  console.error(`the mesh did not start: ${(err as Error).message.split("\n").slice(0, 15).join("\n")}`);
  process.exit(1);
}

const running = mesh;
const ctx: Context = { plan, tokens: await demoTokens(), available: mesh.available, podNames: (d) => running.pods(d).map((p) => p.spec.name) };
try {
  const endpoint = await startControl(mesh, plan.port("control"));
  control = endpoint;
  // `waymark mesh ...` finds the fixed-port mesh here; a --free-ports mesh (tests, a second mesh) is named with --mesh.
  if (plan === fixedPorts) writeFileSync(CONTROL_FILE, JSON.stringify({ url: endpoint.url, pid: process.pid }) + "\n");
} catch (err) {
  console.error(`the mesh's control endpoint did not start: ${(err as Error).message}`);
  await stopAll();
  process.exit(1);
}
const total = ((Date.now() - t0) / 1000).toFixed(1);
console.log(`\nWaymark mesh ready: ${gateways.length} Envoy gateways and ${services.length} services up in ${(mesh.readyMs / 1000).toFixed(1)} s` +
  (process.env.WAYMARK_T0 ? ` (${total} s since \`npm start\`, install and build included)` : ""));
for (const [gw, left] of mesh.missing) console.log(`  note: ${gw} runs without ${left.join(", ")} (not built)`);

console.log("\nEntry points\n");
console.log(table(["gateway", "role", "listener", "admin", "what it does"], gateways.map((g) => [
  g.name, `${g.role}${g.dc !== "dc1" ? ` (${g.dc})` : ""}`, `http://${plan.address(g.name)}`, `http://${plan.address(`${g.name}/admin`)}`, g.about,
])));
console.log(`\nJWKS: http://${plan.address("jwks")}/.well-known/jwks.json   tokens: node --import tsx mesh/tokens.ts   access logs: build/mesh/logs/`);
const meshFlag = plan === fixedPorts ? "" : ` --mesh http://${plan.address("control")}`;
console.log(`Change it live (pods and aliases, through Envoy's file-based EDS and ECDS, no restart):`);
console.log(`  npx waymark mesh status${meshFlag}    npx waymark mesh scale cart 5${meshFlag}    npx waymark mesh rollout cart${meshFlag}    npx waymark mesh alias geo-discount v3${meshFlag}`);

if (args.includes("--check")) {
  const outcomes = await runAll(ctx);
  console.log("\n" + table(["scenario", "expected", "observed", "result"], outcomes.map((o) => [o.scenario.name, o.expected, o.observed, o.result])));
  await stopAll();
  process.exit(outcomes.some((o) => o.result === "FAIL") ? 1 : 0);
}

console.log("\nTry these (each answer is JSON naming the service, version, pod, dc and namespace that served it, and the headers it saw):\n");
const expectText = async (s: Scenario) => {
  const e = s.expect;
  const parts = [String(e.status)];
  for (const v of [e.service, e.version, e.maglev ? await maglevPod(ctx, e.maglev.gateway, e.maglev.key) : e.pod, e.dc, e.namespace]) if (v) parts.push(v);
  if (e.tenant) parts.push(`tenant=${e.tenant}`);
  if (e.group) parts.push(`group=${e.group}`);
  return parts.join(" ");
};
for (const [i, s] of scenarios.entries()) {
  const lacking = s.needs.filter((p) => !mesh.available.has(p));
  console.log(`# ${i + 1}. ${s.title}  -> expect ${await expectText(s)}${lacking.length ? `  (needs ${lacking.join(", ")}: not built)` : ""}`);
  let id: string | undefined;
  if (s.mint) {
    try {
      id = await mintCartId(plan, s.mint.gateway, s.mint.pod);
      console.log(`#    ${id} was minted for ${s.mint.pod} with: curl -s '${mintUrl(plan, s.mint.gateway, s.mint.pod)}'`);
    } catch (err) {
      console.log(`#    (minting a cart ID failed: ${(err as Error).message}; mint one with: curl -s '${mintUrl(plan, s.mint.gateway, s.mint.pod)}')`);
    }
  }
  console.log(`${curlFor(s, ctx, id)}\n`);
}

console.log("Ctrl-C stops everything. Routing decisions as they happen (request, status, tenant, group, version, gateways -> pod [dc]);");
console.log("requests a gateway answers itself (401, 404, minted IDs) show up when Envoy writes its access log, up to 10 s later:\n");
follower = followMesh(mesh, (line) => console.log(line));
mesh.onChange((report) => console.log(formatChange(report)));
await new Promise(() => {});
