// Load through real Envoy with wrk (a C load generator, so the client is not the bottleneck on 2 cores).
import { execFile } from "node:child_process";
import { ensureWrk } from "../../scripts/ensure.mjs";

export interface LoadResult {
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses that were not 2xx/3xx, plus socket errors. */
  errors: number;
  /** The two parts of `errors`. */
  non2xx: number;
  socketErrors: number;
}

function ms(text: string | undefined): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text ?? "");
  if (!m) return NaN;
  const v = Number(m[1]);
  return m[2] === "us" ? v / 1000 : m[2] === "s" ? v * 1000 : v;
}

export function parseWrk(out: string): LoadResult {
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
  return { requests, rps, p50Ms: ms(/^\s+50%\s+(\S+)/m.exec(out)?.[1]), p99Ms: ms(/^\s+99%\s+(\S+)/m.exec(out)?.[1]), errors: non2xx + socketErrors, non2xx, socketErrors };
}

/**
 * Runs wrk against `url` for `seconds` with `connections` keep-alive connections on one thread. A request
 * unanswered after `timeoutSeconds` (wrk's default: 2) counts as a socket error.
 */
export function runWrk(url: string, options: { seconds: number; connections?: number; headers?: Record<string, string>; script?: string; timeoutSeconds?: number }): Promise<LoadResult> {
  const args = ["-t1", `-c${options.connections ?? 16}`, `-d${options.seconds}s`, "--latency"];
  if (options.timeoutSeconds !== undefined) args.push("--timeout", `${options.timeoutSeconds}s`);
  for (const [k, v] of Object.entries(options.headers ?? {})) args.push("-H", `${k}: ${v}`);
  if (options.script) args.push("-s", options.script);
  args.push(url);
  return new Promise((resolve, reject) => {
    execFile(ensureWrk(), args, { timeout: (options.seconds + 30) * 1000 }, (err, stdout) => {
      if (err) return reject(err);
      resolve(parseWrk(stdout));
    });
  });
}
