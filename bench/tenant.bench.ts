// Issue 4 benchmark: the tenant plugin through real Envoy under load (wrk; installed with apt-get when missing),
// against no filter and against Envoy's native jwt_authn + claim_to_headers on the same keys and token, in one
// run: RS256 and ES256, warm cache and cache disabled, signatures in wasm and through Envoy's verify_signature,
// and jwt_authn_metadata mode. Envoy runs one worker (--concurrency 1); routes answer directly, so the figures
// are the filters' cost. Rows: requests per second (ratio to no filter) with p50/p99 latency in the note.
// Goals (issue 4): warm cache >= 95% of native jwt_authn's throughput, cache disabled >= 80%.
import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
import { root } from "../scripts/ensure.mjs";
import { cpus } from "node:os";
import { startEnvoy, Envoy } from "../mesh/envoy.ts";
import { makeKey, sign, jwks, TestKey } from "../tests/plugins/tenant/support.ts";
import type { BenchRow } from "./measure.ts";
import { router, wasmFilter } from "./envoy-cpu.ts";

const SECONDS = Number(process.env.TENANT_BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.TENANT_BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.TENANT_BENCH_CONNECTIONS ?? 8);
/** TENANT_BENCH_PIN=1 pins Envoy to CPU 0 and wrk to CPU 1 (useful on an otherwise idle machine). */
const PIN = process.env.TENANT_BENCH_PIN === "1" && cpus().length >= 2;
const ISSUER = "https://id.example.com";

interface Variant {
  name: string;
  filters: object[];
  alg?: "RS256" | "ES256";
  /** Native or plugin figure this one is judged against, and the goal ratio. */
  goal?: { against: string; ratio: number };
}

interface Figures { rps: number; p50Ms: number; p99Ms: number; non2xx: number }

function ensureWrk(): string {
  const found = spawnSync("sh", ["-c", "command -v wrk"], { encoding: "utf8" }).stdout.trim();
  if (found) return found;
  execFileSync("apt-get", ["install", "-y", "wrk"], { stdio: "ignore" });
  return spawnSync("sh", ["-c", "command -v wrk"], { encoding: "utf8" }).stdout.trim();
}

function toMs(value: string, unit: string): number {
  const n = Number(value);
  return unit === "us" ? n / 1000 : unit === "s" ? n * 1000 : n;
}

/** Pins every thread of the process listening on `port` to one CPU (no-op on a single-CPU machine). */
function pinToCpu(port: number, cpu: number): void {
  if (!PIN) return;
  const listing = spawnSync("ss", ["-ltnpH", `sport = :${port}`], { encoding: "utf8" }).stdout;
  const pid = /pid=(\d+)/.exec(listing)?.[1];
  if (pid) spawnSync("taskset", ["-a", "-p", "-c", String(cpu), pid], { stdio: "ignore" });
}

