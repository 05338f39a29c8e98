// One test (at least) per refusal reason of the JOSE layer (dist/tools/jose.js; build first:
// node scripts/build.mjs --only tools/jose). Tokens are forged here with Node's crypto so that the
// signature is right and only the property under test is wrong: the refusal must come from that
// property, with its reason code.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as nodeCrypto from "node:crypto";
import * as jose from "../../dist/tools/jose.js";
import { b64u } from "./support.ts";

const hmacSecret = Buffer.from("a-32-byte-secret-for-hs256-tests!!".slice(0, 32));
const hmacJwk = JSON.stringify({ kty: "oct", k: b64u(hmacSecret) });
const rsa = nodeCrypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
const rsaJwkObject = rsa.publicKey.export({ format: "jwk" });
const rsaJwk = JSON.stringify(rsaJwkObject);
const ec = nodeCrypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
const ecJwk = JSON.stringify(ec.publicKey.export({ format: "jwk" }));

type Header = Record<string, unknown> | string;

function signingInput(header: Header, payload: string | object): string {
  const h = typeof header === "string" ? header : JSON.stringify(header);
  const p = typeof payload === "string" ? payload : JSON.stringify(payload);
  return `${b64u(h)}.${b64u(p)}`;
}

function hs256(header: Header, payload: string | object, secret: Buffer = hmacSecret): string {
  const input = signingInput(header, payload);
  return `${input}.${b64u(nodeCrypto.createHmac("sha256", secret).update(input).digest())}`;
}

function rs256(header: Header, payload: string | object): string {
  const input = signingInput(header, payload);
  return `${input}.${b64u(nodeCrypto.sign("sha256", Buffer.from(input), rsa.privateKey))}`;
}

function es256(header: Header, payload: string | object, dsaEncoding: "ieee-p1363" | "der" = "ieee-p1363"): string {
  const input = signingInput(header, payload);
  return `${input}.${b64u(nodeCrypto.sign("sha256", Buffer.from(input), { key: ec.privateKey, dsaEncoding }))}`;
}

const NOW = 1_700_000_000;
const verify = (jwk: string, token: string) => jose.verifyWithJwk(jwk, token, NOW);
/** Full JWT verification: returns "valid" or "invalid: <reason>" (detail dropped). */
function jwt(jwk: string, token: string, options: Record<string, unknown> = {}): string {
  return jose.verifyJwtWithOptions(jwk, token, JSON.stringify({ nowSeconds: NOW, ...options })).split("\n")[0];
}

const claims = { sub: "u1", iat: NOW - 10, exp: NOW + 600 };

describe("baseline", () => {
  it("well-formed tokens verify (HS256, RS256, ES256)", () => {
    assert.equal(verify(hmacJwk, hs256({ alg: "HS256" }, claims)), "valid");
    assert.equal(verify(rsaJwk, rs256({ alg: "RS256" }, claims)), "valid");
    assert.equal(verify(ecJwk, es256({ alg: "ES256" }, claims)), "valid");
    assert.equal(jwt(hmacJwk, hs256({ alg: "HS256", typ: "JWT" }, claims)), "valid");
  });
});

describe("alg_none", () => {
  it("alg none in any letter case, with or without a signature", () => {
    for (const alg of ["none", "NONE", "None", "nOnE"]) {
      const unsigned = `${signingInput({ alg }, claims)}.`;
      assert.equal(verify(hmacJwk, unsigned), "invalid: alg_none", alg);
      assert.equal(verify(rsaJwk, hs256({ alg }, claims)), "invalid: alg_none", alg);
    }
  });
});

