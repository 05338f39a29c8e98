// One service of mesh/topology.ts as its own process, for the compose runner:
// `node --import tsx mesh/service.ts <name>` (e.g. order-mgmt-v2-0, jwks) listens on the topology's fixed port.
import { services, fixedPorts, serviceIdentity } from "./topology.ts";
import { startJwksServer } from "./jwks-server.ts";
import { startEchoServer } from "./echo-server.ts";

const name = process.argv[2];
const s = services.find((x) => x.name === name);
if (!s) {
  console.error(`usage: mesh/service.ts <name>; names: ${services.map((x) => x.name).join(", ")}`);
  process.exit(2);
}
const port = fixedPorts.port(s.name);
if (s.kind === "jwks") await startJwksServer(port);
else await startEchoServer(s.service, port, serviceIdentity(s));
console.log(`${s.name} (${s.service} ${s.version}, ${s.namespace}, ${s.dc}) listening on 127.0.0.1:${port}`);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(0));
