// The tenant plugin refuses a bad configuration at load time with one log line naming the field, and accepts
// the documented example.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { makeKey, jwks, refusedConfig, startTenant, TestKey, ISSUER } from "./support.ts";
import { root } from "../../../scripts/ensure.mjs";

describe("tenant configuration", () => {
  let ec: TestKey;
  let hmac: TestKey;
  let local: Record<string, unknown>;
  before(async () => {
    ec = await makeKey("ES256");
    hmac = await makeKey("HS256");
    local = { inline_string: jwks(ec) };
  });

  const provider = (extra: Record<string, unknown>) => ({ providers: { main: { issuer: ISSUER, local_jwks: local, ...extra } } });
  const remote = (http: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    ({ providers: { main: { remote_jwks: { http_uri: http, ...extra } } } });

  const cases: Array<[string, () => object | string, RegExp]> = [
    ["empty configuration", () => "", /^tenant: invalid configuration: configuration: required/],
    ["not JSON", () => "{providers", /configuration: invalid JSON/],
    ["not an object", () => "[]", /configuration: must be a JSON object/],
    ["no providers", () => ({}), /providers: required/],
    ["providers empty", () => ({ providers: {} }), /providers: must name at least one provider/],
    ["unknown top-level field", () => ({ ...provider({}), allow_mising: true }), /allow_mising: unknown field/],
    ["unknown provider field", () => provider({ isuer: "x" }), /providers\.main\.isuer: unknown field/],
    ["neither jwks", () => ({ providers: { main: { issuer: ISSUER } } }), /providers\.main: one of local_jwks or remote_jwks is required/],
    ["both jwks", () => provider({ remote_jwks: { http_uri: { uri: "http://idp/jwks", cluster: "idp", timeout: "1s" } } }),
      /providers\.main: local_jwks and remote_jwks are exclusive/],
    ["local_jwks without inline_string", () => ({ providers: { main: { local_jwks: {} } } }), /providers\.main\.local_jwks\.inline_string: required/],
    ["local_jwks not a key set", () => ({ providers: { main: { local_jwks: { inline_string: "{\"keys\": 3}" } } } }),
      /providers\.main\.local_jwks\.inline_string: keys must be an array/],
    ["weak RSA key", () => ({ providers: { main: { local_jwks: { inline_string: JSON.stringify({ keys: [{ kty: "RSA", n: "sXch", e: "AQAB", kid: "w" }] }) } } } }),
      /providers\.main\.local_jwks\.inline_string: key set has no usable key/],
    ["mixed symmetric and asymmetric keys", () => ({ providers: { main: { local_jwks: { inline_string: jwks(ec, hmac) } } } }),
      /providers\.main\.local_jwks\.inline_string: key set mixes symmetric/],
    ["remote without cluster", () => remote({ uri: "http://idp/jwks", timeout: "1s" }), /providers\.main\.remote_jwks\.http_uri\.cluster: required/],
    ["remote without uri", () => remote({ cluster: "idp", timeout: "1s" }), /providers\.main\.remote_jwks\.http_uri\.uri: required/],
    ["remote with a relative uri", () => remote({ uri: "/jwks", cluster: "idp", timeout: "1s" }), /providers\.main\.remote_jwks\.http_uri\.uri: must be an absolute/],
    ["remote without timeout", () => remote({ uri: "http://idp/jwks", cluster: "idp" }), /providers\.main\.remote_jwks\.http_uri\.timeout: required/],
    ["remote timeout not a duration", () => remote({ uri: "http://idp/jwks", cluster: "idp", timeout: "2 seconds" }),
      /providers\.main\.remote_jwks\.http_uri\.timeout: must be a duration/],
    ["remote timeout as a number", () => remote({ uri: "http://idp/jwks", cluster: "idp", timeout: 2 }),
      /providers\.main\.remote_jwks\.http_uri\.timeout: must be a duration string/],
    ["cache_duration too short", () => remote({ uri: "http://idp/jwks", cluster: "idp", timeout: "1s" }, { cache_duration: "0.5s" }),
      /providers\.main\.remote_jwks\.cache_duration: must be at least 1s/],
    ["audiences not strings", () => provider({ audiences: ["a", 3] }), /providers\.main\.audiences\[1\]: must be a non-empty string/],
    ["from_headers entry without name", () => provider({ from_headers: [{ value_prefix: "Bearer " }] }), /providers\.main\.from_headers\[0\]\.name: required/],
    ["from_headers bad name", () => provider({ from_headers: [{ name: "x y" }] }), /providers\.main\.from_headers\[0\]\.name: must be a header name/],
    ["from_params not a list", () => provider({ from_params: "access_token" }), /providers\.main\.from_params: must be an array/],
    ["forward not a boolean", () => provider({ forward: "no" }), /providers\.main\.forward: must be true or false/],
    ["negative clock skew", () => provider({ clock_skew_seconds: -1 }), /providers\.main\.clock_skew_seconds: must be between 0/],
    ["fractional clock skew", () => provider({ clock_skew_seconds: 1.5 }), /providers\.main\.clock_skew_seconds: must be an integer/],
    ["claim_to_headers without claim", () => provider({ claim_to_headers: [{ header_name: "x-tenant" }] }),
      /providers\.main\.claim_to_headers\[0\]\.claim_name: required/],
    ["claim_to_headers pseudo-header", () => provider({ claim_to_headers: [{ header_name: ":authority", claim_name: "t" }] }),
      /providers\.main\.claim_to_headers\[0\]\.header_name: must be a header name/],
    ["claim_to_headers onto host", () => provider({ claim_to_headers: [{ header_name: "Host", claim_name: "t" }] }),
      /providers\.main\.claim_to_headers\[0\]\.header_name: must not name a header Envoy owns/],
    ["claim header that is also the token header", () => provider({ from_headers: [{ name: "x-jwt" }], claim_to_headers: [{ header_name: "x-jwt", claim_name: "t" }] }),
      /providers\.main\.claim_to_headers\[0\]\.header_name: 'x-jwt' is also a from_headers token location/],
    ["allow_missing not a boolean", () => ({ ...provider({}), allow_missing: 1 }), /allow_missing: must be true or false/],
    ["bad signature_backend", () => ({ ...provider({}), signature_backend: "boringssl" }), /signature_backend: must be "auto", "wasm" or "host"/],
    ["host backend without the host function", () => ({ ...provider({}), signature_backend: "host" }), /signature_backend: "host" but the host offers no verify_signature/],
    ["jwt_cache_config size negative", () => ({ ...provider({}), jwt_cache_config: { jwt_cache_size: -5 } }), /jwt_cache_config\.jwt_cache_size: must be between 0/],
    ["metadata mode without key", () => ({ jwt_authn_metadata: { claim_to_headers: [{ header_name: "x-tenant", claim_name: "tenant" }] } }),
      /jwt_authn_metadata\.key: required/],
    ["metadata mode without claims", () => ({ jwt_authn_metadata: { key: "payload" } }), /jwt_authn_metadata\.claim_to_headers: required/],
    ["metadata mode with providers", () => ({ ...provider({}), jwt_authn_metadata: { key: "p", claim_to_headers: [{ header_name: "x-tenant", claim_name: "tenant" }] } }),
      /jwt_authn_metadata: cannot be combined with providers/],
  ];

  for (const [name, config, expected] of cases) {
    it(`refuses: ${name}`, async () => {
      const errors = await refusedConfig(config());
      assert.equal(errors.length, 1, `exactly one error line: ${JSON.stringify(errors)}`);
      assert.match(errors[0], /^tenant: invalid configuration: /);
      assert.match(errors[0], expected);
    });
  }

  it("accepts a complete provider and the remote example", async () => {
    const host = await startTenant({
      providers: {
        main: {
          issuer: ISSUER, audiences: ["orders"], local_jwks: local, forward: false, clock_skew_seconds: 30,
          from_headers: [{ name: "Authorization", value_prefix: "Bearer " }], from_params: ["access_token"], from_cookies: ["id_token"],
          claim_to_headers: [{ header_name: "X-Tenant", claim_name: "tenant" }, { header_name: "x-tenant-id", claim_name: "org.tenant_id" }],
        },
        idp: { remote_jwks: { http_uri: { uri: "https://idp.example.com/.well-known/jwks.json", cluster: "idp", timeout: "2s" }, cache_duration: "300s" } },
      },
      allow_missing: false,
      jwt_cache_config: { jwt_cache_size: 10, jwt_max_token_size: 2048 },
      signature_backend: "wasm",
    });
    assert.equal(host.logsAt("error").length, 0);
  });

  it("accepts the configuration in the README and envoy-configs/tenant.yaml", async () => {
    const example = JSON.parse(readFileSync(join(root, "plugins", "tenant", "example.json"), "utf8"));
    const host = await startTenant(example);
    assert.equal(host.logsAt("error").length, 0);
  });
});
