// Shared by the sticky plugin's harness and Envoy tests: the compiled module, a seeded key generator,
// and a bounded-concurrency runner for many requests.
import { join } from "node:path";
import { existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { root } from "../../../scripts/ensure.mjs";
// The seeded generator (mulberry32) is shared by all tests: a failing key set replays from its seed.
import { prng } from "../../support/prng.ts";
export { prng };

export const STICKY_WASM = join(root, "dist", "sticky.wasm");
export const NOOP_WASM = join(root, "dist", "noop.wasm");

/** Builds dist/sticky.wasm (and the no-op plugin) when missing. */
export function ensureBuilt(): void {
  for (const [wasm, entry] of [[STICKY_WASM, "plugins/sticky"], [NOOP_WASM, "plugins/noop"]]) {
    if (!existsSync(wasm)) execFileSync(process.execPath, [join(root, "scripts", "build.mjs"), "--only", entry, "--quiet"], { cwd: root, stdio: "inherit" });
  }
}


const KEY_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:~";

/** `count` distinct keys of 1..48 characters that are legal header values, query values and cookie values. */
export function randomKeys(count: number, seed: number): string[] {
  const rand = prng(seed);
  const keys = new Set<string>();
  while (keys.size < count) {
    const length = 1 + Math.floor(rand() * 48);
    let k = "";
    for (let i = 0; i < length; i++) k += KEY_CHARS[Math.floor(rand() * KEY_CHARS.length)];
    keys.add(k);
  }
  return [...keys];
}

/** Runs `fn` over `items` with at most `limit` in flight; results in input order. */
export async function mapConcurrent<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

// ---- harness hosts running the plugin ----

import { ProxyWasmHost } from "../../../harness/index.ts";

/**
 * A harness host running dist/sticky.wasm with `config`. `allowOnHeadersStopIteration` defaults to true, as
 * envoy-configs/sticky.yaml sets it (body keys need it); pass false for Envoy's default.
 */
async function startSticky(config: object | string, allowOnHeadersStopIteration: boolean): Promise<{ host: ProxyWasmHost; ok: boolean }> {
  ensureBuilt();
  const host = new ProxyWasmHost({ wasm: STICKY_WASM, rootId: "sticky", pluginConfig: config, allowOnHeadersStopIteration });
  return { host, ok: (await host.start()).ok };
}

/** A started host; throws with the logs when the plugin refuses `config`. */
export async function stickyHost(config: object | string, allowOnHeadersStopIteration = true): Promise<ProxyWasmHost> {
  const { host, ok } = await startSticky(config, allowOnHeadersStopIteration);
  if (!ok) throw new Error(`sticky refused its configuration: ${JSON.stringify(host.logs)}`);
  return host;
}

/** The error line a configuration is refused with ("" when it is accepted). */
export async function refusal(config: object | string): Promise<string> {
  const { host, ok } = await startSticky(config, true);
  if (ok) return "";
  const errors = host.logsAt("error");
  if (errors.length !== 1) throw new Error(`expected exactly one error line, got ${JSON.stringify(host.logs)}`);
  return errors[0];
}
