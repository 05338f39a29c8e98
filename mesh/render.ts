// Renders every gateway of mesh/topology.ts into a finished Envoy config (build/mesh/<gateway>.yaml), with the
// topology's fixed ports and the given project root. The compose runner uses these files; the process runner
// renders the same templates with the same values in memory.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gateways, GatewaySpec } from "./topology.ts";
import { renderTemplate } from "../tests/envoy/envoy.ts";
import { root } from "../scripts/ensure.mjs";

export function gatewayVars(g: GatewaySpec, projectRoot: string): Record<string, string> {
  const vars: Record<string, string> = { ROOT: projectRoot, DIST: join(projectRoot, "dist"), FIXTURES: join(projectRoot, "build", "fixtures") };
  for (const [k, v] of Object.entries({ ...g.vars, LISTENER_PORT: g.port, ADMIN_PORT: g.adminPort })) vars[k] = String(v);
  return vars;
}

export function renderGateway(g: GatewaySpec, projectRoot: string): string {
  return renderTemplate(readFileSync(join(root, g.template), "utf8"), gatewayVars(g, projectRoot));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const at = process.argv.indexOf("--root");
  const projectRoot = at > 0 ? process.argv[at + 1] : root;
  const out = join(root, "build", "mesh");
  mkdirSync(out, { recursive: true });
  for (const g of gateways) writeFileSync(join(out, `${g.name}.yaml`), renderGateway(g, projectRoot));
  console.log(`rendered ${gateways.length} gateway config(s) into build/mesh/ for root ${projectRoot}`);
}
