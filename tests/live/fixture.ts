// What every live-update test needs: four pods that report each request to a SwitchWatch, the keys and tokens of
// tests/live/changes.ts, load (wrk, tests/live/vary-keys.lua), a single-request probe, and waiting helpers.
import { join } from "node:path";
import { startEchoServer, EchoServer, Echo } from "../../mesh/echo-server.ts";
import { request } from "../../mesh/http.ts";
import { runWrk, LoadResult } from "../support/wrk.ts";
import { Envoy } from "../../mesh/envoy.ts";
import { root } from "../../scripts/ensure.mjs";
import { Live, PLUGINS, prepare, expected, observed, cartKey, sessionKey } from "./changes.ts";
import { SwitchWatch } from "./watch.ts";

export const LOAD_SCRIPT = join(root, "tests", "live", "vary-keys.lua");

export interface Fixture {
  pods: EchoServer[];
  live: Live;
  watch: SwitchWatch;
  close(): Promise<void>;
}

export async function startFixture(): Promise<Fixture> {
  let watch: SwitchWatch | undefined;
  const addressOf = new Map<string, string>();
  // Pods keep idle connections longer than any test runs: a pod that closes one just as Envoy sends on it makes a
  // 503 that has nothing to do with configuration updates (a pod idles whenever a configuration routes around it).
  const pods = await Promise.all(["pod-0", "pod-1", "pod-2", "pod-3"].map((name) =>
    startEchoServer(name, 0, {}, { record: false, keepAliveMs: 120_000, observe: (echo, at) => watch?.observe(echo, at) })));
  for (const p of pods) addressOf.set(p.name, p.address);
  const live = await prepare(pods.map((p) => p.address), Math.floor(Date.now() / 1000));
  watch = new SwitchWatch(live, (echo: Echo) => addressOf.get(echo.name) ?? echo.name);
  return { pods, live, watch, close: async () => { await Promise.all(pods.map((p) => p.close())); } };
}

/**
 * wrk against the gateway with the token both configurations accept and a different key pair per request. A request
 * fails after 10 s unanswered, not wrk's 2 s: on this shared 2-core machine the test process (which also runs the
 * pods) can be starved for that long, and how fast requests are is not what these tests measure.
 */
export function load(envoy: Envoy, portName: string, live: Live, seconds: number, connections = 8): Promise<LoadResult> {
  return runWrk(envoy.url(portName, "/"), { seconds, connections, headers: { authorization: `Bearer ${live.token}` }, script: LOAD_SCRIPT, timeoutSeconds: 10 });
}

/** Repeats 2-second wrk runs until `stop()` says so (so the load lasts as long as the updates); resolves with their sum. */
export async function loadUntil(envoy: Envoy, portName: string, live: Live, stop: () => boolean, connections = 2): Promise<LoadResult> {
  const sum: LoadResult = { requests: 0, rps: 0, p50Ms: NaN, p99Ms: NaN, errors: 0, non2xx: 0, socketErrors: 0 };
  while (!stop()) {
    const r = await load(envoy, portName, live, 2, connections);
    sum.requests += r.requests;
    sum.errors += r.errors;
    sum.non2xx += r.non2xx;
    sum.socketErrors += r.socketErrors;
  }
  return sum;
}

/** One request through every plugin: does it show the configurations the watch expects now? */
export async function showsCurrent(envoy: Envoy, portName: string, fixture: Fixture): Promise<boolean> {
  const reply = await request(envoy.url(portName, "/probe"), {
    headers: { authorization: `Bearer ${fixture.live.token}`, "x-cart-id": cartKey(7), "x-session-id": sessionKey(7) },
  });
  if (reply.status !== 200) return false;
  const echo: Echo = reply.json();
  const pod = fixture.pods.find((p) => p.name === echo.name)?.address ?? "";
  return PLUGINS.every((name) => observed(name, echo, pod) === expected(fixture.live, name, fixture.watch.steps[name], echo));
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** Polls `probe` until it returns a value; fails with `what` and `diagnose()` after `timeoutMs`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, diagnose: () => Promise<string>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${await diagnose()}`);
    await sleep(20);
  }
}
