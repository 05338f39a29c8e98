// The tenant plugin in stock Envoy with envoy-configs/tenant.yaml: tokens signed by `jose` (RS256, ES256, PS256,
// EdDSA from a remote JWKS endpoint; HS256 from an inline set), x-tenant routing acme to its dedicated upstream
// and everyone else to the shared one, the spoofing cases, Envoy-side 401s and stats, and the JWKS endpoint
// being down at start, slow, rotated, and down again after the keys were loaded.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { startEnvoy, Envoy } from "../../mesh/envoy.ts";
import { startEchoServer, EchoServer, echoValues, Echo } from "../../mesh/echo-server.ts";
import { startJwksServer, JwksServer } from "../support/jwks-server.ts";
import { request, Reply } from "../../mesh/http.ts";
import { makeKey, sign, jwks, TestKey, Alg } from "../plugins/tenant/support.ts";

const REMOTE_ALGS: Alg[] = ["RS256", "ES256", "PS256", "EdDSA"];
const PARTNERS = "https://partners.example.com";

const nowSeconds = () => Math.floor(Date.now() / 1000);
/** A token valid now (Envoy runs on the real clock). */
const token = (key: TestKey, claims: Record<string, unknown>, iss = "https://id.example.com") =>
  sign(key, { iss, aud: "orders", iat: nowSeconds(), exp: nowSeconds() + 600, ...claims });

