// Differential tests against the `jose` npm package (v6): tokens it signs with random keys and random
// claims must verify here (dist/tools/jose.js; build first: node scripts/build.mjs --only tools/jose),
// and single-byte mutations of header, payload or signature must be refused here and by jose alike.
//
// The one place the two sides may differ is base64url canonicity: jose decodes a signature whose last
// character has non-zero unused bits to the same bytes and accepts it, while this verifier refuses
// every non-canonical encoding (the issue asks for canonical trailing bits). Such mutations are
// recognised (they decode to the original signature) and counted, never silently skipped.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as joseLib from "jose";
import * as wasm from "../../dist/tools/jose.js";
import { root } from "./support.ts";

/** xorshift32: reproducible choices (the keys themselves come from jose and vary per run). */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s;
  };
  return {
    int: (n: number) => next() % n,
    pick: <T>(xs: readonly T[]): T => xs[next() % xs.length],
  };
}

type Rng = ReturnType<typeof rng>;

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

function randomString(r: Rng): string {
  const pools = ["abcdefghijklmnopqrstuvwxyz0123456789", "äöüßéèçñ€中文日本語", "😀🚀", " \"\\/\n\t<>&'", "\u2028\u00ad\u0001"];
  let s = "";
  for (let i = r.int(12); i >= 0; i--) {
    const pool = [...r.pick(pools)];
    s += pool[r.int(pool.length)];
  }
  return s;
}

function randomValue(r: Rng, depth: number): unknown {
  switch (r.int(depth > 2 ? 5 : 7)) {
    case 0: return randomString(r);
    case 1: return r.int(2) === 0 ? r.int(1_000_000) : -r.int(1_000_000) / 7;
    case 2: return r.int(2) === 0;
    case 3: return null;
    case 4: return r.int(2 ** 31) * 2 ** 20;
    case 5: return Array.from({ length: r.int(4) }, () => randomValue(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = r.int(4); i > 0; i--) o[randomString(r) || "k"] = randomValue(r, depth + 1);
      return o;
    }
  }
}

function randomClaims(r: Rng, now: number): Record<string, unknown> {
  const claims: Record<string, unknown> = { sub: randomString(r), iat: now - r.int(100), exp: now + 60 + r.int(10_000) };
  if (r.int(2)) claims.nbf = now - r.int(100);
  if (r.int(2)) claims.aud = r.int(2) ? "api" : ["api", randomString(r)];
  for (let i = r.int(5); i > 0; i--) claims["c" + i + randomString(r)] = randomValue(r, 0);
  return claims;
}

interface AlgCase { alg: string; gen: () => Promise<{ signKey: joseLib.CryptoKey | Uint8Array; jwk: joseLib.JWK; verifyKey: joseLib.CryptoKey | Uint8Array }> }

async function asymmetric(alg: string, options: Record<string, unknown> = {}) {
  const { publicKey, privateKey } = await joseLib.generateKeyPair(alg, options);
  return { signKey: privateKey, jwk: await joseLib.exportJWK(publicKey), verifyKey: publicKey };
}

async function symmetric(alg: string) {
  const secret = await joseLib.generateSecret(alg, { extractable: true });
  return { signKey: secret, jwk: await joseLib.exportJWK(secret), verifyKey: secret };
}

const ALGS: AlgCase[] = [
  ...["HS256", "HS384", "HS512"].map((alg) => ({ alg, gen: () => symmetric(alg) })),
  ...["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"].map((alg) => ({ alg, gen: () => asymmetric(alg) })),
  ...["ES256", "ES384", "ES512", "EdDSA"].map((alg) => ({ alg, gen: () => asymmetric(alg) })),
];

const TOKENS_PER_ALG = 6;
const MUTATIONS_PER_ALG = 600;
const now = Math.floor(Date.now() / 1000);

async function joseAccepts(token: Uint8Array, key: joseLib.CryptoKey | Uint8Array, alg: string): Promise<boolean> {
  try {
    await joseLib.compactVerify(token, key, { algorithms: [alg] });
    return true;
  } catch {
    return false;
  }
}

