// Delivering plugin configurations to envoy-configs/ecds.yaml: one discovery file per filter, each new version
// written next to it and renamed over it (the atomic move Envoy's watched directory reacts to).
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Plugin } from "../soak/plugins.ts";

/** The ECDS discovery response carrying `plugin` with its configuration. */
export function ecdsResponse(plugin: Plugin, version: string): string {
  return JSON.stringify({
    version_info: version,
    resources: [{
      "@type": "type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig",
      name: plugin.name,
      typed_config: {
        "@type": "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm",
        config: {
          name: plugin.name,
          root_id: plugin.name,
          allow_on_headers_stop_iteration: plugin.allowOnHeadersStopIteration,
          configuration: { "@type": "type.googleapis.com/google.protobuf.StringValue", value: JSON.stringify(plugin.config) },
          vm_config: { vm_id: plugin.name, runtime: "envoy.wasm.runtime.v8", code: { local: { filename: plugin.wasm } } },
        },
      },
    }],
  }, null, 1);
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
    writeFileSync(temp, ecdsResponse(plugin, version));
    const at = process.hrtime.bigint();
    renameSync(temp, this.path(plugin.name));
    return at;
  }
}
