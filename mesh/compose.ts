// Derives docker-compose.yml from mesh/topology.ts, so the compose runner and the process runner cannot drift.
// All containers share the host network: the gateways reach services on 127.0.0.1 at the topology's fixed ports
// exactly as in the process runner, with the same rendered configs (build/mesh/<gateway>.yaml, written by the
// `prepare` service with mesh/render.ts; access logs go to each gateway's stdout: `docker compose logs -f`).
// `node --import tsx mesh/compose.ts --write` rewrites the file.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { services, gateways } from "./topology.ts";
import { ENVOY_VERSION, root } from "../scripts/ensure.mjs";

export const NODE_IMAGE = "node:20-bookworm-slim";
export const ENVOY_IMAGE = `envoyproxy/envoy:v${ENVOY_VERSION}`;
const MOUNT = "/waymark";

export function composeDocument(): Record<string, unknown> {
  const prepared = { prepare: { condition: "service_completed_successfully" } };
  const out: Record<string, Record<string, unknown>> = {
    prepare: {
      image: NODE_IMAGE,
      working_dir: MOUNT,
      volumes: [`./:${MOUNT}`],
      // Installs, builds the plugins, renders the gateway configs for this mount, makes the demo key and prints
      // a token per tenant (`docker compose logs prepare`; or `node --import tsx mesh/tokens.ts` on the host).
      command: ["sh", "-c", [
        "npm ci --no-audit --no-fund",
        "node scripts/build.mjs --only plugins",
        `node --import tsx mesh/render.ts --root ${MOUNT}`,
        "node --import tsx mesh/tokens.ts",
      ].join(" && ")],
    },
  };
  for (const s of services) {
    out[s.name] = {
      image: NODE_IMAGE,
      working_dir: MOUNT,
      volumes: [`./:${MOUNT}`],
      network_mode: "host",
      command: ["node", "--import", "tsx", "mesh/service.ts", s.name],
      depends_on: prepared,
    };
  }
  for (const g of gateways) {
    out[g.name] = {
      image: ENVOY_IMAGE,
      volumes: [`./:${MOUNT}:ro`],
      network_mode: "host",
      command: ["envoy", "-c", `${MOUNT}/build/mesh/${g.name}.yaml`, "--concurrency", "1", "--disable-hot-restart"],
      depends_on: g.plugins.some((u) => u.plugin === "tenant") ? { ...prepared, jwks: { condition: "service_started" } } : prepared,
    };
  }
  return { name: "waymark", services: out };
}

export function composeText(): string {
  return "# Generated from mesh/topology.ts by `node --import tsx mesh/compose.ts --write`; do not edit by hand.\n" +
    stringify(composeDocument(), { aliasDuplicateObjects: false });
}

if (process.argv.includes("--write")) {
  writeFileSync(join(root, "docker-compose.yml"), composeText());
  console.log("wrote docker-compose.yml");
}
