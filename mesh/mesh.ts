// Starts the whole mesh of mesh/topology.ts as processes on 127.0.0.1 (the JWKS server and the echo services in
// this Node process, one stock Envoy per gateway) and stops all of it again. Used by `npm start` (fixed ports) and
// `npm run demo` / the tests (free ports).
import { createServer } from "node:net";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { services, gateways, portNames, planFrom, serviceIdentity, PortPlan } from "./topology.ts";
import { renderGateway, availablePlugins } from "./render.ts";
import { startJwksServer } from "./jwks-server.ts";
import { startEnvoy, Envoy } from "../tests/envoy/envoy.ts";
import { startEchoServer, EchoServer } from "../tests/support/echo-server.ts";
import { freePorts } from "../tests/support/ports.ts";

export interface Mesh {
  plan: PortPlan;
  /** Plugins built in dist/ when the mesh started. */
  available: Set<string>;
  /** Gateway -> plugins left out of its config because they are not built. */
  missing: Map<string, string[]>;
  envoys: Map<string, Envoy>;
  /** The echo server of every demo service instance, by instance name. */
  echoes: Map<string, EchoServer>;
  /** One access log file per gateway (JSON lines). */
  accessLogs: Map<string, string>;
  /** Milliseconds from the call to every gateway being ready. */
  readyMs: number;
  stop(): Promise<void>;
}

/** A plan with a free 127.0.0.1 port for every service and gateway. */
export async function freePlan(): Promise<PortPlan> {
  const names = portNames();
  const ports = await freePorts(names.length);
  return planFrom(new Map(names.map((n, i) => [n, ports[i]])));
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

/** The ports of the plan already taken, as "10000 (gateway ingress)". */
export async function busyPorts(plan: PortPlan): Promise<string[]> {
  const what = (name: string) => {
    if (name.endsWith("/admin")) return `admin of gateway ${name.slice(0, -6)}`;
    return services.some((s) => s.name === name) ? `service ${name}` : `gateway ${name}`;
  };
  const busy: string[] = [];
  for (const name of portNames()) if (!(await portFree(plan.port(name)))) busy.push(`${plan.port(name)} (${what(name)})`);
  return busy;
}

export async function startMesh(opts: { plan: PortPlan; logDir: string; readyTimeoutMs?: number }): Promise<Mesh> {
  const started = Date.now();
  const closers: Array<() => Promise<void>> = [];
  const envoys = new Map<string, Envoy>();
  const echoes = new Map<string, EchoServer>();
  const accessLogs = new Map<string, string>();
  const missing = new Map<string, string[]>();
  const available = availablePlugins();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.all([...envoys.values()].map((e) => e.stop()));
    await Promise.all(closers.map((c) => c()));
  };
  mkdirSync(opts.logDir, { recursive: true });
  try {
    for (const s of services) {
      if (s.kind === "jwks") {
        const server = await startJwksServer(opts.plan.port(s.name));
        closers.push(server.close);
      } else {
        const server = await startEchoServer(s.service, opts.plan.port(s.name), serviceIdentity(s));
        echoes.set(s.name, server);
        closers.push(server.close);
      }
    }
    // All gateways start at once: Envoy spends most of its start-up compiling the plugins, which overlaps well.
    const starting = gateways.map(async (g) => {
      const accessLog = join(opts.logDir, `${g.name}.access.log`);
      writeFileSync(accessLog, "");
      accessLogs.set(g.name, accessLog);
      const { text, missing: left } = renderGateway(g, { plan: opts.plan, accessLog, available });
      if (left.length) missing.set(g.name, left);
      const envoy = await startEnvoy(text, { vars: { ADMIN_PORT: opts.plan.port(`${g.name}/admin`) }, readyTimeoutMs: opts.readyTimeoutMs });
      envoys.set(g.name, envoy);
    });
    const results = await Promise.allSettled(starting);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
  } catch (err) {
    await stop();
    throw err;
  }
  return { plan: opts.plan, available, missing, envoys, echoes, accessLogs, readyMs: Date.now() - started, stop };
}
