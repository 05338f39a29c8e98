// Endpoint dumps captured from stock Envoy 1.40, stored in fixtures/membership/ for the harness tests of the
// sticky plugin's membership: each fixture is what the admin answers the plugin's request for one cluster.
// Regenerate with `node --import tsx tests/plugins/sticky/membership-fixtures.ts --write`; the Envoy test
// tests/e2e/sticky-membership.test.ts checks that today's Envoy still answers exactly these bytes.
import { mkdtempSync, rmSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { root } from "../../../scripts/ensure.mjs";
import { startEnvoy } from "../../../mesh/envoy.ts";
import { EdsFile, EdsEndpoint, writeFileAtomically } from "../../../mesh/eds.ts";

export const FIXTURE_DIR = join(root, "tests", "plugins", "sticky", "fixtures", "membership");

export interface Fixture {
  /** File name (without .json) and the cluster's name. */
  name: string;
  endpoints: EdsEndpoint[];
  /** Delivered by CDS (listed under dynamic_endpoint_configs) with this EDS service name. */
  serviceName?: string;
  overprovisioningFactor?: number;
}

const pod = (n: number, extra: Partial<EdsEndpoint> = {}): EdsEndpoint => ({ address: `10.0.0.${n}:8080`, hostname: `cart-${n}`, ...extra });

export const FIXTURES: Fixture[] = [
  { name: "three-pods", endpoints: [pod(1), pod(2), pod(3)] },
  { name: "five-pods", endpoints: [pod(1), pod(2), pod(3), pod(4), pod(5)] },
  // pod 2 rolled to a new address (10.0.0.12), the others unchanged.
  { name: "rolled", endpoints: [pod(1), { address: "10.0.0.12:8080", hostname: "cart-2b" }, pod(3), pod(4), pod(5)] },
  // 3 of 6 healthy, 1 degraded: not in panic, so the table holds the 3 healthy pods only.
  {
    name: "health",
    endpoints: [
      pod(1, { weight: 3 }), pod(2, { health: "UNHEALTHY" }), pod(3, { health: "DEGRADED" }),
      pod(4, { hashKey: "shard-four" }), pod(5, { health: "DRAINING" }), pod(6, { health: "HEALTHY" }),
    ],
  },
  // 1 of 4 healthy (25% < 50%): panic, the table holds all four.
  { name: "panic", endpoints: [pod(1, { health: "UNHEALTHY" }), pod(2), pod(3, { health: "UNHEALTHY" }), pod(4, { health: "TIMEOUT" })] },
  // Priority 0 with 1 of 3 healthy spills 54% of the hash space to priority 1.
  {
    name: "priorities",
    endpoints: [pod(1), pod(2, { health: "UNHEALTHY" }), pod(3, { health: "UNHEALTHY" }), pod(4, { priority: 1 }), pod(5, { priority: 1 })],
  },
  { name: "ipv6", endpoints: [{ address: "[2001:db8::1]:8080" }, { address: "[2001:db8::2]:8080", weight: 2 }, { address: "10.0.0.3:8080" }], overprovisioningFactor: 200 },
  { name: "cds", endpoints: [pod(1), pod(2)], serviceName: "cart-service" },
];

/** What the plugin asks the admin for (membership.ts builds the same path; the harness test compares them). */
export function endpointDumpPath(name: string): string {
  const literal = name.replace(/[^A-Za-z0-9_]/g, (c) => `\\${c}`);
  const encoded = encodeURIComponent(`^${literal}$`).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `/config_dump?include_eds&mask=static_endpoint_configs,dynamic_endpoint_configs&name_regex=${encoded}`;
}

/** CDS answers carry the time of the last update: stored and compared as this fixed text. */
export function normaliseDump(text: string): string {
  return text.replace(/"last_updated": "[^"]*"/g, '"last_updated": "2026-01-01T00:00:00Z"');
}

function bootstrap(dir: string, files: Map<string, EdsFile>): string {
  const staticClusters = FIXTURES.filter((f) => !f.serviceName).map((f) => ({
    name: f.name, type: "EDS", connect_timeout: "1s", lb_policy: "MAGLEV", eds_cluster_config: files.get(f.name)!.edsClusterConfig(),
  }));
  const cds = FIXTURES.filter((f) => f.serviceName).map((f) => ({
    "@type": "type.googleapis.com/envoy.config.cluster.v3.Cluster",
    name: f.name, type: "EDS", connect_timeout: "1s", lb_policy: "MAGLEV",
    eds_cluster_config: { service_name: f.serviceName, ...files.get(f.name)!.edsClusterConfig() },
  }));
  writeFileAtomically(join(dir, "cds.json"), JSON.stringify({ version_info: "1", resources: cds }));
  return JSON.stringify({
    node: { id: "fixtures", cluster: "fixtures" },
    admin: { address: { socket_address: { address: "127.0.0.1", port_value: "{{ADMIN_PORT}}" } } },
    dynamic_resources: { cds_config: { resource_api_version: "V3", path_config_source: { path: join(dir, "cds.json") } } },
    static_resources: { clusters: staticClusters },
  }).replace('"{{ADMIN_PORT}}"', "{{ADMIN_PORT}}");
}

/** Starts Envoy with every fixture's cluster and returns each cluster's endpoint dump as the admin answers it. */
export async function captureFixtures(): Promise<Map<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), "waymark-fixtures-"));
  const files = new Map<string, EdsFile>();
  try {
    for (const f of FIXTURES) {
      const file = new EdsFile(dir, f.serviceName ?? f.name);
      file.write(f.endpoints, { overprovisioningFactor: f.overprovisioningFactor });
      files.set(f.name, file);
    }
    const envoy = await startEnvoy(bootstrap(dir, files));
    try {
      const out = new Map<string, string>();
      for (const f of [...FIXTURES, { name: "absent", endpoints: [] } as Fixture]) {
        const url = `http://127.0.0.1:${envoy.adminPort}${endpointDumpPath(f.serviceName ?? f.name)}`;
        // CDS clusters come up a moment after readiness: wait until the dump lists the cluster.
        for (let attempt = 0; ; attempt++) {
          const text = await (await fetch(url)).text();
          if (f.name === "absent" || text.includes("endpoint_config") || attempt > 50) {
            out.set(f.name, normaliseDump(text));
            break;
          }
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      return out;
    } finally {
      await envoy.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A stored fixture's text. */
export function fixture(name: string): string {
  return readFileSync(join(FIXTURE_DIR, `${name}.json`), "utf8");
}

if (process.argv.includes("--write")) {
  mkdirSync(FIXTURE_DIR, { recursive: true });
  for (const [name, text] of await captureFixtures()) {
    writeFileSync(join(FIXTURE_DIR, `${name}.json`), text);
    console.log(`${name}.json  ${text.length} bytes`);
  }
}
