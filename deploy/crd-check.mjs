#!/usr/bin/env node
// Checks Kubernetes manifests against the real CustomResourceDefinitions in deploy/crds/ (Istio, Envoy Gateway),
// with unknown fields refused as the API server refuses them under strict field validation (what `kubectl apply`
// does by default).
//
//   node deploy/crd-check.mjs <manifest.yaml>...      exit 0 when every document passes, 1 otherwise
//
// The CRD's openAPIV3Schema is turned into a JSON Schema for Ajv with the API server's structural-schema meaning:
// - an object's fields outside `properties` are unknown (refused) unless `x-kubernetes-preserve-unknown-fields:
//   true` or `additionalProperties` allows them; `metadata` is ObjectMeta, closed too;
// - `x-kubernetes-embedded-resource` objects also carry apiVersion, kind and metadata;
// - `x-kubernetes-int-or-string` accepts an integer or a string; `nullable: true` accepts null (null anywhere else is
//   refused: the API server would silently drop it, so it is never what the author meant);
// - formats: int32 / int64 are range-checked (a controller cannot decode more), byte is base64, date-time is
//   RFC 3339; double, float and binary only carry their type; others are ignored, as the API server ignores them;
// - `x-kubernetes-list-type: set` items are unique, `map` items are unique by their `x-kubernetes-list-map-keys`;
// - allOf / anyOf / oneOf / not are value validations: they never add or close fields (structural rule).
// Not checked here (the API server's own work): CEL rules (`x-kubernetes-validations`), defaulting, and field
// ownership. deploy/check-with-apiserver.mjs runs the real API server for those.
import Ajv from "ajv";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { fieldName } from "../cli/validate.mjs";

const here = dirname(fileURLToPath(import.meta.url));
export const CRD_DIR = join(here, "crds");

/** Every CRD document under deploy/crds/<vendor>-<version>/*.yaml. */
export function loadCrds(dir = CRD_DIR) {
  const crds = [];
  for (const vendor of readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    for (const file of readdirSync(join(dir, vendor.name)).filter((f) => f.endsWith(".yaml")).sort()) {
      for (const doc of parseYaml(readFileSync(join(dir, vendor.name, file), "utf8"), file)) {
        if (doc?.kind === "CustomResourceDefinition") crds.push({ source: `${vendor.name}/${file}`, crd: doc });
      }
    }
  }
  return crds;
}

/** All documents of a YAML stream; a syntax error or a duplicate key is an error, not a silently different doc. */
export function parseYaml(text, name = "manifest") {
  return parseAllDocuments(text).map((d, i) => {
    if (d.errors.length) throw new Error(`${name} document ${i + 1}: ${d.errors.map((e) => e.message).join("; ")}`);
    return d.toJS();
  }).filter((d) => d !== null && d !== undefined);
}

const INT_RANGE = {
  int32: { minimum: -(2 ** 31), maximum: 2 ** 31 - 1 },
  // JSON numbers past 2^53 lose precision in any JSON decoder before a range check could see them.
  int64: { minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER },
};

const COPIED = ["enum", "pattern", "minLength", "maxLength", "minimum", "maximum", "minItems", "maxItems",
  "minProperties", "maxProperties", "required", "multipleOf", "uniqueItems"];

