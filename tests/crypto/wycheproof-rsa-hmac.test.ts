// Wycheproof vectors for the AssemblyScript HMAC, RSASSA-PKCS1-v1_5 and RSASSA-PSS verifiers, run
// through dist/tools/crypto.js (build first: node scripts/build.mjs --only tools/crypto); then the
// RFC 7515 HS256/RS256 examples, differential checks against Node's signer (modulus sizes that
// Wycheproof lacks, such as 8k+1 bits, where the PSS encoding is one byte shorter than n) and
// strict base64url against a reference definition.
// `valid` must verify; `invalid` and `acceptable` (only the PKCS#1 MissingNull DigestInfo, which a
// strict verifier refuses) must be rejected; a trap or exception out of the wasm is a failure.
// Every file must run all of its numberOfTests cases: parameters the primitives cannot express
// make the case fail, never skip.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { constants, createHmac, generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as crypto from "../../dist/tools/crypto.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const vectors = join(root, "tests", "vectors", "wycheproof");

interface Test {
  tcId: number;
  comment: string;
  flags: string[];
  result: "valid" | "invalid" | "acceptable";
  msg: string;
  sig?: string;
  key?: string;
  tag?: string;
}
interface Group {
  tests: Test[];
  // RSA
  publicKey?: { modulus: string; publicExponent: string };
  sha?: string;
  mgf?: string;
  mgfSha?: string;
  sLen?: number;
  // HMAC
  keySize?: number;
  tagSize?: number;
}
interface File {
  algorithm: string;
  numberOfTests: number;
  testGroups: Group[];
}

const load = (file: string): File => JSON.parse(readFileSync(join(vectors, file), "utf8")) as File;
const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, "hex"));
const title = (t: Test): string => `tcId ${t.tcId} ${t.result} [${t.flags.join(",")}] ${t.comment}`;

/** HashAlg values of assembly/crypto/hash-alg.ts; an unknown name throws (the case fails). */
function hashAlg(name: string | undefined): number {
  const map: Record<string, number> = { "SHA-256": 0, "SHA-384": 1, "SHA-512": 2, "SHA-1": 3, "SHA-224": 4 };
  if (name === undefined || !(name in map)) throw new Error(`hash ${name} is not supported by the primitive`);
  return map[name];
}

const files = readdirSync(vectors).filter((f) => f.endsWith("_test.json"));
const hmacFiles = files.filter((f) => f.startsWith("hmac_sha"));
const pkcs1Files = files.filter((f) => f.startsWith("rsa_signature_"));
const pssFiles = files.filter((f) => f.startsWith("rsa_pss_"));

describe("wycheproof files present", () => {
  it("HMAC, RSA PKCS#1 v1.5 and RSA-PSS files are all found", () => {
    assert.deepEqual(hmacFiles.sort(), ["hmac_sha256_test.json", "hmac_sha384_test.json", "hmac_sha512_test.json"]);
    assert.equal(pkcs1Files.length, 9);
    assert.equal(pssFiles.length, 9);
  });
});

/**
 * One describe per file: an `it` per case (named by `name`, checked by `check`), then a check that
 * every one of the file's numberOfTests cases ran, then `extra` for file-level pins.
 */
function fileSuite(file: string, name: (g: Group, t: Test) => string, check: (g: Group, t: Test) => void, extra?: (data: File) => void): void {
  describe(`wycheproof ${file}`, () => {
    const data = load(file);
    let ran = 0;
    for (const group of data.testGroups) {
      for (const t of group.tests) {
        ran++;
        it(name(group, t), () => check(group, t));
      }
    }
    it("ran every test of the file", () => {
      assert.equal(ran, data.numberOfTests);
    });
    extra?.(data);
  });
}

interface RsaKey { handle: number; n: Uint8Array; e: Uint8Array }
const rsaKeys = new Map<Group, RsaKey>();

/** The group's public key, prepared once; a refused key fails the case. */
function rsaKey(group: Group): RsaKey {
  let key = rsaKeys.get(group);
  if (!key) {
    const n = hex(group.publicKey!.modulus), e = hex(group.publicKey!.publicExponent);
    key = { handle: crypto.rsaKeyLoad(n, e), n, e };
    rsaKeys.set(group, key);
  }
  assert.ok(key.handle >= 0, "the group's public key was refused");
  return key;
}

