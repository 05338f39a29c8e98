// The mesh changing under load, as `npm run demo` shows it after the fixed scenarios: carts scaled out, rolled to
// new pods and scaled in, and a focus group promoted to another version, each while clients keep sending requests
// through the ingress. Each scenario changes the running mesh (mesh/mesh.ts, the same code `waymark mesh` reaches)
// and checks what the issue of zero-downtime change asks:
//   - no request fails; a cart whose pod stays is never served anywhere else;
//   - once every gateway has applied the change, the plugin's pick equals Envoy's own MAGLEV over the same pods
//     (the cart gateway's `x-waymark-route: native` route, a native cluster reading the same EDS);
//   - IDs minted for new pods come home; a removed pod gets no cart and no ID (404);
//   - a promoted group's requests see the old version or the new one, each with the version's own pods, never a mix.
import { CART_DEPLOYMENT } from "./topology.ts";
import type { Mesh, ChangeReport } from "./mesh.ts";
import type { Context } from "./scenarios.ts";

export interface LiveScenario {
  name: string;
  title: string;
  needs: Array<"tenant" | "feature-group" | "sticky">;
  run(ctx: LiveContext): Promise<LiveOutcome>;
}

export interface LiveContext extends Context {
  mesh: Mesh;
}

export interface LiveOutcome {
  name: string;
  result: "pass" | "FAIL" | "skip";
  expected: string;
  observed: string;
  note?: string;
  /** The change as the mesh reported it, and what was measured, for the README's figures. */
  report?: ChangeReport;
  figures?: Record<string, number>;
}

interface Served {
  status: number;
  pod?: string;
  version?: string;
  group?: string | null;
}

async function get(url: string, headers: Record<string, string>): Promise<Served> {
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    if (res.status !== 200 || !res.headers.get("x-echo-name")) return { status: res.status };
    const echo = JSON.parse(text);
    const seen = (name: string) => (echo.headers as Array<[string, string]>).find(([k]) => k === name)?.[1] ?? null;
    return { status: 200, pod: echo.pod, version: echo.version, group: seen("x-feature-group") };
  } catch {
    return { status: 0 };
  }
}

