// What Envoy Gateway 1.6 makes of deploy/envoy-gateway/waymark.yaml, rebuilt from its source so the patched Wasm
// filters can run in real Envoy here (no Envoy Gateway controller runs on this machine):
// - wasmHttpFilter(): internal/xds/translator/wasm.go (buildHCMWasmFilter, wasmConfig) of github.com/envoyproxy/gateway
//   v1.6.3: one HCM filter per EnvoyExtensionPolicy entry, disabled by default and enabled per route, its code
//   fetched by Envoy from Envoy Gateway's Wasm HTTP server through the bootstrap cluster `wasm_cluster` and checked
//   against the SHA-256 of the .wasm (not the image digest: the controller pulled and unpacked the image);
// - applyJsonPatches(): internal/utils/jsonpatch (ApplyJSONPatches): a JSONPath is located first, then the JSON
//   Patch operation is applied at each location + `path`, creating missing objects on add.
// deploy/check-with-egctl.mjs compares this rebuild with Envoy Gateway's own translator (egctl) output.

export const WASM_TYPE = "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm";

/** Envoy Gateway's names: the IR name of entry `index` of an EnvoyExtensionPolicy, and the HCM filter's name. */
export const irWasmName = (policy, index) => `envoyextensionpolicy/${policy.metadata.namespace}/${policy.metadata.name}/wasm/${index}`;
export const wasmFilterName = (policy, index) => `envoy.filters.http.wasm/${irWasmName(policy, index)}`;

/** The HCM filter Envoy Gateway generates for entry `index`; `servingUrl` and `sha256` come from its Wasm cache. */
export function wasmHttpFilter(policy, index, { servingUrl, sha256 }) {
  const w = policy.spec.wasm[index];
  const config = {
    name: w.name ?? irWasmName(policy, index),
    vm_config: {
      vm_id: irWasmName(policy, index),
      runtime: "envoy.wasm.runtime.v8",
      code: { remote: { http_uri: { uri: servingUrl, cluster: "wasm_cluster", timeout: "10s" }, sha256 } },
    },
    configuration: { "@type": "type.googleapis.com/google.protobuf.StringValue", value: w.config === undefined ? "" : JSON.stringify(w.config) },
  };
  if (w.failOpen === true) config.fail_open = true; // a false bool is not serialised
  if (w.rootID !== undefined) config.root_id = w.rootID;
  return { name: wasmFilterName(policy, index), disabled: true, typed_config: { "@type": WASM_TYPE, config } };
}

/** typed_per_filter_config that enables a disabled filter on a route (utils.go enableFilterOnRoute). */
export const enableOnRoute = (filterName) => ({ [filterName]: { "@type": "type.googleapis.com/envoy.config.route.v3.FilterConfig", config: {} } });

/**
 * The JSONPath forms this project's patches use, located in `doc`: `$..<key>[?(@.<field> == '<value>')]` (every
 * array named <key>, at any depth, and each of its elements whose <field> equals <value>). Returns JSON Pointers.
 * Any other form is an error here, so a patch cannot silently mean something this rebuild does not understand.
 */
export function locate(doc, jsonPath) {
  const m = /^\$\.\.([A-Za-z0-9_]+)\[\?\(@\.([A-Za-z0-9_]+) *== *'([^']*)'\)\]$/.exec(jsonPath);
  if (!m) throw new Error(`JSONPath form not supported by this rebuild: ${jsonPath}`);
  const [, key, field, value] = m;
  const found = [];
  const walk = (node, pointer) => {
    if (Array.isArray(node)) node.forEach((x, i) => walk(x, `${pointer}/${i}`));
    else if (node && typeof node === "object") {
      for (const [k, v] of Object.entries(node)) {
        const here = `${pointer}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`;
        if (k === key && Array.isArray(v)) v.forEach((x, i) => { if (x?.[field] === value) found.push(`${here}/${i}`); });
        walk(v, here);
      }
    }
  };
  walk(doc, "");
  return found;
}

function addAt(doc, pointer, value) {
  const parts = pointer.split("/").slice(1).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  let node = doc;
  for (const p of parts.slice(0, -1)) {
    if (node[p] === undefined) node[p] = {}; // EnsurePathExistsOnAdd
    node = node[p];
  }
  const last = parts[parts.length - 1];
  if (Array.isArray(node)) node.splice(last === "-" ? node.length : Number(last), 0, value);
  else node[last] = value;
}

/** Applies an EnvoyPatchPolicy's `add` operations for one resource; returns the pointers each one touched. */
export function applyJsonPatches(resource, operations) {
  const touched = [];
  for (const op of operations) {
    if (op.op !== "add") throw new Error(`only add is used here, not ${op.op}`);
    const pointers = op.jsonPath ? locate(resource, op.jsonPath).map((p) => p + (op.path ?? "")) : [op.path];
    for (const p of pointers) addAt(resource, p, structuredClone(op.value));
    touched.push(pointers);
  }
  return touched;
}
