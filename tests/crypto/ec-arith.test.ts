// Differential tests of the AssemblyScript elliptic-curve code (dist/tools/crypto.js, build first:
// node scripts/build.mjs --only tools/crypto): field arithmetic and scalar inversion against BigInt,
// and ECDSA / Ed25519 verification against Node's crypto on random keys and messages.
// Inputs come from a seeded generator, so a failure reproduces.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as nodeCrypto from "node:crypto";
import * as crypto from "../../dist/tools/crypto.js";

/** xorshift64*: deterministic bytes for reproducible inputs. */
function rng(seed: bigint): (n: number) => Buffer {
  let s = seed;
  return (n: number) => {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) {
      s ^= s >> 12n;
      s ^= (s << 25n) & 0xffffffffffffffffn;
      s ^= s >> 27n;
      out[i] = Number(((s * 0x2545f4914f6cdd1dn) >> 56n) & 0xffn);
    }
    return out;
  };
}

const big = (b: Uint8Array): bigint => (b.length ? BigInt("0x" + Buffer.from(b).toString("hex")) : 0n);
const bytes = (x: bigint, len: number): Uint8Array => Uint8Array.from(Buffer.from(x.toString(16).padStart(2 * len, "0"), "hex"));
const mod = (a: bigint, m: bigint): bigint => ((a % m) + m) % m;
function inverse(a: bigint, m: bigint): bigint {
  let [r0, r1, s0, s1] = [a, m, 1n, 0n];
  while (r1) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0, m);
}

const FIELDS: [string, number, bigint, number][] = [
  // name, ecTestFieldOp field id, p, bytes
  ["P-256", 1, 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n, 32],
  ["P-384", 2, 2n ** 384n - 2n ** 128n - 2n ** 96n + 2n ** 32n - 1n, 48],
  ["P-521", 3, 2n ** 521n - 1n, 66],
  ["edwards25519", 4, 2n ** 255n - 19n, 32],
];

describe("field arithmetic vs BigInt", () => {
  for (const [name, id, p, len] of FIELDS) {
    it(`${name}: mul, sqr, add, sub, inv on edge and random values`, () => {
      const random = rng(BigInt(id) * 7919n + 1n);
      const edges = [0n, 1n, 2n, p - 1n, p - 2n, (p - 1n) / 2n, (p + 1n) / 2n, 2n ** BigInt(8 * len - 8)];
      const pick = (i: number, j: number) => (i < 64 ? edges[j % edges.length] : mod(big(random(len)), p));
      for (let i = 0; i < 1500; i++) {
        const a = pick(i, i), b = pick(i, i >> 3);
        const A = bytes(a, len), B = bytes(b, len);
        const ctx = `a=${a.toString(16)} b=${b.toString(16)}`;
        assert.equal(big(crypto.ecTestFieldOp(id, 0, A, B)), (a * b) % p, `mul ${ctx}`);
        assert.equal(big(crypto.ecTestFieldOp(id, 4, A, B)), (a * a) % p, `sqr ${ctx}`);
        assert.equal(big(crypto.ecTestFieldOp(id, 1, A, B)), (a + b) % p, `add ${ctx}`);
        assert.equal(big(crypto.ecTestFieldOp(id, 2, A, B)), mod(a - b, p), `sub ${ctx}`);
        if (i % 25 === 0) assert.equal(big(crypto.ecTestFieldOp(id, 3, A, B)), a === 0n ? 0n : inverse(a, p), `inv ${ctx}`);
      }
    });
  }
});

const ORDERS: [string, number, bigint, number][] = [
  ["P-256", 1, BigInt("0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551"), 32],
  ["P-384", 2, BigInt("0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973"), 48],
  ["P-521", 3, BigInt("0x01ff" + "ffffffff".repeat(7) + "fffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409"), 66],
];

describe("scalar inversion modulo n vs BigInt", () => {
  for (const [name, curve, n, len] of ORDERS) {
    it(`${name}: edge values, random values, values of every length`, () => {
      const random = rng(BigInt(curve) * 104729n);
      const values = [1n, 2n, 3n, n - 1n, n - 2n, n / 2n, (n + 1n) / 2n, 2n ** 64n, 2n ** 200n + 1n];
      for (let i = 0; i < 400; i++) {
        const v = mod(big(random(len)), n);
        values.push(v >> BigInt(i % (8 * len)));
      }
      for (const a of values) {
        if (a === 0n) continue;
        const r = big(crypto.ecTestScalarInvert(curve, bytes(a, len)));
        assert.equal((r * a) % n, 1n, `a=${a.toString(16)}`);
      }
      assert.equal(crypto.ecTestScalarInvert(curve, bytes(0n, len)).length, 0);
      assert.equal(crypto.ecTestScalarInvert(curve, bytes(n, len)).length, 0);
    });
  }
});

const ECDSA: [string, number, string, string][] = [
  ["P-256", 1, "prime256v1", "sha256"],
  ["P-384", 2, "secp384r1", "sha384"],
  ["P-521", 3, "secp521r1", "sha512"],
];

describe("ECDSA vs node:crypto on random keys and messages", () => {
  for (const [name, curve, named, hash] of ECDSA) {
    it(`${name}: node's signatures verify; modified ones do not`, () => {
      const random = rng(BigInt(curve) * 31337n);
      for (let k = 0; k < 4; k++) {
        const { publicKey, privateKey } = nodeCrypto.generateKeyPairSync("ec", { namedCurve: named });
        const jwk = publicKey.export({ format: "jwk" });
        const handle = crypto.ecKeyLoad(curve, Buffer.from(jwk.x!, "base64url"), Buffer.from(jwk.y!, "base64url"));
        assert.ok(handle >= 0);
        for (let i = 0; i < 10; i++) {
          const msg = random(i * 37);
          const sig = nodeCrypto.sign(hash, msg, { key: privateKey, dsaEncoding: "ieee-p1363" });
          assert.equal(crypto.ecdsaVerifyMessage(handle, msg, sig), true);
          const bad = Buffer.from(sig);
          bad[i % bad.length] ^= 1 << (i % 8);
          assert.equal(crypto.ecdsaVerifyMessage(handle, msg, bad), false);
          assert.equal(crypto.ecdsaVerifyMessage(handle, Buffer.concat([msg, Buffer.from([0])]), sig), false);
        }
      }
      crypto.ecKeysClear();
    });
  }
});

describe("Ed25519 vs node:crypto on random keys and messages", () => {
  it("node's signatures verify; modified ones do not", () => {
    const random = rng(25519n);
    for (let k = 0; k < 6; k++) {
      const { publicKey, privateKey } = nodeCrypto.generateKeyPairSync("ed25519");
      const pk = Buffer.from(publicKey.export({ format: "jwk" }).x!, "base64url");
      const handle = crypto.edKeyLoad(pk);
      assert.ok(handle >= 0);
      for (let i = 0; i < 10; i++) {
        const msg = random(i * 53);
        const sig = nodeCrypto.sign(null, msg, privateKey);
        assert.equal(crypto.ed25519VerifyHandle(handle, msg, sig), true);
        const bad = Buffer.from(sig);
        bad[(i * 7) % 64] ^= 1 << (i % 8);
        assert.equal(crypto.ed25519VerifyHandle(handle, msg, bad), false);
        assert.equal(crypto.ed25519VerifyHandle(handle, Buffer.concat([msg, Buffer.from([1])]), sig), false);
      }
    }
    crypto.edKeysClear();
  });
});
