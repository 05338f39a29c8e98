// Shared by the tenant plugin's tests: keys and tokens from the `jose` package (the independent signer), key
// sets, and a harness host running dist/tenant.wasm.
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { generateKeyPair, exportJWK, SignJWT, base64url, type JWK, type CryptoKey } from "jose";
import { ProxyWasmHost, type HostOptions } from "../../../harness/index.ts";
import { root } from "../../../scripts/ensure.mjs";

export const WASM = join(root, "dist", "tenant.wasm");
/** The harness clock (seconds): tokens are minted relative to it, so nothing depends on the real date. */
export const NOW = 1_800_000_000;
export const ISSUER = "https://id.example.com";

export type Alg = "RS256" | "RS384" | "RS512" | "PS256" | "ES256" | "ES384" | "EdDSA" | "HS256" | "HS384";

export interface TestKey {
  alg: Alg;
  kid: string;
  /** Private key (asymmetric) or the secret (HMAC). */
  signer: CryptoKey | Uint8Array;
  /** The public JWK (HMAC: the secret as an oct JWK), with kid and alg. */
  jwk: JWK;
}

export async function makeKey(alg: Alg, kid: string = `${alg.toLowerCase()}-1`): Promise<TestKey> {
  if (alg.startsWith("HS")) {
    const secret = new Uint8Array(randomBytes(alg === "HS256" ? 32 : 48));
    return { alg, kid, signer: secret, jwk: { kty: "oct", k: base64url.encode(secret), kid, alg } };
  }
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg.startsWith("RS") || alg.startsWith("PS") ? { modulusLength: 2048 } : {}) });
  const jwk = await exportJWK(publicKey);
  return { alg, kid, signer: privateKey, jwk: { ...jwk, kid, alg } };
}

export interface SignOptions {
  /** Header members to add or override (kid: null removes it). */
  header?: Record<string, unknown>;
  /** Sign with this alg instead of the key's. */
  alg?: string;
}

/** A compact JWT with `claims` (iss, iat and exp default to ISSUER, NOW and NOW + 3600; null removes one). */
export async function sign(key: TestKey, claims: Record<string, unknown> = {}, options: SignOptions = {}): Promise<string> {
  const payload: Record<string, unknown> = { iss: ISSUER, iat: NOW, exp: NOW + 3600, ...claims };
  for (const k of Object.keys(payload)) if (payload[k] === null) delete payload[k];
  const header: Record<string, unknown> = { alg: options.alg ?? key.alg, kid: key.kid, typ: "JWT", ...(options.header ?? {}) };
  for (const k of Object.keys(header)) if (header[k] === null) delete header[k];
  return new SignJWT(payload as any).setProtectedHeader(header as any).sign(key.signer as any);
}

export function jwks(...keys: TestKey[]): string {
  return JSON.stringify({ keys: keys.map((k) => k.jwk) });
}

/** A provider configuration with a local key set and the tenant claim lifted to x-tenant. */
export function localProvider(keys: TestKey[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    issuer: ISSUER,
    local_jwks: { inline_string: jwks(...keys) },
    claim_to_headers: [{ header_name: "x-tenant", claim_name: "tenant" }],
    ...extra,
  };
}

export async function startTenant(pluginConfig: object | string, options: Partial<HostOptions> = {}): Promise<ProxyWasmHost> {
  const host = new ProxyWasmHost({ wasm: WASM, rootId: "tenant", pluginConfig, nowMs: NOW * 1000, ...options });
  const started = await host.start();
  if (!started.ok) throw new Error(`tenant did not start: ${JSON.stringify(started.logs)}`);
  return host;
}

/** Starts the plugin expecting refusal; returns the error log lines. */
export async function refusedConfig(pluginConfig: object | string, options: Partial<HostOptions> = {}): Promise<string[]> {
  const host = new ProxyWasmHost({ wasm: WASM, rootId: "tenant", pluginConfig, nowMs: NOW * 1000, ...options });
  const started = await host.start();
  if (started.ok) throw new Error(`configuration was accepted: ${JSON.stringify(pluginConfig)}`);
  return host.logsAt("error");
}

export interface Sent {
  status: number | undefined;
  /** Forwarded header values by name (undefined when the request was not forwarded). */
  forwarded: ((name: string) => string[]) | undefined;
  reply: { status: number; body: string; headers: Array<[string, string]> } | null;
  paused: boolean;
}

/** Sends one request's headers and closes the stream; what went upstream or the local reply. */
export function send(host: ProxyWasmHost, headers: Record<string, string> | Array<[string, string]>, keepOpen = false) {
  const stream = host.openStream();
  stream.sendRequestHeaders(headers, true);
  const out = {
    stream,
    reply: stream.localReply,
    upstream: stream.upstream.headers,
    values: (name: string) => stream.upstream.headers?.values(name) ?? [],
  };
  if (!keepOpen && !stream.requestPaused) stream.close();
  return out;
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

export function header(reply: { headers: Array<[string, string]> } | null, name: string): string | undefined {
  return reply?.headers.find(([k]) => k === name)?.[1];
}
