// Renders the gateways of mesh/topology.ts into finished Envoy configs: the envoy-configs/mesh-*.yaml templates
// filled with the topology's ports, paths and plugin configurations, plus each gateway's xDS files (mesh/xds.ts:
// its pods by EDS, feature-group's configuration by ECDS). The process runner renders in memory (fixed or free
// ports); `node --import tsx mesh/render.ts [--root /waymark]` writes build/mesh/<gateway>.yaml and
// build/mesh/xds/<gateway>/ for compose.
//
// A plugin whose .wasm is not built is left out of the config (with a warning), so the mesh still starts with the
// plugins that exist; scenarios that need a missing plugin are reported as skipped.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { gateways, fixedPorts, services, GatewaySpec, PortPlan, PluginUse, LiveSettings, INITIAL_ALIASES } from "./topology.ts";
import { gatewayXds, writeGatewayXds, PodEndpoint } from "./xds.ts";
import { renderTemplate } from "./envoy.ts";
import { root } from "../scripts/ensure.mjs";

export interface RenderOptions {
  plan: PortPlan;
  /** The project root as the gateway sees it (the compose containers mount it at /waymark). */
  projectRoot?: string;
  /** Where the gateway writes its access log: a file, or /dev/stdout. */
  accessLog: string;
  /** Plugins whose dist/<name>.wasm exists (default: looked up in this checkout's dist/). */
  available?: Set<string>;
  /** The gateway's xDS folder as the gateway sees it (mesh/xds.ts). */
  xdsDir: string;
  /** The settings `waymark mesh alias` changes (default: as the mesh starts). */
  live?: LiveSettings;
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
    GATEWAY_NAME: g.name, GATEWAY_DC: g.dc, ACCESS_LOG: opts.accessLog, XDS_DIR: opts.xdsDir,
    LISTENER_PORT: String(opts.plan.port(g.name)), ADMIN_PORT: String(opts.plan.port(`${g.name}/admin`)),
  };
  for (const [k, v] of Object.entries(g.vars(opts.plan))) vars[k] = String(v);
  for (const use of g.plugins) vars[use.placeholder] = quotedJson(use.config(opts.plan, opts.live ?? { aliases: INITIAL_ALIASES }));
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
        hcm.http_filters = hcm.http_filters.filter((h: any) =>
          !(h.name === "envoy.filters.http.wasm" && missing.includes(h.typed_config?.config?.name)) && !(h.config_discovery && missing.includes(h.name)));
      }
    }
  }
  return { text: `# ${g.name}: rendered without ${missing.join(", ")} (not built)\n` + stringify(doc), missing };
}

/** The pods each deployment starts with (services of mesh/topology.ts), as the gateways see them. */
export function initialPods(plan: PortPlan): (deployment: string) => PodEndpoint[] {
  return (deployment) => services.filter((s) => s.deployment === deployment).map((s) => ({ name: s.name, address: plan.address(s.name) }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const at = process.argv.indexOf("--root");
  const projectRoot = at > 0 ? process.argv[at + 1] : root;
  const out = join(root, "build", "mesh");
  mkdirSync(out, { recursive: true });
  const available = availablePlugins();
  for (const g of gateways) {
    const xdsDir = join(projectRoot, "build", "mesh", "xds", g.name);
    const { text, missing } = renderGateway(g, { plan: fixedPorts, projectRoot, accessLog: "/dev/stdout", xdsDir, available });
    if (missing.length) console.warn(`${g.name}: ${missing.join(", ")} not built; left out`);
    writeFileSync(join(out, `${g.name}.yaml`), text);
    const xds = gatewayXds(g, { plan: fixedPorts, live: { aliases: INITIAL_ALIASES }, dist: join(projectRoot, "dist"), pods: initialPods(fixedPorts), available });
    writeGatewayXds(join(out, "xds", g.name), xds, new Map(), "1");
  }
  console.log(`rendered ${gateways.length} gateway configs and their xDS files into build/mesh/ for root ${projectRoot}`);
}
