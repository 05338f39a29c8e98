#!/usr/bin/env node
// Referee, not part of `npm test`: runs Envoy Gateway's own translator (egctl 1.6.3, built from the Go module) on
// deploy/envoy-gateway/waymark.yaml with a Gateway, an HTTPRoute and a Service around it, and compares the Wasm
// filters it generates, EnvoyPatchPolicy applied, with the rebuild tests/mesh/deploy-envoy.test.ts runs in Envoy
// (tests/mesh/envoy-gateway-xds.mjs). Offline egctl has no Wasm cache, so deploy/referee/egctl_wasm_cache.go is
// added to a copy of its source: it answers the image lookups with a serving URL and the .wasm's SHA-256, the two
// things Envoy Gateway's cache returns after a pull; everything else is Envoy Gateway's code.
//
//   node deploy/check-with-egctl.mjs            (needs Go and the Go module proxy; the first build takes minutes)
//
// Exit 0 when every Wasm filter egctl generates equals the rebuild and every patch was applied.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { packageAll, root } from "./oci-image.mjs";
import { parseYaml } from "./crd-check.mjs";
import { wasmHttpFilter, applyJsonPatches } from "../tests/mesh/envoy-gateway-xds.mjs";

const EG = "github.com/envoyproxy/gateway@v1.6.3";
const TAGS = "exclude_graphdriver_btrfs exclude_graphdriver_devicemapper containers_image_openpgp";
const work = join(root, "build", "referee");
const egctl = join(work, "egctl-1.6.3");

function makeWritable(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    chmodSync(p, s.isDirectory() ? 0o755 : 0o644);
    if (s.isDirectory()) makeWritable(p);
  }
}

function buildEgctl() {
  if (existsSync(egctl)) return;
  const info = JSON.parse(execFileSync("go", ["mod", "download", "-json", EG], { encoding: "utf8" }));
  const src = join(work, "gateway-src");
  rmSync(src, { recursive: true, force: true });
  cpSync(info.Dir, src, { recursive: true });
  makeWritable(src);
  cpSync(join(root, "deploy", "referee", "egctl_wasm_cache.go"), join(src, "internal", "cmd", "egctl", "egctl_wasm_cache.go"));
  // Every translator egctl builds (to IR, to xDS, to Gateway API status) gets the cache.
  const translate = join(src, "internal", "cmd", "egctl", "translate.go");
  const anchor = "\t\tBackendEnabled:          true,\n";
  const text = readFileSync(translate, "utf8");
  if (text.split(anchor).length !== 4) throw new Error("egctl's translate.go changed: the Wasm cache cannot be wired in");
  writeFileSync(translate, text.replaceAll(anchor, anchor + "\t\tWasmCache:               newRefereeWasmCache(),\n"));
  console.log(`building egctl from ${EG} (once; minutes)...`);
  const r = spawnSync("go", ["build", "-tags", TAGS, "-o", egctl, "./cmd/egctl"], { cwd: src, stdio: "inherit", env: { ...process.env, CGO_ENABLED: "0" } });
  if (r.status !== 0) throw new Error("egctl build failed");
}

/** The user's side of the deployment that the manifest assumes: GatewayClass, Gateway `waymark` (listener http), route cart. */
const AROUND = `
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: eg }
spec: { controllerName: gateway.envoyproxy.io/gatewayclass-controller }
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: waymark, namespace: waymark }
spec:
  gatewayClassName: eg
  listeners: [{ name: http, protocol: HTTP, port: 80 }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: cart, namespace: waymark }
spec:
  parentRefs: [{ name: waymark }]
  rules: [{ backendRefs: [{ name: cart, port: 8080 }] }]
---
apiVersion: v1
kind: Service
metadata: { name: cart, namespace: waymark }
spec: { clusterIP: 10.96.0.10, ports: [{ name: http, port: 8080, protocol: TCP }] }
`;

/**
 * The same configuration in one spelling: egctl prints protobuf JSON names (camelCase), the rebuild the proto names
 * (snake_case), which Envoy reads alike; the plugin configuration string is compared as JSON (Envoy Gateway
 * re-serialises it with sorted keys; the plugin parses it either way).
 */
function normalise(node, key) {
  if (Array.isArray(node)) return node.map((x) => normalise(x));
  if (!node || typeof node !== "object") return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    const snake = k.startsWith("@") ? k : k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    out[snake] = normalise(v, snake);
  }
  if (key === "configuration" && typeof out.value === "string") out.value = JSON.parse(out.value);
  return out;
}

