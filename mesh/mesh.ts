// Starts the whole mesh of mesh/topology.ts as processes on 127.0.0.1 (the JWKS server and the echo pods in this
// Node process, one stock Envoy per gateway), changes it while it runs (pods added, rolled and removed; a
// feature-group alias promoted), and stops all of it again. Used by `npm start` (fixed ports) and `npm run demo` /
// the tests (free ports). Every change reaches the gateways through Envoy's own file-based xDS (mesh/xds.ts): no
// restart, no control plane; a change is done when every gateway it concerns has applied it.
import { createServer } from "node:net";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  services, gateways, deployments, portNames, planFrom, serviceIdentity, PortPlan, ServiceSpec, LiveSettings, INITIAL_ALIASES,
  ROUTED_VERSIONS, GatewaySpec,
} from "./topology.ts";
import { renderGateway, availablePlugins } from "./render.ts";
import { gatewayXds, writeGatewayXds, PodEndpoint } from "./xds.ts";
import { startJwksServer } from "./jwks-server.ts";
import { startEnvoy, Envoy } from "./envoy.ts";
import { startEchoServer, EchoServer } from "./echo-server.ts";
import { freePorts } from "./ports.ts";
import { root } from "../scripts/ensure.mjs";

/** A running echo pod. */
export interface Pod {
  spec: ServiceSpec;
  server: EchoServer;
}

/** What one change did, once every gateway it concerns applied it. */
export interface ChangeReport {
  /** "cart: scaled 3 -> 5", "geo-discount: v2 -> v3". */
  summary: string;
  added: string[];
  removed: string[];
  /** The gateways that applied it. */
  gateways: string[];
  /** From the first file written to the last gateway seen applying it, for each step of the change. */
  convergedMs: number[];
}

export interface Mesh {
  plan: PortPlan;
  /** Plugins built in dist/ when the mesh started. */
  available: Set<string>;
  /** Gateway -> plugins left out of its config because they are not built. */
  missing: Map<string, string[]>;
  envoys: Map<string, Envoy>;
  /** The echo server of every running pod (and service), by instance name. */
  echoes: Map<string, EchoServer>;
  /** One access log file per gateway (JSON lines). */
  accessLogs: Map<string, string>;
  /** Milliseconds from the call to every gateway being ready. */
  readyMs: number;
  /** The settings `alias` changes, as they are now. */
  live: LiveSettings;
  /** The running pods of a deployment, oldest first. */
  pods(deployment: string): Pod[];
  /** What a running instance is (also pods added later); undefined for an unknown name. */
  identity(instance: string): ServiceSpec | undefined;
  scale(deployment: string, replicas: number): Promise<ChangeReport>;
  /** Replaces every pod of the deployment, one at a time, by a new pod with a new name and address. */
  rollout(deployment: string): Promise<ChangeReport>;
  /** Points a feature group at another version on every gateway with feature-group. */
  alias(group: string, version: string): Promise<ChangeReport>;
  /** Called after every change (the live log prints them). */
  onChange(listener: (report: ChangeReport) => void): void;
  stop(): Promise<void>;
}

/** A change request that cannot be carried out as asked (unknown deployment, bad replica count, ...). */
export class MeshChangeError extends Error {}

/** A plan with a free 127.0.0.1 port for every service, gateway and the control endpoint. */
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
    if (name === "control") return "the mesh's control endpoint";
    if (name.endsWith("/admin")) return `admin of gateway ${name.slice(0, -6)}`;
    return services.some((s) => s.name === name) ? `service ${name}` : `gateway ${name}`;
  };
  const busy: string[] = [];
  for (const name of portNames()) if (!(await portFree(plan.port(name)))) busy.push(`${plan.port(name)} (${what(name)})`);
  return busy;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How long a change may take to reach every gateway before it is reported as failed. */
const CONVERGE_TIMEOUT_MS = 15_000;
/** Pods keep idle connections open longer than the gateways do, so a pod never closes one Envoy is about to use. */
const POD_KEEPALIVE_MS = 120_000;

