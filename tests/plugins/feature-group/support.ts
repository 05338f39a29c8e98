// Shared pieces of the feature-group harness tests: the plugin, the configurations of envoy-configs/, and a small
// request driver.
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { ProxyWasmHost, HttpStream } from "../../../harness/index.ts";
import type { HeaderInput, Properties, HostOptions } from "../../../harness/index.ts";
import { parse as parseYaml } from "yaml";
import { root } from "../../../scripts/ensure.mjs";

export const WASM = join(root, "dist", "feature-group.wasm");
export const ROOT_ID = "feature-group";

/** The plugin configuration of the wasm filter named `filterName` in an envoy-configs template. */
export function envoyPluginConfig(file: string, filterName: string): Record<string, unknown> {
  const text = readFileSync(join(root, "envoy-configs", file), "utf8").replace(/\{\{[A-Z0-9_]+\}\}/g, "0");
  const found: unknown[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      const o = node as Record<string, any>;
      if (o.name === filterName && o.configuration?.value) found.push(JSON.parse(o.configuration.value));
      Object.values(o).forEach(walk);
    }
  };
  walk(parseYaml(text));
  if (found.length !== 1) throw new Error(`${file}: expected one wasm filter named ${filterName}`);
  return found[0] as Record<string, unknown>;
}

/** The ingress configuration of envoy-configs/feature-group.yaml (the README's example). */
export const EXAMPLE_CONFIG = envoyPluginConfig("feature-group.yaml", "feature-group-ingress");
/** The internal gateway's configuration (envoy-configs/feature-group-internal.yaml). */
export const INTERNAL_CONFIG = envoyPluginConfig("feature-group-internal.yaml", "feature-group-internal");

/**
 * The plugin under the harness, playing Envoy with `allow_on_headers_stop_iteration: true` as the envoy-configs
 * set it (held headers, body still flowing to the plugin) unless the options say otherwise.
 */
export async function startPlugin(config: unknown, options: Partial<HostOptions> = {}): Promise<ProxyWasmHost> {
  const host = new ProxyWasmHost({ wasm: WASM, rootId: ROOT_ID, pluginConfig: config as object, allowOnHeadersStopIteration: true, ...options });
  const started = await host.start();
  if (!started.ok) throw new Error(`feature-group refused its configuration: ${JSON.stringify(started.logs)}`);
  return host;
}

/** The error line a refused configuration logs ("" when it was accepted). */
export async function configError(config: unknown): Promise<string> {
  const host = new ProxyWasmHost({ wasm: WASM, rootId: ROOT_ID, pluginConfig: typeof config === "string" ? config : config as object });
  const started = await host.start();
  if (started.ok) return "";
  const line = started.logs.find((l) => l.level === "error")?.message ?? "";
  return line.replace(/^feature-group: invalid configuration: /, "");
}

/** One request: headers, body chunks, trailers, and what went upstream. */
export class Request {
  readonly stream: HttpStream;

  constructor(readonly host: ProxyWasmHost, properties: Properties = {}) {
    this.stream = host.openStream({ properties });
  }

  headers(headers: HeaderInput, endOfStream = false): number | undefined {
    return this.stream.sendRequestHeaders(headers, endOfStream);
  }

  body(chunk: string | Uint8Array, endOfStream = false): number | undefined {
    return this.stream.sendRequestBody(chunk, endOfStream);
  }

  trailers(trailers: HeaderInput): number | undefined {
    return this.stream.sendRequestTrailers(trailers);
  }

  /** The headers have not gone upstream yet. */
  get held(): boolean {
    return this.stream.upstream.headers === null;
  }

  /** The forwarded value of a header (undefined while the headers are held or when absent). */
  upstream(name: string): string | undefined {
    return this.stream.upstream.headers?.value(name);
  }

  close(): void {
    this.stream.close();
  }
}

/** Sends a whole request (headers, then the body in the given chunks) and returns it. */
export function send(host: ProxyWasmHost, headers: HeaderInput, chunks: Array<string | Uint8Array> = [], properties: Properties = {}): Request {
  const r = new Request(host, properties);
  r.headers(headers, chunks.length === 0);
  chunks.forEach((c, i) => r.body(c, i === chunks.length - 1));
  return r;
}

/** The group and version a request left with. */
export function outcome(r: Request): { group?: string; version?: string } {
  return { group: r.upstream("x-feature-group"), version: r.upstream("x-version") };
}

/** Counter values whose names start with the plugin's prefix, without the prefix. */
export function counters(host: ProxyWasmHost): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(host.metrics())) {
    if (k.startsWith("waymark.feature_group.") && v !== 0) out[k.slice("waymark.feature_group.".length)] = v;
  }
  return out;
}
