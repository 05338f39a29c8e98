// The demo identity provider's keys and tokens. The signing key is made once and kept in build/mesh/keys.json
// (never committed), so the JWKS server, `npm start`, the demo and compose all agree on it.
//
//   node --import tsx mesh/tokens.ts            prints a token per demo tenant (acme, globex, dev-team)
//   node --import tsx mesh/tokens.ts globex     prints that tenant's token only
//   node --import tsx mesh/tokens.ts --jwks     prints the public JWKS
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { generateKeyPair, exportJWK, importJWK, SignJWT, type JWK } from "jose";
import { ISSUER, AUDIENCE, TENANTS } from "./topology.ts";
import { root } from "../scripts/ensure.mjs";

export const KEYS_FILE = join(root, "build", "mesh", "keys.json");
const ALG = "ES256";
const KID = "waymark-demo-1";
/** Demo tokens live a week, so the curl lines `npm start` prints keep working for a while. */
const LIFETIME_SECONDS = 7 * 24 * 3600;

interface KeyFile { alg: string; kid: string; private: JWK; public: JWK }

/** The demo signing key, created on first use. */
export async function demoKey(file = KEYS_FILE): Promise<KeyFile> {
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as KeyFile;
  const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
  const key: KeyFile = { alg: ALG, kid: KID, private: await exportJWK(privateKey), public: await exportJWK(publicKey) };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(key, null, 2) + "\n", { mode: 0o600 });
  return key;
}

/** The JWKS document the JWKS server publishes (public key only). */
export async function jwksDocument(file = KEYS_FILE): Promise<{ keys: JWK[] }> {
  const key = await demoKey(file);
  return { keys: [{ ...key.public, kid: key.kid, alg: key.alg, use: "sig" }] };
}

/** A signed token for a demo tenant. */
export async function mintToken(tenant: string, file = KEYS_FILE): Promise<string> {
  const who = TENANTS.find((t) => t.tenant === tenant);
  if (!who) throw new Error(`unknown demo tenant ${tenant} (known: ${TENANTS.map((t) => t.tenant).join(", ")})`);
  const key = await demoKey(file);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ tenant: who.tenant })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "JWT" })
    .setIssuer(ISSUER).setAudience(AUDIENCE).setSubject(who.sub)
    .setIssuedAt(now).setExpirationTime(now + LIFETIME_SECONDS)
    .sign(await importJWK(key.private, key.alg));
}

/** Tokens for every demo tenant, plus "tampered": acme's token with one signature character changed. */
export async function demoTokens(file = KEYS_FILE): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of TENANTS) out[t.tenant] = await mintToken(t.tenant, file);
  out.tampered = tamper(out.acme);
  return out;
}

/** Changes one character in the middle of the signature, keeping it valid base64url. */
export function tamper(token: string): string {
  const at = token.lastIndexOf(".") + 10;
  return token.slice(0, at) + (token[at] === "A" ? "B" : "A") + token.slice(at + 1);
}

if (import.meta.url === `file://${process.argv[1]}` && process.argv[2] === "--jwks") {
  console.log(JSON.stringify(await jwksDocument()));
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const wanted = process.argv.slice(2);
  for (const t of TENANTS) {
    if (wanted.length && !wanted.includes(t.tenant)) continue;
    const token = await mintToken(t.tenant);
    console.log(wanted.length === 1 ? token : `${t.tenant.padEnd(9)} ${token}`);
  }
}