/** True when `mutated` differs from `original` only inside the signature and both decode to the same bytes. */
function sameSignatureBytes(original: Uint8Array, mutated: Uint8Array): boolean {
  const a = Buffer.from(original).toString("latin1");
  const b = Buffer.from(mutated).toString("latin1");
  const dot = a.lastIndexOf(".");
  if (a.slice(0, dot + 1) !== b.slice(0, dot + 1)) return false;
  const sigB = b.slice(dot + 1);
  if (!/^[A-Za-z0-9_-]*$/.test(sigB)) return false;
  return Buffer.from(a.slice(dot + 1), "base64url").equals(Buffer.from(sigB, "base64url"));
}

interface Tally { mutations: number; nonCanonicalSignature: number }

/** Mutates byte `pos` of `token` to `value`, checks both sides; returns whether it was a jose-only acceptance. */
async function checkMutation(token: Uint8Array, pos: number, value: number, handle: number, key: joseLib.CryptoKey | Uint8Array, alg: string, tally: Tally) {
  const m = Uint8Array.from(token);
  m[pos] = value;
  const ours = wasm.verifyTokenBytes(handle, m);
  const theirs = await joseAccepts(m, key, alg);
  tally.mutations++;
  const where = `${alg} byte ${pos} ${JSON.stringify(String.fromCharCode(token[pos]))} -> 0x${value.toString(16)}`;
  assert.notEqual(ours, 0, `accepted a mutated token: ${where}`);
  if (theirs) {
    assert.ok(sameSignatureBytes(token, m), `jose accepts but we refuse (code ${ours}), not a base64url canonicity case: ${where}`);
    assert.equal(ours, 1, `non-canonical signature encoding must be refused as malformed: ${where}`);
    tally.nonCanonicalSignature++;
  }
}

