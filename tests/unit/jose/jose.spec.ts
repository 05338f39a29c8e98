// Unit tests of the JOSE layer's own pieces: algorithm names, the ROCA fingerprint, the header
// cache, JWS/JWT verification on RFC 7515 A.1, and key-set lookup rules.
import { JwsAlg, algFromName, algName, algHashBytes } from "../../../assembly/jose/alg";
import { hasRocaFingerprint } from "../../../assembly/jose/roca";
import { headerOf, readHeader } from "../../../assembly/jose/header";
import { JoseError, reasonCode } from "../../../assembly/jose/errors";
import { JwkSet } from "../../../assembly/jose/jwks";
import { verifyCompactString, verifyCompact, JwsLimits } from "../../../assembly/jose/jws";
import { verifyJwtString, JwtOptions, checkClaims } from "../../../assembly/jose/jwt";
import { parseJsonString } from "../../../assembly/json";
import { hexDecode } from "../../../assembly/encoding/hex";

// RFC 7515 Appendix A.1 (HS256): key and token, data from the RFC.
const A1_KEY = "{\"kty\":\"oct\",\"k\":\"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow\"}";
const A1_TOKEN = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9" +
  ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ" +
  ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

function bytes(s: string): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode(s));
}

describe("algorithm names", () => {
  it("maps every supported name both ways", () => {
    const names = ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];
    for (let i = 0; i < names.length; i++) {
      const alg = algFromName(names[i]);
      expect(alg).not.toBe(JwsAlg.Unknown);
      expect(algName(alg)).toBe(names[i]);
    }
    expect(algFromName("Ed25519")).toBe(JwsAlg.EdDSA);
  });

  it("is exact: case, spacing and near misses are unknown", () => {
    const bad = ["hs256", "HS256 ", "HS1", "ES256K", "ES521", "PS", "none", "", "EDDSA", "RS25", "HS2560"];
    for (let i = 0; i < bad.length; i++) expect(algFromName(bad[i])).toBe(JwsAlg.Unknown, bad[i]);
  });

  it("knows each hash length", () => {
    expect(algHashBytes(JwsAlg.HS256)).toBe(32);
    expect(algHashBytes(JwsAlg.PS384)).toBe(48);
    expect(algHashBytes(JwsAlg.ES512)).toBe(64);
    expect(algHashBytes(JwsAlg.EdDSA)).toBe(0);
  });

  it("reason codes are the documented strings", () => {
    expect(reasonCode(JoseError.AlgNone)).toBe("alg_none");
    expect(reasonCode(JoseError.UnknownKid)).toBe("unknown_kid");
    expect(reasonCode(JoseError.IssuedInFuture)).toBe("issued_in_future");
    expect(reasonCode(JoseError.None)).toBe("");
  });
});

describe("ROCA fingerprint", () => {
  it("flags the Wycheproof ROCA key and passes an ordinary modulus (RFC 7515 A.6)", () => {
    const roca = hexDecode("01a9c5a687db8fb2a30f82dff8dda154c291ef27b04b25e185b8ab20c4c6a5f604859fe59ede54a0af7c0e7288800ad7193bb731a5bf1e1170d7a1c66930d41ea3eb21dedf7b8af5d42a91c34f72045b96efd57cb182301ddcc26967e5508e9ab889986d57e837dfe70f99fc37c498f43c17c3b9b064cf704443d7a033e03a821697aabf30fb29ee7d33b3767965a89058e3b39754bd3a1c007d28a23b0cfa79f9d711ac6e4c4b4f77b0634b1ecd68591af03c7d53b62a5f2d91163d4ef4f8f26831ae461ed85ec5f788c5123ffc12c87420fdcfea1d1b4a52c3521824fb3998348739b62a986d8e76b2289bc2eb8bc06d138147851b83a07183d210559f906321")!;
    const normal = hexDecode("a1f8160ae2e3c9b465ce8d2d656263362b927dbe29e1f02477fc1625cc90a136e38bd93497c5b6ea63dd7711e67c7429f956b0fb8a8f089adc4b69893cc1333f53edd019b87784252fec914fe4857769594bea4280d32c0f55bf62944f130396bc6e9bdf6ebdd2bda3678eeca0c668f701b38dbffb38c8342ce2fe6d27fade4a5a4874979dd4b9cf9adec4c75b05852c2c0f5ef8a5c1750392f944e8ed64c110c6b647609aa4783aeb9c6c9ad755313050638b83665c6f6f7a82a396702a1f641b82d3ebf2392219491fb686872c5716f50af8358d9a8b9d17c340728f7f87d89a18d8fcab67ad84590c2ecf759339363c07034d6f606f9e21e05456cae5e9a1")!;
    expect(hasRocaFingerprint(roca)).toBe(true);
    expect(hasRocaFingerprint(normal)).toBe(false);
  });

  it("a power of 65537 passes every residue test (the structure ROCA primes have)", () => {
    // 65537^3 = 281487861809153 = 0x10003_0003_0001
    expect(hasRocaFingerprint(hexDecode("01000300030001")!)).toBe(true);
    expect(hasRocaFingerprint(hexDecode("01000300030003")!)).toBe(false);
  });
});

