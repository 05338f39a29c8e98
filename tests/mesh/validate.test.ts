// `waymark validate <plugin> <config.json>` through the real command (bin/waymark.mjs): the mesh's own plugin
// configurations are valid; broken ones are refused by the plugin's compiled module and by its JSON Schema, with
// the field named; usage errors exit 2.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { root } from "../../scripts/ensure.mjs";
import { gateways, fixedPorts } from "../../mesh/topology.ts";
import { fieldName } from "../../cli/validate.mjs";

const dir = mkdtempSync(join(tmpdir(), "waymark-validate-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function waymark(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [join(root, "bin", "waymark.mjs"), ...args], { cwd: root, encoding: "utf8", input });
  return { code: r.status, out: r.stdout + r.stderr };
}

function configFile(name: string, doc: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof doc === "string" ? doc : JSON.stringify(doc));
  return file;
}

describe("waymark validate", () => {
  it("accepts every plugin configuration the mesh runs", () => {
    let checked = 0;
    for (const g of gateways) {
      for (const use of g.plugins) {
        const r = waymark(["validate", use.plugin, configFile(`${g.name}-${use.plugin}.json`, use.config(fixedPorts))]);
        assert.equal(r.code, 0, `${g.name}/${use.plugin}:\n${r.out}`);
        assert.match(r.out, /accepted/);
        if (existsSync(join(root, "plugins", use.plugin, "schema.json"))) assert.match(r.out, /schema \(plugins\/[a-z-]+\/schema\.json\): valid/);
        checked++;
      }
    }
    assert.equal(checked, 6);
  });

  it("refuses a wrong field type, naming the field, in the plugin and in the schema", () => {
    const r = waymark(["validate", "feature-group", configFile("fg.json", { rules: [{ group: 5 }] })]);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /plugin \(dist\/feature-group\.wasm.*\): refused\n\s+feature-group: invalid configuration: rules\[0\]\.group: /);
    assert.match(r.out, /schema \(plugins\/feature-group\/schema\.json\): invalid\n\s+rules\[0\]\.group: must be string/);
  });

  it("reports a missing required field and an unknown field by name", () => {
    const r = waymark(["validate", "sticky", configFile("sticky.json", { pods: [{ address: "127.0.0.1:8080" }], keys: [] })]);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /sticky: invalid configuration: /);
    assert.match(r.out, /\n\s+key: required/);
    assert.match(r.out, /\n\s+keys: unknown field/);
  });

  it("suggests the field a misspelt one was probably meant to be", () => {
    const mesh = gateways.find((g) => g.name === "ingress")!.plugins.find((p) => p.plugin === "feature-group")!.config(fixedPorts) as { geo: Record<string, unknown> };
    const { xff_num_trusted_hops: hops, ...geo } = mesh.geo;
    const r = waymark(["validate", "feature-group", configFile("fg-typo.json", { ...mesh, geo: { ...geo, xff_num_trusted_hop: hops } })]);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /feature-group: invalid configuration: geo\.xff_num_trusted_hop: unknown field \(did you mean xff_num_trusted_hops\?\)/);
  });

  it("runs the plugin's own rules beyond the schema (a non-prime Maglev table size)", () => {
    const mesh = gateways.find((g) => g.name === "cart")!.plugins[0].config(fixedPorts);
    const r = waymark(["validate", "sticky", configFile("sticky-table.json", { ...mesh, table_size: 65536 })]);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /refused\n\s+sticky: invalid configuration: table_size: /);
  });

  it("refuses a configuration that is not JSON, and reads stdin for -", () => {
    const r = waymark(["validate", "tenant", "-"], "{ not json");
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /tenant: invalid configuration: .*JSON/);
  });

  it("exits 2 on usage errors", () => {
    assert.equal(waymark(["validate"]).code, 2);
    assert.equal(waymark(["validate", "nosuch", configFile("x.json", {})]).code, 2);
    const missing = waymark(["validate", "sticky", join(dir, "missing.json")]);
    assert.equal(missing.code, 2);
    assert.match(missing.out, /cannot read .*missing\.json: no such file/);
  });

  it("names fields the way the plugins log them", () => {
    assert.equal(fieldName("/providers/main/remote_jwks/http_uri", "cluster"), "providers.main.remote_jwks.http_uri.cluster");
    assert.equal(fieldName("/rules/0/body"), "rules[0].body");
    assert.equal(fieldName("/aliases/a~1b"), "aliases.a/b");
    assert.equal(fieldName(""), "(the configuration)");
  });
});
