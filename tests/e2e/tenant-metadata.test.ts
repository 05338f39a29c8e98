// jwt_authn_metadata mode in stock Envoy (envoy-configs/tenant-metadata.yaml): jwt_authn verifies and stores the
// payload in dynamic metadata; the plugin lifts claims from there (typed exactly: strings stay strings whatever
// their length, numbers and booleans as jwt_authn would print them) and x-tenant routes.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { startEnvoy, Envoy } from "../../mesh/envoy.ts";
import { startEchoServer, EchoServer, echoValues, Echo } from "../../mesh/echo-server.ts";
import { startJwksServer, JwksServer } from "../support/jwks-server.ts";
import { request } from "../../mesh/http.ts";
import { makeKey, sign, jwks, TestKey } from "../plugins/tenant/support.ts";

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe("tenant plugin in jwt_authn_metadata mode (envoy-configs/tenant-metadata.yaml)", () => {
  let acme: EchoServer;
  let shared: EchoServer;
  let idp: JwksServer;
  let envoy: Envoy;
  let key: TestKey;

  const token = (claims: Record<string, unknown>) =>
    sign(key, { iss: "https://id.example.com", aud: "orders", iat: nowSeconds(), exp: nowSeconds() + 600, ...claims });
  const get = (headers: Record<string, string> | Array<[string, string]>) => request(envoy.url("LISTENER_PORT", "/orders/1"), { headers });

  before(async () => {
    key = await makeKey("ES256");
    acme = await startEchoServer("acme");
    shared = await startEchoServer("shared");
    idp = await startJwksServer(jwks(key));
    envoy = await startEnvoy("envoy-configs/tenant-metadata.yaml", {
      vars: { ACME_PORT: acme.port, SHARED_PORT: shared.port, JWKS_PORT: idp.port, JWKS_CACHE_DURATION: "300s" },
    });
    await envoy.waitForLog(/tenant: configured in jwt_authn_metadata mode/);
  });

  after(async () => {
    await envoy?.stop();
    await Promise.all([acme?.close(), shared?.close(), idp?.close()]);
  });

  it("routes on the tenant from the payload jwt_authn verified", async () => {
    const r = await get({ authorization: `Bearer ${await token({ tenant: "acme", org: { tier: 3 } })}`, "x-tenant": "spoofed" });
    assert.equal(r.status, 200, r.body);
    const echo: Echo = r.json();
    assert.equal(echo.name, "acme");
    assert.deepEqual(echoValues(echo, "x-tenant"), ["acme"]);
    assert.deepEqual(echoValues(echo, "x-tenant-tier"), ["3"]);
    const other = await get({ authorization: `Bearer ${await token({ tenant: "globex" })}` });
    assert.equal(other.json().name, "shared");
  });

  it("keeps claim types: an 8-character or 1-character tenant stays text, numbers and booleans print like jwt_authn", async () => {
    for (const [tenant, tier, expectedTier] of [["acme1234", 2.5, "2.500000"], ["a", true, "true"], ["zz", -1, "-1.000000"]] as const) {
      const r = await get({ authorization: `Bearer ${await token({ tenant, org: { tier } })}` });
      assert.equal(r.status, 200, r.body);
      assert.deepEqual(echoValues(r.json(), "x-tenant"), [tenant]);
      assert.deepEqual(echoValues(r.json(), "x-tenant-tier"), [expectedTier]);
    }
  });

  it("no token: jwt_authn lets it through (allow_missing there), the plugin answers 401 and x-tenant never passes", async () => {
    const before = acme.received.length;
    const r = await get({ "x-tenant": "acme" });
    assert.equal(r.status, 401);
    assert.deepEqual(r.json(), { error: "missing_token", reason: "missing" });
    assert.equal(acme.received.length, before);
  });

  it("a bad token is refused by jwt_authn itself", async () => {
    const stranger = await makeKey("ES256", "stranger");
    const r = await get({ authorization: `Bearer ${await sign(stranger, { iss: "https://id.example.com", aud: "orders", tenant: "acme" })}` });
    assert.equal(r.status, 401);
    assert.equal(r.body, "Jwks doesn't have key to match kid or alg from Jwt");
  });

  it("never verifies a signature itself in this mode", async () => {
    assert.equal(await envoy.stat("wasmcustom.waymark.tenant.signature.wasm"), 0);
    assert.ok(((await envoy.stat("wasmcustom.waymark.tenant.accepted")) ?? 0) >= 5);
  });
});