async function json(url: string): Promise<any> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
  return res.json();
}

export async function startMesh(opts: { plan: PortPlan; logDir: string; readyTimeoutMs?: number }): Promise<Mesh> {
  const started = Date.now();
  const plan = opts.plan;
  const closers: Array<() => Promise<void>> = [];
  const envoys = new Map<string, Envoy>();
  const echoes = new Map<string, EchoServer>();
  const accessLogs = new Map<string, string>();
  const missing = new Map<string, string[]>();
  const available = availablePlugins();
  const live: LiveSettings = { aliases: { ...INITIAL_ALIASES } };
  const running = new Map<string, Pod[]>(deployments.map((d) => [d.name, []]));
  const specs = new Map<string, ServiceSpec>(services.map((s) => [s.name, s]));
  const nextIndex = new Map<string, number>();
  const xdsRoot = mkdtempSync(join(tmpdir(), "waymark-xds-"));
  const written = new Map<string, string>();
  const listeners: Array<(r: ChangeReport) => void> = [];
  let xdsVersion = 0;
  let stopped = false;

  const podEndpoints = (deployment: string): PodEndpoint[] =>
    (running.get(deployment) ?? []).map((p) => ({ name: p.spec.name, address: p.server.address }));
  const xdsDir = (g: GatewaySpec) => join(xdsRoot, g.name);
  /** Writes every gateway's xDS files that changed; returns the gateways that got a new file. */
  const publish = (): GatewaySpec[] => {
    const version = String(++xdsVersion);
    return gateways.filter((g) => writeGatewayXds(xdsDir(g), gatewayXds(g, { plan, live, dist: join(root, "dist"), pods: podEndpoints, available }), written, version).length > 0);
  };

  const startPod = async (spec: ServiceSpec, port = 0): Promise<Pod> => {
    const server = await startEchoServer(spec.service, port, serviceIdentity(spec), { keepAliveMs: POD_KEEPALIVE_MS });
    plan.assign(spec.name, server.port);
    specs.set(spec.name, spec);
    echoes.set(spec.name, server);
    return { spec, server };
  };
  /** Stops a pod the gateways no longer route to: requests still in flight finish, then its connections close. */
  const stopPod = async (pod: Pod) => {
    echoes.delete(pod.spec.name);
    await sleep(200);
    await pod.server.close();
  };

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.all([...envoys.values()].map((e) => e.stop()));
    await Promise.all(closers.map((c) => c()));
    await Promise.all([...running.values()].flat().map((p) => p.server.close()));
    rmSync(xdsRoot, { recursive: true, force: true });
  };
  mkdirSync(opts.logDir, { recursive: true });
  try {
    for (const s of services) {
      if (s.kind === "jwks") {
        const server = await startJwksServer(plan.port(s.name));
        closers.push(server.close);
      } else if (s.deployment) {
        running.get(s.deployment)!.push(await startPod(s, plan.port(s.name)));
        const index = Number(s.name.slice(s.deployment.length + 1));
        nextIndex.set(s.deployment, Math.max(nextIndex.get(s.deployment) ?? 0, index + 1));
      } else {
        const server = await startEchoServer(s.service, plan.port(s.name), serviceIdentity(s), { keepAliveMs: POD_KEEPALIVE_MS });
        echoes.set(s.name, server);
        closers.push(server.close);
      }
    }
    publish();
    // All gateways start at once: Envoy spends most of its start-up compiling the plugins, which overlaps well.
    const starting = gateways.map(async (g) => {
      const accessLog = join(opts.logDir, `${g.name}.access.log`);
      writeFileSync(accessLog, "");
      accessLogs.set(g.name, accessLog);
      const { text, missing: left } = renderGateway(g, { plan, accessLog, available, xdsDir: xdsDir(g), live });
      if (left.length) missing.set(g.name, left);
      const envoy = await startEnvoy(text, { vars: { ADMIN_PORT: plan.port(`${g.name}/admin`) }, readyTimeoutMs: opts.readyTimeoutMs });
      envoys.set(g.name, envoy);
    });
    const results = await Promise.allSettled(starting);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
    // Ready means the sticky plugins know their pods too (they read them from the admin after start-up).
    await Promise.all(gateways.map((g) => converged(g)));
  } catch (err) {
    await stop();
    throw err;
  }

  /** True when gateway g's clusters list exactly the running pods, and its sticky plugin mints for exactly those. */
  async function applied(g: GatewaySpec): Promise<boolean> {
    const envoy = envoys.get(g.name)!;
    const status = await json(`http://127.0.0.1:${envoy.adminPort}/clusters?format=json`);
    for (const [cluster, deployment] of Object.entries(g.eds ?? {})) {
      const hosts = (status.cluster_statuses ?? []).find((c: any) => c.name === cluster)?.host_statuses ?? [];
      const have = hosts.map((h: any) => `${h.address.socket_address.address}:${h.address.socket_address.port_value}`).sort().join(",");
      const want = podEndpoints(deployment).map((p) => p.address).sort().join(",");
      if (have !== want) return false;
    }
    if (g.plugins.some((u) => u.plugin === "sticky") && available.has("sticky") && !missing.get(g.name)?.includes("sticky")) {
      for (const pod of podEndpoints(g.eds!["cart-pods"])) {
        const res = await fetch(`http://${plan.address(g.name)}/.waymark/id?pod=${encodeURIComponent(pod.address)}`, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        if (res.status !== 200) return false;
      }
    }
    return true;
  }

  /** Waits until gateway g has applied what was published (and, for removed pods, no longer mints for them). */
  async function converged(g: GatewaySpec, gone: string[] = []): Promise<void> {
    const end = Date.now() + CONVERGE_TIMEOUT_MS;
    for (;;) {
      let ok = false;
      try {
        ok = await applied(g);
        if (ok && g.plugins.some((u) => u.plugin === "sticky") && available.has("sticky")) {
          for (const address of gone) {
            const res = await fetch(`http://${plan.address(g.name)}/.waymark/id?pod=${encodeURIComponent(address)}`, { signal: AbortSignal.timeout(2000) });
            await res.arrayBuffer();
            if (res.status !== 404) ok = false;
          }
        }
      } catch {
        ok = false;
      }
      if (ok) return;
      if (Date.now() > end) throw new Error(`gateway ${g.name} did not apply the change within ${CONVERGE_TIMEOUT_MS / 1000} s`);
      await sleep(50);
    }
  }

  /** Publishes the current state and waits for every gateway that got a new file; returns the time it took. */
  async function apply(gone: string[] = []): Promise<{ ms: number; gateways: string[] }> {
    const t0 = Date.now();
    const touched = publish();
    await Promise.all(touched.map((g) => converged(g, gone)));
    return { ms: Date.now() - t0, gateways: touched.map((g) => g.name) };
  }

  // Changes run one at a time, in the order they were asked for.
  let queue: Promise<unknown> = Promise.resolve();
  const serialised = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };
  const report = (r: ChangeReport) => {
    for (const l of listeners) l(r);
    return r;
  };
  const deploymentOf = (name: string) => {
    const d = deployments.find((x) => x.name === name);
    if (!d) throw new MeshChangeError(`no deployment named ${name}; deployments: ${deployments.map((x) => x.name).join(", ")}`);
    return d;
  };
  const newPod = async (deployment: string): Promise<Pod> => {
    const d = deploymentOf(deployment);
    const index = nextIndex.get(deployment) ?? 0;
    nextIndex.set(deployment, index + 1);
    const name = `${deployment}-${index}`;
    return startPod({ name, deployment, kind: "echo", service: d.service, version: d.version, pod: name, dc: d.dc, namespace: d.namespace, port: 0 });
  };
  const described = (p: Pod) => `${p.spec.name} ${p.server.address}`;

  const scale = (deployment: string, replicas: number) => serialised(async () => {
    deploymentOf(deployment);
    if (!Number.isInteger(replicas) || replicas < 1 || replicas > 64) throw new MeshChangeError(`replicas must be a whole number from 1 to 64 (got ${replicas})`);
    const pods = running.get(deployment)!;
    const before = pods.length;
    const added: Pod[] = [];
    while (pods.length + added.length < replicas) added.push(await newPod(deployment));
    const removed = pods.length > replicas ? pods.slice(replicas) : [];
    pods.splice(replicas);
    pods.push(...added);
    const step = await apply(removed.map((p) => p.server.address));
    await Promise.all(removed.map(stopPod));
    return report({
      summary: `${deployment}: scaled ${before} -> ${pods.length}`, added: added.map(described), removed: removed.map(described),
      gateways: step.gateways, convergedMs: [step.ms],
    });
  });

  const rollout = (deployment: string) => serialised(async () => {
    deploymentOf(deployment);
    const pods = running.get(deployment)!;
    const added: Pod[] = [];
    const removed: Pod[] = [];
    const times: number[] = [];
    const touched = new Set<string>();
    // As a Kubernetes rolling update with maxSurge 1, maxUnavailable 0: add the new pod, wait until every gateway
    // routes to it, take the old one out, wait until none routes to it, then stop it.
    for (const old of [...pods]) {
      const fresh = await newPod(deployment);
      pods.push(fresh);
      added.push(fresh);
      const up = await apply();
      pods.splice(pods.indexOf(old), 1);
      const down = await apply([old.server.address]);
      await stopPod(old);
      removed.push(old);
      times.push(up.ms, down.ms);
      for (const g of [...up.gateways, ...down.gateways]) touched.add(g);
    }
    return report({
      summary: `${deployment}: rolled ${removed.length} pod${removed.length === 1 ? "" : "s"} to new addresses`,
      added: added.map(described), removed: removed.map(described), gateways: [...touched], convergedMs: times,
    });
  });

  const alias = (group: string, version: string) => serialised(async () => {
    const known = Object.keys(INITIAL_ALIASES);
    if (!known.includes(group)) throw new MeshChangeError(`no feature group named ${group}; groups: ${known.join(", ")}`);
    if (!ROUTED_VERSIONS.includes(version)) throw new MeshChangeError(`no route sends x-version ${version} anywhere; versions: ${ROUTED_VERSIONS.join(", ")}`);
    const before = live.aliases[group];
    // ECDS: each gateway's counter of applied updates tells when it switched (a refused update is not counted).
    const counter = async (g: string) => (await envoys.get(g)!.stat("extension_config_discovery.http_filter.feature-group.update_success")) ?? 0;
    const withPlugin = gateways.filter((g) => g.plugins.some((u) => u.ecds) && envoys.has(g.name));
    const seen = new Map(await Promise.all(withPlugin.map(async (g) => [g.name, await counter(g.name)] as const)));
    live.aliases = { ...live.aliases, [group]: version };
    const t0 = Date.now();
    const touched = publish();
    await Promise.all(touched.map(async (g) => {
      const end = Date.now() + CONVERGE_TIMEOUT_MS;
      while ((await counter(g.name)) <= seen.get(g.name)!) {
        if (Date.now() > end) throw new Error(`gateway ${g.name} did not apply the alias within ${CONVERGE_TIMEOUT_MS / 1000} s`);
        await sleep(50);
      }
    }));
    return report({
      summary: `${group}: ${before} -> ${version}`, added: [], removed: [], gateways: touched.map((g) => g.name), convergedMs: [Date.now() - t0],
    });
  });

  return {
    plan, available, missing, envoys, echoes, accessLogs, readyMs: Date.now() - started, live,
    pods: (deployment) => [...(running.get(deployment) ?? [])],
    identity: (instance) => specs.get(instance),
    scale, rollout, alias,
    onChange: (l) => void listeners.push(l),
    stop,
  };
}
