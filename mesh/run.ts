// Process runner for mesh/topology.ts: starts every service and gateway on 127.0.0.1, waits until all are
// ready, prints what to try, then follows the gateways' logs. Ctrl-C stops everything.
import { createServer } from "node:net";
import { services, gateways, scenarios } from "./topology.ts";
import { startEnvoy, Envoy } from "../tests/envoy/envoy.ts";
import { startEchoServer, EchoServer } from "../tests/support/echo-server.ts";
import { gatewayVars } from "./render.ts";
import { root } from "../scripts/ensure.mjs";

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

const started = Date.now();
const busy: string[] = [];
for (const s of services) if (!(await portFree(s.port))) busy.push(`${s.port} (service ${s.name})`);
for (const g of gateways) for (const p of [g.port, g.adminPort]) if (!(await portFree(p))) busy.push(`${p} (gateway ${g.name})`);
if (busy.length) {
  console.error(`cannot start the mesh: port ${busy.join(", ")} already in use on 127.0.0.1 (is another \`npm start\` running?)`);
  process.exit(1);
}

const echoes: EchoServer[] = [];
const envoys: Envoy[] = [];
const stopAll = async () => {
  await Promise.all(envoys.map((e) => e.stop()));
  await Promise.all(echoes.map((e) => e.close()));
};
process.on("SIGINT", () => void stopAll().then(() => process.exit(0)));
process.on("SIGTERM", () => void stopAll().then(() => process.exit(0)));

try {
  for (const s of services) echoes.push(await startEchoServer(s.name, s.port));
  for (const g of gateways) {
    envoys.push(await startEnvoy(g.template, { vars: gatewayVars(g, root) }));
  }
} catch (err) {
  console.error(`the mesh did not start: ${(err as Error).message.split("\n")[0]}`);
  await stopAll();
  process.exit(1);
}

console.log(`\nWaymark mesh ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
console.log("gateway      listener                 admin");
for (const g of gateways) console.log(`${g.name.padEnd(12)} http://127.0.0.1:${g.port}   http://127.0.0.1:${g.adminPort}`);
console.log("\nTry:");
for (const s of scenarios) {
  const g = gateways.find((x) => x.name === s.gateway)!;
  const h = Object.entries(s.headers ?? {}).map(([k, v]) => ` -H '${k}: ${v}'`).join("");
  console.log(`  # ${s.name} (expect ${s.expect.header}: ${s.expect.equals})`);
  console.log(`  curl -s${h} http://127.0.0.1:${g.port}${s.path}\n`);
}
console.log("Ctrl-C stops everything.");
if (process.argv.includes("--check")) {
  await stopAll();
  process.exit(0);
}
await new Promise(() => {});
