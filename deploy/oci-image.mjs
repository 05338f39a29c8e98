#!/usr/bin/env node
// Packages the three plugins as Wasm OCI images and renders the Kubernetes manifests that load them — without a
// container engine.
//
//   node deploy/oci-image.mjs [--registry ghcr.io/you] [--tag 0.1.0] [--out build/deploy] [--jwks <file>]
//
// For each plugin it writes an OCI image layout directory <out>/oci/waymark-<plugin>/ (oci-layout, index.json,
// blobs/sha256/...) in the "compat" variant of the Wasm image specification (solo-io/wasm spec-compat), the one
// both Istio and Envoy Gateway accept (their image fetchers try it first): a standard OCI image manifest
// annotated `module.wasm.image/variant: compat` with exactly one `application/vnd.oci.image.layer.v1.tar+gzip`
// layer, a tar holding `plugin.wasm`. (The single-layer `application/vnd.module.wasm.content.layer.v1+wasm`
// form is not used: those fetchers accept that media type only in the two-layer "oci" variant.) The tar and gzip
// are written byte for byte here (fixed times and owners), so the same .wasm always gives the same digests.
//
// It then renders deploy/istio/waymark.yaml (WasmPlugin) and deploy/envoy-gateway/waymark.yaml
// (EnvoyExtensionPolicy) into <out>/k8s/, with each image's reference and manifest digest (the digest both
// controllers check a pulled image against). Push a layout with any OCI tool, e.g.
//   oras cp --from-oci-layout build/deploy/oci/waymark-tenant:0.1.0 ghcr.io/you/waymark-tenant:0.1.0
//   skopeo copy oci:build/deploy/oci/waymark-tenant:0.1.0 docker://ghcr.io/you/waymark-tenant:0.1.0
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const PLUGINS = ["tenant", "feature-group", "sticky"];
export const MEDIA = {
  manifest: "application/vnd.oci.image.manifest.v1+json",
  index: "application/vnd.oci.image.index.v1+json",
  config: "application/vnd.oci.image.config.v1+json",
  layer: "application/vnd.oci.image.layer.v1.tar+gzip",
};
export const TEMPLATES = ["deploy/istio/waymark.yaml", "deploy/envoy-gateway/waymark.yaml"];

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");

/** A ustar archive holding one regular file, with fixed owner, mode and time (reproducible). */
export function tarOneFile(name, data) {
  const header = Buffer.alloc(512);
  const field = (offset, length, value) => header.write(value, offset, length, "ascii");
  const octal = (n, width) => n.toString(8).padStart(width - 1, "0") + "\0";
  field(0, 100, name);
  field(100, 8, octal(0o644, 8));
  field(108, 8, octal(0, 8));
  field(116, 8, octal(0, 8));
  field(124, 12, octal(data.length, 12));
  field(136, 12, octal(0, 12));
  field(148, 8, "        "); // the checksum is computed with its own field as spaces
  field(156, 1, "0");
  field(257, 6, "ustar\0");
  field(263, 2, "00");
  let sum = 0;
  for (const b of header) sum += b;
  field(148, 8, sum.toString(8).padStart(6, "0") + "\0 ");
  const pad = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([header, data, pad, Buffer.alloc(1024)]);
}

function blob(dir, bytes) {
  const digest = sha256(bytes);
  writeFileSync(join(dir, "blobs", "sha256", digest), bytes);
  return { digest: `sha256:${digest}`, size: bytes.length };
}

/** Writes the OCI image layout of one plugin; returns its manifest digest and the layer facts. */
export function writeImageLayout(plugin, wasm, dir, tag) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "blobs", "sha256"), { recursive: true });
  writeFileSync(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  const tar = tarOneFile("plugin.wasm", wasm);
  // Node's gzip writes no name and a zero time, so the layer bytes depend only on the tar.
  const layer = blob(dir, gzipSync(tar, { level: 9 }));
  const config = blob(dir, Buffer.from(JSON.stringify({
    architecture: "wasm", os: "wasip1",
    config: { Labels: { "org.opencontainers.image.title": `waymark-${plugin}` } },
    rootfs: { type: "layers", diff_ids: [`sha256:${sha256(tar)}`] },
  })));
  const manifestBytes = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA.manifest,
    config: { mediaType: MEDIA.config, ...config },
    layers: [{ mediaType: MEDIA.layer, ...layer, annotations: { "org.opencontainers.image.title": "plugin.wasm" } }],
    annotations: {
      "module.wasm.image/variant": "compat",
      "org.opencontainers.image.title": `waymark-${plugin}`,
      "org.opencontainers.image.version": tag,
      "org.opencontainers.image.description": `Waymark ${plugin} plugin for Envoy (proxy-wasm ABI 0.2.1, root_id "${plugin}")`,
    },
  }));
  const manifest = blob(dir, manifestBytes);
  writeFileSync(join(dir, "index.json"), JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA.index,
    manifests: [{ mediaType: MEDIA.manifest, ...manifest, annotations: { "org.opencontainers.image.ref.name": tag } }],
  }, null, 2) + "\n");
  return { plugin, manifestDigest: manifest.digest, layerDigest: layer.digest, wasmSha256: sha256(wasm) };
}