describe("alg_not_allowed", () => {
  it("algorithm confusion: the RSA public key used as an HMAC secret (PEM, DER and JWK n)", () => {
    const secrets = [
      Buffer.from(rsa.publicKey.export({ format: "pem", type: "spki" }) as string),
      rsa.publicKey.export({ format: "der", type: "spki" }) as Buffer,
      Buffer.from(rsaJwkObject.n as string, "base64url"),
      Buffer.from(rsaJwk),
    ];
    for (const secret of secrets) {
      assert.equal(verify(rsaJwk, hs256({ alg: "HS256" }, claims, secret)), "invalid: alg_not_allowed");
    }
  });

  it("an EC public key as an HMAC secret, an HMAC key for RS256", () => {
    assert.equal(verify(ecJwk, hs256({ alg: "HS256" }, claims, Buffer.from(ecJwk))), "invalid: alg_not_allowed");
    assert.equal(verify(hmacJwk, rs256({ alg: "RS256" }, claims)), "invalid: alg_not_allowed");
  });

  it("unknown or unsupported algorithm names", () => {
    for (const alg of ["HS1", "RS1", "ES256K", "hs256", "HS256 ", "EdDSA2", "", "Ed448"]) {
      assert.equal(verify(hmacJwk, hs256({ alg }, claims)), "invalid: alg_not_allowed", JSON.stringify(alg));
    }
  });

  it("a key with its own alg refuses the other algorithms of its type", () => {
    const pinned = JSON.stringify({ ...rsaJwkObject, alg: "RS256" });
    const input = signingInput({ alg: "PS256" }, claims);
    const pss = nodeCrypto.sign("sha256", Buffer.from(input), { key: rsa.privateKey, padding: nodeCrypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    assert.equal(verify(rsaJwk, `${input}.${b64u(pss)}`), "valid");
    assert.equal(verify(pinned, `${input}.${b64u(pss)}`), "invalid: alg_not_allowed");
  });

  it("an HMAC key shorter than the hash refuses the larger HMACs", () => {
    const input = signingInput({ alg: "HS384" }, claims);
    const tag = nodeCrypto.createHmac("sha384", hmacSecret).update(input).digest();
    assert.equal(verify(hmacJwk, `${input}.${b64u(tag)}`), "invalid: alg_not_allowed");
  });

  it("ES384 token against a P-256 key", () => {
    assert.equal(verify(ecJwk, es256({ alg: "ES384" }, claims)), "invalid: alg_not_allowed");
  });
});

describe("crit_unsupported and b64_false", () => {
  it("any crit is refused, even naming a present member", () => {
    assert.equal(verify(hmacJwk, hs256({ alg: "HS256", crit: ["exp"], exp: 1 }, claims)), "invalid: crit_unsupported");
    assert.equal(verify(hmacJwk, hs256({ alg: "HS256", crit: ["http://example.com/x"], "http://example.com/x": true }, claims)), "invalid: crit_unsupported");
    assert.equal(verify(hmacJwk, hs256({ alg: "HS256", crit: [] }, claims)), "invalid: crit_unsupported");
  });

  it("b64 false (RFC 7797) is refused; b64 true is the default; b64 not boolean is malformed", () => {
    assert.equal(verify(hmacJwk, hs256({ alg: "HS256", b64: false, crit: ["b64"] }, claims)), "invalid: b64_false");
    assert.equal(verify(hmacJwk, hs256({ alg: "HS256", b64: false }, claims)), "invalid: b64_false");
    assert.equal(verify(hmacJwk, hs256({ alg: "HS256", b64: true }, claims)), "valid");
    assert.equal(verify(hmacJwk, hs256({ alg: "HS256", b64: "false" }, claims)), "invalid: malformed");
  });
});

describe("malformed structure", () => {
  const good = hs256({ alg: "HS256" }, claims);
  const [h, p, s] = good.split(".");

  it("part counts other than three", () => {
    for (const t of [h, `${h}.${p}`, `${h}.${p}.${s}.${s}`, `${h}.${p}.${s}.`, `${h}.${p}.${s}..`, "..", "...", "", "."]) {
      assert.equal(verify(hmacJwk, t), "invalid: malformed", JSON.stringify(t.slice(0, 40)));
    }
  });

  it("trailing data after the signature", () => {
    for (const tail of [" ", "\n", "=", "==", "!", "\u0000", "é"]) {
      assert.equal(verify(hmacJwk, good + tail), "invalid: malformed", JSON.stringify(tail));
    }
    // One more base64url character changes the signature length: never valid.
    assert.notEqual(verify(hmacJwk, good + "A"), "valid");
  });

  it("padding in any part", () => {
    const padded = (x: string) => x + "=".repeat((4 - (x.length % 4)) % 4 || 1);
    assert.equal(verify(hmacJwk, `${padded(h)}.${p}.${s}`), "invalid: malformed");
    assert.equal(verify(hmacJwk, `${h}.${padded(p)}.${s}`), "invalid: malformed");
    assert.equal(verify(hmacJwk, `${h}.${p}.${padded(s)}`), "invalid: malformed");
  });

  it("non-canonical trailing bits (a second encoding of the same bytes)", () => {
    // 32 bytes -> 43 characters with 2 unused bits in the last one.
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const last = alphabet.indexOf(s[s.length - 1]);
    assert.equal(last & 3, 0);
    const variant = s.slice(0, -1) + alphabet[last | 1];
    assert.deepEqual(Buffer.from(variant, "base64url"), Buffer.from(s, "base64url"), "Node decodes both to the same bytes");
    assert.equal(verify(hmacJwk, `${h}.${p}.${variant}`), "invalid: malformed");
  });

  it("characters outside the base64url alphabet", () => {
    const std = Buffer.from(s, "base64url").toString("base64").replace(/=+$/, "");
    if (/[+/]/.test(std)) assert.equal(verify(hmacJwk, `${h}.${p}.${std}`), "invalid: malformed");
    assert.equal(verify(hmacJwk, `${h}.${p}.${s.slice(0, 10)}+${s.slice(11)}`), "invalid: malformed");
    assert.equal(verify(hmacJwk, `${h}.${p.slice(0, 4)} ${p.slice(5)}.${s}`), "invalid: malformed");
    assert.equal(verify(hmacJwk, `${h}.${p}.${s.slice(0, 5)}\u00e9${s.slice(6)}`), "invalid: malformed");
  });

  it("a JWS JSON serialisation is not a compact JWS", () => {
    const json = JSON.stringify({ protected: h, payload: p, signature: s });
    assert.equal(verify(hmacJwk, json), "invalid: malformed");
  });

  it("header not a JSON object, not JSON, empty, or with duplicate members", () => {
    for (const header of ['["HS256"]', '"HS256"', "42", "null", "{", "{}x", "", '{"alg":"HS256","alg":"HS256"}', '{"alg":"HS256","kid":"a","kid":"b"}']) {
      const t = hs256(header, claims);
      const expected = header === "" ? "invalid: malformed" : "invalid: malformed";
      assert.equal(verify(hmacJwk, t), expected, header);
    }
  });

  it("alg missing or not a string, kid not a string", () => {
    assert.equal(verify(hmacJwk, hs256({ typ: "JWT" }, claims)), "invalid: malformed");
    assert.equal(verify(hmacJwk, hs256({ alg: 256 }, claims)), "invalid: malformed");
    assert.equal(verify(hmacJwk, hs256({ alg: ["HS256"] }, claims)), "invalid: malformed");
    assert.equal(verify(hmacJwk, hs256({ alg: "HS256", kid: 7 }, claims)), "invalid: malformed");
  });

  it("JWT payload not a JSON object or with duplicate members", () => {
    for (const payload of ['["a"]', '"text"', "12", "not json", '{"sub":"a","sub":"b"}', '{"exp":1,"exp":99999999999}']) {
      assert.equal(jwt(hmacJwk, hs256({ alg: "HS256" }, payload)), "invalid: malformed", payload);
    }
  });
});

describe("too_large", () => {
  /** The shortest signed token at least `length` bytes long (base64 rounding skips some lengths). */
  const tokenAtLeast = (length: number): string => {
    const base = hs256({ alg: "HS256" }, { pad: "" });
    for (let pad = Math.max(0, Math.floor(((length - base.length) * 3) / 4) - 4); ; pad++) {
      const t = hs256({ alg: "HS256" }, { pad: "x".repeat(pad) });
      if (t.length >= length) return t;
    }
  };

  it("16 KiB is accepted, one byte more is refused before any other check", () => {
    let exact = tokenAtLeast(16384);
    for (let len = 16383; exact.length !== 16384 && len > 16370; len--) exact = tokenAtLeast(len);
    assert.ok(exact.length <= 16384 && exact.length > 16370);
    assert.equal(verify(hmacJwk, exact), "valid");
    const over = tokenAtLeast(16385);
    assert.ok(over.length > 16384);
    assert.equal(verify(hmacJwk, over), "invalid: too_large");
    assert.equal(verify(hmacJwk, "x".repeat(16385)), "invalid: too_large");
  });

  it("the bound is configurable", () => {
    const t = hs256({ alg: "HS256" }, claims);
    assert.equal(jwt(hmacJwk, t, { maxTokenBytes: t.length }), "valid");
    assert.equal(jwt(hmacJwk, t, { maxTokenBytes: t.length - 1 }), "invalid: too_large");
  });
});

describe("kid: unknown_kid and bad_key", () => {
  const set = JSON.stringify({
    keys: [
      { kty: "oct", kid: "k1", k: b64u(hmacSecret) },
      { kty: "oct", kid: "weak", k: b64u(Buffer.alloc(16)) },
    ],
  });

  it("a kid no key has", () => {
    assert.equal(verify(set, hs256({ alg: "HS256", kid: "k1" }, claims)), "valid");
    assert.equal(verify(set, hs256({ alg: "HS256", kid: "k2" }, claims)), "invalid: unknown_kid");
  });

  it("a kid naming a key the policy refused", () => {
    const detail = jose.verifyWithJwkDetail(set, hs256({ alg: "HS256", kid: "weak" }, claims, Buffer.alloc(16)), NOW);
    assert.equal(detail.split("\n")[0], "invalid: bad_key");
    assert.match(detail, /key 'weak' was refused: HMAC key k is 16 bytes/);
  });

  it("a key without kid serves tokens with any kid (as Envoy's jwt_authn), a key with kid only its own", () => {
    assert.equal(verify(hmacJwk, hs256({ alg: "HS256", kid: "whatever" }, claims)), "valid");
    assert.equal(verify(set, hs256({ alg: "HS256" }, claims)), "valid");
  });

  it("a refused key file (single JWK)", () => {
    assert.equal(verify(JSON.stringify({ kty: "oct", k: b64u(Buffer.alloc(8)) }), hs256({ alg: "HS256" }, claims)), "invalid: bad_key");
    assert.equal(verify("not json", hs256({ alg: "HS256" }, claims)), "invalid: bad_key");
  });
});

describe("bad_signature", () => {
  it("wrong key, changed payload, truncated or extended tags", () => {
    assert.equal(verify(hmacJwk, hs256({ alg: "HS256" }, claims, Buffer.alloc(32, 1))), "invalid: bad_signature");
    const [h, , s] = hs256({ alg: "HS256" }, claims).split(".");
    assert.equal(verify(hmacJwk, `${h}.${b64u(JSON.stringify({ ...claims, sub: "u2" }))}.${s}`), "invalid: bad_signature");
    const tag = Buffer.from(s, "base64url");
    const [hh, pp] = hs256({ alg: "HS256" }, claims).split(".");
    assert.equal(verify(hmacJwk, `${hh}.${pp}.${b64u(tag.subarray(0, 16))}`), "invalid: bad_signature");
    assert.equal(verify(hmacJwk, `${hh}.${pp}.${b64u(Buffer.concat([tag, Buffer.alloc(1)]))}`), "invalid: bad_signature");
    assert.equal(verify(hmacJwk, `${hh}.${pp}.`), "invalid: bad_signature");
  });

  it("ES256 with a DER signature instead of r || s", () => {
    assert.equal(verify(ecJwk, es256({ alg: "ES256" }, claims, "der")), "invalid: bad_signature");
  });

  it("RSA signature one byte short or with a leading zero byte added", () => {
    const [h, p, s] = rs256({ alg: "RS256" }, claims).split(".");
    const sig = Buffer.from(s, "base64url");
    assert.equal(verify(rsaJwk, `${h}.${p}.${b64u(sig.subarray(1))}`), "invalid: bad_signature");
    assert.equal(verify(rsaJwk, `${h}.${p}.${b64u(Buffer.concat([Buffer.alloc(1), sig]))}`), "invalid: bad_signature");
  });
});

describe("JWT claims", () => {
  const token = (c: object) => hs256({ alg: "HS256" }, c);
  const skew = 60;

  it("expired: exp <= now - skew", () => {
    assert.equal(jwt(hmacJwk, token({ exp: NOW - skew })), "invalid: expired");
    assert.equal(jwt(hmacJwk, token({ exp: NOW - skew + 1 })), "valid");
    assert.equal(jwt(hmacJwk, token({ exp: NOW - 1 }), { clockSkewSeconds: 0 }), "invalid: expired");
    assert.equal(jwt(hmacJwk, token({ exp: NOW }), { clockSkewSeconds: 0 }), "invalid: expired");
    assert.equal(jwt(hmacJwk, token({ exp: NOW + 0.5 }), { clockSkewSeconds: 0 }), "valid");
  });

  it("not_yet_valid: nbf > now + skew", () => {
    assert.equal(jwt(hmacJwk, token({ nbf: NOW + skew })), "valid");
    assert.equal(jwt(hmacJwk, token({ nbf: NOW + skew + 1 })), "invalid: not_yet_valid");
  });

  it("issued_in_future: iat > now + skew", () => {
    assert.equal(jwt(hmacJwk, token({ iat: NOW + skew })), "valid");
    assert.equal(jwt(hmacJwk, token({ iat: NOW + skew + 1 })), "invalid: issued_in_future");
  });

  it("bad_claim: time claims that are not numbers; exp required on request", () => {
    for (const c of [{ exp: "1900000000" }, { nbf: null }, { iat: true }, { exp: [1] }]) {
      assert.equal(jwt(hmacJwk, token(c)), "invalid: bad_claim", JSON.stringify(c));
    }
    assert.equal(jwt(hmacJwk, token({ sub: "x" })), "valid");
    assert.equal(jwt(hmacJwk, token({ sub: "x" }), { requireExp: true }), "invalid: bad_claim");
  });

  it("issuer: exact match required when configured", () => {
    const opts = { issuer: "https://issuer.example" };
    assert.equal(jwt(hmacJwk, token({ iss: "https://issuer.example" }), opts), "valid");
    assert.equal(jwt(hmacJwk, token({ iss: "https://issuer.example/" }), opts), "invalid: issuer");
    assert.equal(jwt(hmacJwk, token({ iss: "HTTPS://issuer.example" }), opts), "invalid: issuer");
    assert.equal(jwt(hmacJwk, token({ sub: "x" }), opts), "invalid: issuer");
    assert.equal(jwt(hmacJwk, token({ iss: ["https://issuer.example"] }), opts), "invalid: bad_claim");
    assert.equal(jwt(hmacJwk, token({ iss: "anyone" })), "valid");
  });

  it("audience: a string or an array meeting the configured list", () => {
    const opts = { audiences: ["api", "web"] };
    assert.equal(jwt(hmacJwk, token({ aud: "api" }), opts), "valid");
    assert.equal(jwt(hmacJwk, token({ aud: ["x", "web"] }), opts), "valid");
    assert.equal(jwt(hmacJwk, token({ aud: "other" }), opts), "invalid: audience");
    assert.equal(jwt(hmacJwk, token({ aud: ["x", "y"] }), opts), "invalid: audience");
    assert.equal(jwt(hmacJwk, token({ aud: [] }), opts), "invalid: audience");
    assert.equal(jwt(hmacJwk, token({ sub: "x" }), opts), "invalid: audience");
    assert.equal(jwt(hmacJwk, token({ aud: ["api", 7] }), opts), "invalid: bad_claim");
    assert.equal(jwt(hmacJwk, token({ aud: 7 }), opts), "invalid: bad_claim");
    assert.equal(jwt(hmacJwk, token({ aud: "other" })), "valid", "no audiences configured: aud not checked");
  });

  it("claims are judged only after the signature", () => {
    const forged = hs256({ alg: "HS256" }, { exp: 1 }, Buffer.alloc(32, 9));
    assert.equal(jwt(hmacJwk, forged), "invalid: bad_signature");
  });
});
