// What the gateways read while they run: Envoy's own file-based xDS, no control plane. Each gateway has a folder
// (XDS_DIR) with one EDS file per cluster of pods (<cluster>.eds.json: the pods of a deployment, by name and
// address) and one ECDS file per filter whose configuration can change (<plugin>/ecds.json). A change is a new
// file renamed over the old one, which Envoy notices and applies without a restart.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { clusterLoadAssignment, writeFileAtomically } from "./eds.ts";
import type { GatewaySpec, PluginUse, PortPlan, LiveSettings } from "./topology.ts";

/** A pod as the gateways see it: its name and address. */
export interface PodEndpoint {
  name: string;
  address: string;
}

/**
 * The discovery response of an EDS file: the cluster's endpoints, in the order given. Each endpoint's hash_key
 * (filter_metadata envoy.lb) is the pod's name, so Maglev keys a pod by its name wherever it runs, as the sticky
 * plugin does: Envoy refuses use_hostname_for_hashing on an EDS cluster, hash_key is how EDS says it.
 */
export function edsResponse(cluster: string, pods: PodEndpoint[], version: string): string {
  const assignment = clusterLoadAssignment(cluster, pods.map((p) => ({ address: p.address, hostname: p.name, hashKey: p.name })));
  return JSON.stringify({ version_info: version, resources: [assignment] }, null, 1);
}

/** The Wasm filter configuration of a plugin whose configuration arrives through ECDS. */
export function wasmFilter(use: PluginUse, config: Record<string, unknown>, dist: string): Record<string, unknown> {
  if (!use.ecds) throw new Error(`${use.plugin} is configured in the template, not through ECDS`);
  return {
    "@type": "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm",
    config: {
      name: use.plugin,
      root_id: use.plugin,
      allow_on_headers_stop_iteration: use.ecds.allowOnHeadersStopIteration,
      failure_policy: use.ecds.failurePolicy,
      configuration: { "@type": "type.googleapis.com/google.protobuf.StringValue", value: JSON.stringify(config) },
      // The same vm_config in every version: Envoy keeps the VM and gives the new configuration a new root context.
      vm_config: { vm_id: use.plugin, runtime: "envoy.wasm.runtime.v8", code: { local: { filename: join(dist, `${use.plugin}.wasm`) } } },
    },
  };
}

/** The discovery response of an ECDS file: one filter configuration named as the HTTP filter that asks for it. */
export function ecdsResponse(name: string, typedConfig: Record<string, unknown>, version: string): string {
  return JSON.stringify({
    version_info: version,
    resources: [{ "@type": "type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig", name, typed_config: typedConfig }],
  }, null, 1);
}

/** Everything one gateway reads from its XDS_DIR, for the pods and settings given. */
export interface GatewayXds {
  /** Path relative to XDS_DIR -> file content (without a version: see writeGatewayXds). */
  files: Map<string, (version: string) => string>;
}

export function gatewayXds(g: GatewaySpec, opts: {
  plan: PortPlan; live: LiveSettings; dist: string; pods: (deployment: string) => PodEndpoint[]; available: Set<string>;
}): GatewayXds {
  const files = new Map<string, (version: string) => string>();
  for (const [cluster, deployment] of Object.entries(g.eds ?? {})) {
    const pods = opts.pods(deployment);
    files.set(`${cluster}.eds.json`, (version) => edsResponse(cluster, pods, version));
  }
  for (const use of g.plugins) {
    if (!use.ecds || !opts.available.has(use.plugin)) continue;
    const filter = wasmFilter(use, use.config(opts.plan, opts.live), opts.dist);
    files.set(join(use.plugin, "ecds.json"), (version) => ecdsResponse(use.plugin, filter, version));
  }
  return { files };
}

/**
 * Writes the files of one gateway into `dir`, each by an atomic rename; only files whose content changed are
 * written (Envoy skips an identical version anyway). Returns the files written.
 */
export function writeGatewayXds(dir: string, xds: GatewayXds, written: Map<string, string>, version: string): string[] {
  const changed: string[] = [];
  for (const [file, render] of xds.files) {
    const path = join(dir, file);
    const content = render("");
    if (written.get(path) === content) continue;
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileAtomically(path, render(version));
    written.set(path, content);
    changed.push(file);
  }
  return changed;
}
