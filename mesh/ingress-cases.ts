// The mesh's scenarios that the ingress gateway decides, as a `waymark test` case file (mesh/ingress.cases.yaml):
// the ingress's two plugins (tenant, feature-group) with the topology's configurations, a request per scenario,
// and what the ingress must send on (the cluster it routes to, x-tenant, x-feature-group, x-version, x-sandbox)
// or answer itself (401; the 404 of the route table, with --envoy only). Derived from mesh/topology.ts so it
// cannot drift; `node --import tsx mesh/ingress-cases.ts --write` rewrites the file.
//
// Scenarios decided elsewhere are left out: minted cart IDs (the cart gateways), billing and egress (their own
// gateways). The demo's signing key is made per clone, so these cases carry their own: an Ed25519 key derived
// from a fixed seed (not a secret: test tokens only), tokens valid until 2100, and the key set as the fixed answer
// of the `jwks` cluster.
import { createHash, createPrivateKey, createPublicKey } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Document } from "yaml";
import { SignJWT } from "jose";
import { scenarios, services, gateways, fixedPorts, featureGroupConfig, TENANTS, ISSUER, AUDIENCE, Scenario, INITIAL_ALIASES } from "./topology.ts";
import { tamper } from "./tokens.ts";
import { root } from "../scripts/ensure.mjs";

export const CASES_FILE = join(root, "mesh", "ingress.cases.yaml");
const KID = "waymark-ingress-cases";
const ISSUED_AT = 1735689600; // 2025-01-01
const EXPIRES = 4102444800; // 2100-01-01

/** Ed25519 from a 32-byte seed: PKCS#8 is a fixed 16-byte prefix and the seed. */
function caseKey() {
  const seed = createHash("sha256").update("waymark ingress cases: test tokens only").digest();
  const der = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]);
  const privateKey = createPrivateKey({ key: der, format: "der", type: "pkcs8" });
  return { privateKey, publicJwk: createPublicKey(privateKey).export({ format: "jwk" }) };
}

async function caseTokens(): Promise<Record<string, string>> {
  const { privateKey } = caseKey();
  const out: Record<string, string> = {};
  for (const t of TENANTS) {
    // Ed25519 signatures are deterministic: the same claims give the same token, so the file is reproducible.
    out[t.tenant] = await new SignJWT({ tenant: t.tenant })
      .setProtectedHeader({ alg: "EdDSA", kid: KID, typ: "JWT" })
      .setIssuer(ISSUER).setAudience(AUDIENCE).setSubject(t.sub)
      .setIssuedAt(ISSUED_AT).setExpirationTime(EXPIRES)
      .sign(privateKey);
  }
  out.tampered = tamper(out.acme);
  return out;
}

/** The scenarios this file covers: those entering at the ingress, without a cart ID minted at another gateway. */
export function ingressScenarios(): Scenario[] {
  return scenarios.filter((s) => s.via === "ingress" && !s.mint);
}

const ingress = gateways.find((g) => g.name === "ingress")!;
const aliases = featureGroupConfig(false).aliases as Record<string, string>;

/** What the ingress itself decides beyond the scenario's own fields: the sandbox header kept for dev-team. */
const KEPT_AT_INGRESS: Record<string, Record<string, string>> = {
  sandbox: { "x-sandbox": "alice" },
  "sandbox-fallback": { "x-sandbox": "alice" },
};

/** The cluster of the ingress a scenario's request must reach: the service it expects, or that of its pod. */
function clusterOf(s: Scenario): string {
  const service = s.expect.service ?? services.find((x) => x.pod === s.expect.pod)?.service;
  if (!service) throw new Error(`scenario ${s.name}: expects 200 but names no service or pod`);
  return service;
}

function caseOf(s: Scenario, tokens: Record<string, string>): Record<string, unknown> {
  const headers: Record<string, string> = { ...(s.token ? { authorization: `Bearer ${tokens[s.token]}` } : {}), ...(s.headers ?? {}) };
  const request: Record<string, unknown> = { method: s.method ?? "GET", path: s.path, headers };
  if (s.body !== undefined) request.json = s.body;
  const out: Record<string, unknown> = { name: s.name, request };
  if (s.expect.status === 401) {
    out.expect = { local_reply: { status: 401 }, metrics: { "waymark.tenant.denied": 1 } };
  } else if (s.expect.status === 404) {
    // The route table answers, not a plugin: only real Envoy can show it.
    out.envoy_only = true;
    out.expect = { local_reply: { status: 404 } };
  } else {
    const seen: Record<string, string | null> = { "x-tenant": s.expect.tenant ?? (s.token as string) };
    if (s.expect.group !== undefined) {
      seen["x-feature-group"] = s.expect.group;
      seen["x-version"] = s.expect.group === null ? null : aliases[s.expect.group];
    }
    Object.assign(seen, KEPT_AT_INGRESS[s.name], s.expect.seen);
    out.expect = { upstream: { cluster: clusterOf(s), headers: seen } };
  }
  return out;
}

export async function casesText(): Promise<string> {
  const tokens = await caseTokens();
  const { publicJwk } = caseKey();
  const chain = ingress.plugins.map((use) => ({
    plugin: use.plugin,
    configuration: use.config(fixedPorts, { aliases: INITIAL_ALIASES }),
    // As envoy-configs/mesh-ingress.yaml: feature-group may hold the headers while it reads the body.
    ...(use.plugin === "feature-group" ? { allow_on_headers_stop_iteration: true } : {}),
  }));
  const data = {
    chain,
    upstreams: { jwks: { json: { keys: [{ ...publicJwk, kid: KID, alg: "EdDSA", use: "sig" }] } } },
    cases: ingressScenarios().map((s) => caseOf(s, tokens)),
  };
  const doc = new Document(data, { aliasDuplicateObjects: false });
  doc.commentBefore = [
    " The mesh's scenarios decided at the ingress gateway (mesh/topology.ts), as `waymark test` cases.",
    " Generated by `node --import tsx mesh/ingress-cases.ts --write`; do not edit by hand.",
    "   npx waymark test mesh/ingress.cases.yaml                       # in the harness",
    "   npx waymark test --envoy <rendered ingress> mesh/ingress.cases.yaml  # through Envoy (tests/mesh/ingress-cases.test.ts)",
    " Tokens: Ed25519, derived from a fixed seed, valid until 2100: test tokens only.",
  ].join("\n");
  const cases = doc.get("cases") as { items: Array<{ commentBefore?: string }> };
  ingressScenarios().forEach((s, i) => { cases.items[i].commentBefore = ` ${s.title}`; });
  return doc.toString({ lineWidth: 0 });
}

if (process.argv.includes("--write")) {
  writeFileSync(CASES_FILE, await casesText());
  console.log("wrote mesh/ingress.cases.yaml");
}