describe("header", () => {
  it("reads alg and kid and refuses the forbidden forms", () => {
    const ok = readHeader(bytes("eyJhbGciOiJIUzI1NiIsImtpZCI6ImsxIn0"), 35);
    expect(ok.error).toBe(JoseError.None);
    expect(ok.alg).toBe(JwsAlg.HS256);
    expect(ok.kid!).toBe("k1");
    // {"alg":"none"}
    expect(readHeader(bytes("eyJhbGciOiJub25lIn0"), 19).error).toBe(JoseError.AlgNone);
    // {"alg":"HS256","crit":["x"],"x":1}
    const crit = bytes("eyJhbGciOiJIUzI1NiIsImNyaXQiOlsieCJdLCJ4IjoxfQ");
    expect(readHeader(crit, crit.length).error).toBe(JoseError.CritUnsupported);
    // {"alg":"HS256","alg":"HS256"}
    const dup = bytes("eyJhbGciOiJIUzI1NiIsImFsZyI6IkhTMjU2In0");
    expect(readHeader(dup, dup.length).error).toBe(JoseError.Malformed);
    expect(readHeader(bytes(""), 0).error).toBe(JoseError.Malformed);
  });

  it("answers a repeated header text from the cache, with the same outcome", () => {
    const t1 = bytes(A1_TOKEN);
    const first = headerOf(t1, 40);
    const again = headerOf(bytes(A1_TOKEN), 40);
    expect(changetype<usize>(again)).toBe(changetype<usize>(first));
    // A different header of the same length is not confused with it.
    const other = bytes("eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzM4NCJ9");
    const h = headerOf(other, other.length);
    expect(h.alg).toBe(JwsAlg.HS384);
    expect(headerOf(t1, 40).alg).toBe(JwsAlg.HS256);
  });
});

describe("verification (RFC 7515 A.1)", () => {
  it("verifies the example and exposes header, kid, alg and payload", () => {
    const set = JwkSet.parseString(A1_KEY).set!;
    const r = verifyCompactString(A1_TOKEN, set);
    expect(r.ok).toBe(true, r.detail);
    expect(r.alg).toBe("HS256");
    expect(r.kid).toBeNull();
    expect(r.payload!.length).toBe(70);
    expect(r.header!.get("typ")!.asString()!).toBe("JWT");
  });

  it("JWT: valid before exp, expired after, with the skew", () => {
    const set = JwkSet.parseString(A1_KEY).set!;
    const o = new JwtOptions();
    o.nowSeconds = 1300819380 - 10;
    o.clockSkewSeconds = 0;
    expect(verifyJwtString(A1_TOKEN, set, o).ok).toBe(true);
    o.nowSeconds = 1300819380;
    expect(verifyJwtString(A1_TOKEN, set, o).reason).toBe("expired");
    o.clockSkewSeconds = 60;
    expect(verifyJwtString(A1_TOKEN, set, o).ok).toBe(true);
    o.issuer = "joe";
    expect(verifyJwtString(A1_TOKEN, set, o).ok).toBe(true);
    o.issuer = "jane";
    expect(verifyJwtString(A1_TOKEN, set, o).reason).toBe("issuer");
  });

  it("never traps on hostile bytes", () => {
    const set = JwkSet.parseString(A1_KEY).set!;
    const inputs = ["", ".", "..", "...", "a.b.c", "\u0000.\u0000.\u0000", "{}", "e30.e30.", "e30..", ".e30.", "eyJhbGciOiJIUzI1NiJ9.."];
    for (let i = 0; i < inputs.length; i++) expect(verifyCompactString(inputs[i], set).ok).toBe(false, inputs[i]);
    const raw = new Uint8Array(300);
    for (let i = 0; i < raw.length; i++) raw[i] = <u8>(i * 37 + 11);
    expect(verifyCompact(raw, set).ok).toBe(false);
    const limits = new JwsLimits();
    limits.maxTokenBytes = 10;
    expect(verifyCompactString(A1_TOKEN, set, limits).reason).toBe("too_large");
  });

  it("checkClaims works on an already verified payload", () => {
    const payload = parseJsonString("{\"exp\": 100, \"aud\": [\"a\", \"b\"]}").value!;
    const o = new JwtOptions();
    o.nowSeconds = 50;
    o.audiences = ["b"];
    expect(checkClaims(payload, o).ok).toBe(true);
    o.audiences = ["c"];
    expect(checkClaims(payload, o).error).toBe(JoseError.Audience);
  });
});