for (const file of hmacFiles) {
  const alg = hashAlg(`SHA-${file.slice("hmac_sha".length, "hmac_sha".length + 3)}`);
  fileSuite(file, (_g, t) => title(t), (group, t) => {
    const key = hex(t.key!), msg = hex(t.msg), tag = hex(t.tag!);
    const tagBytes = group.tagSize! / 8;
    assert.equal(key.length * 8, group.keySize, "key length differs from the group's keySize");
    const expected = t.result === "valid";
    // Primitive level: the full MAC, truncated to the group's tag size.
    const computed = Buffer.from(crypto.hmacCompute(alg, key, msg).subarray(0, tagBytes));
    assert.equal(tag.length === tagBytes && computed.equals(Buffer.from(tag)), expected, "hmacCompute");
    // The prepared key's constant-time check of a truncated tag.
    const handle = crypto.hmacKeyLoad(alg, key);
    assert.equal(tag.length === tagBytes && crypto.hmacVerify(handle, msg, tag), expected, "HmacKey.verify");
  });
}

for (const file of pkcs1Files) {
  fileSuite(file, (_g, t) => title(t), (group, t) => {
    const hash = hashAlg(group.sha);
    const { handle, n, e } = rsaKey(group);
    const expected = t.result === "valid";
    const msg = hex(t.msg), sig = hex(t.sig!);
    assert.equal(crypto.rsaPkcs1VerifyKey(handle, hash, msg, sig), expected, "prepared key");
    assert.equal(crypto.rsaPkcs1VerifyOnce(n, e, hash, msg, sig), expected, "one-shot");
  }, (data) => {
    it("pins the strict choice: the acceptable MissingNull DigestInfo is rejected", () => {
      const missing = data.testGroups.flatMap((g) => g.tests.map((t) => ({ g, t }))).filter(({ t }) => t.flags.includes("MissingNull"));
      assert.ok(missing.length >= 1, "the file has no MissingNull case");
      for (const { g, t } of missing) {
        assert.equal(t.result, "acceptable");
        assert.equal(crypto.rsaPkcs1VerifyKey(rsaKey(g).handle, hashAlg(g.sha), hex(t.msg), hex(t.sig!)), false, `tcId ${t.tcId}`);
      }
    });
  });
}

for (const file of pssFiles) {
  fileSuite(file, (g, t) => `${g.sha}/MGF1-${g.mgfSha}/sLen ${g.sLen} ${title(t)}`, (group, t) => {
    assert.equal(group.mgf, "MGF1", `mask generation ${group.mgf} is not supported`);
    const hash = hashAlg(group.sha), mgfHash = hashAlg(group.mgfSha);
    assert.ok(Number.isInteger(group.sLen) && group.sLen! >= 0, "salt length missing");
    const { handle, n, e } = rsaKey(group);
    const expected = t.result === "valid";
    const msg = hex(t.msg), sig = hex(t.sig!);
    assert.equal(crypto.rsaPssVerifyKey(handle, hash, mgfHash, group.sLen!, msg, sig), expected, "prepared key");
    assert.equal(crypto.rsaPssVerifyOnce(n, e, hash, mgfHash, group.sLen!, msg, sig), expected, "one-shot");
  });
}

// RFC 7515 Appendix A.1 (HS256) and A.2 (RS256): JWS compact examples.
describe("RFC 7515 HS256 and RS256 examples", () => {
  const rfc = join(root, "tests", "vectors", "rfc7515");
  const parts = (name: string) => {
    const jws = readFileSync(join(rfc, `${name}.jwsc`), "utf8").trim();
    const [header, payload, signature] = jws.split(".");
    return { input: new TextEncoder().encode(`${header}.${payload}`), sig: Buffer.from(signature, "base64url") };
  };
  it("A.1 HS256 verifies; a modified input does not", () => {
    const jwk = JSON.parse(readFileSync(join(rfc, "rfc7515_A.1.jwk"), "utf8")) as { k: string };
    const { input, sig } = parts("rfc7515_A.1");
    const key = crypto.hmacKeyLoad(0, Buffer.from(jwk.k, "base64url"));
    assert.equal(crypto.hmacVerify(key, input, sig), true);
    input[5] ^= 1;
    assert.equal(crypto.hmacVerify(key, input, sig), false);
  });
  it("A.2 RS256 verifies; a modified input does not", () => {
    const jwk = JSON.parse(readFileSync(join(rfc, "rfc7515_A.2.jwk"), "utf8")) as { n: string; e: string };
    const { input, sig } = parts("rfc7515_A.2");
    const key = crypto.rsaKeyLoad(Buffer.from(jwk.n, "base64url"), Buffer.from(jwk.e, "base64url"));
    assert.ok(key >= 0);
    assert.equal(crypto.rsaPkcs1VerifyKey(key, 0, input, sig), true);
    input[5] ^= 1;
    assert.equal(crypto.rsaPkcs1VerifyKey(key, 0, input, sig), false);
  });
});

