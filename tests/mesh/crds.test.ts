// The rendered deploy/ manifests against the real CRDs of Istio 1.27 and Envoy Gateway 1.6 (deploy/crds/), with
// unknown fields refused as the API server's strict field validation refuses them (deploy/crd-check.mjs). The
// checker is shown to bite: the Envoy Gateway manifest as it was (sha256 under `code`) is refused naming that field,
// and so are an unknown field, a wrong type, a missing required field and the other mutations below.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { packageAll } from "../../deploy/oci-image.mjs";
import { crdChecker, loadCrds, CRD_DIR, parseYaml, toJsonSchema, resourceSchema } from "../../deploy/crd-check.mjs";
import { root } from "../../scripts/ensure.mjs";
import { manifestDocs, commentedDocs, RENDERED } from "./manifests.ts";
import { MUTATIONS } from "./crd-mutations.mjs";

const clone = <T>(x: T): T => structuredClone(x);

describe("deploy/crds: the upstream CRDs, byte for byte", () => {
  it("every file is listed in SOURCES.md with its SHA-256, and every vendor folder keeps its licence", () => {
    const sources = readFileSync(join(CRD_DIR, "SOURCES.md"), "utf8");
    const listed = new Map([...sources.matchAll(/^\| `([^`]+)` \| `([0-9a-f]{64})` \|$/gm)].map((m) => [m[1], m[2]]));
    const files: string[] = [];
    for (const vendor of readdirSync(CRD_DIR, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      const names = readdirSync(join(CRD_DIR, vendor.name));
      assert.ok(names.includes("LICENSE"), `${vendor.name}/LICENSE`);
      for (const name of names) files.push(`${vendor.name}/${name}`);
    }
    assert.deepEqual(files.sort(), [...listed.keys()].sort(), "SOURCES.md lists exactly the files present");
    for (const f of files) {
      assert.equal(createHash("sha256").update(readFileSync(join(CRD_DIR, f))).digest("hex"), listed.get(f), f);
    }
  });

  it("holds the CRDs of every kind the manifests use", () => {
    const kinds = loadCrds().map(({ crd }: any) => `${crd.spec.group}/${crd.spec.names.kind}`);
    for (const k of ["extensions.istio.io/WasmPlugin", "networking.istio.io/EnvoyFilter", "networking.istio.io/DestinationRule",
      "gateway.envoyproxy.io/EnvoyExtensionPolicy", "gateway.envoyproxy.io/EnvoyPatchPolicy",
      "gateway.envoyproxy.io/BackendTrafficPolicy", "gateway.envoyproxy.io/EnvoyProxy"]) {
      assert.ok(kinds.includes(k), k);
    }
  });
});

describe("deploy manifests against the CRD schemas (unknown fields refused)", () => {
  const out = mkdtempSync(join(tmpdir(), "waymark-crds-"));
  const checker = crdChecker();
  let docs: any[];
  const find = (kind: string, name: string) => clone(docs.find((d) => d.kind === kind && d.metadata.name === name));
  const errorsOf = (doc: any) => checker.check(doc).errors;

  before(() => {
    packageAll({ registry: "registry.example.com/team", tag: "1.2.3", out, jwks: JSON.stringify({ keys: [] }) });
    docs = manifestDocs(out).map((m) => m.doc);
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  it("every rendered document passes the schema of its CRD and version", () => {
    const checked = docs.map((doc) => ({ doc, r: checker.check(doc) }));
    for (const { r } of checked) assert.deepEqual(r.errors, [], r.name);
    assert.deepEqual(checked.map(({ r }) => `${r.name} <- ${r.source}`), [
      "WasmPlugin istio-system/waymark-tenant <- istio-1.27.8/customresourcedefinitions.gen.yaml",
      "EnvoyFilter istio-system/waymark-feature-group <- istio-1.27.8/customresourcedefinitions.gen.yaml",
      "WasmPlugin istio-system/waymark-sticky <- istio-1.27.8/customresourcedefinitions.gen.yaml",
      "EnvoyFilter waymark/waymark-feature-group-internal <- istio-1.27.8/customresourcedefinitions.gen.yaml",
      "DestinationRule waymark/cart <- istio-1.27.8/customresourcedefinitions.gen.yaml",
      "EnvoyExtensionPolicy waymark/waymark <- envoy-gateway-1.6.3/gateway.envoyproxy.io_envoyextensionpolicies.yaml",
      "EnvoyPatchPolicy waymark/waymark <- envoy-gateway-1.6.3/gateway.envoyproxy.io_envoypatchpolicies.yaml",
      "BackendTrafficPolicy waymark/cart-sticky <- envoy-gateway-1.6.3/gateway.envoyproxy.io_backendtrafficpolicies.yaml",
    ]);
  });

  it("the commented-out EnvoyProxy admin-cluster snippet passes the EnvoyProxy CRD once uncommented", () => {
    const snippets = commentedDocs(readFileSync(join(root, "deploy", "envoy-gateway", "waymark.yaml"), "utf8"));
    assert.equal(snippets.length, 1);
    const [proxy] = parseYaml(snippets[0], "EnvoyProxy snippet");
    assert.equal(proxy.kind, "EnvoyProxy");
    assert.deepEqual(checker.check(proxy).errors, []);
    const cluster = proxy.spec.bootstrap.jsonPatches[0].value;
    assert.deepEqual([cluster.name, cluster.type, cluster.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address],
      ["waymark_admin", "STATIC", { address: "127.0.0.1", port_value: 19000 }]);
  });

  it("means the same to kubectl's YAML 1.1 reading as to YAML 1.2 (no yes/no/on/off or octal surprises)", () => {
    for (const file of RENDERED) {
      const text = readFileSync(join(out, "k8s", file), "utf8");
      const v11 = parseAllDocuments(text, { version: "1.1" }).map((d) => d.toJS());
      const v12 = parseAllDocuments(text, { version: "1.2" }).map((d) => d.toJS());
      assert.deepEqual(v11, v12, file);
    }
  });

  it("refuses the Envoy Gateway manifest as it was: sha256 under code, not code.image", () => {
    const policy = find("EnvoyExtensionPolicy", "waymark");
    for (const w of policy.spec.wasm) {
      w.code.sha256 = w.code.image.sha256;
      delete w.code.image.sha256;
    }
    assert.deepEqual(errorsOf(policy), [0, 1, 2].map((i) => `unknown field "spec.wasm[${i}].code.sha256"`));
  });

  for (const [what, kind, name, mutate, expected] of MUTATIONS as Array<[string, string, string, (d: any) => void, string]>) {
    it(`refuses ${what}: ${expected}`, () => {
      const doc = find(kind, name);
      assert.deepEqual(errorsOf(doc), [], "the unmutated document passes");
      mutate(doc);
      assert.ok(errorsOf(doc).includes(expected), JSON.stringify(errorsOf(doc)));
    });
  }

  it("refuses a version the CRD does not serve and a kind without a CRD", () => {
    const plugin = find("WasmPlugin", "waymark-tenant");
    plugin.apiVersion = "extensions.istio.io/v1beta1";
    assert.match(errorsOf(plugin)[0], /extensions\.istio\.io\/v1beta1 is not a served version of WasmPlugin/);
    assert.match(errorsOf({ apiVersion: "v1", kind: "Service", metadata: { name: "cart" }, spec: {} })[0], /no CRD for kind Service in group \(core\)/);
  });

  it("keeps free-form fields free: plugin configurations and EnvoyFilter patch values take any fields", () => {
    const plugin = find("WasmPlugin", "waymark-sticky");
    plugin.spec.pluginConfig.anything = { at: ["all", 1] };
    assert.deepEqual(errorsOf(plugin), []);
    const filter = find("EnvoyFilter", "waymark-feature-group");
    filter.spec.configPatches[0].patch.value.typed_config.config.some_future_field = true;
    assert.deepEqual(errorsOf(filter), []);
  });
});

describe("deploy/crd-check.mjs: structural-schema semantics on small schemas", () => {
  const crd = (schema: any) => ({
    apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition",
    spec: { group: "test.waymark.dev", names: { kind: "Thing" }, versions: [{ name: "v1", served: true, schema: { openAPIV3Schema: {
      type: "object", properties: { apiVersion: { type: "string" }, kind: { type: "string" }, metadata: { type: "object" }, spec: schema },
    } } }] },
  });
  const check = (schema: any, spec: unknown) => crdChecker([{ crd: crd(schema), source: "test" }])
    .check({ apiVersion: "test.waymark.dev/v1", kind: "Thing", metadata: { name: "t" }, spec }).errors;

  it("an object without properties and without preserve-unknown-fields accepts no field at all", () => {
    assert.deepEqual(check({ type: "object" }, {}), []);
    assert.deepEqual(check({ type: "object" }, { a: 1 }), ['unknown field "spec.a"']);
  });

  it("x-kubernetes-preserve-unknown-fields keeps unknown fields but still types the known ones", () => {
    const schema = { type: "object", "x-kubernetes-preserve-unknown-fields": true, properties: { n: { type: "integer" } } };
    assert.deepEqual(check(schema, { n: 1, other: { deep: true } }), []);
    assert.deepEqual(check(schema, { n: "1" }), ["spec.n: must be integer"]);
  });

  it("additionalProperties gives a map's value schema", () => {
    const schema = { type: "object", additionalProperties: { type: "string" } };
    assert.deepEqual(check(schema, { a: "x", b: "y" }), []);
    assert.deepEqual(check(schema, { a: 1 }), ["spec.a: must be string"]);
  });

  it("x-kubernetes-int-or-string accepts an integer or a string, nothing else", () => {
    const schema = { type: "object", properties: { port: { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] } } };
    assert.deepEqual(check(schema, { port: 8080 }), []);
    assert.deepEqual(check(schema, { port: "http" }), []);
    assert.ok(check(schema, { port: true }).includes("spec.port: must be integer,string"));
  });

  it("nullable accepts null; elsewhere null is refused", () => {
    const schema = { type: "object", properties: { a: { type: "string", nullable: true }, b: { type: "string" } } };
    assert.deepEqual(check(schema, { a: null }), []);
    assert.deepEqual(check(schema, { b: null }), ["spec.b: must be string"]);
  });

  it("x-kubernetes-embedded-resource carries apiVersion, kind and ObjectMeta", () => {
    const schema = { type: "object", properties: { template: { type: "object", "x-kubernetes-embedded-resource": true, properties: { spec: { type: "object" } } } } };
    assert.deepEqual(check(schema, { template: { apiVersion: "v1", kind: "Pod", metadata: { name: "p", labels: { a: "b" } }, spec: {} } }), []);
    assert.deepEqual(check(schema, { template: { metadata: { nam: "p" } } }), ['unknown field "spec.template.metadata.nam"']);
  });

  it("formats: int32 and int64 ranges, byte is base64, date-time is RFC 3339", () => {
    const schema = { type: "object", properties: {
      i: { type: "integer", format: "int32" }, l: { type: "integer", format: "int64" },
      b: { type: "string", format: "byte" }, t: { type: "string", format: "date-time" }, d: { type: "number", format: "double" },
    } };
    assert.deepEqual(check(schema, { i: 2147483647, l: 2 ** 40, b: "aGk=", t: "2025-08-11T10:00:00Z", d: 0.5 }), []);
    assert.deepEqual(check(schema, { i: -(2 ** 31) - 1 }), ["spec.i: must be >= -2147483648"]);
    assert.deepEqual(check(schema, { l: 2 ** 60 }), [`spec.l: must be <= ${Number.MAX_SAFE_INTEGER}`]);
    assert.deepEqual(check(schema, { b: "not base64!" }), ['spec.b: must match format "byte"']);
    assert.deepEqual(check(schema, { t: "yesterday" }), ['spec.t: must match format "date-time"']);
  });

  it("allOf / oneOf / not are value validations: they neither declare nor close fields", () => {
    const schema = { type: "object", properties: { a: { type: "string" }, b: { type: "string" } }, oneOf: [{ required: ["a"] }, { required: ["b"] }] };
    assert.deepEqual(check(schema, { a: "x" }), []);
    assert.ok(check(schema, { a: "x", b: "y" }).some((e) => /must match exactly one schema/.test(e)));
    const notSchema = { type: "object", properties: { a: { type: "string" } }, not: { properties: { a: { enum: ["forbidden"] } }, required: ["a"] } };
    assert.deepEqual(check(notSchema, { a: "fine" }), []);
    assert.ok(check(notSchema, { a: "forbidden" }).some((e) => /must NOT be valid/.test(e)));
  });

  it("x-kubernetes-list-type: set items are unique; map items are unique by their keys", () => {
    const schema = { type: "object", properties: {
      s: { type: "array", "x-kubernetes-list-type": "set", items: { type: "string" } },
      m: { type: "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
        items: { type: "object", properties: { name: { type: "string" }, v: { type: "integer" } }, required: ["name"] } },
    } };
    assert.deepEqual(check(schema, { s: ["a", "b"], m: [{ name: "a", v: 1 }, { name: "b", v: 1 }] }), []);
    assert.ok(check(schema, { s: ["a", "a"] })[0].startsWith("spec.s: must NOT have duplicate items"));
    assert.deepEqual(check(schema, { m: [{ name: "a", v: 1 }, { name: "a", v: 2 }] }), ["spec.m: duplicate entries for key (name)"]);
  });

  it("OpenAPI 3.0 boolean exclusiveMinimum becomes a bound", () => {
    const schema = toJsonSchema({ type: "integer", minimum: 0, exclusiveMinimum: true });
    assert.deepEqual(schema, { type: "integer", exclusiveMinimum: 0 });
    assert.equal(resourceSchema({ type: "object", properties: {} }).additionalProperties, false);
  });
});
