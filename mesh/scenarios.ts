// Runs the scenarios of mesh/topology.ts against a running mesh and compares what each request reached with what
// the topology expects; also turns a scenario into the curl command `npm start` prints.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { scenarios, CART_DEPLOYMENT, PortPlan, Scenario, Expect } from "./topology.ts";
import { request } from "./http.ts";
import { root } from "../scripts/ensure.mjs";

export interface Context {
  plan: PortPlan;
  /** Demo tokens by tenant (and "tampered"). */
  tokens: Record<string, string>;
  available: Set<string>;
  /** The names of a deployment's running pods, in the order the gateways list them. */
  podNames(deployment: string): string[];
}

/** What a request reached: the fields of Expect, as observed. */
export interface Observed extends Pick<Expect, "status" | "service" | "version" | "pod" | "dc" | "namespace"> {
  tenant: string | null;
  group: string | null;
  seen: Record<string, string | null>;
}

export interface Outcome {
  scenario: Scenario;
  result: "pass" | "FAIL" | "skip";
  expected: string;
  observed: string;
  /** Why it failed or was skipped. */
  note?: string;
  /** The cart ID minted for the scenario, when it mints one. */
  id?: string;
}

/** The headers a scenario sends (token included). */
export function scenarioHeaders(s: Scenario, tokens: Record<string, string>): Record<string, string> {
  const h: Record<string, string> = {};
  if (s.token) h.authorization = `Bearer ${tokens[s.token]}`;
  return { ...h, ...(s.headers ?? {}) };
}

/** Mints a cart ID at a cart gateway for one of its pods (the sticky plugin's ID endpoint). */
export async function mintCartId(plan: PortPlan, gateway: string, pod: string): Promise<string> {
  const res = await request(`http://${plan.address(gateway)}/.waymark/id?pod=${encodeURIComponent(plan.address(pod))}`);
  if (res.status !== 200) throw new Error(`minting an ID at ${gateway} for ${pod} answered ${res.status}: ${res.body.slice(0, 200)}`);
  const id = res.json().id;
  if (typeof id !== "string" || !id) throw new Error(`minting an ID at ${gateway} gave no id: ${res.body.slice(0, 200)}`);
  return id;
}

