// The rendered deploy/ manifests as the deploy tests read them: every document of build/deploy/k8s/*.yaml (or a
// temp render), the plugin configuration each one carries, and the commented-out snippets kept in the templates.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseYaml } from "../../deploy/crd-check.mjs";

export const RENDERED = ["istio-waymark.yaml", "envoy-gateway-waymark.yaml"];

export interface ManifestDoc { file: string; doc: any }

export function manifestDocs(out: string): ManifestDoc[] {
  return RENDERED.flatMap((file) => parseYaml(readFileSync(join(out, "k8s", file), "utf8"), file).map((doc: any) => ({ file, doc })));
}

const id = (doc: any) => `${doc.kind} ${doc.metadata.namespace}/${doc.metadata.name}`;

/** The Wasm filter configuration an Istio EnvoyFilter adds as an ECDS resource (EXTENSION_CONFIG / ADD). */
export function extensionConfig(envoyFilter: any): { name: string; typed_config: any } {
  const patches = envoyFilter.spec.configPatches.filter((p: any) => p.applyTo === "EXTENSION_CONFIG" && p.patch.operation === "ADD");
  if (patches.length !== 1) throw new Error(`${id(envoyFilter)}: expected one EXTENSION_CONFIG ADD patch, found ${patches.length}`);
  return patches[0].patch.value;
}

/** Every plugin configuration the manifests carry, with where it sits. */
export function pluginConfigs(out: string): Array<{ plugin: string; config: unknown; where: string }> {
  const configs: Array<{ plugin: string; config: unknown; where: string }> = [];
  for (const { file, doc } of manifestDocs(out)) {
    const vendor = file.replace(/-waymark\.yaml$/, "");
    if (doc.kind === "WasmPlugin") configs.push({ plugin: doc.spec.pluginName, config: doc.spec.pluginConfig, where: `${vendor} ${id(doc)}` });
    if (doc.kind === "EnvoyFilter") {
      const wasm = extensionConfig(doc).typed_config.config;
      configs.push({ plugin: wasm.root_id, config: JSON.parse(wasm.configuration.value), where: `${vendor} ${id(doc)}` });
    }
    if (doc.kind === "EnvoyExtensionPolicy") {
      doc.spec.wasm.forEach((w: any, i: number) => configs.push({ plugin: w.rootID, config: w.config, where: `${vendor} ${id(doc)} wasm[${i}]` }));
    }
  }
  return configs;
}

/**
 * Commented-out YAML documents kept in a template for the user to enable: a line "# ---" opens one, and the
 * "# "-prefixed lines that follow (up to the first line that is not a comment) are its text.
 */
export function commentedDocs(template: string): string[] {
  const docs: string[] = [];
  const lines = template.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== "# ---") continue;
    const body: string[] = [];
    for (i++; i < lines.length && /^#( |$)/.test(lines[i]); i++) body.push(lines[i].slice(2));
    docs.push(body.join("\n"));
  }
  return docs;
}
