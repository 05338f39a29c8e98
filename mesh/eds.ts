// File-based EDS: Envoy's own mechanism for changing a cluster's endpoints without a restart or a control plane.
// A cluster with `type: EDS` and `eds_cluster_config.eds_config.path_config_source.path` reads a discovery
// response (one ClusterLoadAssignment) from that file and reloads it when the file is replaced by a rename in
// the same directory (the bootstrap needs node.id and node.cluster). Used by the local mesh (mesh/xds.ts) and the
// sticky membership tests:
//
//   const eds = new EdsFile(dir, "cart");
//   eds.write([{ address: "127.0.0.1:18101", hostname: "cart-0" }, { address: "127.0.0.1:18102", health: "UNHEALTHY" }]);
//   // bootstrap cluster: { name: "cart", type: "EDS", eds_cluster_config: eds.edsClusterConfig(), ... }
import { writeFileSync, renameSync, mkdirSync } from "node:fs";
import { join } from "node:path";

/** EDS health_status values (envoy.config.core.v3.HealthStatus). */
export type EdsHealth = "UNKNOWN" | "HEALTHY" | "UNHEALTHY" | "DRAINING" | "TIMEOUT" | "DEGRADED";

export interface EdsEndpoint {
  /** "ip:port" or "[ipv6]:port". */
  address: string;
  hostname?: string;
  /** load_balancing_weight (Envoy's default 1). */
  weight?: number;
  /** filter_metadata["envoy.lb"].hash_key: the host key Maglev and ring hash use instead of the address. */
  hashKey?: string;
  health?: EdsHealth;
  priority?: number;
  /** Locality zone; endpoints of one priority and zone share one LocalityLbEndpoints entry. */
  zone?: string;
}

export interface AssignmentOptions {
  /** ClusterLoadAssignment.policy.overprovisioning_factor (percent; Envoy's default 140). */
  overprovisioningFactor?: number;
}

/** Splits "ip:port" / "[ipv6]:port". */
export function splitAddress(address: string): { ip: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(address) ?? /^([^:]+):(\d+)$/.exec(address);
  if (!m) throw new Error(`not ip:port: ${address}`);
  return { ip: m[1], port: Number(m[2]) };
}

/** The ClusterLoadAssignment for `endpoints`, grouped by (priority, zone) in order of first appearance. */
export function clusterLoadAssignment(clusterName: string, endpoints: EdsEndpoint[], options: AssignmentOptions = {}): object {
  const groups = new Map<string, { priority: number; zone: string; lb_endpoints: object[] }>();
  for (const e of endpoints) {
    const priority = e.priority ?? 0;
    const zone = e.zone ?? "";
    const key = `${priority}/${zone}`;
    if (!groups.has(key)) groups.set(key, { priority, zone, lb_endpoints: [] });
    const { ip, port } = splitAddress(e.address);
    groups.get(key)!.lb_endpoints.push({
      endpoint: { address: { socket_address: { address: ip, port_value: port } }, ...(e.hostname ? { hostname: e.hostname } : {}) },
      ...(e.health ? { health_status: e.health } : {}),
      ...(e.weight !== undefined ? { load_balancing_weight: e.weight } : {}),
      ...(e.hashKey ? { metadata: { filter_metadata: { "envoy.lb": { hash_key: e.hashKey } } } } : {}),
    });
  }
  return {
    "@type": "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment",
    cluster_name: clusterName,
    endpoints: [...groups.values()].map((g) => ({
      ...(g.zone ? { locality: { zone: g.zone } } : {}),
      ...(g.priority ? { priority: g.priority } : {}),
      lb_endpoints: g.lb_endpoints,
    })),
    ...(options.overprovisioningFactor !== undefined ? { policy: { overprovisioning_factor: options.overprovisioningFactor } } : {}),
  };
}

/** Replaces `path` in one step: a reader (Envoy's file watch) sees the old file or the new one, never half of one. */
export function writeFileAtomically(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

/** One cluster's EDS file. Every write is a new discovery response with a new version_info. */
export class EdsFile {
  readonly path: string;
  version = 0;

  constructor(readonly dir: string, readonly clusterName: string, fileName = `${clusterName}.eds.json`) {
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, fileName);
  }

  /** Writes `endpoints` (atomically, by rename); returns the version_info written. */
  write(endpoints: EdsEndpoint[], options: AssignmentOptions = {}): string {
    const version = String(++this.version);
    const response = { version_info: version, resources: [clusterLoadAssignment(this.clusterName, endpoints, options)] };
    writeFileAtomically(this.path, JSON.stringify(response, null, 1));
    return version;
  }

  /** The cluster's `eds_cluster_config` for an Envoy bootstrap (as JSON, which YAML accepts too). */
  edsClusterConfig(): object {
    return { eds_config: { resource_api_version: "V3", path_config_source: { path: this.path } } };
  }
}
