// plugins/feature-group/schema.json agrees with the plugin: what the plugin accepts the schema accepts, and the
// configurations the plugin refuses for reasons a schema can express, the schema refuses too.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { root } from "../../../scripts/ensure.mjs";
import { configError, EXAMPLE_CONFIG, INTERNAL_CONFIG } from "./support.ts";

const schema = JSON.parse(readFileSync(join(root, "plugins", "feature-group", "schema.json"), "utf8"));
const validate = new Ajv2020.default({ strict: false, allErrors: true }).compile(schema);

const ACCEPTED: Array<[string, unknown]> = [
  ["ingress example", EXAMPLE_CONFIG],
  ["internal example", INTERNAL_CONFIG],
  ["empty", {}],
  ["every field", {
    rules: [
      { group: "a", header: [{ name: "X-Tenant", prefix: "ac" }, { name: ":authority", present: true }], percent: { value: 12.5, key: { cookie: "uid" }, salt: "s1" } },
      { group: "b", geo: { regions: ["de-by"], countries: [] }, body: [{ pointer: "/a/0", in: ["x", 1, true, null] }, { pointer: "/n", min: 1, max: 2 }, { pointer: "/e", exists: false }] },
      { group: "c", body: { pointer: "", equals: null } },
    ],
    aliases: { a: "v1.2", b: "v2" },
    geo: { country_header: "cf-ipcountry", region_header: "x-region", xff_num_trusted_hops: 2, cidrs: [{ prefix: "10.0.0.0/8", country: "de", region: "DE-BY" }] },
    group_header: "x-group", version_header: "x-ver", max_body_bytes: 1048576, max_body_depth: 8, body_wait_ms: 250, trust_incoming: true,
    overrides: [{ header: "x-sandbox", when: { header: { name: "x-tenant", equals: "dev" }, percent: { value: 50, key: { header: "x-user" } } } }],
  }],
];

const REFUSED: Array<[string, unknown]> = [
  ["unknown field", { rulez: [] }],
  ["bad group", { rules: [{ group: "a b" }] }],
  ["header with two tests", { rules: [{ group: "g", header: { name: "x", equals: "1", prefix: "1" } }] }],
  ["header without test", { rules: [{ group: "g", header: { name: "x" } }] }],
  ["bad country", { geo: { country_header: "c" }, rules: [{ group: "g", geo: { countries: ["DEU"] } }] }],
  ["empty geo", { geo: { country_header: "c" }, rules: [{ group: "g", geo: {} }] }],
  ["percent over 100", { rules: [{ group: "g", percent: { value: 101, key: { header: "u" } } }] }],
  ["percent too fine", { rules: [{ group: "g", percent: { value: 0.001, key: { header: "u" } } }] }],
  ["percent key both", { rules: [{ group: "g", percent: { value: 1, key: { header: "u", cookie: "c" } } }] }],
  ["body two tests", { rules: [{ group: "g", body: { pointer: "/a", equals: 1, exists: true } }] }],
  ["body equals object", { rules: [{ group: "g", body: { pointer: "/a", equals: {} } }] }],
  ["body in empty", { rules: [{ group: "g", body: { pointer: "/a", in: [] } }] }],
  ["alias bad version", { aliases: { g: "v 2" } }],
  ["body bound", { max_body_bytes: 2097152 }],
  ["hops", { geo: { xff_num_trusted_hops: 17 } }],
  ["cidr country", { geo: { cidrs: [{ prefix: "10.0.0.0/8", country: "Germany" }] } }],
  ["override without when", { overrides: [{ header: "x-sandbox" }] }],
  ["override body", { overrides: [{ header: "x-sandbox", when: { body: { pointer: "/a", exists: true } } }] }],
  ["pseudo output header", { version_header: ":path" }],
];

describe("feature-group schema.json", () => {
  for (const [name, config] of ACCEPTED) {
    it(`accepts ${name}, as the plugin does`, async () => {
      assert.equal(validate(config), true, JSON.stringify(validate.errors));
      assert.equal(await configError(config), "");
    });
  }
  for (const [name, config] of REFUSED) {
    it(`refuses ${name}, as the plugin does`, async () => {
      assert.equal(validate(config), false);
      assert.notEqual(await configError(config), "");
    });
  }
});