describe("RSA against Node's signer", () => {
  const hashes: [number, string, number][] = [[0, "sha256", 32], [1, "sha384", 48], [2, "sha512", 64]];
  // 2049 and 3073 bits: modBits = 8k + 1, so EM is one byte shorter than the signature (RFC 8017 §9.1.2).
  for (const bits of [1024, 1025, 2047, 2049, 3073]) {
    it(`${bits}-bit key: PKCS#1 v1.5 and PSS (salt 0, hLen, 20) verify, altered ones do not`, () => {
      const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: bits });
      const jwk = publicKey.export({ format: "jwk" }) as { n: string; e: string };
      const key = crypto.rsaKeyLoad(Buffer.from(jwk.n, "base64url"), Buffer.from(jwk.e, "base64url"));
      assert.ok(key >= 0);
      for (const [alg, name, hLen] of hashes) {
        for (let round = 0; round < 3; round++) {
          const msg = randomBytes(round * 50);
          const sig = sign(name, msg, privateKey);
          assert.equal(crypto.rsaPkcs1VerifyKey(key, alg, msg, sig), true, `PKCS#1 ${name}`);
          const other = Buffer.from(sig);
          other[other.length - 1] ^= 1;
          assert.equal(crypto.rsaPkcs1VerifyKey(key, alg, msg, other), false);
          for (const saltLength of [0, hLen, 20]) {
            if (bits < 1100 && hLen == 64 && saltLength == 64) continue; // does not fit: Node refuses to sign
            const pss = sign(name, msg, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength });
            assert.equal(crypto.rsaPssVerifyKey(key, alg, alg, saltLength, msg, pss), true, `PSS ${name} salt ${saltLength}`);
            assert.equal(crypto.rsaPssVerifyKey(key, alg, alg, saltLength + 1, msg, pss), false, "another salt length");
            assert.equal(crypto.rsaPssVerifyKey(key, alg, alg, saltLength, Buffer.concat([msg, Buffer.of(0)]), pss), false);
          }
        }
      }
    });
  }
  it("refuses keys outside the primitive's bounds", () => {
    const n2048 = Buffer.alloc(256, 0xff);
    const e = Buffer.from([1, 0, 1]);
    assert.ok(crypto.rsaKeyLoad(n2048, e) >= 0);
    assert.equal(crypto.rsaKeyLoad(Buffer.concat([n2048.subarray(1), Buffer.of(0xfe)]), e), -1, "even modulus");
    assert.equal(crypto.rsaKeyLoad(Buffer.alloc(63, 0xff), e), -1, "504-bit modulus");
    assert.equal(crypto.rsaKeyLoad(Buffer.alloc(769, 0xff), e), -1, "6152-bit modulus");
    assert.equal(crypto.rsaKeyLoad(n2048, Buffer.of(1)), -1, "e = 1");
    assert.equal(crypto.rsaKeyLoad(n2048, Buffer.of(0, 0)), -1, "e = 0");
    assert.equal(crypto.rsaKeyLoad(n2048, Buffer.from([1, 0, 0])), -1, "even e");
    assert.equal(crypto.rsaKeyLoad(n2048, Buffer.alloc(33, 0xff)), -1, "264-bit e");
    assert.ok(crypto.rsaKeyLoad(n2048, Buffer.of(0, 0, 3)) >= 0, "leading zero bytes of e are ignored");
  });
  it("rejects signatures of the wrong length or >= n without trapping", () => {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const jwk = publicKey.export({ format: "jwk" }) as { n: string; e: string };
    const n = Buffer.from(jwk.n, "base64url");
    const key = crypto.rsaKeyLoad(n, Buffer.from(jwk.e, "base64url"));
    const msg = Buffer.from("payload");
    const sig = sign("sha256", msg, privateKey);
    assert.equal(crypto.rsaPkcs1VerifyKey(key, 0, msg, sig), true);
    assert.equal(crypto.rsaPkcs1VerifyKey(key, 0, msg, sig.subarray(1)), false);
    assert.equal(crypto.rsaPkcs1VerifyKey(key, 0, msg, Buffer.concat([Buffer.of(0), sig])), false);
    assert.equal(crypto.rsaPkcs1VerifyKey(key, 0, msg, n), false, "s = n");
    assert.equal(crypto.rsaPkcs1VerifyKey(key, 0, msg, Buffer.alloc(256, 0xff)), false, "s > n");
    assert.equal(crypto.rsaPkcs1VerifyKey(key, 0, msg, new Uint8Array(0)), false);
    assert.equal(crypto.rsaPkcs1VerifyKey(key, 7, msg, sig), false, "unknown hash");
    assert.equal(crypto.rsaPssVerifyKey(key, 0, 9, 32, msg, sig), false, "unknown MGF hash");
    assert.equal(crypto.rsaPssVerifyKey(key, 0, 0, -1, msg, sig), false, "negative salt length");
    // A genuine PSS signature, so that only the salt length can make these fail.
    const pss = sign("sha256", msg, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    assert.equal(crypto.rsaPssVerifyKey(key, 0, 0, 32, msg, pss), true);
    assert.equal(crypto.rsaPssVerifyKey(key, 0, 0, 1 << 30, msg, pss), false, "huge salt length");
    assert.equal(crypto.rsaPssVerifyKey(key, 0, 0, 0x7fffffff, msg, pss), false, "salt length that overflows hLen + sLen + 2");
  });
});

