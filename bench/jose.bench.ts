// JWS verification per token in the AssemblyScript JOSE layer (dist/tools/jose.*) next to Node's
// native crypto on the same key and token, in the same run.
//   wasm: a key set prepared once (keySetLoad), then verifyCompact on the token bytes: size bound,
//         splitting, base64url decoding of the three parts, header JSON parse and checks, key
//         selection by kid, hashing and the signature check (and the JS->wasm copy of the token).
//   node: only the signature check on pre-decoded inputs with a prepared KeyObject: crypto.verify
//         for RS/PS/ES/EdDSA, createHmac + timingSafeEqual for HS (the practical floor).
// Goals (issue 3): HS256, RS256, PS256 within 3x of native; ES256, ES384, EdDSA within 5x.
// Run alone: node --import tsx bench/jose.bench.ts
import { existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";
import * as nodeCrypto from "node:crypto";
import type { BenchRow } from "./measure.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const built = join(root, "dist", "tools", "jose.js");

type JoseTool = typeof import("../dist/tools/jose.js");

const b64 = (data: string | Buffer) => Buffer.from(data).toString("base64url");

interface Case {
  alg: string;
  goal?: number;
  iterations: number;
  key: () => { jwk: object; sign: (input: Buffer) => Buffer; verify: (input: Buffer, sig: Buffer) => boolean };
}

function hmac(hash: string, bytes: number) {
  return () => {
    const secret = nodeCrypto.randomBytes(bytes);
    return {
      jwk: { kty: "oct", k: b64(secret) },
      sign: (input: Buffer) => nodeCrypto.createHmac(hash, secret).update(input).digest(),
      verify: (input: Buffer, sig: Buffer) => nodeCrypto.timingSafeEqual(nodeCrypto.createHmac(hash, secret).update(input).digest(), sig),
    };
  };
}

function rsa(hash: string, pss: boolean, bits = 2048) {
  return () => {
    const { publicKey, privateKey } = nodeCrypto.generateKeyPairSync("rsa", { modulusLength: bits });
    const saltLength = hash === "sha256" ? 32 : hash === "sha384" ? 48 : 64;
    const padding = pss ? { padding: nodeCrypto.constants.RSA_PKCS1_PSS_PADDING, saltLength } : {};
    return {
      jwk: publicKey.export({ format: "jwk" }),
      sign: (input: Buffer) => nodeCrypto.sign(hash, input, { key: privateKey, ...padding }),
      verify: (input: Buffer, sig: Buffer) => nodeCrypto.verify(hash, input, { key: publicKey, ...padding }, sig),
    };
  };
}

function ecdsa(hash: string, namedCurve: string) {
  return () => {
    const { publicKey, privateKey } = nodeCrypto.generateKeyPairSync("ec", { namedCurve });
    return {
      jwk: publicKey.export({ format: "jwk" }),
      sign: (input: Buffer) => nodeCrypto.sign(hash, input, { key: privateKey, dsaEncoding: "ieee-p1363" }),
      verify: (input: Buffer, sig: Buffer) => nodeCrypto.verify(hash, input, { key: publicKey, dsaEncoding: "ieee-p1363" }, sig),
    };
  };
}

function ed25519() {
  const { publicKey, privateKey } = nodeCrypto.generateKeyPairSync("ed25519");
  return {
    jwk: publicKey.export({ format: "jwk" }),
    sign: (input: Buffer) => nodeCrypto.sign(null, input, privateKey),
    verify: (input: Buffer, sig: Buffer) => nodeCrypto.verify(null, input, publicKey, sig),
  };
}

const CASES: Case[] = [
  { alg: "HS256", goal: 3, iterations: 4000, key: hmac("sha256", 32) },
  { alg: "HS384", iterations: 4000, key: hmac("sha384", 48) },
  { alg: "HS512", iterations: 4000, key: hmac("sha512", 64) },
  { alg: "RS256", goal: 3, iterations: 300, key: rsa("sha256", false) },
  { alg: "RS384", iterations: 300, key: rsa("sha384", false) },
  { alg: "RS512", iterations: 300, key: rsa("sha512", false) },
  { alg: "PS256", goal: 3, iterations: 300, key: rsa("sha256", true) },
  { alg: "PS384", iterations: 300, key: rsa("sha384", true) },
  { alg: "PS512", iterations: 300, key: rsa("sha512", true) },
  { alg: "ES256", goal: 5, iterations: 200, key: ecdsa("sha256", "P-256") },
  { alg: "ES384", goal: 5, iterations: 80, key: ecdsa("sha384", "P-384") },
  { alg: "ES512", iterations: 30, key: ecdsa("sha512", "P-521") },
  { alg: "EdDSA", goal: 5, iterations: 200, key: ed25519 },
];

/**
 * Nanoseconds per call of `a` and of `b`, measured alternately in `rounds` batches of `iterations`,
 * keeping each side's fastest batch: on a busy machine both see the same conditions, and the minimum
 * is the figure least disturbed by other processes.
 */
function pairedMin(a: () => unknown, b: () => unknown, iterations: number, rounds = 15): [number, number] {
  for (let i = 0; i < Math.min(iterations, 2000); i++) { a(); b(); }
  let bestA = Infinity, bestB = Infinity;
  for (let r = 0; r < rounds; r++) {
    let start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) a();
    bestA = Math.min(bestA, Number(process.hrtime.bigint() - start) / iterations);
    start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) b();
    bestB = Math.min(bestB, Number(process.hrtime.bigint() - start) / iterations);
  }
  return [bestA, bestB];
}