/** Every object under `node` whose `name` starts with `prefix`. */
function findNamed(node, prefix, found = []) {
  if (Array.isArray(node)) node.forEach((x) => findNamed(x, prefix, found));
  else if (node && typeof node === "object") {
    if (typeof node.name === "string" && node.name.startsWith(prefix)) found.push(node);
    for (const v of Object.values(node)) findNamed(v, prefix, found);
  }
  return found;
}

function main() {
  buildEgctl();
  const tmp = mkdtempSync(join(tmpdir(), "waymark-egctl-"));
  try {
    const out = join(tmp, "render");
    const images = packageAll({ registry: "registry.example.com/team", tag: "1.2.3", out, jwks: JSON.stringify({ keys: [] }) });
    const manifest = readFileSync(join(out, "k8s", "envoy-gateway-waymark.yaml"), "utf8");
    const docs = parseYaml(manifest);
    const policy = docs.find((d) => d.kind === "EnvoyExtensionPolicy");
    const patchPolicy = docs.find((d) => d.kind === "EnvoyPatchPolicy");
    const served = Object.fromEntries(images.map((i) => [i.plugin, {
      URL: `https://envoy-gateway.envoy-gateway-system.svc.cluster.local:18002/${i.plugin}.wasm`,
      SHA256: createHash("sha256").update(readFileSync(join(root, "dist", `${i.plugin}.wasm`))).digest("hex"),
    }]));
    writeFileSync(join(tmp, "wasm-map.json"), JSON.stringify(Object.fromEntries(images.map((i) => [`oci://${i.reference}`, served[i.plugin]]))));
    writeFileSync(join(tmp, "input.yaml"), AROUND + "---\n" + manifest);
    const r = spawnSync(egctl, ["x", "translate", "--from", "gateway-api", "--to", "xds", "-t", "listener", "--output", "json", "-f", join(tmp, "input.yaml")],
      { encoding: "utf8", env: { ...process.env, WAYMARK_WASM_MAP: join(tmp, "wasm-map.json") }, maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`egctl failed: ${r.stderr}`);
    writeFileSync(join(work, "egctl-xds.json"), r.stdout);
    const generated = findNamed(JSON.parse(r.stdout), "envoy.filters.http.wasm/");
    console.log(`egctl generated ${generated.length} Wasm filter(s); full output in build/referee/egctl-xds.json`);

    // The rebuild, patched the way the test patches it.
    const rebuilt = { http_filters: policy.spec.wasm.map((w, i) => wasmHttpFilter(policy, i, { servingUrl: served[w.rootID].URL, sha256: served[w.rootID].SHA256 })) };
    applyJsonPatches(rebuilt, patchPolicy.spec.jsonPatches.map((p) => p.operation));
    let bad = generated.length !== rebuilt.http_filters.length;
    for (const want of rebuilt.http_filters) {
      const got = generated.find((g) => g.name === want.name);
      const same = got && isDeepStrictEqual(normalise(got), normalise(want));
      console.log(`${same ? "same     " : "DIFFERENT"} ${want.name}`);
      if (!same) {
        bad = true;
        console.log(`  egctl:   ${JSON.stringify(got)}\n  rebuild: ${JSON.stringify(want)}`);
      }
    }
    const status = spawnSync(egctl, ["x", "translate", "--from", "gateway-api", "--to", "gateway-api", "--output", "yaml", "-f", join(tmp, "input.yaml")],
      { encoding: "utf8", env: { ...process.env, WAYMARK_WASM_MAP: join(tmp, "wasm-map.json") }, maxBuffer: 64 << 20 });
    writeFileSync(join(work, "egctl-status.yaml"), status.stdout);
    // egctl prints the resources grouped by kind, each with the status Envoy Gateway would write.
    for (const group of Object.values(parseYaml(status.stdout)[0])) {
      for (const d of Array.isArray(group) ? group : [group]) {
        for (const ancestor of d.status?.ancestors ?? []) {
          for (const c of ancestor.conditions ?? []) {
            console.log(`${d.kind} ${d.metadata.name}: ${c.type}=${c.status} ${c.reason}${c.message ? ` (${c.message})` : ""}`);
            if (["EnvoyExtensionPolicy", "EnvoyPatchPolicy", "BackendTrafficPolicy"].includes(d.kind) && c.status !== "True") bad = true;
          }
        }
      }
    }
    console.log(bad ? "egctl and the rebuild differ" : "egctl's Wasm filters, patched, equal the rebuild the tests run in Envoy");
    process.exitCode = bad ? 1 : 0;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

mkdirSync(work, { recursive: true });
main();
