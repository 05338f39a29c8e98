// Envoy CPU time per request: the measure of bench/cost.bench.ts and bench/hostcall.bench.ts.
//
// Requests/s hides a filter's cost whenever the load generator, not Envoy, is the bottleneck (on 2 shared cores
// it usually is). So each variant runs in its own Envoy (one worker, routes that answer directly), wrk drives it,
// and the figure is Envoy's own CPU time (utime + stime of the process, /proc/<pid>/stat) over the measured
// window divided by the requests served in it. Variants are interleaved over rounds, so drift (clock speed,
// other work on the machine) spreads over all of them, and the median round is reported.
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEnvoy, Envoy } from "../mesh/envoy.ts";
import { ensureWrk, root } from "../scripts/ensure.mjs";

export interface RequestShape {
  method?: "GET" | "POST";
  path?: string;
  headers: Record<string, string>;
  body?: string;
}

export interface CpuVariant {
  name: string;
  /** The http_filters list, router included. */
  filters: object[];
  request: RequestShape;
  /** A counter in Envoy's /stats that must have grown by the end (proof the filter did its work), if any. */
  proof?: string;
}

export interface CpuFigure { usPerRequest: number; requests: number; rps: number; samples: number[] }

export interface CpuRunOptions { warmupSeconds: number; seconds: number; rounds: number; connections: number; log?: (line: string) => void }

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** utime + stime of a process, in seconds. */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name may hold spaces: fields are counted after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // fields 14 and 15 of stat(5)
}

export const router = { name: "envoy.filters.http.router", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" } };

/** A Wasm filter (V8) running `file` with root_id `rootId` and an optional JSON configuration. */
export function wasmFilter(name: string, file: string, rootId: string, config: object | null, options: { allowStopIteration?: boolean; vmId?: string } = {}): object {
  return {
    name: "envoy.filters.http.wasm",
    typed_config: {
      "@type": "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm",
      config: {
        name, root_id: rootId,
        ...(options.allowStopIteration ? { allow_on_headers_stop_iteration: true } : {}),
        vm_config: { vm_id: options.vmId ?? name, runtime: "envoy.wasm.runtime.v8", code: { local: { filename: file } } },
        ...(config ? { configuration: { "@type": "type.googleapis.com/google.protobuf.StringValue", value: JSON.stringify(config) } } : {}),
      },
    },
  };
}

/** A Lua filter with `source` as its default source code. */
export function luaFilter(source: string): object {
  return {
    name: "envoy.filters.http.lua",
    typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua", default_source_code: { inline_string: source } },
  };
}

// wrk script: every request carries a different x-cart-id and x-user-id; the method, path and body file come
// as script arguments (after "--").
const WRK_SCRIPT = `
counter = 0
method = "GET"
path = "/"
body = nil
init = function(args)
  if args[1] then method = args[1] end
  if args[2] then path = args[2] end
  if args[3] then
    local f = io.open(args[3], "rb")
    body = f:read("*a")
    f:close()
  end
end
request = function()
  counter = counter + 1
  wrk.headers["x-cart-id"] = "cart-" .. (counter % 50000)
  wrk.headers["x-user-id"] = "user-" .. (counter % 7919)
  return wrk.format(method, path, nil, body)
end
`;

interface WrkResult {
  requests: number;
  rps: number;
  errors: number;
  /** What the errors were, as wrk counts them (for the failure message). */
  errorKinds: string;
}

function runWrk(url: string, request: RequestShape, seconds: number, connections: number, scriptDir: string, bodyFile: string | null): Promise<WrkResult> {
  const args = ["-t1", `-c${connections}`, `-d${seconds}s`];
  for (const [k, v] of Object.entries(request.headers)) args.push("-H", `${k}: ${v}`);
  args.push("-s", join(scriptDir, "vary.lua"), url, "--", request.method ?? "GET", request.path ?? "/");
  if (bodyFile) args.push(bodyFile);
  return new Promise((resolve, reject) => {
    execFile(ensureWrk(), args, { timeout: (seconds + 30) * 1000 }, (err, out) => {
      if (err) return reject(err);
      const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
      const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
      const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
      const socketErrors = sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
      const errorKinds = `non-2xx ${non2xx}` + (sock ? `, socket connect ${sock[1]} read ${sock[2]} write ${sock[3]} timeout ${sock[4]}` : "");
      resolve({ requests, rps, errors: non2xx + socketErrors, errorKinds });
    });
  });
}

/** Envoy CPU µs per request for every variant: medians over rounds, variants interleaved. */
export async function measureCpu(variants: CpuVariant[], options: CpuRunOptions): Promise<Map<string, CpuFigure>> {
  const log = options.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), "waymark-cpu-"));
  writeFileSync(join(dir, "vary.lua"), WRK_SCRIPT);
  const bodies = new Map<string, string>();
  variants.forEach((v, i) => {
    if (v.request.body === undefined) return;
    const file = join(dir, `body-${i}.json`);
    writeFileSync(file, v.request.body);
    bodies.set(v.name, file);
  });
  const envoys = new Map<string, Envoy>();
  const samples = new Map<string, Array<{ us: number; requests: number; rps: number }>>();
  try {
    for (const v of variants) {
      const envoy = await startEnvoy("envoy-configs/tenant-bench.yaml", { vars: { HTTP_FILTERS: JSON.stringify(v.filters) }, logLevel: "warn" });
      envoys.set(v.name, envoy);
      samples.set(v.name, []);
    }
    const before = new Map<string, number>();
    for (const v of variants) if (v.proof) before.set(v.name, (await envoys.get(v.name)!.stat(v.proof)) ?? 0);
    for (let round = 0; round < options.rounds; round++) {
      for (const v of variants) {
        const envoy = envoys.get(v.name)!;
        const url = envoy.url("LISTENER_PORT", "/");
        if (options.warmupSeconds > 0) await runWrk(url, v.request, options.warmupSeconds, options.connections, dir, bodies.get(v.name) ?? null);
        const cpu0 = processCpuSeconds(envoy.pid);
        const r = await runWrk(url, v.request, options.seconds, options.connections, dir, bodies.get(v.name) ?? null);
        const cpu1 = processCpuSeconds(envoy.pid);
        if (r.errors > 0) throw new Error(`${v.name}: ${r.errors} of ${r.requests} requests failed (${r.errorKinds})`);
        if (r.requests === 0) throw new Error(`${v.name}: no request was served`);
        const us = ((cpu1 - cpu0) * 1e6) / r.requests;
        samples.get(v.name)!.push({ us, requests: r.requests, rps: r.rps });
        log(`round ${round + 1}/${options.rounds}  ${v.name.padEnd(70)} ${us.toFixed(1).padStart(7)} µs/request  ${Math.round(r.rps)} rps`);
      }
    }
    for (const v of variants) {
      if (!v.proof) continue;
      const after = (await envoys.get(v.name)!.stat(v.proof)) ?? 0;
      if (after <= (before.get(v.name) ?? 0)) throw new Error(`${v.name}: counter ${v.proof} did not grow: the filter did not do its work`);
    }
  } finally {
    for (const e of envoys.values()) await e.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const figures = new Map<string, CpuFigure>();
  for (const [name, list] of samples) {
    const sorted = [...list].sort((a, b) => a.us - b.us);
    const mid = sorted[sorted.length >> 1];
    figures.set(name, { usPerRequest: mid.us, requests: mid.requests, rps: mid.rps, samples: list.map((s) => s.us) });
  }
  return figures;
}

export const DIST = join(root, "dist");
