// `waymark validate waymark <config>`: the combined module's configuration is checked by dist/waymark.wasm
// (each section by its own plugin's rules) and by plugins/waymark/schema.json (which refers to the plugins'
// own schemas). The configuration of envoy-configs/waymark.yaml is valid.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { root } from "../../../scripts/ensure.mjs";
import { makeKey, jwks } from "../tenant/support.ts";

const dir = mkdtempSync(join(tmpdir(), "waymark-validate-"));

function validate(config: unknown): { code: number; out: string } {
  const file = join(dir, "config.json");
  writeFileSync(file, typeof config === "string" ? config : JSON.stringify(config));
  const r = spawnSync(process.execPath, [join(root, "bin", "waymark.mjs"), "validate", "waymark", file], { cwd: root, encoding: "utf8" });
  return { code: r.status ?? -1, out: r.stdout + r.stderr };
}

describe("waymark validate waymark", () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("accepts the configuration of envoy-configs/waymark.yaml", async () => {
    const key = await makeKey("ES256");
    const ports: Record<string, string> = { POD_A_PORT: "8081", POD_B_PORT: "8082", POD_C_PORT: "8083" };
    const text = readFileSync(join(root, "envoy-configs", "waymark.yaml"), "utf8")
      .replace("{{LOCAL_JWKS}}", JSON.stringify(jwks(key)).slice(1, -1))
      .replace(/\{\{([A-Z_]+)\}\}/g, (_, name: string) => ports[name] ?? "1");
    let config = "";
    const walk = (n: any): void => {
      if (n && typeof n === "object") {
        if (n.name === "waymark" && n.configuration) config = n.configuration.value;
        Object.values(n).forEach(walk);
      }
    };
    walk(parseYaml(text));
    const r = validate(config);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /plugin \(dist\/waymark\.wasm.*\): accepted/);
    assert.match(r.out, /schema \(plugins\/waymark\/schema\.json\): valid/);
  });

  it("refuses an unknown section and a section's wrong field, in the module and in the schema", () => {
    const r = validate({ stickiness: {} });
    assert.equal(r.code, 1);
    assert.match(r.out, /waymark: invalid configuration: stickiness: unknown field/);
    assert.match(r.out, /schema \(plugins\/waymark\/schema\.json\): invalid\n\s+stickiness: unknown field/);
    const s = validate({ sticky: { key: [{ header: 5 }] } });
    assert.equal(s.code, 1);
    assert.match(s.out, /sticky: invalid configuration: key\[0\]\.header/);
    assert.match(s.out, /sticky\.key\[0\]\.header: must be string/);
  });
});
