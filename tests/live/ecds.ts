// Delivering plugin configurations to envoy-configs/ecds.yaml: one discovery file per filter, each new version
// written next to it and renamed over it (the atomic move Envoy's watched directory reacts to).
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Plugin } from "../soak/plugins.ts";
import { startEnvoy, Envoy } from "../../mesh/envoy.ts";
import { ecdsResponse } from "../../mesh/xds.ts";

/** The ECDS discovery response carrying `plugin` with its configuration. */
export function pluginEcdsResponse(plugin: Plugin, version: string): string {
  return ecdsResponse(plugin.name, {
    "@type": "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm",
    config: {
      name: plugin.name,
      root_id: plugin.name,
      allow_on_headers_stop_iteration: plugin.allowOnHeadersStopIteration,
      configuration: { "@type": "type.googleapis.com/google.protobuf.StringValue", value: JSON.stringify(plugin.config) },
      vm_config: { vm_id: plugin.name, runtime: "envoy.wasm.runtime.v8", code: { local: { filename: plugin.wasm } } },
    },
  }, version);
}

/** The ECDS files of one gateway: ECDS_DIR/<filter name>/ecds.json. */
export class EcdsFiles {
  private versions = 0;
  constructor(readonly dir: string) {}

  path(name: string): string {
    return join(this.dir, name, "ecds.json");
  }

  /** Publishes a new version of `plugin`'s filter; returns the time of the rename (process.hrtime, ns). */
  push(plugin: Plugin): bigint {
    const folder = join(this.dir, plugin.name);
    mkdirSync(folder, { recursive: true });
    const version = String(++this.versions);
    const temp = join(folder, `.ecds.${version}.json`);
    writeFileSync(temp, pluginEcdsResponse(plugin, version));
    const at = process.hrtime.bigint();
    renameSync(temp, this.path(plugin.name));
    return at;
  }
}

/** A gateway of envoy-configs/ecds.yaml started with these plugin configurations, its files, and its counters. */
export interface EcdsGateway {
  envoy: Envoy;
  files: EcdsFiles;
  /** Envoy's ECDS counter of a filter: extension_config_discovery.http_filter.<name>.<counter>. */
  counter(name: string, counter: string): Promise<number>;
  /** The ECDS counters and the end of Envoy's log, for failure messages. */
  diagnose(): Promise<string>;
  stop(): Promise<void>;
}

/** The counters that explain a failed request or update. */
const DIAGNOSIS = /^extension_config_discovery\.|waymark\.sdk\.|^http\.ingress\.downstream_rq_[345]xx|^cluster\.\w+\.upstream_(rq_5xx|rq_reset|cx_destroy_remote_with_active_rq|cx_connect_fail|rq_timeout)/;

export async function startEcdsGateway(plugins: Plugin[], vars: Record<string, string | number>): Promise<EcdsGateway> {
  const dir = mkdtempSync(join(tmpdir(), "waymark-ecds-"));
  const files = new EcdsFiles(dir);
  for (const p of plugins) files.push(p);
  let envoy: Envoy;
  try {
    envoy = await startEnvoy("envoy-configs/ecds.yaml", { vars: { ECDS_DIR: dir, ...vars } });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    envoy, files,
    counter: async (name, counter) => (await envoy.stat(`extension_config_discovery.http_filter.${name}.${counter}`)) ?? 0,
    diagnose: async () => `${[...(await envoy.stats())].filter(([k, v]) => DIAGNOSIS.test(k) && v > 0).map(([k, v]) => `${k}: ${v}`).join("\n")}\n${envoy.log().slice(-3000)}`,
    stop: async () => {
      await envoy.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