/** Keeps `clients` loops sending requests until stopped; every answer is kept with the key it was for. */
function load<K>(clients: number, keys: K[], send: (key: K) => Promise<Served>) {
  let running = true;
  const answers: Array<{ key: K; served: Served }> = [];
  const loops = Array.from({ length: clients }, async (_, c) => {
    for (let i = c; running; i += clients) {
      const key = keys[i % keys.length];
      answers.push({ key, served: await send(key) });
    }
  });
  return {
    answers,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return answers;
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CLIENTS = 4;
/** Carts followed through each change, and carts compared with Envoy's own Maglev afterwards. */
const LOAD_KEYS = 60;
const PARITY_KEYS = 200;

function cartKeys(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}-${i.toString(36)}-${(i * 7919).toString(36)}`);
}

/** A cart request as a client sends it: through the ingress, with a token. */
function cartThroughIngress(ctx: LiveContext, key: string): Promise<Served> {
  return get(`http://${ctx.plan.address("ingress")}/api/carts/${encodeURIComponent(key)}/items`, { authorization: `Bearer ${ctx.tokens.globex}` });
}

/** The pod the cart gateway's plugin picks, and the pod Envoy's own MAGLEV picks, for each key. */
async function parity(ctx: LiveContext, gateway: string, keys: string[]): Promise<{ equal: number; differing: string[]; pods: Map<string, string> }> {
  const pods = new Map<string, string>();
  const differing: string[] = [];
  let equal = 0;
  for (const key of keys) {
    const url = `http://${ctx.plan.address(gateway)}/api/carts/${encodeURIComponent(key)}/items`;
    const [plugin, native] = await Promise.all([get(url, {}), get(url, { "x-waymark-route": "native" })]);
    if (plugin.pod !== undefined && plugin.pod === native.pod) equal++;
    else differing.push(`${key}: plugin ${plugin.pod ?? plugin.status}, Maglev ${native.pod ?? native.status}`);
    if (plugin.pod) pods.set(key, plugin.pod);
  }
  return { equal, differing, pods };
}

async function mint(ctx: LiveContext, gateway: string, address: string): Promise<{ status: number; id?: string }> {
  const res = await fetch(`http://${ctx.plan.address(gateway)}/.waymark/id?pod=${encodeURIComponent(address)}`, { signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  return res.status === 200 ? { status: 200, id: JSON.parse(text).id } : { status: res.status };
}

/**
 * A cart change at the dc1 cart gateway under load: the keys' pods before, the change, then the checks every cart
 * change shares. `expectGone` are the pods the change removes.
 */
async function cartChange(ctx: LiveContext, name: string, change: () => Promise<ChangeReport>): Promise<LiveOutcome> {
  const gateway = "cart";
  const deployment = CART_DEPLOYMENT[gateway];
  const keys = cartKeys(name, LOAD_KEYS);
  const before = new Map<string, string>();
  for (const key of keys) {
    const served = await cartThroughIngress(ctx, key);
    if (served.pod) before.set(key, served.pod);
  }
  const podsBefore = new Set(ctx.mesh.pods(deployment).map((p) => p.spec.name));
  const traffic = load(CLIENTS, keys, (key) => cartThroughIngress(ctx, key));
  await sleep(300);
  const report = await change();
  await sleep(300);
  const answers = await traffic.stop();
  const podsAfter = new Set(ctx.mesh.pods(deployment).map((p) => p.spec.name));
  const goneAddresses = report.removed.map((r) => r.split(" ")[1]);

  const problems: string[] = [];
  const failed = answers.filter((a) => a.served.status !== 200);
  if (failed.length) problems.push(`${failed.length} of ${answers.length} requests failed (${failed.slice(0, 3).map((a) => `${a.key}: ${a.served.status}`).join(", ")})`);
  // A cart whose pod is the same before and after is served by that pod throughout.
  const after = new Map<string, string>();
  for (const key of keys) {
    const served = await cartThroughIngress(ctx, key);
    if (served.pod) after.set(key, served.pod);
  }
  const stayed = keys.filter((k) => before.get(k) !== undefined && before.get(k) === after.get(k));
  const strayed = answers.filter((a) => stayed.includes(a.key) && a.served.status === 200 && a.served.pod !== before.get(a.key));
  if (strayed.length) problems.push(`${strayed.length} requests of carts whose pod stayed were served elsewhere`);
  const onRemoved = [...after.values()].filter((pod) => !podsAfter.has(pod));
  if (onRemoved.length) problems.push(`carts still reach removed pods: ${[...new Set(onRemoved)].join(", ")}`);
  const moved = keys.filter((k) => before.get(k) !== after.get(k)).length;

  const check = await parity(ctx, gateway, cartKeys(`${name}-parity`, PARITY_KEYS));
  if (check.differing.length) problems.push(`plugin and Envoy's Maglev differ on ${check.differing.length} carts (${check.differing.slice(0, 2).join("; ")})`);
  // New pods get IDs that come home; removed pods get none.
  const added = [...podsAfter].filter((p) => !podsBefore.has(p));
  let home = 0;
  for (const pod of ctx.mesh.pods(deployment).filter((p) => added.includes(p.spec.name))) {
    const minted = await mint(ctx, gateway, pod.server.address);
    const served = minted.id ? await cartThroughIngress(ctx, minted.id) : { status: minted.status };
    if (served.pod === pod.spec.name) home++;
    else problems.push(`an ID minted for ${pod.spec.name} reached ${served.pod ?? served.status}`);
  }
  let refused = 0;
  for (const address of goneAddresses) {
    const minted = await mint(ctx, gateway, address);
    if (minted.status === 404) refused++;
    else problems.push(`minting for removed ${address} answered ${minted.status}, not 404`);
  }

  const observedParts = [
    `${failed.length}/${answers.length} failed`, `parity ${check.equal}/${PARITY_KEYS}`,
    ...(added.length ? [`IDs home ${home}/${added.length}`] : []), ...(goneAddresses.length ? [`removed pods refused ${refused}/${goneAddresses.length}`] : []),
  ];
  const expectedParts = [
    `0/${answers.length} failed`, `parity ${PARITY_KEYS}/${PARITY_KEYS}`,
    ...(added.length ? [`IDs home ${added.length}/${added.length}`] : []), ...(goneAddresses.length ? [`removed pods refused ${goneAddresses.length}/${goneAddresses.length}`] : []),
  ];
  return {
    name, result: problems.length ? "FAIL" : "pass", expected: expectedParts.join(", "), observed: observedParts.join(", "),
    note: problems.length ? problems.join("; ") : `${report.summary}; ${moved}/${keys.length} carts moved; applied in ${Math.max(...report.convergedMs)} ms`,
    report, figures: { requests: answers.length, failed: failed.length, moved, carts: keys.length, podsBefore: podsBefore.size, podsAfter: podsAfter.size },
  };
}

export const liveScenarios: LiveScenario[] = [
  {
    name: "scale-out", title: "carts scaled out 3 -> 5 under load: nothing fails, IDs for the new pods come home", needs: ["tenant", "sticky"],
    run: (ctx) => cartChange(ctx, "scale-out", () => ctx.mesh.scale("cart", 5)),
  },
  {
    name: "rolling-deploy", title: "every cart pod replaced by a new one, one at a time, under load", needs: ["tenant", "sticky"],
    run: (ctx) => cartChange(ctx, "rolling-deploy", () => ctx.mesh.rollout("cart")),
  },
  {
    name: "scale-in", title: "carts scaled in to 2 under load: removed pods get no carts and no IDs", needs: ["tenant", "sticky"],
    run: (ctx) => cartChange(ctx, "scale-in", () => ctx.mesh.scale("cart", 2)),
  },
  {
    name: "promote-live", title: "geo-discount promoted from v2 to v3 while customers in Germany order", needs: ["tenant", "feature-group"],
    run: async (ctx) => {
      const send = () => get(`http://${ctx.plan.address("ingress")}/api/orders`, { authorization: `Bearer ${ctx.tokens.globex}`, "x-forwarded-for": "203.0.113.7" });
      const from = ctx.mesh.live.aliases["geo-discount"];
      const to = from === "v3" ? "v2" : "v3";
      const traffic = load(CLIENTS, [0], send);
      await sleep(300);
      const report = await ctx.mesh.alias("geo-discount", to);
      await sleep(300);
      const answers = await traffic.stop();
      const settled = await Promise.all(Array.from({ length: 20 }, send));
      const problems: string[] = [];
      const failed = answers.filter((a) => a.served.status !== 200);
      if (failed.length) problems.push(`${failed.length} of ${answers.length} requests failed`);
      // The version a request was routed on is the version of the pod that served it: never the new group with the old version.
      const mixed = answers.filter((a) => a.served.status === 200 && (a.served.group !== "geo-discount" || ![from, to].includes(a.served.version!)));
      if (mixed.length) problems.push(`${mixed.length} requests saw neither the old nor the new configuration (${mixed.slice(0, 2).map((a) => `${a.served.group}/${a.served.version}`).join(", ")})`);
      const late = settled.filter((s) => s.version !== to);
      if (late.length) problems.push(`${late.length} of 20 requests after the change still reached ${late.map((s) => s.version ?? s.status).join(", ")}`);
      const onNew = answers.filter((a) => a.served.version === to).length;
      return {
        name: "promote-live", result: problems.length ? "FAIL" : "pass",
        expected: `0/${answers.length} failed, 0 mixed, then 20/20 ${to}`,
        observed: `${failed.length}/${answers.length} failed, ${mixed.length} mixed, then ${20 - late.length}/20 ${to}`,
        note: problems.length ? problems.join("; ") : `${report.summary} on ${report.gateways.join(", ")} in ${Math.max(...report.convergedMs)} ms; ${onNew}/${answers.length} requests during the change already on ${to}`,
        report, figures: { requests: answers.length, failed: failed.length, mixed: mixed.length },
      };
    },
  },
];

export async function runLive(ctx: LiveContext): Promise<LiveOutcome[]> {
  const out: LiveOutcome[] = [];
  for (const s of liveScenarios) {
    const lacking = s.needs.filter((p) => !ctx.available.has(p));
    if (lacking.length) {
      out.push({ name: s.name, result: "skip", expected: "-", observed: "-", note: `needs ${lacking.join(", ")} (not built)` });
      continue;
    }
    try {
      out.push(await s.run(ctx));
    } catch (err) {
      out.push({ name: s.name, result: "FAIL", expected: "-", observed: "error", note: (err as Error).message.split("\n")[0] });
    }
  }
  return out;
}
