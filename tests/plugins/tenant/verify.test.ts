// The tenant plugin with local key sets, in the harness: every algorithm, claim_to_headers (nested, numbers,
// booleans), identity headers stripped from every request (the spoofing cases), 401s with their reasons,
// token locations, forward: false, allow_missing, several providers, metrics, and hostile input.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { ProxyWasmHost } from "../../../harness/index.ts";
import {
  makeKey, sign, jwks, startTenant, localProvider, send, bearer, header, TestKey, Alg, NOW, ISSUER,
} from "./support.ts";

const ASYMMETRIC: Alg[] = ["RS256", "RS384", "PS256", "ES256", "ES384", "EdDSA"];

describe("tenant: local key sets", () => {
  const keys = new Map<Alg, TestKey>();
  let hmac: TestKey;
  let other: TestKey;
  let host: ProxyWasmHost;

  before(async () => {
    for (const alg of ASYMMETRIC) keys.set(alg, await makeKey(alg));
    hmac = await makeKey("HS256");
    other = await makeKey("ES256", "not-in-the-set");
    host = await startTenant({
      providers: {
        main: localProvider([...keys.values()], {
          audiences: ["orders"],
          claim_to_headers: [
            { header_name: "x-tenant", claim_name: "tenant" },
            { header_name: "x-tenant-id", claim_name: "org.tenant_id" },
            { header_name: "x-tier", claim_name: "org.tier" },
            { header_name: "x-admin", claim_name: "admin" },
            { header_name: "x-groups", claim_name: "groups" },
          ],
        }),
        shared: {
          issuer: "https://hmac.example.com",
          local_jwks: { inline_string: jwks(hmac) },
          claim_to_headers: [{ header_name: "x-tenant", claim_name: "tenant" }],
        },
      },
    });
  });

  const acme = (key: TestKey, extra: Record<string, unknown> = {}) => sign(key, { tenant: "acme", aud: "orders", ...extra });

  for (const alg of ASYMMETRIC) {
    it(`accepts ${alg} and lifts the tenant`, async () => {
      const r = send(host, bearer(await acme(keys.get(alg)!)));
      assert.equal(r.reply, null, `denied: ${r.reply?.body}`);
      assert.deepEqual(r.values("x-tenant"), ["acme"]);
    });
  }

  it("accepts HS256 through the provider whose issuer matches", async () => {
    const token = await sign(hmac, { iss: "https://hmac.example.com", tenant: "beta" });
    const r = send(host, bearer(token));
    assert.equal(r.reply, null, r.reply?.body);
    assert.deepEqual(r.values("x-tenant"), ["beta"]);
  });

  it("turns nested claims, numbers and booleans into header text as jwt_authn does", async () => {
    const token = await acme(keys.get("ES256")!, { org: { tenant_id: 42, tier: 1.5 }, admin: true, groups: ["a", "b"] });
    const r = send(host, bearer(token));
    assert.equal(r.reply, null, r.reply?.body);
    assert.deepEqual(r.values("x-tenant-id"), ["42"]);
    assert.deepEqual(r.values("x-tier"), ["1.500000"]);
    assert.deepEqual(r.values("x-admin"), ["true"]);
    assert.deepEqual(r.values("x-groups"), [Buffer.from(JSON.stringify(["a", "b"])).toString("base64")]);
  });

  it("adds no header for an absent, null or empty claim", async () => {
    const token = await acme(keys.get("ES256")!, { tenant: "", org: { tier: null } });
    const r = send(host, bearer(token));
    assert.equal(r.reply, null, r.reply?.body);
    assert.deepEqual(r.values("x-tenant"), []);
    assert.deepEqual(r.values("x-tier"), []);
    assert.deepEqual(r.values("x-tenant-id"), []);
  });

  describe("spoofing", () => {
    it("x-tenant without a token: 401, nothing forwarded", () => {
      const r = send(host, { "x-tenant": "acme" });
      assert.equal(r.reply?.status, 401);
      assert.equal(r.upstream, null);
    });

    it("x-tenant with an invalid token: 401", async () => {
      const token = await acme(other);
      const r = send(host, { ...bearer(token), "x-tenant": "acme" });
      assert.equal(r.reply?.status, 401);
      assert.equal(r.upstream, null);
    });

    it("x-tenant (several times) with a valid token for another tenant: only the token's tenant goes upstream", async () => {
      const token = await sign(keys.get("ES256")!, { tenant: "globex", aud: "orders" });
      const r = send(host, [["authorization", `Bearer ${token}`], ["x-tenant", "acme"], ["X-Tenant", "acme"], ["x-tenant-id", "7"]]);
      assert.equal(r.reply, null, r.reply?.body);
      assert.deepEqual(r.values("x-tenant"), ["globex"]);
      assert.deepEqual(r.values("x-tenant-id"), [], "a claim the token lacks leaves its header absent, not the client's value");
    });

    it("with allow_missing, a request without a token goes on with every identity header removed", async () => {
      const open = await startTenant({ providers: { main: localProvider([keys.get("ES256")!]) }, allow_missing: true });
      const r = send(open, { "x-tenant": "acme", "x-other": "kept" });
      assert.equal(r.reply, null);
      assert.deepEqual(r.values("x-tenant"), []);
      assert.deepEqual(r.values("x-other"), ["kept"]);
      assert.equal(open.metric("waymark.tenant.missing"), 1);
      // allow_missing does not allow a bad token.
      const bad = send(open, { ...bearer(await acme(other)), "x-tenant": "acme" });
      assert.equal(bad.reply?.status, 401);
    });
  });

  describe("401 responses", () => {
    const reasons: Array<[string, () => Promise<string>, string]> = [
      ["expired", () => acme(keys.get("ES256")!, { exp: NOW - 3600 }), "expired"],
      ["not yet valid", () => acme(keys.get("ES256")!, { nbf: NOW + 3600 }), "not_yet_valid"],
      ["wrong audience", () => acme(keys.get("ES256")!, { aud: "billing" }), "audience"],
      ["unknown issuer", () => acme(keys.get("ES256")!, { iss: "https://evil.example.com" }), "issuer"],
      ["unknown kid", () => acme(other), "unknown_kid"],
      ["malformed", async () => "not-a-jwt", "malformed"],
      ["unsigned (alg none)", async () => {
        const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
        return `${enc({ alg: "none", kid: "es256-1" })}.${enc({ iss: ISSUER, tenant: "acme", aud: "orders" })}.`;
      }, "alg_none"],
    ];
    for (const [name, token, reason] of reasons) {
      it(`${name}: reason ${reason}`, async () => {
        const r = send(host, { ...bearer(await token()), ":path": "/orders/7?x=1", ":authority": "shop.example.com" });
        assert.equal(r.reply?.status, 401);
        assert.deepEqual(JSON.parse(r.reply!.body), { error: "invalid_token", reason });
        assert.equal(header(r.reply, "www-authenticate"), 'Bearer realm="http://shop.example.com/orders/7?x=1", error="invalid_token"');
        assert.ok((host.metric(`waymark.tenant.denied.${reason}`) ?? 0) >= 1);
      });
    }

    it("bad signature: one changed payload character", async () => {
      const token = await acme(keys.get("ES256")!);
      const [h, p, s] = token.split(".");
      const payload = JSON.parse(Buffer.from(p, "base64url").toString());
      payload.tenant = "acmf";
      const forged = `${h}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.${s}`;
      const r = send(host, bearer(forged));
      assert.equal(r.reply?.status, 401);
      assert.equal(JSON.parse(r.reply!.body).reason, "bad_signature");
    });

    it("missing token: 401 without error=, body names it", () => {
      const r = send(host, { ":path": "/a", ":authority": "shop" });
      assert.equal(r.reply?.status, 401);
      assert.deepEqual(JSON.parse(r.reply!.body), { error: "missing_token", reason: "missing" });
      assert.equal(header(r.reply, "www-authenticate"), 'Bearer realm="http://shop/a"');
      assert.equal(header(r.reply, "content-type"), "application/json");
    });

    it("an HMAC token signed with an RSA public key as the secret is refused (no algorithm confusion)", async () => {
      const rsa = keys.get("RS256")!;
      const secret = new TextEncoder().encode(JSON.stringify(rsa.jwk));
      const token = await sign({ ...rsa, alg: "HS256", signer: secret }, { tenant: "acme", aud: "orders" });
      const r = send(host, bearer(token));
      assert.equal(r.reply?.status, 401);
      assert.equal(JSON.parse(r.reply!.body).reason, "alg_not_allowed");
    });
  });

  describe("token locations", () => {
    let es: TestKey;
    before(() => { es = keys.get("ES256")!; });

    it("defaults: Authorization Bearer and the access_token query parameter", async () => {
      const plain = await startTenant({ providers: { main: localProvider([es]) } });
      const token = await sign(es, { tenant: "acme" });
      const viaQuery = send(plain, { ":path": `/x?a=1&access_token=${token}` });
      assert.equal(viaQuery.reply, null, viaQuery.reply?.body);
      assert.deepEqual(viaQuery.values("x-tenant"), ["acme"]);
      const basic = send(plain, { authorization: "Basic YWRhOnB3" });
      assert.equal(JSON.parse(basic.reply!.body).reason, "missing", "a non-Bearer Authorization is no token");
    });

    it("a header with a prefix, a parameter and a cookie; forward: false removes each", async () => {
      const h = await startTenant({
        providers: {
          main: localProvider([es], {
            from_headers: [{ name: "x-jwt", value_prefix: "Token " }], from_params: ["jwt"], from_cookies: ["session"], forward: false,
          }),
        },
      });
      const token = await sign(es, { tenant: "acme" });
      const viaHeader = send(h, { "x-jwt": `Token ${token}`, "x-keep": "1" });
      assert.deepEqual(viaHeader.values("x-tenant"), ["acme"]);
      assert.equal(viaHeader.upstream?.has("x-jwt"), false);
      assert.deepEqual(viaHeader.values("x-keep"), ["1"]);

      const viaParam = send(h, { ":path": `/p?a=1&jwt=${token}&b=2` });
      assert.deepEqual(viaParam.values("x-tenant"), ["acme"]);
      assert.equal(viaParam.upstream?.value(":path"), "/p?a=1&b=2");

      const viaCookie = send(h, { cookie: `theme=dark; session="${token}"; lang=en` });
      assert.deepEqual(viaCookie.values("x-tenant"), ["acme"]);
      assert.deepEqual(viaCookie.values("cookie"), ["theme=dark; lang=en"]);

      const unprefixed = send(h, { "x-jwt": token });
      assert.equal(JSON.parse(unprefixed.reply!.body).reason, "missing");
    });

    it("forward: true (the default) keeps the token", async () => {
      const token = await sign(es, { tenant: "acme", aud: "orders" });
      const r = send(host, bearer(token));
      assert.deepEqual(r.values("authorization"), [`Bearer ${token}`]);
    });

    it("every token must be valid: a good header token and a bad query token are refused", async () => {
      const plain = await startTenant({ providers: { main: localProvider([es]) } });
      const good = await sign(es, { tenant: "acme" });
      const bad = await sign(other, { tenant: "acme" });
      const r = send(plain, { ...bearer(good), ":path": `/x?access_token=${bad}` });
      assert.equal(r.reply?.status, 401);
      assert.equal(JSON.parse(r.reply!.body).reason, "unknown_kid");
    });
  });

  it("clock skew: 60 s by default, configurable", async () => {
    const es = keys.get("ES256")!;
    const lately = await sign(es, { tenant: "acme", exp: NOW - 30 });
    const lenient = await startTenant({ providers: { main: localProvider([es]) } });
    assert.equal(send(lenient, bearer(lately)).reply, null);
    const strict = await startTenant({ providers: { main: localProvider([es], { clock_skew_seconds: 0 }) } });
    assert.equal(JSON.parse(send(strict, bearer(lately)).reply!.body).reason, "expired");
  });

  it("counts accepted, missing and denied requests by reason", async () => {
    const es = keys.get("ES256")!;
    const h = await startTenant({ providers: { main: localProvider([es]) } });
    send(h, bearer(await sign(es, { tenant: "acme" })));
    send(h, {});
    send(h, bearer(await sign(es, { tenant: "acme", exp: NOW - 3600 })));
    assert.equal(h.metric("waymark.tenant.accepted"), 1);
    assert.equal(h.metric("waymark.tenant.missing"), 1);
    assert.equal(h.metric("waymark.tenant.denied"), 2);
    assert.equal(h.metric("waymark.tenant.denied.missing"), 1);
    assert.equal(h.metric("waymark.tenant.denied.expired"), 1);
  });

  it("never traps on hostile tokens and headers", async () => {
    const es = keys.get("ES256")!;
    const h = await startTenant({ providers: { main: localProvider([es], { from_cookies: ["s"], from_params: ["t"] }) } });
    const good = await sign(es, { tenant: "acme" });
    const samples: string[] = [
      "", ".", "..", "...", "a.b.c", "\u0000.\u0000.\u0000", "e30.e30.", "e30.e30.e30", good + good, good.replace(/\./g, ""),
      `${good}.x`, "x".repeat(20_000), Buffer.from(randomBytes(300)).toString("latin1"), "%%%", "\"quoted\"",
    ];
    for (let i = 0; i < 200; i++) {
      const chars = good.split("");
      chars[Math.floor(Math.random() * chars.length)] = String.fromCharCode(Math.floor(Math.random() * 128));
      samples.push(chars.join(""));
    }
    for (const s of samples) {
      for (const hdrs of [bearer(s), { cookie: `s=${s}; a` }, { ":path": `/x?t=${encodeURIComponent(s)}&&=&t` }]) {
        const r = send(h, hdrs as Record<string, string>);
        assert.ok(r.reply === null || r.reply.status === 401);
      }
    }
    assert.equal(h.trapped, null);
  });
});