/** Fills {{NAME}} placeholders; an unknown one is an error. */
function render(template, vars) {
  return template.replace(/\{\{([A-Z0-9_]+)\}\}/g, (_, name) => {
    if (!(name in vars)) throw new Error(`template placeholder {{${name}}} has no value`);
    return vars[name];
  });
}

export const placeholder = (plugin, what) => `${plugin.toUpperCase().replace(/-/g, "_")}_${what}`;

/** The demo issuer's public JWKS (mesh/tokens.ts; the key is made on first use). */
export function demoJwks() {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(root, "mesh", "tokens.ts"), "--jwks"], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`mesh/tokens.ts --jwks failed: ${r.stderr}`);
  return r.stdout.trim();
}

/**
 * Packages every plugin and renders the manifests; returns the images written.
 * @param {{ registry?: string, tag?: string, out?: string, jwks?: string }} [options]
 */
export function packageAll({ registry = "ghcr.io/waymark", tag = "0.1.0", out = join(root, "build", "deploy"), jwks } = {}) {
  const images = [];
  const vars = { REGISTRY: registry, TAG: tag };
  for (const plugin of PLUGINS) {
    const wasmFile = join(root, "dist", `${plugin}.wasm`);
    if (!existsSync(wasmFile)) {
      const build = spawnSync(process.execPath, [join(root, "scripts", "build.mjs"), "--only", `plugins/${plugin}`, "--quiet"], { cwd: root, stdio: "inherit" });
      if (build.status !== 0 || !existsSync(wasmFile)) throw new Error(`dist/${plugin}.wasm is not built and could not be`);
    }
    const image = {
      ...writeImageLayout(plugin, readFileSync(wasmFile), join(out, "oci", `waymark-${plugin}`), tag),
      reference: `${registry}/waymark-${plugin}:${tag}`,
    };
    images.push(image);
    vars[placeholder(plugin, "IMAGE")] = image.reference;
    vars[placeholder(plugin, "SHA256")] = image.manifestDigest.slice("sha256:".length);
  }
  // Envoy Gateway gives a Wasm extension no cluster of its own choosing, so its tenant plugin gets the issuer's
  // keys inline (local_jwks); the Istio manifest fetches them (remote_jwks). A YAML double-quoted string.
  vars.JWKS_INLINE = JSON.stringify(jwks ?? demoJwks());
  mkdirSync(join(out, "k8s"), { recursive: true });
  for (const t of TEMPLATES) {
    const name = t.split("/").slice(-2).join("-");
    writeFileSync(join(out, "k8s", name), render(readFileSync(join(root, t), "utf8"), vars));
  }
  writeFileSync(join(out, "images.json"), JSON.stringify(images, null, 2) + "\n");
  return images;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const opt = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  if (args.includes("--help") || args.includes("-h")) {
    console.log("usage: node deploy/oci-image.mjs [--registry <registry/path>] [--tag <tag>] [--out <dir>] [--jwks <jwks.json>]");
    process.exit(0);
  }
  const out = resolve(opt("--out") ?? join(root, "build", "deploy"));
  // Default keys: the local mesh's demo issuer (made on first use), so the manifests accept its tokens.
  const jwks = opt("--jwks") ? readFileSync(opt("--jwks"), "utf8") : demoJwks();
  const images = packageAll({ registry: opt("--registry"), tag: opt("--tag"), out, jwks });
  for (const i of images) console.log(`${i.reference.padEnd(40)} ${i.manifestDigest}  (${join(out, "oci", `waymark-${i.plugin}`)})`);
  console.log(`manifests: ${join(out, "k8s")}/`);
  if (!opt("--jwks")) console.log("note: the Envoy Gateway tenant config trusts the demo issuer's key; give yours with --jwks <file>");
}
