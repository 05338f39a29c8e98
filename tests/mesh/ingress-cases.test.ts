// The mesh's ingress scenarios as a `waymark test` case file (mesh/ingress.cases.yaml): it is what
// mesh/ingress-cases.ts derives from the topology, it covers every scenario the ingress decides, its cases pass in
// the harness and through real Envoy with the ingress configuration the mesh runs (rendered by mesh/render.ts).
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { jwtVerify, createLocalJWKSet } from "jose";
import { casesText, ingressScenarios, CASES_FILE } from "../../mesh/ingress-cases.ts";
import { gateways, fixedPorts, scenarios, TENANTS, ISSUER, AUDIENCE, INITIAL_ALIASES } from "../../mesh/topology.ts";
import { renderGateway, initialPods, availablePlugins } from "../../mesh/render.ts";
import { gatewayXds, writeGatewayXds } from "../../mesh/xds.ts";
import { waymark, verdicts, junitCases } from "../cases/support.ts";
import { root } from "../../scripts/ensure.mjs";

const dir = mkdtempSync(join(tmpdir(), "waymark-ingress-cases-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const committed = readFileSync(CASES_FILE, "utf8");
const doc = parse(committed);
const ingress = gateways.find((g) => g.name === "ingress")!;

describe("mesh/ingress.cases.yaml", () => {
  it("is exactly what mesh/ingress-cases.ts generates from the topology", async () => {
    assert.equal(committed, await casesText(), "run `node --import tsx mesh/ingress-cases.ts --write`");
  });

  it("runs the ingress's plugins with the topology's configurations, and covers every scenario the ingress decides", () => {
    assert.deepEqual(doc.chain.map((f: any) => f.plugin), ingress.plugins.map((u) => u.plugin));
    ingress.plugins.forEach((use, i) => assert.deepEqual(doc.chain[i].configuration, use.config(fixedPorts)));
    const names = doc.cases.map((c: any) => c.name);
    assert.deepEqual(names, ingressScenarios().map((s) => s.name));
    // What is left out is decided at another gateway: minted cart IDs, billing, egress.
    const left = scenarios.filter((s) => !names.includes(s.name));
    assert.deepEqual(left.map((s) => s.name).sort(), ["cart-cross-dc", "cart-minted", "egress-credentials", "internal-decides", "internal-propagation"]);
    assert.ok(left.every((s) => s.via !== "ingress" || s.mint));
    assert.ok(names.length >= 14);
  });

  it("carries tokens of the topology's tenants that its key set verifies", async () => {
    const keys = createLocalJWKSet(doc.upstreams.jwks.json);
    for (const t of TENANTS) {
      const c = doc.cases.find((c: any) => c.request.headers?.authorization && c.expect.upstream?.headers?.["x-tenant"] === t.tenant);
      assert.ok(c, `a case sends ${t.tenant}'s token`);
      const { payload } = await jwtVerify(c.request.headers.authorization.slice(7), keys, { issuer: ISSUER, audience: AUDIENCE });
      assert.equal(payload.tenant, t.tenant);
      assert.equal(payload.sub, t.sub);
    }
  });

  it("passes in the harness; the route table's 404 is left to Envoy", () => {
    const junit = join(dir, "harness.xml");
    const r = waymark(["test", "mesh/ingress.cases.yaml", "--junit", junit]);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, new RegExp(`^${doc.cases.length - 1} passed, 0 failed, 1 skipped$`, "m"));
    assert.deepEqual(junitCases(readFileSync(junit, "utf8")).filter((c) => c.skipped).map((c) => c.name), ["billing-private"]);
  });

  it("passes through real Envoy with the ingress configuration the mesh runs, every cluster checked", () => {
    const config = join(dir, "ingress.yaml");
    // As the mesh runs it: feature-group's configuration comes through ECDS from the gateway's xDS folder.
    const xdsDir = join(dir, "xds");
    writeFileSync(config, renderGateway(ingress, { plan: fixedPorts, accessLog: join(dir, "access.log"), xdsDir }).text);
    const xds = gatewayXds(ingress, { plan: fixedPorts, live: { aliases: INITIAL_ALIASES }, dist: join(root, "dist"), pods: initialPods(fixedPorts), available: availablePlugins() });
    writeGatewayXds(xdsDir, xds, new Map(), "1");
    const r = waymark(["test", "--envoy", config, "mesh/ingress.cases.yaml"]);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /Wasm filters: ingress: tenant -> feature-group \(ECDS\)/);
    const v = verdicts(r.out);
    assert.equal(v.size, doc.cases.length);
    assert.ok([...v.values()].every((x) => x === "pass"), r.out);
  });
});
