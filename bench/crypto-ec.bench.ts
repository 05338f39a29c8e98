// Signature verification in the AssemblyScript crypto (dist/tools/crypto.*) next to Node's native
// crypto.verify (OpenSSL) on the same key, message and signature, in the same run: ES256, ES384,
// ES512 (ECDSA, IEEE P1363 signatures, message hashed inside wasm) and EdDSA (Ed25519).
// Both sides use a prepared key (wasm: EcPublicKey / Ed25519PublicKey; Node: a KeyObject), and each
// wasm figure includes the JS->wasm call and copying the message and signature in.
// Key preparation (validation + tables) is reported too, against Node importing the same JWK.
// Run alone: node --import tsx bench/crypto-ec.bench.ts
import { existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";
import * as nodeCrypto from "node:crypto";
import { timePerOp, type BenchRow } from "./measure.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const built = join(root, "dist", "tools", "crypto.js");

type CryptoTool = typeof import("../dist/tools/crypto.js");

/** A JWS signing input of typical size: base64url(header) "." base64url(claims). */
function signingInput(alg: string): Buffer {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const header = { alg, typ: "JWT", kid: "2024-06-key-1" };
  const claims = { iss: "https://issuer.example.com", sub: "tenant-42/user-1234567890", aud: "waymark", exp: 2000000000, iat: 1700000000, tenant: "acme", groups: ["beta", "eu-west"] };
  return Buffer.from(`${b64(header)}.${b64(claims)}`);
}

const ECDSA: Array<{ alg: string; curve: number; named: string; hash: string; iterations: number }> = [
  { alg: "ES256", curve: 1, named: "P-256", hash: "sha256", iterations: 2000 },
  { alg: "ES384", curve: 2, named: "P-384", hash: "sha384", iterations: 800 },
  { alg: "ES512", curve: 3, named: "P-521", hash: "sha512", iterations: 300 },
];

export async function run(): Promise<BenchRow[]> {
  if (!existsSync(built)) {
    execFileSync(process.execPath, [join(root, "scripts", "build.mjs"), "--only", "tools/crypto", "--quiet"], { cwd: root, stdio: "inherit" });
  }
  const wasm: CryptoTool = await import(pathToFileURL(built).href);
  const rows: BenchRow[] = [];

  for (const c of ECDSA) {
    const { publicKey, privateKey } = nodeCrypto.generateKeyPairSync("ec", { namedCurve: c.named });
    const jwk = publicKey.export({ format: "jwk" });
    const x = Buffer.from(jwk.x!, "base64url");
    const y = Buffer.from(jwk.y!, "base64url");
    const msg = signingInput(c.alg);
    const sig = nodeCrypto.sign(c.hash, msg, { key: privateKey, dsaEncoding: "ieee-p1363" });
    const handle = wasm.ecKeyLoad(c.curve, x, y);
    if (handle < 0 || !wasm.ecdsaVerifyMessage(handle, msg, sig)) throw new Error(`${c.alg}: wasm rejected a valid signature`);
    const nodeKey = { key: publicKey, dsaEncoding: "ieee-p1363" as const };
    if (!nodeCrypto.verify(c.hash, msg, nodeKey, sig)) throw new Error(`${c.alg}: node rejected its own signature`);
    const ns = timePerOp(() => wasm.ecdsaVerifyMessage(handle, msg, sig), c.iterations);
    const baselineNs = timePerOp(() => nodeCrypto.verify(c.hash, msg, nodeKey, sig), c.iterations);
    rows.push({ name: `${c.alg} verify (${msg.length}-byte signing input), wasm vs node crypto.verify`, ns, baselineNs });
    wasm.ecKeysClear();
    const prep = timePerOp(() => wasm.ecKeyLoad(c.curve, x, y), Math.max(20, c.iterations >> 3));
    wasm.ecKeysClear();
    const prepNode = timePerOp(() => nodeCrypto.createPublicKey({ key: jwk, format: "jwk" }), Math.max(20, c.iterations >> 3));
    rows.push({ name: `${c.alg} key preparation (validate + tables), wasm vs node createPublicKey(jwk)`, ns: prep, baselineNs: prepNode });
  }

  {
    const { publicKey, privateKey } = nodeCrypto.generateKeyPairSync("ed25519");
    const jwk = publicKey.export({ format: "jwk" });
    const pk = Buffer.from(jwk.x!, "base64url");
    const msg = signingInput("EdDSA");
    const sig = nodeCrypto.sign(null, msg, privateKey);
    const handle = wasm.edKeyLoad(pk);
    if (handle < 0 || !wasm.ed25519VerifyHandle(handle, msg, sig)) throw new Error("EdDSA: wasm rejected a valid signature");
    const ns = timePerOp(() => wasm.ed25519VerifyHandle(handle, msg, sig), 2000);
    const baselineNs = timePerOp(() => nodeCrypto.verify(null, msg, publicKey, sig), 2000);
    rows.push({ name: `EdDSA (Ed25519) verify (${msg.length}-byte signing input), wasm vs node crypto.verify`, ns, baselineNs });
    wasm.edKeysClear();
    const prep = timePerOp(() => wasm.edKeyLoad(pk), 200);
    wasm.edKeysClear();
    const prepNode = timePerOp(() => nodeCrypto.createPublicKey({ key: jwk, format: "jwk" }), 200);
    rows.push({ name: "EdDSA key preparation (decode + tables), wasm vs node createPublicKey(jwk)", ns: prep, baselineNs: prepNode });
    const oneShot = timePerOp(() => wasm.ed25519VerifyBytes(pk, msg, sig), 300);
    rows.push({ name: "EdDSA one-shot verify from key bytes (no prepared key), wasm vs node crypto.verify", ns: oneShot, baselineNs });
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const r of await run()) {
    const ratio = r.baselineNs ? `  ${(r.ns / r.baselineNs).toFixed(2)}x native (${Math.round(r.baselineNs)} ns)` : "";
    console.log(`${r.name.padEnd(96)} ${Math.round(r.ns).toString().padStart(10)} ns${ratio}`);
  }
}
