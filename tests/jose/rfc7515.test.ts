// RFC 7515 Appendix A (and the RFC 7517 key sets) through the AssemblyScript JOSE layer
// (dist/tools/jose.js; build first: node scripts/build.mjs --only tools/jose).
// A.1-A.3 carry exp 1300819380 (2011): they verify at RFC_NOW and are refused as expired today;
// A.4's payload is not JSON, so it is a plain JWS with no claims to check.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as jose from "../../dist/tools/jose.js";
import { rfcFile, RFC_NOW, b64u } from "./support.ts";

const now = () => Date.now() / 1000;

describe("RFC 7515 Appendix A compact examples", () => {
  for (const [name, alg] of [["A.1", "HS256"], ["A.2", "RS256"], ["A.3", "ES256"], ["A.4", "ES512"]]) {
    it(`${name} (${alg}) verifies with its key`, () => {
      assert.equal(jose.verifyWithJwk(rfcFile(`rfc7515_${name}.jwk`), rfcFile(`rfc7515_${name}.jwsc`), RFC_NOW), "valid");
    });

    it(`${name} (${alg}) with one signature bit flipped is refused`, () => {
      const token = rfcFile(`rfc7515_${name}.jwsc`);
      const dot = token.lastIndexOf(".");
      const sig = Buffer.from(token.slice(dot + 1), "base64url");
      sig[sig.length >> 1] ^= 0x01;
      const forged = token.slice(0, dot + 1) + b64u(sig);
      assert.equal(jose.verifyWithJwk(rfcFile(`rfc7515_${name}.jwk`), forged, RFC_NOW), "invalid: bad_signature");
    });
  }

  for (const name of ["A.1", "A.2", "A.3"]) {
    it(`${name} is expired today (exp 1300819380)`, () => {
      assert.equal(jose.verifyWithJwk(rfcFile(`rfc7515_${name}.jwk`), rfcFile(`rfc7515_${name}.jwsc`), now()), "invalid: expired");
    });
  }

  it("A.4 has a non-JSON payload: a JWS without claims, valid at any time", () => {
    assert.equal(jose.verifyWithJwk(rfcFile("rfc7515_A.4.jwk"), rfcFile("rfc7515_A.4.jwsc"), now()), "valid");
  });

  it("A.5 (unsecured, alg none) is refused as alg_none", () => {
    const token = rfcFile("rfc7515_A.5.jwsc");
    for (const key of ["rfc7515_A.1.jwk", "rfc7515_A.2.jwk", "rfc7515_A.3.jwk"]) {
      assert.equal(jose.verifyWithJwk(rfcFile(key), token, RFC_NOW), "invalid: alg_none");
    }
  });

  it("keys do not cross algorithms: A.1's token with A.2's RSA key, A.2's with A.1's HMAC key", () => {
    assert.equal(jose.verifyWithJwk(rfcFile("rfc7515_A.2.jwk"), rfcFile("rfc7515_A.1.jwsc"), RFC_NOW), "invalid: alg_not_allowed");
    assert.equal(jose.verifyWithJwk(rfcFile("rfc7515_A.1.jwk"), rfcFile("rfc7515_A.2.jwsc"), RFC_NOW), "invalid: alg_not_allowed");
    assert.equal(jose.verifyWithJwk(rfcFile("rfc7515_A.4.jwk"), rfcFile("rfc7515_A.3.jwsc"), RFC_NOW), "invalid: alg_not_allowed");
  });
});

describe("RFC 7515 A.6 / A.7 JSON serialisations", () => {
  it("A.6 (general) and A.7 (flattened) are refused as non-compact", () => {
    const keys = rfcFile("rfc7515_A.6.jwkset");
    assert.equal(jose.verifyWithJwk(keys, rfcFile("rfc7515_A.6.jwsg"), RFC_NOW), "invalid: malformed");
    assert.equal(jose.verifyWithJwk(rfcFile("rfc7515_A.7.jwk"), rfcFile("rfc7515_A.7.jwsf"), RFC_NOW), "invalid: malformed");
    const detail = jose.verifyWithJwkDetail(rfcFile("rfc7515_A.7.jwk"), rfcFile("rfc7515_A.7.jwsf"), RFC_NOW);
    assert.match(detail, /JSON serialization is not supported/);
  });

  it("each A.6 signature, rewritten as a compact JWS, verifies against the A.6 key set", () => {
    const general = JSON.parse(rfcFile("rfc7515_A.6.jwsg"));
    const keys = rfcFile("rfc7515_A.6.jwkset");
    assert.equal(general.signatures.length, 2);
    for (const s of general.signatures) {
      const token = `${s.protected}.${general.payload}.${s.signature}`;
      assert.equal(jose.verifyWithJwk(keys, token, RFC_NOW), "valid", s.header.kid);
    }
  });

  it("A.7's signature as a compact JWS verifies with A.7's key", () => {
    const flat = JSON.parse(rfcFile("rfc7515_A.7.jwsf"));
    const token = `${flat.protected}.${flat.payload}.${flat.signature}`;
    assert.equal(jose.verifyWithJwk(rfcFile("rfc7515_A.7.jwk"), token, RFC_NOW), "valid");
  });
});

describe("RFC 7517 key sets under the key policy", () => {
  it("A.1 public keys: the RSA key loads, the EC key with use enc is skipped", () => {
    const verdict = jose.jwksPolicy(rfcFile("rfc7517_A.1.jwkset"));
    assert.equal(verdict.split("\n")[0], "ok");
    assert.match(verdict, /skipped: key 0 \(kid '1'\): use is 'enc'/);
  });

  it("A.3 symmetric keys: A128KW refused, the A.1 HMAC key kept and verifying A.1's token", () => {
    const set = rfcFile("rfc7517_A.3.jwkset");
    const verdict = jose.jwksPolicy(set);
    assert.equal(verdict.split("\n")[0], "ok");
    assert.match(verdict, /skipped: key 0: alg 'A128KW' is not a supported JWS algorithm/);
    assert.equal(jose.verifyWithJwk(set, rfcFile("rfc7515_A.1.jwsc"), RFC_NOW), "valid");
  });

  it("A.2 private keys are read for their public half", () => {
    assert.equal(jose.jwksPolicy(rfcFile("rfc7517_A.2.jwkset")).split("\n")[0], "ok");
  });
});
