// Wycheproof vectors for the AssemblyScript HMAC, RSASSA-PKCS1-v1_5 and RSASSA-PSS verifiers, run
// through dist/tools/crypto.js (build first: node scripts/build.mjs --only tools/crypto).
// `valid` must verify; `invalid` and `acceptable` (only the PKCS#1 MissingNull DigestInfo, which a
// strict verifier refuses) must be rejected; a trap or exception out of the wasm is a failure.
// Every file must run all of its numberOfTests cases: parameters the primitives cannot express
// make the case fail, never skip.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as crypto from "../../dist/tools/crypto.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const vectors = join(root, "..", "shared", "vectors", "wycheproof");

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

for (const file of hmacFiles) {
  describe(`wycheproof ${file}`, () => {
    const data = load(file);
    const alg = hashAlg(`SHA-${file.slice("hmac_sha".length, "hmac_sha".length + 3)}`);
    let ran = 0;
    for (const group of data.testGroups) {
      for (const t of group.tests) {
        ran++;
        it(title(t), () => {
          const key = hex(t.key!), msg = hex(t.msg), tag = hex(t.tag!);
          const tagBytes = group.tagSize! / 8;
          assert.equal(key.length * 8, group.keySize, "key length differs from the group's keySize");
          const expected = t.result === "valid";
          // Primitive level: the full MAC, truncated to the group's tag size.
          const full = crypto.hmacCompute(alg, key, msg);
          const computed = Buffer.from(full.subarray(0, tagBytes));
          assert.equal(tag.length === tagBytes && computed.equals(Buffer.from(tag)), expected, "hmacCompute");
          // The prepared key's constant-time check of a truncated tag.
          const handle = crypto.hmacKeyLoad(alg, key);
          assert.equal(tag.length === tagBytes && crypto.hmacVerify(handle, msg, tag), expected, "HmacKey.verify");
        });
      }
    }
    it("ran every test of the file", () => {
      assert.equal(ran, data.numberOfTests);
    });
  });
}

for (const file of pkcs1Files) {
  describe(`wycheproof ${file}`, () => {
    const data = load(file);
    let ran = 0;
    for (const group of data.testGroups) {
      const n = hex(group.publicKey!.modulus), e = hex(group.publicKey!.publicExponent);
      let handle: number | undefined;
      for (const t of group.tests) {
        ran++;
        it(title(t), () => {
          const hash = hashAlg(group.sha);
          handle ??= crypto.rsaKeyLoad(n, e);
          assert.ok(handle >= 0, "the group's public key was refused");
          const expected = t.result === "valid";
          const msg = hex(t.msg), sig = hex(t.sig!);
          assert.equal(crypto.rsaPkcs1VerifyKey(handle, hash, msg, sig), expected, "prepared key");
          assert.equal(crypto.rsaPkcs1VerifyOnce(n, e, hash, msg, sig), expected, "one-shot");
        });
      }
    }
    it("ran every test of the file", () => {
      assert.equal(ran, data.numberOfTests);
    });
    it("pins the strict choice: the acceptable MissingNull DigestInfo is rejected", () => {
      const missing = data.testGroups.flatMap((g) => g.tests.map((t) => ({ g, t }))).filter(({ t }) => t.flags.includes("MissingNull"));
      assert.ok(missing.length >= 1, "the file has no MissingNull case");
      for (const { g, t } of missing) {
        assert.equal(t.result, "acceptable");
        const ok = crypto.rsaPkcs1VerifyOnce(hex(g.publicKey!.modulus), hex(g.publicKey!.publicExponent), hashAlg(g.sha), hex(t.msg), hex(t.sig!));
        assert.equal(ok, false, `tcId ${t.tcId}`);
      }
    });
  });
}

for (const file of pssFiles) {
  describe(`wycheproof ${file}`, () => {
    const data = load(file);
    let ran = 0;
    for (const group of data.testGroups) {
      const n = hex(group.publicKey!.modulus), e = hex(group.publicKey!.publicExponent);
      let handle: number | undefined;
      for (const t of group.tests) {
        ran++;
        it(`${group.sha}/MGF1-${group.mgfSha}/sLen ${group.sLen} ${title(t)}`, () => {
          assert.equal(group.mgf, "MGF1", `mask generation ${group.mgf} is not supported`);
          const hash = hashAlg(group.sha), mgfHash = hashAlg(group.mgfSha);
          assert.ok(Number.isInteger(group.sLen) && group.sLen! >= 0, "salt length missing");
          handle ??= crypto.rsaKeyLoad(n, e);
          assert.ok(handle >= 0, "the group's public key was refused");
          const expected = t.result === "valid";
          const msg = hex(t.msg), sig = hex(t.sig!);
          assert.equal(crypto.rsaPssVerifyKey(handle, hash, mgfHash, group.sLen!, msg, sig), expected, "prepared key");
          assert.equal(crypto.rsaPssVerifyOnce(n, e, hash, mgfHash, group.sLen!, msg, sig), expected, "one-shot");
        });
      }
    }
    it("ran every test of the file", () => {
      assert.equal(ran, data.numberOfTests);
    });
  });
}
