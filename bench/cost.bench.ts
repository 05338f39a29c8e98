// Issue 13: what each Waymark plugin costs in Envoy CPU per request, next to the Wasm floor (a hand-written
// module with only the callbacks an HTTP plugin needs, built here: floor-module.ts) and the native filters a
// user would otherwise assemble (jwt_authn with claim_to_headers, a Lua rule), all in one run.
// Measure: envoy-cpu.ts (utime + stime of Envoy over requests served; one worker; routes answer directly; wrk
// with a script varying x-cart-id and x-user-id; a valid ES256 token; cf-ipcountry: DE).
//
// COST_SECONDS (5), COST_WARMUP_SECONDS (2), COST_ROUNDS (5), COST_CONNECTIONS (8); COST_ONLY=<a,b> keeps the
// variants whose name contains one of the texts (and whatever the goals compare them with), for quick runs;
// COST_VERBOSE=1 prints every sample.
import { writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { floorModule } from "./floor-module.ts";
import { measureCpu, router, wasmFilter, luaFilter, CpuVariant, CpuFigure, DIST, RequestShape } from "./envoy-cpu.ts";
import { makeKey, sign, localProvider, ISSUER } from "../tests/plugins/tenant/support.ts";
import type { BenchRow } from "./measure.ts";

const SECONDS = Number(process.env.COST_SECONDS ?? 5);
const WARMUP = Number(process.env.COST_WARMUP_SECONDS ?? 2);
const ROUNDS = Number(process.env.COST_ROUNDS ?? 5);
const CONNECTIONS = Number(process.env.COST_CONNECTIONS ?? 8);

const PODS = ["10.0.0.1:8080", "10.0.0.2:8080", "10.0.0.3:8080"];

/** feature-group as the issue prices it: a geo rule on the country header, a percent rule, aliases. */
export const FEATURE_GROUP = {
  rules: [
    { group: "geo-discount", geo: { countries: ["DE", "AT"] } },
    { group: "beta", percent: { value: 10, key: { header: "x-user-id" } } },
  ],
  aliases: { "geo-discount": "v2", beta: "v3" },
  geo: { country_header: "cf-ipcountry" },
  trust_incoming: false,
};
/** The same with a body rule in front (decided on /customer/segment). */
const FEATURE_GROUP_BODY = { ...FEATURE_GROUP, rules: [{ group: "loyal", body: { pointer: "/customer/segment", equals: "loyal" } }, ...FEATURE_GROUP.rules], aliases: { ...FEATURE_GROUP.aliases, loyal: "v3" } };

const BUFFER = { name: "envoy.filters.http.buffer", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.buffer.v3.Buffer", max_request_bytes: 131072 } };

export const STICKY = { key: [{ header: "x-cart-id" }], mode: "pick", algorithm: "maglev", pods: PODS.map((address) => ({ address })), on_missing: "continue" };

/** The Lua peer of FEATURE_GROUP's geo rule: client-sent values removed, then the country decides. */
const LUA_GEO = `
function envoy_on_request(handle)
  local headers = handle:headers()
  headers:remove("x-feature-group")
  headers:remove("x-version")
  local country = headers:get("cf-ipcountry")
  if country == "DE" or country == "AT" then
    headers:add("x-feature-group", "geo-discount")
    headers:add("x-version", "v2")
  end
end
`;

/** A JSON body of about `size` bytes with the decisive field first and padding after it. */
function jsonBody(size: number): string {
  const head = '{"customer":{"segment":"loyal","id":42},"items":[';
  const item = '{"sku":"sku-000000","qty":1},';
  const items: string[] = [];
  let length = head.length + 2;
  for (let i = 0; length + item.length <= size; i++) {
    const text = `{"sku":"sku-${String(i).padStart(6, "0")}","qty":1},`;
    items.push(text);
    length += text.length;
  }
  return head + items.join("").replace(/,$/, "") + "]}";
}

interface Goal { label: string; variant: string; against: string; ratio: number; added?: boolean }

export async function run(): Promise<BenchRow[]> {
  const key = await makeKey("ES256");
  const now = Math.floor(Date.now() / 1000);
  const token = await sign(key, { tenant: "acme", iss: ISSUER, iat: now, exp: now + 24 * 3600 });
  const keys = JSON.stringify({ keys: [key.jwk] });
  const tenantConfig = (cacheSize: number, backend: string) => ({ providers: { main: localProvider([key]) }, jwt_cache_config: { jwt_cache_size: cacheSize }, signature_backend: backend });
  const jwtAuthn = (cache: boolean) => ({
    name: "envoy.filters.http.jwt_authn",
    typed_config: {
      "@type": "type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication",
      providers: {
        main: {
          issuer: ISSUER, local_jwks: { inline_string: keys }, forward: true, clear_route_cache: true,
          claim_to_headers: [{ header_name: "x-tenant", claim_name: "tenant" }],
          ...(cache ? { jwt_cache_config: { jwt_cache_size: 100 } } : {}),
        },
      },
      rules: [{ match: { prefix: "/" }, requires: { provider_name: "main" } }],
    },
  });

  const dir = mkdtempSync(join(tmpdir(), "waymark-floor-"));
  const floorFile = join(dir, "floor.wasm");
  writeFileSync(floorFile, floorModule());
  const plugin = (name: string, config: object | null, stop = false) => wasmFilter(name, join(DIST, `${name}.wasm`), name, config, { allowStopIteration: stop });
  const tenant = (cacheSize = 100, backend = "auto") => plugin("tenant", tenantConfig(cacheSize, backend));
  const featureGroup = (config: object = FEATURE_GROUP) => plugin("feature-group", config, true);
  const sticky = () => plugin("sticky", STICKY, true);

  const get: RequestShape = { headers: { authorization: `Bearer ${token}`, "cf-ipcountry": "DE" }, path: "/orders/1" };
  const post = (size: number): RequestShape => ({ ...get, method: "POST", headers: { ...get.headers, "content-type": "application/json" }, body: jsonBody(size) });
  const W = "wasmcustom.waymark.";
  // Requests with a body go through Envoy's buffer filter first in every variant: a route that answered before
  // the body was read would make Envoy close the connection after each request, and that would be the cost.
  const buffered = (filters: object[]) => [...filters.slice(0, -1), BUFFER, router];
  const variants: CpuVariant[] = [
    { name: "no filter", filters: [router], request: get },
    { name: "Wasm floor (hand-written minimal module)", filters: [wasmFilter("floor", floorFile, "", null), router], request: get },
    { name: "SDK no-op (dist/noop.wasm)", filters: [plugin("noop", null), router], request: get },
    { name: "tenant, warm cache", filters: [tenant(), router], request: get, proof: `${W}tenant.cache.hit` },
    { name: "feature-group (geo header rule, percent rule, aliases)", filters: [featureGroup(), router], request: get, proof: `${W}feature_group.group.geo-discount` },
    { name: "sticky (pick, header key, 3 pods)", filters: [sticky(), router], request: get, proof: `${W}sticky.keys.from.header` },
    { name: "all three (three filters)", filters: [tenant(), featureGroup(), sticky(), router], request: get, proof: `${W}sticky.keys.from.header` },
    { name: "all three, one module (dist/waymark.wasm)", filters: [plugin("waymark", { tenant: tenantConfig(100, "auto"), feature_group: FEATURE_GROUP, sticky: STICKY }, true), router], request: get, proof: `${W}sticky.keys.from.header` },
    { name: "native jwt_authn (jwt cache) + claim_to_headers", filters: [jwtAuthn(true), router], request: get, proof: "http.ingress.jwt_authn.allowed" },
    { name: "native Lua, the same geo rule", filters: [luaFilter(LUA_GEO), router], request: get },
    { name: "native jwt_authn + Lua", filters: [jwtAuthn(true), luaFilter(LUA_GEO), router], request: get, proof: "http.ingress.jwt_authn.allowed" },
    // Cold paths.
    { name: "tenant, cache disabled, Envoy verify_signature", filters: [tenant(0, "host"), router], request: get, proof: `${W}tenant.signature.host` },
    { name: "tenant, cache disabled, signature_backend auto (ES256 in wasm)", filters: [tenant(0, "auto"), router], request: get, proof: `${W}tenant.signature.wasm` },
    { name: "native jwt_authn, no cache", filters: [jwtAuthn(false), router], request: get, proof: "http.ingress.jwt_authn.allowed" },
    { name: "feature-group, 1 KiB JSON body, no body rule", filters: buffered([featureGroup(), router]), request: post(1024), proof: `${W}feature_group.group.geo-discount` },
    { name: "feature-group, 1 KiB JSON body, body rule", filters: buffered([featureGroup(FEATURE_GROUP_BODY), router]), request: post(1024), proof: `${W}feature_group.group.loyal` },
    { name: "feature-group, 64 KiB JSON body, no body rule", filters: buffered([featureGroup(), router]), request: post(65536), proof: `${W}feature_group.group.geo-discount` },
    { name: "feature-group, 64 KiB JSON body, body rule deciding early", filters: buffered([featureGroup(FEATURE_GROUP_BODY), router]), request: post(65536), proof: `${W}feature_group.group.loyal` },
  ];

  const goals: Goal[] = [
    { label: "suite (three filters) <= 1.00x native jwt_authn + Lua", variant: "all three (three filters)", against: "native jwt_authn + Lua", ratio: 1.0 },
    { label: "suite (one module, dist/waymark.wasm) <= 1.00x native jwt_authn + Lua", variant: "all three, one module (dist/waymark.wasm)", against: "native jwt_authn + Lua", ratio: 1.0 },
    { label: "tenant <= 1.25x the floor", variant: "tenant, warm cache", against: "Wasm floor (hand-written minimal module)", ratio: 1.25 },
    { label: "feature-group <= 1.25x the floor", variant: "feature-group (geo header rule, percent rule, aliases)", against: "Wasm floor (hand-written minimal module)", ratio: 1.25 },
    { label: "sticky <= 1.25x the floor", variant: "sticky (pick, header key, 3 pods)", against: "Wasm floor (hand-written minimal module)", ratio: 1.25 },
    { label: "SDK no-op <= 1.05x the floor", variant: "SDK no-op (dist/noop.wasm)", against: "Wasm floor (hand-written minimal module)", ratio: 1.05 },
    { label: "tenant cache disabled, verify_signature <= 1.0x jwt_authn without cache", variant: "tenant, cache disabled, Envoy verify_signature", against: "native jwt_authn, no cache", ratio: 1.0 },
    { label: "tenant cache disabled, auto (ES256 in wasm) <= 1.0x jwt_authn without cache", variant: "tenant, cache disabled, signature_backend auto (ES256 in wasm)", against: "native jwt_authn, no cache", ratio: 1.0 },
    { label: "body rule on 1 KiB body, next to the same request without it", variant: "feature-group, 1 KiB JSON body, body rule", against: "feature-group, 1 KiB JSON body, no body rule", ratio: NaN },
    { label: "body rule on 64 KiB body deciding early, next to the same request without it", variant: "feature-group, 64 KiB JSON body, body rule deciding early", against: "feature-group, 64 KiB JSON body, no body rule", ratio: NaN },
  ];

  const only = (process.env.COST_ONLY ?? "").split(",").filter(Boolean);
  if (only.length > 0) {
    const keep = new Set(variants.filter((v) => v.name === "no filter" || only.some((o) => v.name.includes(o))).map((v) => v.name));
    for (const g of goals) if (keep.has(g.variant)) keep.add(g.against);
    variants.splice(0, variants.length, ...variants.filter((v) => keep.has(v.name)));
  }

  const verbose = process.env.COST_VERBOSE === "1";
  console.log(`\ncost: ${variants.length} variants, ${ROUNDS} rounds of ${WARMUP} s warm-up + ${SECONDS} s measured each, wrk ${CONNECTIONS} connections, Envoy --concurrency 1`);
  let figures: Map<string, CpuFigure>;
  try {
    figures = await measureCpu(variants, { seconds: SECONDS, warmupSeconds: WARMUP, rounds: ROUNDS, connections: CONNECTIONS, log: verbose ? (l) => console.log(`  ${l}`) : undefined });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return report(variants, figures, goals);
}

function report(variants: CpuVariant[], figures: Map<string, CpuFigure>, goals: Goal[]): BenchRow[] {
  const base = figures.get("no filter")!.usPerRequest;
  console.log("\n| variant | µs Envoy CPU / request | added to no filter | requests/s (context) |\n|---|---|---|---|");
  for (const v of variants) {
    const f = figures.get(v.name)!;
    const added = v.name === "no filter" ? "" : `${f.usPerRequest - base >= 0 ? "+" : ""}${(f.usPerRequest - base).toFixed(1)}`;
    console.log(`| ${v.name} | ${f.usPerRequest.toFixed(1)} | ${added} | ${Math.round(f.rps).toLocaleString("en-US")} |`);
  }
  console.log("\n| goal | ratio | |\n|---|---|---|");
  for (const g of goals) {
    const a = figures.get(g.variant);
    const b = figures.get(g.against);
    if (!a || !b) continue;
    const ratio = a.usPerRequest / b.usPerRequest;
    const verdict = Number.isNaN(g.ratio) ? `+${(a.usPerRequest - b.usPerRequest).toFixed(1)} µs` : ratio <= g.ratio ? "met" : "not met";
    console.log(`| ${g.label} | ${ratio.toFixed(2)}x | ${verdict} |`);
  }
  return variants.map((v) => {
    const f = figures.get(v.name)!;
    return {
      name: `cost: ${v.name}: ns Envoy CPU per request`, ns: f.usPerRequest * 1000, baselineNs: v.name === "no filter" ? undefined : base * 1000,
      note: `${Math.round(f.rps)} rps; samples ${f.samples.map((s) => s.toFixed(1)).join(" ")} µs`,
    };
  });
}
