// Wycheproof json_web_key_test.json drives the key policy (dist/tools/jose.js; build first:
// node scripts/build.mjs --only tools/jose). Each group holds a key set (its public form when the
// file gives one, else the private form: HMAC keys and the mixed set exist only there) and tokens
// marked valid or invalid. Every valid token must verify; every invalid one must be refused, and
// for the policy cases the refusal must come from the key policy (reason bad_key) with the sentence
// naming the problem, not from a signature that happens not to match.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as jose from "../../dist/tools/jose.js";
import { vectors } from "./support.ts";

interface Case { tcId: number; comment: string; jws: string; result: string; flags: string[] }
interface Group { comment: string; private: { keys: object[] }; public?: { keys: object[] }; tests: Case[] }

const file = JSON.parse(readFileSync(join(vectors, "wycheproof", "json_web_key_test.json"), "utf8"));
const groups: Group[] = file.testGroups;

/** Why each invalid case must be refused: a pattern of the refusal sentence, by tcId. */
const EXPECTED: Record<number, RegExp> = {
  1: /mixes symmetric \(oct, key 0\) and asymmetric keys/,
  3: /signature does not verify/,
  4: /kid 'kid-aes-sign' appears more than once/,
  6: /use is 'enc'/,
  7: /ROCA fingerprint/,
  8: /RSA modulus is 1024 bits; at least 2048 required/,
  9: /RSA public exponent e is 1/,
  10: /HMAC key k is 31 bytes; its alg needs at least 32/,
  11: /HMAC key k is 47 bytes; its alg needs at least 48/,
  12: /HMAC key k is 63 bytes; its alg needs at least 64/,
  16: /HMAC key k is 0 bytes/,
  17: /HMAC key k is 0 bytes/,
  18: /HMAC key k is 0 bytes/,
  19: /alg 'ES521' is not a supported JWS algorithm/,
  20: /alg 'ES224' is not a supported JWS algorithm/,
  21: /use is 'enc'/,
  22: /point \(x, y\) is not on P-256/,
  23: /x is 32 bytes; P-384 needs exactly 48/,
  24: /n is required/,
  25: /alg 'A256GCM' is not a supported JWS algorithm/,
  26: /alg 'A256KW' is not a supported JWS algorithm/,
};

const now = Date.now() / 1000;

describe("Wycheproof json_web_key_test.json", () => {
  it("has the announced number of cases, each with an expectation here", () => {
    const all = groups.flatMap((g) => g.tests);
    assert.equal(all.length, file.numberOfTests);
    for (const t of all) {
      if (t.result === "invalid") assert.ok(EXPECTED[t.tcId], `no expectation for invalid case ${t.tcId}`);
      else assert.equal(t.result, "valid", `case ${t.tcId}: unexpected result ${t.result}`);
    }
  });

  for (const group of groups) {
    const keys = JSON.stringify(group.public ?? group.private);
    for (const t of group.tests) {
      it(`${t.tcId} ${group.comment}: ${t.comment} -> ${t.result}`, () => {
        const out = jose.verifyWithJwkDetail(keys, t.jws, now);
        const [verdict, detail = ""] = out.split("\n");
        if (t.result === "valid") {
          assert.equal(verdict, "valid", detail);
          return;
        }
        const expectedReason = t.tcId === 3 ? "invalid: bad_signature" : "invalid: bad_key";
        assert.equal(verdict, expectedReason, detail);
        assert.match(detail, EXPECTED[t.tcId]);
      });
    }
  }
});

