// The configuration changes the live-update tests make, one per plugin, and what each request must show under each
// configuration. Step 0 is the starting configuration; every update moves one step on, so even steps run the "old"
// configuration (A) and odd steps the "new" one (B): promote, roll back, promote again. Every step also differs in
// one setting that changes no routing, so each update is a configuration Envoy has not seen before (a new canary,
// a new root context) as in real life.
//
//   tenant         A: one key, claim header x-tenant
//                  B: a second key, and claim header x-plan too: tokens signed by the new key start to pass
//   feature-group  A: new-checkout for beta testers (x-beta: yes) at v2, everyone else baseline at v1
//                  B: new-checkout promoted to everyone and to v3; the baseline alias retired
//   sticky         A: key from x-cart-id into x-sticky-key, Maglev over 3 pods
//                  B: key from x-session-id into x-route-key, Maglev over 4 pods (the new one weighted 2)
//
// A request's signature is what the plugins put into it (read at the upstream): tenant "x-tenant|x-plan",
// feature-group "x-feature-group|x-version", sticky "x-sticky-key|x-route-key|pod". Each configuration's
// signatures differ from the other's and from any mix of the two (e.g. B's group with A's alias table gives
// "new-checkout|v2"), so every request tells which configuration handled it, or that it saw a mix.
import { ProxyWasmHost } from "../../harness/index.ts";
import { makeKey, sign, localProvider, ISSUER, TestKey } from "../plugins/tenant/support.ts";
import { Plugin } from "../soak/plugins.ts";
import { Echo, echoValues } from "../../mesh/echo-server.ts";
import { join } from "node:path";
import { root } from "../../scripts/ensure.mjs";

export type PluginName = "tenant" | "feature-group" | "sticky";
export const PLUGINS: PluginName[] = ["tenant", "feature-group", "sticky"];

/** Keys the load sends (tests/live/vary-keys.lua cycles through the same KEY_COUNT). */
export const KEY_COUNT = 1000;
export const cartKey = (i: number) => `cart-${i}`;
export const sessionKey = (i: number) => `session-${i}`;

const isNew = (step: number) => step % 2 === 1;

export interface Live {
  pods: string[];
  /** Signs with the key both configurations hold (K1) and with the key only B holds (K2). */
  token: string;
  newKeyToken: string;
  k1: TestKey;
  k2: TestKey;
  /** The pod of each key under A (cart keys) and under B (session keys), by pod address. */
  podA: Map<string, string>;
  podB: Map<string, string>;
}

export function config(live: Live, name: PluginName, step: number): object {
  const b = isNew(step);
  switch (name) {
    case "tenant": {
      const claims = [{ header_name: "x-tenant", claim_name: "tenant" }, ...(b ? [{ header_name: "x-plan", claim_name: "plan" }] : [])];
      return {
        providers: { main: localProvider(b ? [live.k1, live.k2] : [live.k1], { claim_to_headers: claims }) },
        jwt_cache_config: { jwt_cache_size: 1000 + step },
      };
    }
    case "feature-group":
      return b
        ? { rules: [{ group: "new-checkout" }], aliases: { "new-checkout": "v3" }, max_body_bytes: 60000 + step }
        : {
          rules: [{ group: "new-checkout", header: { name: "x-beta", equals: "yes" } }, { group: "baseline" }],
          aliases: { "new-checkout": "v2", baseline: "v1" }, max_body_bytes: 60000 + step,
        };
    case "sticky":
      return {
        key: [{ header: b ? "x-session-id" : "x-cart-id" }],
        key_header: b ? "x-route-key" : "x-sticky-key",
        mode: "pick", algorithm: "maglev",
        pods: b ? live.pods.map((address, i) => ({ address, weight: i === 3 ? 2 : 1 })) : live.pods.slice(0, 3).map((address) => ({ address })),
        on_missing: "continue", max_key_length: 1000 + step,
      };
  }
}

export function plugin(live: Live, name: PluginName, step: number): Plugin {
  return {
    name, wasm: join(root, "dist", `${name}.wasm`), config: config(live, name, step),
    // Neither configuration has body rules or body keys, so no filter needs to hold headers for a body.
    allowOnHeadersStopIteration: false,
  };
}

/** Marks the requests that carry the token signed by the key only B holds (header x-probe). */
export const NEW_KEY_PROBE: [string, string] = ["x-probe", "new-key"];

/** What the plugin should have put into this request under `step`. */
export function expected(live: Live, name: PluginName, step: number, echo: Echo): string {
  const b = isNew(step);
  switch (name) {
    // A request signed by the new key must not pass the old configuration at all.
    case "tenant": return b ? "acme|gold" : first(echo, NEW_KEY_PROBE[0]) === NEW_KEY_PROBE[1] ? "(refused by A)" : "acme|";
    case "feature-group": return b ? "new-checkout|v3" : "baseline|v1";
    case "sticky": {
      const key = b ? first(echo, "x-session-id") : first(echo, "x-cart-id");
      const pod = (b ? live.podB : live.podA).get(key) ?? "?";
      return b ? `|${key}|${pod}` : `${key}||${pod}`;
    }
  }
}

/** What the plugin did put into this request. */
export function observed(name: PluginName, echo: Echo, pod: string): string {
  switch (name) {
    case "tenant": return `${first(echo, "x-tenant")}|${first(echo, "x-plan")}`;
    case "feature-group": return `${first(echo, "x-feature-group")}|${first(echo, "x-version")}`;
    case "sticky": return `${first(echo, "x-sticky-key")}|${first(echo, "x-route-key")}|${pod}`;
  }
}

function first(echo: Echo, name: string): string {
  return echoValues(echo, name)[0] ?? "";
}

/**
 * Keys, tokens and the pod each key goes to under A and under B. The pods come from the sticky plugin itself in
 * the harness (its Maglev choice equals Envoy's: tests/e2e/sticky-parity.test.ts); what the live tests check is
 * that Envoy applies one whole configuration per request.
 */
export async function prepare(pods: string[], now: number): Promise<Live> {
  const k1 = await makeKey("ES256", "live-1");
  const k2 = await makeKey("ES256", "live-2");
  const claims = { tenant: "acme", plan: "gold", iss: ISSUER, iat: now, exp: now + 24 * 3600 };
  const live: Live = { pods, k1, k2, token: await sign(k1, claims), newKeyToken: await sign(k2, claims), podA: new Map(), podB: new Map() };
  for (const [step, header, keyOf, into] of [[0, "x-cart-id", cartKey, live.podA], [1, "x-session-id", sessionKey, live.podB]] as const) {
    const host = new ProxyWasmHost({ wasm: join(root, "dist", "sticky.wasm"), rootId: "sticky", pluginConfig: config(live, "sticky", step) });
    if (!(await host.start()).ok) throw new Error(`sticky refused the live test configuration: ${host.logs.map((l) => l.message).join("; ")}`);
    for (let i = 0; i < KEY_COUNT; i++) {
      const stream = host.openStream();
      stream.sendRequestHeaders([[header, keyOf(i)]], true);
      into.set(keyOf(i), stream.upstream.headers!.value("x-envoy-original-dst-host") ?? "?");
      stream.close();
    }
  }
  return live;
}