/** A typical access token: header with kid, a dozen claims. */
function tokenFor(alg: string, sign: (input: Buffer) => Buffer, kid = "2024-06-key-1"): { token: Buffer; input: Buffer; sig: Buffer } {
  const header = { alg, typ: "JWT", kid };
  const claims = {
    iss: "https://issuer.example.com", sub: "tenant-42/user-1234567890", aud: "waymark", exp: 2000000000, iat: 1700000000,
    nbf: 1700000000, jti: "6f1c2a9e-5b3d-4f7a-9c1e-2d8b7a6f5e4d", tenant: "acme", org: { tenant_id: "acme", region: "eu-west" },
    groups: ["beta", "eu-west"], scope: "read write",
  };
  const input = Buffer.from(`${b64(JSON.stringify(header))}.${b64(JSON.stringify(claims))}`);
  const sig = sign(input);
  return { token: Buffer.from(`${input}.${b64(sig)}`), input, sig };
}

/**
 * HS256 with the header cache defeated: five tokens with five kids in turn (the cache keeps four
 * header texts), so every verification decodes and parses its header. The figure a deployment sees
 * when its tokens do not share headers.
 */
function coldHeaders(wasm: JoseTool): BenchRow {
  const keys = Array.from({ length: 5 }, (_, i) => ({ kid: `key-${i}`, secret: nodeCrypto.randomBytes(32) }));
  const handle = wasm.keySetLoad(JSON.stringify({ keys: keys.map((k) => ({ kty: "oct", kid: k.kid, k: b64(k.secret) })) }));
  const signed = keys.map((k) => ({ ...tokenFor("HS256", (input) => nodeCrypto.createHmac("sha256", k.secret).update(input).digest(), k.kid), secret: k.secret }));
  for (const t of signed) if (wasm.verifyTokenBytes(handle, t.token) !== 0) throw new Error("HS256 cold: wasm refused a valid token");
  let i = 0, j = 0;
  const [ns, baselineNs] = pairedMin(
    () => wasm.verifyTokenBytes(handle, signed[i++ % 5].token),
    () => { const t = signed[j++ % 5]; return nodeCrypto.timingSafeEqual(nodeCrypto.createHmac("sha256", t.secret).update(t.input).digest(), t.sig); },
    4000,
  );
  return { name: "HS256 token, every header decoded and parsed (cache defeated), wasm vs node", ns, baselineNs };
}

export async function run(): Promise<BenchRow[]> {
  if (!existsSync(built)) {
    execFileSync(process.execPath, [join(root, "scripts", "build.mjs"), "--only", "tools/jose", "--quiet"], { cwd: root, stdio: "inherit" });
  }
  const wasm: JoseTool = await import(pathToFileURL(built).href);
  const rows: BenchRow[] = [];
  for (const c of CASES) {
    const k = c.key();
    const { token, input, sig } = tokenFor(c.alg, k.sign);
    const handle = wasm.keySetLoad(JSON.stringify({ keys: [{ ...k.jwk, kid: "2024-06-key-1" }] }));
    if (handle < 0 || wasm.verifyTokenBytes(handle, token) !== 0) throw new Error(`${c.alg}: wasm refused a valid token`);
    if (!k.verify(input, sig)) throw new Error(`${c.alg}: node refused its own signature`);
    const [ns, baselineNs] = pairedMin(() => wasm.verifyTokenBytes(handle, token), () => k.verify(input, sig), c.iterations);
    const ratio = ns / baselineNs;
    const note = c.goal ? `goal ${c.goal}x: ${ratio <= c.goal ? "met" : "MISSED"}` : undefined;
    rows.push({ name: `${c.alg} token (${token.length} B) verify incl. parsing, wasm vs node`, ns, baselineNs, note });
  }
  rows.push(coldHeaders(wasm));
  wasm.keySetsClear();
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const r of await run()) {
    console.log(`${r.name.padEnd(64)} ${Math.round(r.ns).toString().padStart(9)} ns  ${(r.ns / r.baselineNs!).toFixed(2)}x (${Math.round(r.baselineNs!)} ns)${r.note ? `  [${r.note}]` : ""}`);
  }
}