describe("key policy beyond Wycheproof", () => {
  const ecKey = { kty: "EC", crv: "P-256", x: "04N0xi21hshyvBp7I167sbE_bXqyqkAPfefdklMO7wY", y: "UI8exy-C06a7DUnjIdENkxeFtHM4-l_41LqEw9nVgmw" };
  const hmacKey = { kty: "oct", k: Buffer.alloc(32, 7).toString("base64url") };
  const policy = (jwk: object) => jose.jwkPolicy(JSON.stringify(jwk));

  it("accepts a plain public key and an HMAC key of 32 bytes", () => {
    assert.equal(policy(ecKey), "ok");
    assert.equal(policy(hmacKey), "ok");
  });

  it("refuses key_ops without verify, repeated key_ops, and accepts key_ops with verify", () => {
    assert.match(policy({ ...ecKey, key_ops: ["sign"] }), /key_ops does not include "verify"/);
    assert.match(policy({ ...ecKey, key_ops: ["verify", "verify"] }), /key_ops repeats 'verify'/);
    assert.equal(policy({ ...ecKey, key_ops: ["verify"] }), "ok");
  });

  it("refuses an HMAC key without alg shorter than 32 bytes", () => {
    assert.match(policy({ kty: "oct", k: Buffer.alloc(31).toString("base64url") }), /31 bytes; HS256 \(no alg given\) needs at least 32/);
  });

  it("refuses alg that does not fit the key", () => {
    assert.match(policy({ ...ecKey, alg: "ES384" }), /alg 'ES384' does not fit an EC key on P-256/);
    assert.match(policy({ ...ecKey, alg: "HS256" }), /alg 'HS256' does not fit an EC key on P-256/);
    assert.match(policy({ ...hmacKey, alg: "RS256" }), /alg 'RS256' does not fit an HMAC key/);
    assert.match(policy({ ...hmacKey, alg: "HS384" }), /HMAC key k is 32 bytes; its alg needs at least 48/);
    assert.match(policy({ ...hmacKey, alg: "none" }), /alg 'none' is not a supported JWS algorithm/);
  });

  it("refuses unsupported key types and curves", () => {
    assert.match(policy({ kty: "OKP", crv: "X25519", x: Buffer.alloc(32).toString("base64url") }), /key-agreement curve/);
    assert.match(policy({ kty: "OKP", crv: "Ed448", x: Buffer.alloc(57).toString("base64url") }), /not supported for OKP/);
    assert.match(policy({ kty: "EC", crv: "secp256k1", x: ecKey.x, y: ecKey.y }), /not supported for EC keys/);
    assert.match(policy({ kty: "DH" }), /kty 'DH' is not supported/);
    assert.match(policy({ x: 1 }), /kty is required/);
  });

  it("refuses non-canonical or padded base64url members", () => {
    assert.match(policy({ ...hmacKey, k: hmacKey.k + "=" }), /k is not valid base64url/);
    assert.match(policy({ ...ecKey, x: ecKey.x.slice(0, -1) + "x" }), /x is not valid base64url/);
  });

  it("a set refuses duplicate kids even when one of them is unusable", () => {
    const set = { keys: [{ ...ecKey, kid: "a" }, { ...ecKey, kid: "a", use: "enc" }] };
    assert.match(jose.jwksPolicy(JSON.stringify(set)), /^refused: kid 'a' appears more than once/);
  });

  it("a set with some unusable keys keeps the others and reports them", () => {
    const set = { keys: [{ ...ecKey, kid: "a" }, { ...ecKey, kid: "b", use: "enc" }, { kty: "RSA", kid: "c", n: "AQAB", e: "AQAB" }] };
    const verdict = jose.jwksPolicy(JSON.stringify(set)).split("\n");
    assert.equal(verdict[0], "ok");
    assert.equal(verdict.length, 3);
    assert.match(verdict[1], /key 1 \(kid 'b'\): use is 'enc'/);
    assert.match(verdict[2], /key 2 \(kid 'c'\): RSA modulus is 17 bits/);
  });

  it("a set without any usable key, an empty set, and documents that are no key set are refused", () => {
    assert.match(jose.jwksPolicy(JSON.stringify({ keys: [{ ...ecKey, use: "enc" }] })), /^refused: key set has no usable key/);
    assert.match(jose.jwksPolicy(JSON.stringify({ keys: [] })), /^refused: key set has no keys/);
    assert.match(jose.jwksPolicy(JSON.stringify({ keys: {} })), /^refused: keys must be an array/);
    assert.match(jose.jwksPolicy("[]"), /^refused: key set must be a JSON object/);
    assert.match(jose.jwksPolicy("{\"keys\": [], \"keys\": []}"), /^refused: key set is not valid JSON: duplicate key/);
    assert.match(jose.jwksPolicy("{}"), /neither a JWKS/);
  });

  it("a set of more than 100 keys is refused", () => {
    const keys = Array.from({ length: 101 }, (_, i) => ({ ...hmacKey, kid: String(i) }));
    assert.match(jose.jwksPolicy(JSON.stringify({ keys })), /has 101 keys; at most 100 accepted/);
  });
});
