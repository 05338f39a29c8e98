// deploy/: the Wasm OCI image layouts written by deploy/oci-image.mjs (compat variant: one tar+gzip layer holding
// plugin.wasm, byte for byte the built module, reproducible) and the Kubernetes manifests rendered from
// deploy/istio and deploy/envoy-gateway: they parse, reference exactly those images by the manifest digests, and
// their plugin configurations pass the plugins' own load-time checks and JSON Schemas. The CRD schemas are checked
// in tests/mesh/crds.test.ts, the Envoy configurations the manifests carry in tests/mesh/deploy-envoy.test.ts.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { parseAllDocuments } from "yaml";
import { packageAll, PLUGINS, MEDIA } from "../../deploy/oci-image.mjs";
import { validateConfig } from "../../cli/validate.mjs";
import { pluginConfigs } from "./manifests.ts";
import { root } from "../../scripts/ensure.mjs";

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
type Image = { plugin: string; reference: string; manifestDigest: string; layerDigest: string; wasmSha256: string };

/** The regular files of a tar archive (ustar headers), name -> bytes. */
function untar(tar: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (let at = 0; at + 512 <= tar.length;) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const name = header.subarray(0, 100).toString("ascii").replace(/\0.*$/s, "");
    const size = parseInt(header.subarray(124, 136).toString("ascii").replace(/\0.*$/s, "").trim(), 8);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : header[i];
    assert.equal(parseInt(header.subarray(148, 156).toString("ascii"), 8), sum, `tar checksum of ${name}`);
    files.set(name, tar.subarray(at + 512, at + 512 + size));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

describe("deploy: Wasm OCI images and Kubernetes manifests", () => {
  const out = mkdtempSync(join(tmpdir(), "waymark-deploy-"));
  let images: Image[];

  before(() => {
    images = packageAll({ registry: "registry.example.com/team", tag: "1.2.3", out });
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  it("writes an OCI image layout per plugin in the compat variant, holding the built plugin.wasm", () => {
    assert.deepEqual(images.map((i) => i.plugin), PLUGINS);
    for (const image of images) {
      const dir = join(out, "oci", `waymark-${image.plugin}`);
      assert.deepEqual(JSON.parse(readFileSync(join(dir, "oci-layout"), "utf8")), { imageLayoutVersion: "1.0.0" });
      for (const name of readdirSync(join(dir, "blobs", "sha256"))) {
        assert.equal(sha256(readFileSync(join(dir, "blobs", "sha256", name))), name, "a blob is named by its digest");
      }
      const blob = (digest: string) => readFileSync(join(dir, "blobs", "sha256", digest.replace("sha256:", "")));
      const index = JSON.parse(readFileSync(join(dir, "index.json"), "utf8"));
      assert.equal(index.mediaType, MEDIA.index);
      assert.equal(index.manifests.length, 1);
      assert.equal(index.manifests[0].digest, image.manifestDigest);
      assert.equal(index.manifests[0].annotations["org.opencontainers.image.ref.name"], "1.2.3");
      const manifestBytes = blob(image.manifestDigest);
      assert.equal(index.manifests[0].size, manifestBytes.length);
      const manifest = JSON.parse(manifestBytes.toString());
      assert.equal(manifest.schemaVersion, 2);
      assert.equal(manifest.mediaType, MEDIA.manifest);
      assert.equal(manifest.annotations["module.wasm.image/variant"], "compat");
      assert.equal(manifest.layers.length, 1, "the compat variant has exactly one layer");
      assert.equal(manifest.layers[0].mediaType, MEDIA.layer);
      const layer = blob(manifest.layers[0].digest);
      assert.equal(manifest.layers[0].size, layer.length);
      const tar = gunzipSync(layer);
      const files = untar(tar);
      assert.deepEqual([...files.keys()], ["plugin.wasm"]);
      assert.ok(files.get("plugin.wasm")!.equals(readFileSync(join(root, "dist", `${image.plugin}.wasm`))), "plugin.wasm is the built module");
      const config = JSON.parse(blob(manifest.config.digest).toString());
      assert.equal(manifest.config.mediaType, MEDIA.config);
      assert.deepEqual(config.rootfs, { type: "layers", diff_ids: [`sha256:${sha256(tar)}`] });
    }
  });

  it("is reproducible: the same modules give the same digests", () => {
    const second = mkdtempSync(join(tmpdir(), "waymark-deploy-"));
    try {
      const again = packageAll({ registry: "registry.example.com/team", tag: "1.2.3", out: second });
      assert.deepEqual(again.map((i) => i.manifestDigest), images.map((i) => i.manifestDigest));
    } finally {
      rmSync(second, { recursive: true, force: true });
    }
  });

  it("renders manifests that parse and reference each image by its manifest digest", () => {
    const byPlugin = new Map(images.map((i) => [i.plugin, i]));
    const docs = ["istio-waymark.yaml", "envoy-gateway-waymark.yaml"].flatMap((f) => {
      const parsed = parseAllDocuments(readFileSync(join(out, "k8s", f), "utf8"));
      for (const d of parsed) assert.deepEqual(d.errors, [], `${f}: ${d.errors.join("; ")}`);
      return parsed.map((d) => d.toJS());
    });
    const kinds = docs.map((d) => d.kind).sort();
    assert.deepEqual(kinds, ["BackendTrafficPolicy", "DestinationRule", "EnvoyExtensionPolicy", "EnvoyFilter", "EnvoyFilter", "EnvoyPatchPolicy", "WasmPlugin", "WasmPlugin"]);
    const referenced = new Set<string>();
    for (const d of docs.filter((x) => x.kind === "WasmPlugin")) {
      const image = byPlugin.get(d.spec.pluginName)!;
      assert.ok(image, `unknown pluginName ${d.spec.pluginName}`);
      assert.equal(d.apiVersion, "extensions.istio.io/v1alpha1");
      assert.equal(d.spec.url, `oci://${image.reference}`);
      assert.equal(d.spec.sha256, image.manifestDigest.slice(7));
      referenced.add(`istio/${image.plugin}`);
    }
    for (const d of docs.filter((x) => x.kind === "EnvoyFilter")) {
      const wasm = d.spec.configPatches.find((p: any) => p.applyTo === "EXTENSION_CONFIG").patch.value.typed_config.config;
      const image = byPlugin.get(wasm.root_id)!;
      assert.equal(wasm.vm_config.code.remote.http_uri.uri, `oci://${image.reference}`);
      assert.equal(wasm.vm_config.code.remote.sha256, image.manifestDigest.slice(7), "istio-agent checks the image manifest digest");
      referenced.add(`istio/${image.plugin}`);
    }
    const policy = docs.find((x) => x.kind === "EnvoyExtensionPolicy")!;
    assert.equal(policy.apiVersion, "gateway.envoyproxy.io/v1alpha1");
    assert.deepEqual(policy.spec.wasm.map((w: any) => w.rootID), PLUGINS, "filter order: tenant, feature-group, sticky");
    for (const w of policy.spec.wasm) {
      const image = byPlugin.get(w.rootID)!;
      assert.equal(w.code.type, "Image");
      assert.equal(w.code.image.url, image.reference);
      assert.equal(w.code.image.sha256, image.manifestDigest.slice(7));
      referenced.add(`eg/${image.plugin}`);
    }
    assert.equal(referenced.size, 6, "every plugin is deployed on both");
  });

  it("gives the plugins configurations they accept (their own load-time checks and schemas)", async () => {
    const configs = pluginConfigs(out);
    assert.deepEqual(configs.map((c) => c.where), [
      "istio WasmPlugin istio-system/waymark-tenant", "istio EnvoyFilter istio-system/waymark-feature-group",
      "istio WasmPlugin istio-system/waymark-sticky", "istio EnvoyFilter waymark/waymark-feature-group-internal",
      "envoy-gateway EnvoyExtensionPolicy waymark/waymark wasm[0]", "envoy-gateway EnvoyExtensionPolicy waymark/waymark wasm[1]",
      "envoy-gateway EnvoyExtensionPolicy waymark/waymark wasm[2]",
    ]);
    for (const { plugin, config, where } of configs) {
      const r = await validateConfig(plugin, JSON.stringify(config));
      assert.ok(r.valid, `${where} (${plugin}): ${JSON.stringify(r)}`);
    }
  });
});