describe("differential against jose v6", () => {
  const batchLines: string[] = [];
  const batchExpected: string[] = [];

  for (const [index, c] of ALGS.entries()) {
    it(`${c.alg}: jose-signed tokens verify here; ${MUTATIONS_PER_ALG} single-byte mutations are refused by both`, async () => {
      const r = rng(0x5eed + index);
      const keys = [await c.gen(), await c.gen()];
      const tally: Tally = { mutations: 0, nonCanonicalSignature: 0 };
      for (let t = 0; t < TOKENS_PER_ALG; t++) {
        const k = keys[t % keys.length];
        const jwk = { ...k.jwk, kid: `k${t % keys.length}` };
        const claims = randomClaims(r, now);
        const header: joseLib.JWTHeaderParameters = { alg: c.alg, ...(r.int(2) ? { kid: jwk.kid } : {}), ...(r.int(2) ? { typ: "JWT" } : {}) };
        const token = await new joseLib.SignJWT(claims).setProtectedHeader(header).sign(k.signKey);

        // jose agrees its own token is valid; so does this verifier, with the key alone and inside a set.
        await joseLib.jwtVerify(token, k.verifyKey, { algorithms: [c.alg], currentDate: new Date(now * 1000) });
        const set = { keys: keys.map((kk, i) => ({ ...kk.jwk, kid: `k${i}` })) };
        assert.equal(wasm.verifyBatchLine(JSON.stringify({ jwk, jws: token }), now), "valid", token);
        assert.equal(wasm.verifyBatchLine(JSON.stringify({ jwk: set, jws: token }), now), "valid", token);
        // The other key of the same type must not verify it (kid-less token against a single wrong key).
        const other = keys[(t + 1) % keys.length];
        assert.equal(wasm.verifyWithJwk(JSON.stringify(other.jwk), token, now), "invalid: bad_signature");
        batchLines.push(JSON.stringify({ jwk: set, jws: token }));
        batchExpected.push('{"valid": true}');

        const handle = wasm.keySetLoad(JSON.stringify(jwk));
        assert.ok(handle >= 0);
        const bytes = Buffer.from(token, "latin1");
        const dot1 = token.indexOf("."), dot2 = token.lastIndexOf(".");
        for (let i = 0; i < MUTATIONS_PER_ALG / TOKENS_PER_ALG; i++) {
          // Spread over the three parts; mostly alphabet characters (the hard case), some other bytes.
          const part = i % 3;
          const [from, to] = part === 0 ? [0, dot1] : part === 1 ? [dot1 + 1, dot2] : [dot2 + 1, bytes.length];
          if (to <= from) continue;
          const pos = from + r.int(to - from);
          let value = r.int(4) ? ALPHABET.charCodeAt(r.int(64)) : r.int(256);
          if (value === bytes[pos]) value = value === 0x41 ? 0x42 : 0x41;
          await checkMutation(bytes, pos, value, handle, k.verifyKey, c.alg, tally);
          if (i % 25 === 0) {
            const m = Buffer.from(bytes);
            m[pos] = value;
            if (value >= 0x20 && value < 0x7f) {
              batchLines.push(JSON.stringify({ jwk: set, jws: m.toString("latin1") }));
              batchExpected.push("mutated");
            }
          }
        }
      }
      assert.ok(tally.mutations >= MUTATIONS_PER_ALG * 0.95, `${tally.mutations} mutations`);
    });
  }

  /** Every replacement in `values` at every position of `token`: all refused here, and by jose too. */
  async function exhaustive(token: string, jwk: joseLib.JWK, key: joseLib.CryptoKey | Uint8Array, alg: string, values: number[]): Promise<Tally> {
    const bytes = Buffer.from(token, "latin1");
    const handle = wasm.keySetLoad(JSON.stringify(jwk));
    assert.equal(wasm.verifyTokenBytes(handle, bytes), 0);
    const tally: Tally = { mutations: 0, nonCanonicalSignature: 0 };
    for (let pos = 0; pos < bytes.length; pos++) {
      for (const value of values) {
        if (value !== bytes[pos]) await checkMutation(bytes, pos, value, handle, key, alg, tally);
      }
    }
    return tally;
  }

  it("HS256: every byte value at every position of a short token is refused by both", async () => {
    const secret = await joseLib.generateSecret("HS256", { extractable: true });
    const token = await new joseLib.SignJWT({ sub: "x" }).setProtectedHeader({ alg: "HS256" }).sign(secret);
    const tally = await exhaustive(token, await joseLib.exportJWK(secret), secret, "HS256", Array.from({ length: 256 }, (_, i) => i));
    assert.equal(tally.mutations, token.length * 255);
    // 43-character HMAC-SHA256 tag: the last character carries 2 unused bits, so exactly 3 other
    // characters decode to the same tag; jose accepts those, this verifier refuses them.
    assert.equal(tally.nonCanonicalSignature, 3);
  });

  it("EdDSA: every alphabet character at every position of a short token is refused by both", async () => {
    const { publicKey, privateKey } = await joseLib.generateKeyPair("EdDSA");
    const token = await new joseLib.SignJWT({}).setProtectedHeader({ alg: "EdDSA" }).sign(privateKey);
    const alphabet = Array.from(ALPHABET, (ch) => ch.charCodeAt(0));
    const tally = await exhaustive(token, await joseLib.exportJWK(publicKey), publicKey, "EdDSA", alphabet);
    assert.equal(tally.mutations, (token.length - 2) * 63 + 2 * 64); // the two dots are not in the alphabet
    // 64-byte signature = 86 characters, 4 unused bits in the last: 15 other encodings of the same bytes.
    assert.equal(tally.nonCanonicalSignature, 15);
  });

  it("the command's batch path gives the same answers, in order", () => {
    const dir = mkdtempSync(join(tmpdir(), "waymark-diff-"));
    try {
      const file = join(dir, "batch.jsonl");
      writeFileSync(file, batchLines.join("\n") + "\n");
      const run = spawnSync(process.execPath, [join(root, "bin", "waymark.mjs"), "jws", "verify", "--batch", file, "--now", String(now)], { encoding: "utf8" });
      assert.equal(run.status, 0, run.stderr);
      const out = run.stdout.trimEnd().split("\n");
      assert.equal(out.length, batchLines.length);
      for (let i = 0; i < out.length; i++) {
        if (batchExpected[i] === "mutated") assert.match(out[i], /^\{"valid": false, "reason": "[a-z_]+"\}$/, batchLines[i]);
        else assert.equal(out[i], batchExpected[i], batchLines[i]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