// ObjectMeta as a client may write it (the read-only fields the server sets are accepted, as it accepts them).
const LABEL_VALUE = "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$";
const OBJECT_META = {
  type: "object",
  additionalProperties: false,
  properties: {
    name: { type: "string", minLength: 1, maxLength: 253 },
    generateName: { type: "string" },
    namespace: { type: "string", minLength: 1, maxLength: 63, pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" },
    labels: { type: "object", additionalProperties: { type: "string", maxLength: 63, pattern: LABEL_VALUE } },
    annotations: { type: "object", additionalProperties: { type: "string" } },
    finalizers: { type: "array", items: { type: "string" } },
    ownerReferences: { type: "array", items: { type: "object" } },
    uid: { type: "string" }, resourceVersion: { type: "string" }, generation: { type: "integer" },
    creationTimestamp: { type: ["string", "null"] }, deletionTimestamp: { type: "string" },
    deletionGracePeriodSeconds: { type: "integer" }, selfLink: { type: "string" }, managedFields: { type: "array" },
  },
};

/**
 * One openAPIV3Schema node -> JSON Schema. `structural` is false inside allOf/anyOf/oneOf/not, where a node only
 * adds value validations (it never declares or closes fields).
 */
export function toJsonSchema(node, structural = true) {
  const out = {};
  const nullable = structural && node.nullable === true;
  const intOrString = node["x-kubernetes-int-or-string"] === true;
  if (intOrString) out.type = nullable ? ["integer", "string", "null"] : ["integer", "string"];
  else if (node.type) out.type = nullable ? [node.type, "null"] : node.type;
  for (const k of COPIED) if (node[k] !== undefined) out[k] = node[k];
  if (nullable && out.enum && !out.enum.includes(null)) out.enum = [...out.enum, null];
  // OpenAPI 3.0 writes exclusive bounds as booleans next to minimum / maximum.
  if (node.exclusiveMinimum === true) { out.exclusiveMinimum = node.minimum; delete out.minimum; }
  if (node.exclusiveMaximum === true) { out.exclusiveMaximum = node.maximum; delete out.maximum; }

  const range = INT_RANGE[node.format];
  const checks = [];
  if (range && (node.type === "integer" || intOrString)) checks.push({ ...range });
  if (node.format === "byte" || node.format === "date-time") out.format = node.format;

  if (node.properties) {
    out.properties = {};
    for (const [name, child] of Object.entries(node.properties)) out.properties[name] = toJsonSchema(child, structural);
  }
  if (node.items) out.items = toJsonSchema(node.items, structural);
  if (node.additionalProperties !== undefined) {
    out.additionalProperties = typeof node.additionalProperties === "boolean"
      ? node.additionalProperties : toJsonSchema(node.additionalProperties, structural);
  }
  if (structural && node["x-kubernetes-embedded-resource"] === true) {
    out.properties = { apiVersion: { type: "string" }, kind: { type: "string" }, metadata: OBJECT_META, ...out.properties };
  }
  const isObject = node.type === "object" || node.properties !== undefined;
  if (structural && isObject && node.additionalProperties === undefined && node["x-kubernetes-preserve-unknown-fields"] !== true) {
    out.additionalProperties = false;
  }

  if (node["x-kubernetes-list-type"] === "set") out.uniqueItems = true;
  if (node["x-kubernetes-list-type"] === "map" && node["x-kubernetes-list-map-keys"]) out.listMapKeys = node["x-kubernetes-list-map-keys"];
  for (const junctor of ["allOf", "anyOf", "oneOf"]) {
    if (node[junctor]) out[junctor] = node[junctor].map((s) => toJsonSchema(s, false));
  }
  if (node.not) out.not = toJsonSchema(node.not, false);
  if (checks.length) out.allOf = [...(out.allOf ?? []), ...checks];
  return out;
}

/** The schema of a whole custom resource: the CRD version's schema with `metadata` as ObjectMeta. */
export function resourceSchema(openAPIV3Schema) {
  const schema = toJsonSchema(openAPIV3Schema);
  schema.properties = { ...schema.properties, apiVersion: { type: "string" }, kind: { type: "string" }, metadata: OBJECT_META };
  schema.additionalProperties = false;
  schema.required = [...new Set([...(schema.required ?? []), "apiVersion", "kind", "metadata"])];
  return schema;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function newAjv() {
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false, strictTuples: false, allowUnionTypes: true });
  ajv.addFormat("byte", { type: "string", validate: (s) => BASE64.test(s) });
  ajv.addFormat("date-time", { type: "string", validate: (s) => RFC3339.test(s) && !Number.isNaN(Date.parse(s.replace(" ", "T"))) });
  ajv.addKeyword({
    keyword: "listMapKeys",
    type: "array",
    schemaType: "array",
    error: { message: ({ schema }) => `duplicate entries for key (${schema.join(", ")})` },
    validate: (keys, items) => {
      const seen = new Set();
      for (const item of items) {
        if (item === null || typeof item !== "object") continue;
        const key = JSON.stringify(keys.map((k) => item[k]));
        if (seen.has(key)) return false;
        seen.add(key);
      }
      return true;
    },
  });
  return ajv;
}