describe("HMAC against Node", () => {
  it("all key lengths 0..300 and message lengths around block boundaries", () => {
    for (const [alg, name] of [[0, "sha256"], [1, "sha384"], [2, "sha512"], [3, "sha1"], [4, "sha224"]] as const) {
      for (const keyLen of [0, 1, 31, 32, 63, 64, 65, 127, 128, 129, 300]) {
        for (const msgLen of [0, 55, 56, 64, 111, 112, 128, 1000]) {
          const key = randomBytes(keyLen), msg = randomBytes(msgLen);
          const want = createHmac(name, key).update(msg).digest();
          assert.deepEqual(Buffer.from(crypto.hmacCompute(alg, key, msg)), want, `${name} key ${keyLen} msg ${msgLen}`);
        }
      }
    }
  });
});

describe("strict base64url against a reference definition", () => {
  /** Strict reference: URL alphabet only, no padding, length not 1 mod 4, canonical (re-encodes to itself). */
  const reference = (s: string): Buffer | null => {
    if (!/^[A-Za-z0-9_-]*$/.test(s) || s.length % 4 === 1) return null;
    const b = Buffer.from(s, "base64url");
    return b.toString("base64url") === s ? b : null;
  };
  it("round-trips random bytes of every length up to 200", () => {
    for (let len = 0; len <= 200; len++) {
      const b = randomBytes(len);
      const s = crypto.b64urlEncode(b);
      assert.equal(s, b.toString("base64url"));
      assert.deepEqual(Buffer.from(crypto.b64urlDecode(s)!), b);
    }
  });
  it("agrees with the reference on random strings over a wider alphabet", () => {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/= .\n\u00e9\u4e00";
    let accepted = 0;
    for (let round = 0; round < 20000; round++) {
      const len = round % 13;
      let s = "";
      for (let i = 0; i < len; i++) {
        // Mostly valid characters, so that both outcomes are common.
        const pool = Math.random() < 0.97 ? 64 : alphabet.length;
        s += alphabet[Math.floor(Math.random() * pool)];
      }
      const want = reference(s);
      const got = crypto.b64urlDecode(s);
      assert.equal(got === null, want === null, JSON.stringify(s));
      if (want && got) {
        accepted++;
        assert.deepEqual(Buffer.from(got), want);
      }
      const bytes = Buffer.from(`.${s}.`, "utf8");
      const ranged = crypto.b64urlDecodeRange(bytes, 1, bytes.length - 1);
      assert.equal(ranged === null, want === null || Buffer.byteLength(s) !== s.length, `range ${JSON.stringify(s)}`);
    }
    assert.ok(accepted > 1000);
  });
});
