// One Envoy process on 127.0.0.1: start it from a finished configuration, keep what it logs, wait for /ready,
// stop it. Shared by the mesh and the tests (mesh/envoy.ts) and by `waymark test --envoy` (cli/cases/envoy-run.mjs);
// plain JavaScript because it ships in the package.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A free TCP port on 127.0.0.1, found by binding port 0 and releasing it. */
export async function freePort() {
  return /** @type {Promise<number>} */ (new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {import("node:net").AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  }));
}

/**
 * GET with a 2 s limit; undefined when nothing answered.
 * @param {string} url
 * @returns {Promise<{ status: number, text: string } | undefined>}
 */
export async function fetchText(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return { status: res.status, text: await res.text() };
  } catch {
    return undefined;
  }
}

/**
 * Starts Envoy on `configText` (written to a temporary folder named `tmpPrefix`…, removed when it stops).
 * `args` follow --config-path.
 * @param {{ bin: string, configText: string, args: string[], tmpPrefix: string }} options
 */
export function spawnEnvoy({ bin, configText, args, tmpPrefix }) {
  const dir = mkdtempSync(join(tmpdir(), tmpPrefix));
  const configPath = join(dir, "envoy.yaml");
  writeFileSync(configPath, configText);
  const child = spawn(bin, ["--config-path", configPath, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  /** @type {number | null} */
  let exitCode = null;
  /** @type {Array<() => void>} */
  const waiters = [];
  const changed = () => { for (const w of waiters.splice(0)) w(); };
  /** @param {Buffer} chunk */
  const onData = (chunk) => {
    output += chunk.toString("utf8");
    changed();
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  // A binary that cannot be started reports here, then closes like an exit.
  child.once("error", (err) => { output += `\n${err.message}`; });
  const closed = new Promise((resolve) => child.once("close", (code) => {
    exitCode = code ?? -1;
    changed();
    resolve(undefined);
  }));

  return {
    child,
    /** Everything Envoy logged so far. */
    output: () => output,
    /** Its exit code once it has exited (-1 for a signal), else null. */
    exitCode: () => exitCode,
    /** Resolves at the next log output or at the exit. */
    nextChange: () => new Promise((resolve) => waiters.push(() => resolve(undefined))),
    /** SIGTERM, SIGKILL after 5 s; then the temporary folder goes. */
    async stop() {
      if (exitCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        await closed;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
    /** At once and synchronously (a signal to this process): SIGKILL and remove the folder. */
    killNow() {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
    /**
     * Polls the admin's /ready every 50 ms until it answers 200. Resolves with null when ready, else with why not
     * (the exit code, or "timeout"); the caller stops Envoy and words the error.
     * @param {number} adminPort
     * @param {number} timeoutMs
     * @returns {Promise<null | { exited: number } | "timeout">}
     */
    async untilReady(adminPort, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (exitCode !== null) return { exited: exitCode };
        if ((await fetchText(`http://127.0.0.1:${adminPort}/ready`))?.status === 200) return null;
        if (Date.now() > deadline) return "timeout";
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}
