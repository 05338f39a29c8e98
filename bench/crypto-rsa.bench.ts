// RS256, PS256 (2048-bit keys) and HS256 verification: the AssemblyScript primitives
// (dist/tools/crypto.*, prepared keys, loops inside wasm) against Node's native crypto on the same
// inputs (KeyObject prepared once; crypto.verify / createHmac + timingSafeEqual per token).
// Run alone: node --import tsx bench/crypto-rsa.bench.ts
import { existsSync } from "node:fs";
import { cpus } from "node:os";
import { execFileSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";
import {
  constants, createHmac, createPublicKey, generateKeyPairSync, sign, timingSafeEqual, verify, type KeyObject,
} from "node:crypto";
import type { BenchRow } from "./measure.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const built = join(root, "dist", "tools", "crypto.js");
type CryptoTool = typeof import("../dist/tools/crypto.js");

/**
 * Per-operation times of `wasm(ops)` and `native(ops)`, measured in alternating batches so both see
 * the same machine load; the fastest batch of each is kept (interference only ever adds time).
 */
function measurePair(ops: number, trials: number, wasm: (ops: number) => unknown, native: (ops: number) => unknown): [number, number] {
  wasm(Math.max(1, Math.floor(ops / 4)));
  native(Math.max(1, Math.floor(ops / 4)));
  let bestWasm = Infinity, bestNative = Infinity;
  for (let t = 0; t < trials; t++) {
    let start = process.hrtime.bigint();
    wasm(ops);
    bestWasm = Math.min(bestWasm, Number(process.hrtime.bigint() - start) / ops);
    start = process.hrtime.bigint();
    native(ops);
    bestNative = Math.min(bestNative, Number(process.hrtime.bigint() - start) / ops);
  }
  return [bestWasm, bestNative];
}

/** A JWS signing input of typical size: base64url header '.' base64url payload (about 330 bytes). */
function signingInput(alg: string): Uint8Array {
  const header = Buffer.from(JSON.stringify({ alg, typ: "JWT", kid: "bench-key-1" })).toString("base64url");
  const payload = Buffer.from(JSON.stringify({
    iss: "https://issuer.example.com/", sub: "user-1234567890", aud: ["waymark"], tenant: "acme-corp",
    groups: ["beta", "canary"], iat: 1_700_000_000, exp: 1_700_003_600, jti: "0f8e2c1a-5b7d-4e3f-9a6c-2d1b0e9f8a7c",
  })).toString("base64url");
  return new TextEncoder().encode(`${header}.${payload}`);
}

function check(label: string, ok: boolean): void {
  if (!ok) throw new Error(`${label}: the verification under test failed, figures would be meaningless`);
}

export async function run(): Promise<BenchRow[]> {
  if (!existsSync(built)) {
    execFileSync(process.execPath, [join(root, "scripts", "build.mjs"), "--only", "tools/crypto", "--quiet"], { cwd: root, stdio: "inherit" });
  }
  const c: CryptoTool = await import(built);
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  const rows: BenchRow[] = [];

  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, publicExponent: 65537 });
  const jwk = publicKey.export({ format: "jwk" }) as { n: string; e: string };
  const n = Buffer.from(jwk.n, "base64url"), e = Buffer.from(jwk.e, "base64url");
  const pub: KeyObject = createPublicKey(publicKey.export({ format: "pem", type: "spki" }));
  const handle = c.rsaKeyLoad(n, e);
  check("rsaKeyLoad", handle >= 0);
  const RSA_OPS = 300;

  // RS256
  const rsIn = signingInput("RS256");
  const rsSig = sign("sha256", rsIn, privateKey);
  check("RS256 native", verify("sha256", rsIn, pub, rsSig));
  check("RS256 wasm", c.benchRsaPkcs1(handle, 0, rsIn, rsSig, 1) === 1);
  const [rsWasm, rsNode] = measurePair(RSA_OPS, 15, (k) => c.benchRsaPkcs1(handle, 0, rsIn, rsSig, k),
    (k) => { for (let i = 0; i < k; i++) verify("sha256", rsIn, pub, rsSig); });
  rows.push({ name: "RS256 verify, 2048-bit key, prepared", ns: Math.round(rsWasm), baselineNs: Math.round(rsNode), note: `${cpu}; baseline = Node crypto.verify` });

  // PS256
  const psIn = signingInput("PS256");
  const pssOpts = { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
  const psSig = sign("sha256", psIn, pssOpts);
  const pssPub = { key: pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
  check("PS256 native", verify("sha256", psIn, pssPub, psSig));
  check("PS256 wasm", c.benchRsaPss(handle, 0, 32, psIn, psSig, 1) === 1);
  const [psWasm, psNode] = measurePair(RSA_OPS, 15, (k) => c.benchRsaPss(handle, 0, 32, psIn, psSig, k),
    (k) => { for (let i = 0; i < k; i++) verify("sha256", psIn, pssPub, psSig); });
  rows.push({ name: "PS256 verify, 2048-bit key, prepared", ns: Math.round(psWasm), baselineNs: Math.round(psNode), note: `${cpu}; baseline = Node crypto.verify (PSS, sLen 32)` });

  // HS256
  const hsIn = signingInput("HS256");
  const secret = Buffer.alloc(32, 0x5a);
  const tag = createHmac("sha256", secret).update(hsIn).digest();
  const hkey = c.hmacKeyLoad(0, secret);
  check("HS256 wasm", c.benchHmac(hkey, hsIn, tag, 1) === 1);
  const HS_OPS = 20_000;
  const [hsWasm, hsNode] = measurePair(HS_OPS, 15, (k) => c.benchHmac(hkey, hsIn, tag, k), (k) => {
    for (let i = 0; i < k; i++) timingSafeEqual(createHmac("sha256", secret).update(hsIn).digest(), tag);
  });
  rows.push({ name: `HS256 verify, ${hsIn.length}-byte signing input, prepared key`, ns: Math.round(hsWasm), baselineNs: Math.round(hsNode), note: `${cpu}; baseline = Node createHmac + timingSafeEqual` });

  // Key preparation (once per JWKS key; no native analogue measured).
  const [load] = measurePair(200, 5, (k) => c.benchRsaKeyLoad(n, e, k), () => undefined);
  rows.push({ name: "RSA 2048-bit key preparation (Montgomery constants)", ns: Math.round(load), note: `${cpu}; once per JWKS key` });
  c.rsaKeysClear();
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const r of await run()) {
    const base = r.baselineNs !== undefined ? `  baseline ${r.baselineNs} ns (${(r.ns / r.baselineNs).toFixed(2)}x)` : "";
    console.log(`${r.name.padEnd(56)} ${String(r.ns).padStart(10)} ns${base}  ${r.note ?? ""}`);
  }
}
