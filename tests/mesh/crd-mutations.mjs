// Mutations of the rendered manifests that the API server must refuse, each with the message deploy/crd-check.mjs
// gives. tests/mesh/crds.test.ts checks the message; deploy/check-with-apiserver.mjs sends the same mutated
// documents to the real API server, which refuses each one too, except where the last element says otherwise.
// [what, kind, name, mutate(doc), expected crd-check message, what the API server does (default "refuses")]
export const MUTATIONS = [
  ["an unknown spec field", "WasmPlugin", "waymark-tenant", (d) => { d.spec.pluginConfigs = {}; }, 'unknown field "spec.pluginConfigs"'],
  ["an unknown top-level field", "DestinationRule", "cart", (d) => { d.specs = {}; }, 'unknown field "specs"'],
  ["an unknown metadata field", "EnvoyPatchPolicy", "waymark", (d) => { d.metadata.label = { a: "b" }; }, 'unknown field "metadata.label"'],
  ["a misspelt field deep in an EnvoyFilter match", "EnvoyFilter", "waymark-feature-group",
    (d) => { const f = d.spec.configPatches[1].match.listener.filterChain.filter; f.subfilter = f.subFilter; delete f.subFilter; },
    'unknown field "spec.configPatches[1].match.listener.filterChain.filter.subfilter"'],
  ["a wrong type", "EnvoyExtensionPolicy", "waymark", (d) => { d.spec.wasm[1].failOpen = "true"; }, "spec.wasm[1].failOpen: must be boolean"],
  ["a value outside the enum", "WasmPlugin", "waymark-tenant", (d) => { d.spec.failStrategy = "FAIL_SOMETIMES"; },
    'spec.failStrategy: Unsupported value: supported values: "FAIL_CLOSE", "FAIL_OPEN", "FAIL_RELOAD"'],
  ["a missing required field", "EnvoyExtensionPolicy", "waymark", (d) => { delete d.spec.wasm[0].code.type; }, 'spec.wasm[0].code: Required value: "type"'],
  ["an int32 out of range", "EnvoyPatchPolicy", "waymark", (d) => { d.spec.priority = 2 ** 31; }, "spec.priority: must be <= 2147483647"],
  ["a pattern mismatch", "WasmPlugin", "waymark-sticky", (d) => { d.spec.sha256 = "abc"; }, 'spec.sha256: must match pattern "(^$|^[a-f0-9]{64}$)"'],
  // Stricter than the API server on purpose: it accepts the document and silently drops the null field, which is
  // never what the author meant (an empty `workloadSelector:` in YAML would select every proxy in the namespace).
  ["a null where the schema is not nullable", "EnvoyFilter", "waymark-feature-group", (d) => { d.spec.workloadSelector = null; }, "spec.workloadSelector: must be object", "drops the null"],
  ["an unknown EnvoyPatchPolicy operation field", "EnvoyPatchPolicy", "waymark", (d) => { d.spec.jsonPatches[0].operation.jsonpath = "$"; },
    'unknown field "spec.jsonPatches[0].operation.jsonpath"'],
];