/** Ajv errors -> messages in the API server's words where it has them (`unknown field "spec.wasm[0].code.sha256"`). */
function messages(errors) {
  const out = [];
  for (const e of errors ?? []) {
    let line;
    if (e.keyword === "additionalProperties") line = `unknown field "${fieldName(e.instancePath, e.params.additionalProperty)}"`;
    else if (e.keyword === "required") line = `${fieldName(e.instancePath)}: Required value: "${e.params.missingProperty}"`;
    else if (e.keyword === "enum") line = `${fieldName(e.instancePath)}: Unsupported value: supported values: ${e.params.allowedValues.map((v) => JSON.stringify(v)).join(", ")}`;
    else if (e.keyword === "oneOf" || e.keyword === "anyOf") continue; // the branch errors say what is wrong
    else line = `${fieldName(e.instancePath)}: ${e.message}`;
    if (!out.includes(line)) out.push(line);
  }
  if (out.length === 0 && errors?.length) out.push(`${fieldName(errors[0].instancePath)}: ${errors[0].message}`);
  return out;
}

/** A checker over a set of CRDs: check(doc) -> { name, source, errors, warnings }. Schemas compile on first use. */
export function crdChecker(crds = loadCrds()) {
  const ajv = newAjv();
  const byGroupKind = new Map(crds.map(({ crd, source }) => [`${crd.spec.group}/${crd.spec.names.kind}`, { crd, source }]));
  const compiled = new Map();
  function validatorFor(group, version, kind) {
    const key = `${group}/${version}/${kind}`;
    if (compiled.has(key)) return compiled.get(key);
    const entry = byGroupKind.get(`${group}/${kind}`);
    let result;
    if (!entry) result = { error: `no CRD for kind ${kind} in group ${group || "(core)"} under deploy/crds/` };
    else {
      const v = entry.crd.spec.versions.find((x) => x.name === version);
      if (!v || !v.served) result = { error: `${group}/${version} is not a served version of ${kind} (${entry.source})` };
      else result = { validate: ajv.compile(resourceSchema(v.schema.openAPIV3Schema)), source: entry.source, deprecated: v.deprecated === true };
    }
    compiled.set(key, result);
    return result;
  }
  return {
    check(doc) {
      const [group, version] = String(doc?.apiVersion ?? "").includes("/") ? doc.apiVersion.split("/") : ["", doc?.apiVersion];
      const name = `${doc?.kind ?? "?"} ${doc?.metadata?.namespace ? doc.metadata.namespace + "/" : ""}${doc?.metadata?.name ?? "?"}`;
      const v = validatorFor(group, version, doc?.kind);
      if (v.error) return { name, errors: [v.error], warnings: [] };
      const errors = v.validate(doc) ? [] : messages(v.validate.errors);
      // The API server serves a deprecated version with a warning; so does this check.
      const warnings = v.deprecated ? [`${doc.apiVersion} ${doc.kind} is deprecated (${v.source})`] : [];
      return { name, source: v.source, errors, warnings };
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = process.argv.slice(2);
  if (files.length === 0 || files.includes("--help")) {
    console.log("usage: node deploy/crd-check.mjs <manifest.yaml>...   (checks against the CRDs in deploy/crds/)");
    process.exit(files.length === 0 ? 2 : 0);
  }
  const checker = crdChecker();
  let bad = 0;
  for (const file of files) {
    for (const doc of parseYaml(readFileSync(file, "utf8"), file)) {
      const r = checker.check(doc);
      console.log(`${r.errors.length ? "REFUSED" : "ok     "} ${file}: ${r.name}${r.source ? ` (${r.source})` : ""}`);
      for (const e of r.errors) console.log(`          ${e}`);
      for (const w of r.warnings) console.log(`          warning: ${w}`);
      if (r.errors.length) bad++;
    }
  }
  process.exit(bad ? 1 : 0);
}