function runWrk(wrk: string, url: string, token: string, seconds: number): Figures {
  const pin = PIN ? ["taskset", "-c", "1", wrk] : [wrk];
  const out = execFileSync(pin[0], [...pin.slice(1), "-t1", `-c${CONNECTIONS}`, `-d${seconds}s`, "--latency", "-H", `Authorization: Bearer ${token}`, url], { encoding: "utf8" });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const pct = (p: string) => {
    const m = new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s)`).exec(out);
    return m ? toMs(m[1], m[2]) : NaN;
  };
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  return { rps, p50Ms: pct("50"), p99Ms: pct("99"), non2xx };
}

function jwtAuthn(keys: string, options: { cache?: boolean; metadata?: boolean } = {}): object {
  return {
    name: "envoy.filters.http.jwt_authn",
    typed_config: {
      "@type": "type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication",
      providers: {
        main: {
          issuer: ISSUER, audiences: ["orders"], local_jwks: { inline_string: keys }, forward: true,
          ...(options.metadata ? { payload_in_metadata: "jwt_payload" } : { clear_route_cache: true, claim_to_headers: [{ header_name: "x-tenant", claim_name: "tenant" }] }),
          ...(options.cache ? { jwt_cache_config: { jwt_cache_size: 100 } } : {}),
        },
      },
      rules: [{ match: { prefix: "/" }, requires: { provider_name: "main" } }],
    },
  };
}

/** dist/<name>.wasm as a Wasm filter (root_id and vm_id = name) with an optional JSON configuration. */
const distFilter = (name: string, config: object | null) => wasmFilter(name, join(root, "dist", `${name}.wasm`), name, config);

const plugin = (config: object) => distFilter("tenant", config);

function pluginConfig(keys: string, cacheSize: number, backend: string): object {
  return {
    providers: { main: { issuer: ISSUER, audiences: ["orders"], local_jwks: { inline_string: keys }, claim_to_headers: [{ header_name: "x-tenant", claim_name: "tenant" }] } },
    jwt_cache_config: { jwt_cache_size: cacheSize }, signature_backend: backend,
  };
}

export async function run(): Promise<BenchRow[]> {
  const wrk = ensureWrk();
  if (!wrk) throw new Error("wrk is not installed and apt-get could not install it");
  const rs = await makeKey("RS256");
  const es = await makeKey("ES256");
  const keys = jwks(rs, es);
  const now = Math.floor(Date.now() / 1000);
  const tokenFor = (key: TestKey) => sign(key, { iss: ISSUER, aud: "orders", tenant: "acme", iat: now, exp: now + 24 * 3600 });
  const tokens = { RS256: await tokenFor(rs), ES256: await tokenFor(es) };
  const tokenOf = (v: Variant) => (v.alg ? tokens[v.alg] : tokens.RS256);

  const variants: Variant[] = [
    { name: "no filter", filters: [router] },
    // The floor of any Wasm filter: VM call-ins per stream, no work.
    { name: "no-op Wasm plugin (dist/noop.wasm)", filters: [distFilter("noop", null), router] },
  ];
  for (const alg of ["RS256", "ES256"] as const) {
    variants.push(
      { name: `native jwt_authn ${alg}, jwt cache`, alg, filters: [jwtAuthn(keys, { cache: true }), router] },
      { name: `native jwt_authn ${alg}, no cache`, alg, filters: [jwtAuthn(keys), router] },
      { name: `plugin ${alg}, warm cache`, alg, filters: [plugin(pluginConfig(keys, 1024, "auto")), router], goal: { against: `native jwt_authn ${alg}, jwt cache`, ratio: 0.95 } },
      { name: `plugin ${alg}, cache disabled, Envoy verify_signature`, alg, filters: [plugin(pluginConfig(keys, 0, "host")), router], goal: { against: `native jwt_authn ${alg}, no cache`, ratio: 0.8 } },
      { name: `plugin ${alg}, cache disabled, wasm signature`, alg, filters: [plugin(pluginConfig(keys, 0, "wasm")), router], goal: { against: `native jwt_authn ${alg}, no cache`, ratio: 0.8 } },
    );
  }
  variants.push(
    { name: "native jwt_authn RS256, payload_in_metadata, no cache", alg: "RS256", filters: [jwtAuthn(keys, { metadata: true }), router] },
    {
      name: "plugin jwt_authn_metadata mode (after native jwt_authn RS256, no cache)", alg: "RS256",
      filters: [jwtAuthn(keys, { metadata: true }), plugin({ jwt_authn_metadata: { key: "jwt_payload", claim_to_headers: [{ header_name: "x-tenant", claim_name: "tenant" }] } }), router],
      goal: { against: "native jwt_authn RS256, payload_in_metadata, no cache", ratio: 0.8 },
    },
  );
  // TENANT_BENCH_ONLY=<text>: only the variants whose name contains it (plus no filter), for quick checks.
  const only = process.env.TENANT_BENCH_ONLY;
  if (only) variants.splice(0, variants.length, ...variants.filter((v) => v.name === "no filter" || v.name.includes(only) ||
    variants.some((w) => w.name.includes(only) && w.goal?.against === v.name)));

  // Every Envoy starts first; then rounds run each variant in turn, so drift (CPU clocks, other load) spreads
  // over all of them, and the median round is reported. With TENANT_BENCH_PIN=1, Envoy is pinned to CPU 0 and
  // wrk to CPU 1, so the load generator does not steal the proxy's core.
  const envoys = new Map<string, Envoy>();
  const samples = new Map<string, Figures[]>();
  try {
    for (const v of variants) {
      const envoy = await startEnvoy("envoy-configs/tenant-bench.yaml", { vars: { HTTP_FILTERS: JSON.stringify(v.filters) }, logLevel: "warn" });
      envoys.set(v.name, envoy);
      pinToCpu(envoy.port("LISTENER_PORT"), 0);
      samples.set(v.name, []);
    }
    for (const v of variants) runWrk(wrk, envoys.get(v.name)!.url("LISTENER_PORT", "/orders/1"), tokenOf(v), 1); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      for (const v of variants) {
        const f = runWrk(wrk, envoys.get(v.name)!.url("LISTENER_PORT", "/orders/1"), tokenOf(v), SECONDS);
        if (v.filters.length > 1 && f.non2xx > 0) throw new Error(`${v.name}: ${f.non2xx} requests were refused`);
        samples.get(v.name)!.push(f);
      }
    }
  } finally {
    for (const e of envoys.values()) await e.stop();
  }
  const figures = new Map<string, Figures>();
  for (const [name, list] of samples) {
    const median = (pick: (f: Figures) => number) => list.map(pick).sort((a, b) => a - b)[list.length >> 1];
    figures.set(name, { rps: median((f) => f.rps), p50Ms: median((f) => f.p50Ms), p99Ms: median((f) => f.p99Ms), non2xx: 0 });
  }
  const base = figures.get("no filter")!;
  const rows: BenchRow[] = [];
  for (const v of variants) {
    const f = figures.get(v.name)!;
    let note = `p50 ${f.p50Ms.toFixed(3)} ms (${(f.p50Ms / base.p50Ms).toFixed(2)}x), p99 ${f.p99Ms.toFixed(3)} ms (${(f.p99Ms / base.p99Ms).toFixed(2)}x)`;
    if (v.goal) {
      const peer = figures.get(v.goal.against)!;
      const share = f.rps / peer.rps;
      note += `; ${(share * 100).toFixed(1)}% of ${v.goal.against} (goal ${(v.goal.ratio * 100).toFixed(0)}%: ${share >= v.goal.ratio ? "met" : "missed"})`;
    }
    rows.push({ name: `tenant: ${v.name}: requests/s`, ns: f.rps, baselineNs: v.name === "no filter" ? undefined : base.rps, note });
  }
  return rows;
}
