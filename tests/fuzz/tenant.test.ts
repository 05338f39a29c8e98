// Fuzzing the tenant plugin: adversarial headers and every JWT attack; no trap, same input same output, bounded
// memory, and x-tenant reaches the upstream only as the claim of a genuinely valid token — never from the client.
import { it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { createHmac } from "node:crypto";
import { base64url } from "jose";
import { fuzzPlugin } from "./driver.ts";
import { headerList, headerValue, chunked, jsonBody } from "./arbitraries.ts";
import { attacks } from "./tokens.ts";
import { makeKey, sign, localProvider, startTenant } from "../plugins/tenant/support.ts";

it("tenant keeps identity headers out of the client's hands under attack", async () => {
  const rsa = await makeKey("RS256");
  const es = await makeKey("ES256");
  const valid = await sign(rsa, { tenant: "acme", aud: "orders" });
  const validEs = await sign(es, { tenant: "acme", aud: "orders" });
  // Algorithm confusion: an HS256 token keyed with the RSA public key's JWK text.
  const [h, p] = [base64url.encode(JSON.stringify({ alg: "HS256", kid: rsa.kid, typ: "JWT" })), valid.split(".")[1]];
  const confused = `${h}.${p}.${base64url.encode(createHmac("sha256", JSON.stringify(rsa.jwk)).update(`${h}.${p}`).digest())}`;
  const config = { providers: { main: localProvider([rsa, es], { audiences: ["orders"] }) } };
  const genuine = new Set([valid, validEs]);

  const token = fc.oneof({ weight: 1, arbitrary: fc.constantFrom(valid, validEs) }, { weight: 6, arbitrary: fc.oneof(attacks(valid, confused), attacks(validEs, confused)) });
  const auth = fc.oneof(
    token.map((t) => ["authorization", `Bearer ${t}`] as [string, string]),
    fc.tuple(fc.constantFrom("authorization", "Authorization"), headerValue),
    fc.tuple(fc.constant("x-tenant"), fc.constantFrom("acme", "globex", "", "acme, globex")),
  );

  const result = await fuzzPlugin({
    name: "tenant",
    start: () => startTenant(config),
    requests: fc.record({ headers: headerList(auth), chunks: fc.oneof(fc.constant([]), chunked(jsonBody)) }),
    check: (req, outcome) => {
      const tenants = outcome.upstreamHeaders.filter(([k]) => k === "x-tenant").map(([, v]) => v);
      // Every Authorization value with the Bearer prefix is a token, and every token must be valid (as jwt_authn).
      const tokens = req.headers
        .filter(([k, v]) => k.toLowerCase() === "authorization" && typeof v === "string" && v.startsWith("Bearer "))
        .map(([, v]) => (v as string).slice(7));
      const allGenuine = tokens.length > 0 && tokens.every((t) => genuine.has(t));
      if (outcome.status === 200) {
        assert.ok(allGenuine, `a request without only genuine tokens reached the upstream: ${JSON.stringify(tokens.map((t) => t.slice(0, 60)))}`);
        // Every verified token contributes its claim (two genuine tokens give two values, as jwt_authn does).
        assert.ok(tenants.length >= 1 && tenants.every((t) => t === "acme"), `x-tenant upstream must be the verified claim only: ${JSON.stringify(tenants)}`);
      } else {
        assert.equal(outcome.status, 401, `refusals are 401, got ${outcome.status}`);
        assert.ok(!allGenuine, "genuine tokens were refused");
      }
    },
    maxMemoryBytes: 64 << 20,
  }, 400);
  assert.ok(result.cases > 0);
});