export function mintUrl(plan: PortPlan, gateway: string, pod: string): string {
  return `http://${plan.address(gateway)}/.waymark/id?pod=${plan.address(pod)}`;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The curl command for a scenario (id: the minted cart ID to put in the path). */
export function curlFor(s: Scenario, ctx: Context, id?: string): string {
  const parts = ["curl -s"];
  if (s.method && s.method !== "GET") parts.push(`-X ${s.method}`);
  for (const [k, v] of Object.entries(scenarioHeaders(s, ctx.tokens))) parts.push(`-H ${shellQuote(`${k}: ${v}`)}`);
  if (s.body !== undefined) parts.push(`-d ${shellQuote(JSON.stringify(s.body))}`);
  parts.push(shellQuote(`http://${ctx.plan.address(s.via)}${s.path.replace("{{ID}}", id ?? "$ID")}`));
  parts.push(`-w ${shellQuote("  [%{http_code}]\\n")}`);
  return parts.join(" ");
}

let hashTool: Promise<any> | undefined;

/**
 * The pod Envoy's Maglev (65537 slots, hashing pod names) picks for a key among `pods`: dist/tools/hash, Envoy's
 * algorithm, the same code the sticky plugin runs.
 */
export async function maglevPicks(pods: string[], keys: string[]): Promise<string[]> {
  hashTool ??= import(pathToFileURL(join(root, "dist", "tools", "hash.js")).href);
  const hash = await hashTool;
  const table = hash.maglevBuild(pods.join("\n"), new Uint32Array(0), 65537);
  if (table < 0) throw new Error(`no Maglev table over ${pods.join(", ")} (error ${-table})`);
  try {
    return [...hash.maglevChooseKeys(table, keys.join("\n"))].map((i: number) => pods[i]);
  } finally {
    hash.maglevRelease(table);
  }
}

/** The cart pod Envoy's Maglev picks for a key at a cart gateway, over that gateway's running pods. */
export async function maglevPod(ctx: Pick<Context, "podNames">, gateway: string, key: string): Promise<string> {
  return (await maglevPicks(ctx.podNames(CART_DEPLOYMENT[gateway]), [key]))[0];
}

function describe(e: Partial<Observed> & { status: number }): string {
  const parts = [String(e.status)];
  for (const k of ["service", "version", "pod", "dc", "namespace"] as const) if (e[k] !== undefined) parts.push(String(e[k]));
  if (e.tenant !== undefined) parts.push(`tenant=${e.tenant ?? "-"}`);
  if (e.group !== undefined) parts.push(`group=${e.group ?? "-"}`);
  for (const [k, v] of Object.entries(e.seen ?? {})) parts.push(`${k}${v === null ? " absent" : `=${v}`}`);
  return parts.join(" ");
}

/** The expectation with the Maglev pod resolved. */
async function resolved(expect: Expect, ctx: Context): Promise<Partial<Observed> & { status: number }> {
  const { maglev, ...rest } = expect;
  return maglev ? { ...rest, pod: await maglevPod(ctx, maglev.gateway, maglev.key) } : rest;
}

export async function observe(s: Scenario, ctx: Context, id?: string): Promise<Observed> {
  const body = s.body === undefined ? undefined : JSON.stringify(s.body);
  const res = await request(`http://${ctx.plan.address(s.via)}${s.path.replace("{{ID}}", id ?? "")}`, {
    method: s.method ?? "GET", headers: scenarioHeaders(s, ctx.tokens), body,
  });
  const out: Observed = { status: res.status, tenant: null, group: null, seen: {} };
  let echo: any;
  try {
    echo = res.header("x-echo-name") ? res.json() : undefined;
  } catch {
    echo = undefined;
  }
  if (!echo) return out;
  const seen = (name: string) => (echo.headers as Array<[string, string]>).find(([k]) => k === name)?.[1] ?? null;
  Object.assign(out, { service: echo.name, version: echo.version, pod: echo.pod, dc: echo.dc, namespace: echo.namespace });
  out.tenant = seen("x-tenant");
  out.group = seen("x-feature-group");
  for (const name of Object.keys(s.expect.seen ?? {})) out.seen[name] = seen(name);
  return out;
}

function compare(expected: Partial<Observed> & { status: number }, observed: Observed): string[] {
  const diffs: string[] = [];
  for (const [k, v] of Object.entries(expected)) {
    if (k === "seen") {
      for (const [h, hv] of Object.entries(v as Record<string, string | null>)) {
        if (observed.seen[h] !== hv) diffs.push(`${h}: expected ${hv ?? "absent"}, saw ${observed.seen[h] ?? "absent"}`);
      }
    } else if ((observed as any)[k] !== v) {
      diffs.push(`${k}: expected ${v ?? "absent"}, saw ${(observed as any)[k] ?? "absent"}`);
    }
  }
  return diffs;
}

/** Only the observed fields the expectation names, for the table. */
function trimmed(observed: Observed, expected: Partial<Observed>): Partial<Observed> & { status: number } {
  const out: any = { status: observed.status };
  for (const k of Object.keys(expected)) if (k !== "status") out[k] = (observed as any)[k];
  return out;
}

export async function runScenario(s: Scenario, ctx: Context): Promise<Outcome> {
  const expected = await resolved(s.expect, ctx);
  const expectedText = describe(expected);
  const lacking = s.needs.filter((p) => !ctx.available.has(p));
  if (lacking.length) return { scenario: s, result: "skip", expected: expectedText, observed: "-", note: `needs ${lacking.join(", ")} (not built)` };
  let id: string | undefined;
  try {
    if (s.mint) id = await mintCartId(ctx.plan, s.mint.gateway, s.mint.pod);
    const observed = await observe(s, ctx, id);
    const diffs = compare(expected, observed);
    return { scenario: s, result: diffs.length ? "FAIL" : "pass", expected: expectedText, observed: describe(trimmed(observed, expected)), note: diffs.join("; ") || undefined, id };
  } catch (err) {
    return { scenario: s, result: "FAIL", expected: expectedText, observed: "error", note: (err as Error).message.split("\n")[0], id };
  }
}

export async function runAll(ctx: Context): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (const s of scenarios) out.push(await runScenario(s, ctx));
  return out;
}
