// Runs fuzzed requests through a plugin in the harness and checks the invariants every plugin must keep:
// no trap, the same input gives the same output, memory stays bounded. Plugin-specific invariants (which
// headers from the client may never reach the upstream) are passed in by each plugin's fuzz test.
import fc from "fast-check";
import { ProxyWasmHost, HeaderInput } from "../../harness/index.ts";

export interface FuzzRequest { headers: Array<[string, string | Uint8Array]>; chunks: ReadonlyArray<Uint8Array>; path?: string; method?: string }

export interface Outcome {
  status: number;
  localBody: string;
  upstreamHeaders: Array<[string, string]>;
  upstreamBody: string;
}

/** Runs one request to completion (call-outs answered by the host's handler) and summarises it. */
export async function runRequest(host: ProxyWasmHost, req: FuzzRequest): Promise<Outcome> {
  const stream = host.openStream();
  const headers: Array<[string, string | Uint8Array]> = [[":method", req.method ?? (req.chunks.length ? "POST" : "GET")], [":path", req.path ?? "/"],
    [":authority", "gateway.test"], [":scheme", "http"], ...req.headers];
  stream.sendRequestHeaders(headers as HeaderInput, req.chunks.length === 0);
  req.chunks.forEach((c, i) => stream.sendRequestBody(c, i === req.chunks.length - 1));
  await host.idle();
  if (host.asyncErrors.length) throw host.asyncErrors[0];
  const reply = stream.localReply;
  const outcome: Outcome = reply
    ? { status: reply.status, localBody: reply.body, upstreamHeaders: [], upstreamBody: "" }
    : { status: stream.upstream.headers ? 200 : 0, localBody: "", upstreamHeaders: stream.upstream.headers?.pairs() ?? [],
        upstreamBody: Buffer.from(stream.upstream.body).toString("latin1") };
  stream.close();
  return outcome;
}

/** Case count and seed: short by default (npm test), FUZZ_RUNS / FUZZ_SEED for the long runs (npm run fuzz). */
export function fuzzSettings(shortRuns: number): { numRuns: number; seed: number } {
  const numRuns = Number(process.env.FUZZ_RUNS ?? shortRuns);
  const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
  return { numRuns, seed };
}

export interface PluginFuzz {
  name: string;
  start: () => Promise<ProxyWasmHost>;
  requests: fc.Arbitrary<FuzzRequest>;
  /** Plugin-specific checks of one outcome. */
  check: (req: FuzzRequest, outcome: Outcome) => void;
  /** Removes what may differ by design between two runs (a freshly minted random id, say). */
  normalise?: (o: Outcome) => Outcome;
  /** Upper bound for the module's memory after the run. */
  maxMemoryBytes?: number;
}

/**
 * Fuzzes a plugin: every case runs on two independent hosts (same input, same output), then the plugin's own
 * checks. A failure reports the seed and the shrunk case, so `FUZZ_SEED=<seed>` replays it.
 */
export async function fuzzPlugin(p: PluginFuzz, shortRuns: number): Promise<{ cases: number; memoryBytes: number; seed: number }> {
  const { numRuns, seed } = fuzzSettings(shortRuns);
  const a = await p.start();
  const b = await p.start();
  let cases = 0;
  try {
    await fc.assert(
      fc.asyncProperty(p.requests, async (req) => {
        cases++;
        const norm = p.normalise ?? ((o: Outcome) => o);
        const first = norm(await runRequest(a, req));
        const second = norm(await runRequest(b, req));
        if (JSON.stringify(first) !== JSON.stringify(second)) {
          throw new Error(`the same request gave different outcomes:\n${JSON.stringify(first)}\n${JSON.stringify(second)}`);
        }
        p.check(req, first);
      }),
      { numRuns, seed, endOnFailure: true },
    );
  } catch (err) {
    const cause = (err as Error & { cause?: unknown }).cause;
    throw new Error(`${p.name} fuzz failed (replay with FUZZ_SEED=${seed}): ${(err as Error).message}` +
      (cause ? `\ncaused by: ${cause instanceof Error ? cause.message : String(cause)}` : ""));
  }
  const memoryBytes = a.memoryBytes();
  if (p.maxMemoryBytes && memoryBytes > p.maxMemoryBytes) {
    throw new Error(`${p.name}: module memory reached ${memoryBytes} bytes after ${cases} cases (bound ${p.maxMemoryBytes})`);
  }
  return { cases, memoryBytes, seed };
}
