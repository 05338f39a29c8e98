// Shared by the JOSE tests: where the vectors are, the compiled module (dist/tools/jose.js; build first:
// node scripts/build.mjs --only tools/jose), and small helpers to forge tokens.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const vectors = join(root, "tests", "vectors");
export const rfcDir = join(vectors, "rfc7515");

export function rfcFile(name: string): string {
  return readFileSync(join(rfcDir, name), "utf8").trim();
}

export const b64u = (data: string | Uint8Array): string => Buffer.from(data).toString("base64url");

/** A compact JWS from a header object (or raw header text), payload text and signature bytes. */
export function compact(header: object | string, payload: string, signature: Uint8Array | string = ""): string {
  const h = typeof header === "string" ? header : JSON.stringify(header);
  return `${b64u(h)}.${b64u(payload)}.${typeof signature === "string" ? signature : b64u(signature)}`;
}

/** A fixed time well inside the RFC 7515 examples' validity (their exp is 1300819380, March 2011). */
export const RFC_NOW = 1300000000;
