// Wycheproof vectors for the AssemblyScript ECDSA (P1363 signatures) and Ed25519 verifiers,
// run through dist/tools/crypto.js (build first: node scripts/build.mjs --only tools/crypto).
// Every `valid` case must verify, every `invalid` one must be rejected, and a trap or exception
// out of the wasm counts as a failure. Each file must run all of its numberOfTests cases.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as crypto from "../../dist/tools/crypto.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const vectors = join(root, "tests", "vectors", "wycheproof");

interface WycheproofTest {
  tcId: number;
  comment: string;
  flags: string[];
  msg: string;
  sig: string;
  result: "valid" | "invalid" | "acceptable";
}
interface WycheproofFile<G> {
  algorithm: string;
  numberOfTests: number;
  testGroups: (G & { tests: WycheproofTest[] })[];
}
interface EcdsaGroup {
  publicKey: { curve: string; wx: string; wy: string };
  sha: string;
}
interface EddsaGroup {
  publicKey: { curve: string; pk: string };
}

function load<G>(file: string): WycheproofFile<G> {
  return JSON.parse(readFileSync(join(vectors, file), "utf8")) as WycheproofFile<G>;
}

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, "hex"));

/** Wycheproof coordinates may carry a leading 00 or be shorter than the field: make them exactly len bytes. */
function coordinate(h: string, len: number): Uint8Array | null {
  const digits = h.replace(/^(00)+/, "");
  if (digits.length > 2 * len) return null;
  return hex(digits.padStart(2 * len, "0"));
}

function title(t: WycheproofTest): string {
  return `tcId ${t.tcId} ${t.result} [${t.flags.join(",")}] ${t.comment}`;
}

const ECDSA_FILES: [string, number, number, string][] = [
  // file, curve id (Curve enum), coordinate bytes, hash
  ["ecdsa_secp256r1_sha256_p1363_test.json", 1, 32, "sha256"],
  ["ecdsa_secp384r1_sha384_p1363_test.json", 2, 48, "sha384"],
  ["ecdsa_secp521r1_sha512_p1363_test.json", 3, 66, "sha512"],
];

for (const [file, curve, len, hash] of ECDSA_FILES) {
  describe(`wycheproof ${file}`, () => {
    const data = load<EcdsaGroup>(file);
    let ran = 0;
    for (const group of data.testGroups) {
      const x = coordinate(group.publicKey.wx, len);
      const y = coordinate(group.publicKey.wy, len);
      let handle = -1;
      const keyFor = (): number => {
        if (handle < 0 && x && y) handle = crypto.ecKeyLoad(curve, x, y);
        return handle;
      };
      for (const t of group.tests) {
        ran++;
        it(title(t), () => {
          assert.equal(group.sha.replace("-", "").toLowerCase(), hash, "group hash differs from the file's");
          const h = keyFor();
          if (t.result === "valid") assert.ok(h >= 0, "valid case but the public key was rejected");
          if (h < 0) return; // key rejected: the (invalid) signature is rejected too
          const digest = createHash(hash).update(hex(t.msg)).digest();
          const ok = crypto.ecdsaVerifyDigest(h, digest, hex(t.sig));
          assert.equal(ok, t.result === "valid");
        });
      }
    }
    it("ran every test of the file", () => {
      assert.equal(ran, data.numberOfTests);
    });
  });
}

describe("wycheproof ed25519_test.json", () => {
  const data = load<EddsaGroup>("ed25519_test.json");
  let ran = 0;
  for (const group of data.testGroups) {
    const pk = hex(group.publicKey.pk);
    let handle: number | undefined;
    for (const t of group.tests) {
      ran++;
      it(title(t), () => {
        handle ??= crypto.edKeyLoad(pk);
        if (t.result === "valid") assert.ok(handle >= 0, "valid case but the public key was rejected");
        const expected = t.result === "valid";
        if (handle >= 0) assert.equal(crypto.ed25519VerifyHandle(handle, hex(t.msg), hex(t.sig)), expected, "prepared key");
        assert.equal(crypto.ed25519VerifyBytes(pk, hex(t.msg), hex(t.sig)), expected, "one-shot");
      });
    }
  }
  it("ran every test of the file", () => {
    assert.equal(ran, data.numberOfTests);
  });
});

// RFC 7515 Appendix A.3 (ES256, a high-S signature) and A.4 (ES512): JWS compact examples.
describe("RFC 7515 ECDSA examples", () => {
  const rfc = join(root, "tests", "vectors", "rfc7515");
  const cases: [string, number, string][] = [
    ["rfc7515_A.3", 1, "sha256"],
    ["rfc7515_A.4", 3, "sha512"],
  ];
  for (const [name, curve, hash] of cases) {
    it(`${name} verifies; a modified payload does not`, () => {
      const jwk = JSON.parse(readFileSync(join(rfc, `${name}.jwk`), "utf8")) as { x: string; y: string };
      const jws = readFileSync(join(rfc, `${name}.jwsc`), "utf8").trim();
      const [header, payload, signature] = jws.split(".");
      const key = crypto.ecKeyLoad(curve, Buffer.from(jwk.x, "base64url"), Buffer.from(jwk.y, "base64url"));
      assert.ok(key >= 0);
      const sig = Buffer.from(signature, "base64url");
      const digest = createHash(hash).update(`${header}.${payload}`).digest();
      assert.equal(crypto.ecdsaVerifyDigest(key, digest, sig), true);
      const other = createHash(hash).update(`${header}.${payload}x`).digest();
      assert.equal(crypto.ecdsaVerifyDigest(key, other, sig), false);
    });
  }
});
