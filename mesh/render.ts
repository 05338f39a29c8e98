// Renders the gateways of mesh/topology.ts into finished Envoy configs: the envoy-configs/mesh-*.yaml templates
// filled with the topology's ports, paths and plugin configurations. The process runner renders in memory (fixed
// or free ports); `node --import tsx mesh/render.ts [--root /waymark]` writes build/mesh/<gateway>.yaml for compose.
//
// A plugin whose .wasm is not built is left out of the config (with a warning), so the mesh still starts with the
// plugins that exist; scenarios that need a missing plugin are reported as skipped.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { gateways, fixedPorts, GatewaySpec, PortPlan, PluginUse } from "./topology.ts";
import { renderTemplate } from "../tests/envoy/envoy.ts";
import { root } from "../scripts/ensure.mjs";

export interface RenderOptions {
  plan: PortPlan;
  /** The project root as the gateway sees it (the compose containers mount it at /waymark). */
  projectRoot?: string;
  /** Where the gateway writes its access log: a file, or /dev/stdout. */
  accessLog: string;
  /** Plugins whose dist/<name>.wasm exists (default: looked up in this checkout's dist/). */
  available?: Set<string>;
}

export const PLUGINS: Array<PluginUse["plugin"]> = ["tenant", "feature-group", "sticky"];

/** The Waymark plugins built in dist/. */
export function availablePlugins(): Set<string> {
  return new Set(PLUGINS.filter((p) => existsSync(join(root, "dist", `${p}.wasm`))));
}

/** A value for a `value: {{X_CONFIG}}` placeholder: the JSON document as a YAML double-quoted string. */
export function quotedJson(doc: unknown): string {
  return JSON.stringify(JSON.stringify(doc));
}

export function gatewayVars(g: GatewaySpec, opts: RenderOptions): Record<string, string> {
  const projectRoot = opts.projectRoot ?? root;
  const vars: Record<string, string> = {
    ROOT: projectRoot, DIST: join(projectRoot, "dist"), FIXTURES: join(projectRoot, "build", "fixtures"),
    GATEWAY_NAME: g.name, GATEWAY_DC: g.dc, ACCESS_LOG: opts.accessLog,
    LISTENER_PORT: String(opts.plan.port(g.name)), ADMIN_PORT: String(opts.plan.port(`${g.name}/admin`)),
  };
  for (const [k, v] of Object.entries(g.vars(opts.plan))) vars[k] = String(v);
  for (const use of g.plugins) vars[use.placeholder] = quotedJson(use.config(opts.plan));
  return vars;
}

/** The rendered config, and the plugins left out because they are not built. */
export function renderGateway(g: GatewaySpec, opts: RenderOptions): { text: string; missing: string[] } {
  const text = renderTemplate(readFileSync(join(root, g.template), "utf8"), gatewayVars(g, opts));
  const available = opts.available ?? availablePlugins();
  const missing = g.plugins.map((u) => u.plugin).filter((p) => !available.has(p));
  if (missing.length === 0) return { text, missing };
  const doc = parse(text);
  for (const listener of doc.static_resources.listeners) {
    for (const chain of listener.filter_chains) {
      for (const f of chain.filters) {
        const hcm = f.typed_config;
        if (!hcm?.http_filters) continue;
        hcm.http_filters = hcm.http_filters.filter((h: any) => !(h.name === "envoy.filters.http.wasm" && missing.includes(h.typed_config?.config?.name)));
      }
    }
  }
  return { text: `# ${g.name}: rendered without ${missing.join(", ")} (not built)\n` + stringify(doc), missing };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const at = process.argv.indexOf("--root");
  const projectRoot = at > 0 ? process.argv[at + 1] : root;
  const out = join(root, "build", "mesh");
  mkdirSync(out, { recursive: true });
  for (const g of gateways) {
    const { text, missing } = renderGateway(g, { plan: fixedPorts, projectRoot, accessLog: "/dev/stdout" });
    if (missing.length) console.warn(`${g.name}: ${missing.join(", ")} not built; left out`);
    writeFileSync(join(out, `${g.name}.yaml`), text);
  }
  console.log(`rendered ${gateways.length} gateway configs into build/mesh/ for root ${projectRoot}`);
}
