// Issue 2 benchmark: per-request cost of the SDK in the harness's V8 (no-op plugin and the hello-headers example,
// which reads 3 request headers and adds 1) next to a bare Node call loop as the floor; release size of the
// example next to the same plugin built with @solo-io/proxy-runtime 0.1.8 on AssemblyScript 0.17 (built here,
// in this run); module memory after 10,000 and after 100,000 requests.
import { join } from "node:path";
import { statSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { ProxyWasmHost } from "../harness/index.ts";
import { root } from "../scripts/ensure.mjs";
import { timePerOp, BenchRow } from "./measure.ts";

const HEADERS: Array<[string, string]> = [
  [":method", "GET"], [":scheme", "http"], [":authority", "gateway"], [":path", "/orders/42"],
  ["user-agent", "bench"], ["accept", "*/*"], ["x-user", "ada"], ["x-region", "eu"], ["x-client", "curl"],
];

async function startedHost(wasm: string, rootId: string): Promise<ProxyWasmHost> {
  const host = new ProxyWasmHost({ wasm, rootId });
  const started = await host.start();
  if (!started.ok) throw new Error(`${rootId} did not start: ${JSON.stringify(started.logs)}`);
  return host;
}

function oneRequest(host: ProxyWasmHost): void {
  const stream = host.openStream();
  stream.sendRequestHeaders(HEADERS, true);
  stream.close();
}

/** The peer: the same plugin on @solo-io/proxy-runtime 0.1.8 + AssemblyScript 0.17, installed and built here. */
function buildPeer(): string {
  const dir = join(root, "build", "bench-peer");
  const out = join(dir, "hello-headers.wasm");
  mkdirSync(join(dir, "assembly"), { recursive: true });
  if (!existsSync(join(dir, "node_modules", "@solo-io", "proxy-runtime"))) {
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "bench-peer", private: true }));
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--no-save", "assemblyscript@0.17.14", "@solo-io/proxy-runtime@0.1.8"], { cwd: dir, stdio: "ignore" });
  }
  writeFileSync(join(dir, "assembly", "index.ts"), `
export * from "@solo-io/proxy-runtime/proxy";
import { RootContext, Context, registerRootContext, FilterHeadersStatusValues, stream_context } from "@solo-io/proxy-runtime";
class HelloRoot extends RootContext {
  createContext(context_id: u32): Context { return new Hello(context_id, this); }
}
class Hello extends Context {
  constructor(context_id: u32, root_context: HelloRoot) { super(context_id, root_context); }
  onRequestHeaders(a: u32, end_of_stream: bool): FilterHeadersStatusValues {
    const user = stream_context.headers.request.get("x-user");
    const region = stream_context.headers.request.get("x-region");
    const client = stream_context.headers.request.get("x-client");
    stream_context.headers.request.add("x-hello", (user != "" ? user : "anonymous") + "@" +
      (region != "" ? region : "nowhere") + " via " + (client != "" ? client : "unknown"));
    return FilterHeadersStatusValues.Continue;
  }
}
registerRootContext((context_id: u32) => { return new HelloRoot(context_id); }, "hello-headers");
`);
  execFileSync(join(dir, "node_modules", ".bin", "asc"), ["assembly/index.ts", "-b", out, "--use", "abort=abort_proc_exit", "--optimize"], { cwd: dir, stdio: "ignore" });
  return out;
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const noop = await startedHost(join(root, "dist", "noop.wasm"), "noop");
  const hello = await startedHost(join(root, "build", "examples", "hello-headers.wasm"), "hello-headers");

  let sink = 0;
  const bare = (x: number) => x + 1;
  const floor = timePerOp(() => { sink = bare(sink); }, 1_000_000);
  rows.push({ name: "sdk: bare Node function call (floor)", ns: floor });
  const noopNs = timePerOp(() => oneRequest(noop), 20_000);
  rows.push({ name: "sdk: request through the no-op plugin (harness)", ns: noopNs, baselineNs: floor });
  const helloNs = timePerOp(() => oneRequest(hello), 20_000);
  rows.push({ name: "sdk: request through the 3-get/1-add header plugin (harness)", ns: helloNs, baselineNs: noopNs,
    note: `goal < 2000 ns per request: ${helloNs < 2000 ? "met" : "missed"}` });

  const ours = statSync(join(root, "build", "examples", "hello-headers.wasm")).size;
  try {
    const peer = statSync(buildPeer()).size;
    rows.push({ name: "sdk: release size of the header plugin (bytes; baseline = solo-io proxy-runtime 0.1.8)", ns: ours, baselineNs: peer,
      note: `ours ${ours} B, peer ${peer} B` });
  } catch (err) {
    rows.push({ name: "sdk: release size of the header plugin (bytes)", ns: ours, note: `peer build failed: ${(err as Error).message.split("\n")[0]}` });
  }

  const mem = await startedHost(join(root, "build", "examples", "hello-headers.wasm"), "hello-headers");
  let at10k = 0;
  for (let i = 1; i <= 100_000; i++) {
    oneRequest(mem);
    if (i === 10_000) at10k = mem.memoryBytes();
  }
  const at100k = mem.memoryBytes();
  rows.push({ name: "sdk: module memory after 100,000 requests (bytes; baseline = after 10,000)", ns: at100k, baselineNs: at10k,
    note: at10k === at100k ? "flat" : "GREW" });
  return rows;
}