async function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("tenant plugin in Envoy (envoy-configs/tenant.yaml)", () => {
  let acme: EchoServer;
  let shared: EchoServer;
  let idp: JwksServer;
  let envoy: Envoy;
  const keys = new Map<Alg, TestKey>();
  let hmac: TestKey;

  const get = (headers: Record<string, string> | Array<[string, string]>, path = "/orders/1") =>
    request(envoy.url("LISTENER_PORT", path), { headers });
  const echo = (reply: Reply): Echo => reply.json();
  const stat = async (name: string) => (await envoy.stat(`wasmcustom.waymark.tenant.${name}`)) ?? 0;

  before(async () => {
    for (const alg of REMOTE_ALGS) keys.set(alg, await makeKey(alg));
    hmac = await makeKey("HS256", "partners-1");
    acme = await startEchoServer("acme");
    shared = await startEchoServer("shared");
    idp = await startJwksServer(jwks(...keys.values()));
    await idp.down(); // the identity provider is not up yet when Envoy starts
    envoy = await startEnvoy("envoy-configs/tenant.yaml", {
      vars: {
        ACME_PORT: acme.port, SHARED_PORT: shared.port, JWKS_PORT: idp.port, JWKS_CACHE_DURATION: "3s",
        LOCAL_JWKS: JSON.stringify(jwks(hmac)).slice(1, -1),
      },
    });
    await envoy.waitForLog(/tenant: configured 2 provider\(s\)/);
  });

  after(async () => {
    await envoy?.stop();
    await Promise.all([acme?.close(), shared?.close(), idp?.close()]);
  });

  it("JWKS endpoint down at start: 401 jwks_unavailable; once it is up, tokens verify", async () => {
    await eventually("a failed JWKS fetch", async () => ((await stat("jwks.fetch_failure")) >= 1 ? true : undefined));
    const t = await token(keys.get("ES256")!, { tenant: "acme" });
    const refused = await get({ authorization: `Bearer ${t}` });
    assert.equal(refused.status, 401);
    assert.equal(refused.json().reason, "jwks_unavailable");
    await idp.up();
    const ok = await eventually("a verified request", async () => {
      const r = await get({ authorization: `Bearer ${t}` });
      return r.status === 200 ? r : undefined;
    });
    assert.equal(echo(ok).name, "acme");
    assert.ok((await stat("jwks.fetch_success")) >= 1);
  });

  for (const alg of REMOTE_ALGS) {
    it(`${alg}: tenant acme goes to the dedicated upstream, others to the shared one`, async () => {
      const key = keys.get(alg)!;
      const toAcme = await get({ authorization: `Bearer ${await token(key, { tenant: "acme", org: { tier: 2 } })}` });
      assert.equal(toAcme.status, 200, toAcme.body);
      assert.equal(echo(toAcme).name, "acme");
      assert.deepEqual(echoValues(echo(toAcme), "x-tenant"), ["acme"]);
      assert.deepEqual(echoValues(echo(toAcme), "x-tenant-tier"), ["2"]);
      const toShared = await get({ authorization: `Bearer ${await token(key, { tenant: "globex" })}` });
      assert.equal(toShared.status, 200, toShared.body);
      assert.equal(echo(toShared).name, "shared");
      assert.deepEqual(echoValues(echo(toShared), "x-tenant"), ["globex"]);
    });
  }

  it("HS256 from the inline key set (provider chosen by issuer); forward: false removes the token", async () => {
    const r = await get({ authorization: `Bearer ${await token(hmac, { tenant: "acme" }, PARTNERS)}` });
    assert.equal(r.status, 200, r.body);
    assert.equal(echo(r).name, "acme");
    assert.deepEqual(echoValues(echo(r), "authorization"), []);
    const main = await get({ authorization: `Bearer ${await token(keys.get("ES256")!, { tenant: "acme" })}` });
    assert.equal(echoValues(echo(main), "authorization").length, 1, "main forwards the token (forward defaults to true)");
  });

  // Before the spoofing cases: their stranger kid uses up the unknown-kid refetch allowance for 10 s.
  it("key rotation: a token with a new kid triggers a refetch; the request is held (not failed) while the endpoint is slow", async () => {
    const rotated = await makeKey("ES256", "rotated-1");
    idp.setKeys(jwks(...keys.values(), rotated));
    idp.behave("slow", 800);
    const t = await token(rotated, { tenant: "acme" });
    const started = Date.now();
    const r = await get({ authorization: `Bearer ${t}` });
    const took = Date.now() - started;
    idp.behave("ok");
    assert.equal(r.status, 200, `${r.body} after ${took} ms\n${envoy.log().split("\n").filter((l) => l.includes("wasm")).slice(-10).join("\n")}`);
    assert.equal(echo(r).name, "acme");
    assert.ok(took >= 600, `the request waited for the key set (${took} ms)`);
    assert.ok((await stat("jwks.unknown_kid_refetch")) >= 1);
    assert.ok((await stat("held")) >= 1);
  });

  describe("spoofing", () => {
    it("x-tenant: acme without a token is refused", async () => {
      const before = acme.received.length;
      const r = await get({ "x-tenant": "acme" });
      assert.equal(r.status, 401);
      assert.equal(acme.received.length, before);
    });

    it("x-tenant: acme with an invalid token is refused", async () => {
      const stranger = await makeKey("ES256", "stranger");
      const forged = await token(stranger, { tenant: "acme" });
      const r = await get({ authorization: `Bearer ${forged}`, "x-tenant": "acme" });
      assert.equal(r.status, 401);
    });

    it("x-tenant: acme with a valid token for another tenant reaches the shared upstream as that tenant", async () => {
      const t = await token(keys.get("RS256")!, { tenant: "globex" });
      const r = await get([["authorization", `Bearer ${t}`], ["x-tenant", "acme"], ["x-tenant", "acme"], ["x-tenant-tier", "9"]]);
      assert.equal(r.status, 200);
      assert.equal(echo(r).name, "shared");
      assert.deepEqual(echoValues(echo(r), "x-tenant"), ["globex"]);
      assert.deepEqual(echoValues(echo(r), "x-tenant-tier"), []);
    });
  });

  it("401s carry www-authenticate like jwt_authn and a JSON body naming the reason", async () => {
    const missing = await get({}, "/orders/7?x=1");
    assert.equal(missing.status, 401);
    const realm = `http://127.0.0.1:${envoy.port("LISTENER_PORT")}/orders/7?x=1`;
    assert.equal(missing.header("www-authenticate"), `Bearer realm="${realm}"`);
    assert.deepEqual(missing.json(), { error: "missing_token", reason: "missing" });
    assert.match(missing.header("content-type") ?? "", /^application\/json/);

    const expired = await get({ authorization: `Bearer ${await token(keys.get("ES256")!, { tenant: "acme", iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 })}` }, "/orders/7?x=1");
    assert.equal(expired.status, 401);
    assert.equal(expired.header("www-authenticate"), `Bearer realm="${realm}", error="invalid_token"`);
    assert.deepEqual(expired.json(), { error: "invalid_token", reason: "expired" });

    const audience = await get({ authorization: `Bearer ${await token(keys.get("ES256")!, { tenant: "acme", aud: "billing" })}` });
    assert.equal(audience.json().reason, "audience");
  });

  it("JWKS endpoint down after the keys were loaded: the last good set keeps working past cache_duration", async () => {
    const failuresBefore = await stat("jwks.fetch_failure");
    await idp.down();
    await new Promise((r) => setTimeout(r, 4000)); // cache_duration is 3s: at least one refresh fails
    const r = await get({ authorization: `Bearer ${await token(keys.get("EdDSA")!, { tenant: "acme" })}` });
    assert.equal(r.status, 200, r.body);
    assert.ok((await stat("jwks.fetch_failure")) > failuresBefore);
    await idp.up();
  });

  it("JWKS endpoint answering garbage or 500 on refresh: the last good set keeps working, each failure counted", async () => {
    for (const mode of ["garbage", "error"] as const) {
      const failuresBefore = await stat("jwks.fetch_failure");
      idp.behave(mode);
      await new Promise((r) => setTimeout(r, 4000)); // cache_duration is 3s: at least one refresh gets the bad answer
      const r = await get({ authorization: `Bearer ${await token(keys.get("ES256")!, { tenant: "acme" })}` });
      assert.equal(r.status, 200, `${mode}: ${r.body}`);
      assert.equal(echo(r).name, "acme");
      assert.ok((await stat("jwks.fetch_failure")) > failuresBefore, `${mode}: the failed refresh is counted`);
    }
    idp.behave("ok");
  });

  it("counts decisions in Envoy's /stats; RS256 signatures went through Envoy's verify_signature", async () => {
    assert.ok((await stat("accepted")) >= 10);
    assert.ok((await stat("signature.host")) >= 2, "signature_backend auto uses the host function Envoy offers for RS256");
    assert.ok((await stat("signature.wasm")) >= 4, "ES256, PS256, EdDSA and HS256 are checked in wasm");
    assert.ok((await stat("denied.missing")) >= 2);
    assert.ok((await stat("denied.expired")) >= 1);
    assert.ok((await stat("missing")) >= 2);
  });
});
