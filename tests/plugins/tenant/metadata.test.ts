// jwt_authn_metadata mode in the harness: the payload Envoy's jwt_authn verified is read from the `metadata`
// property (envoy.config.core.v3.Metadata bytes, as Envoy hands them over), never verified again; identity
// headers are still stripped first.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { startTenant, ISSUER } from "./support.ts";
import { ProxyWasmHost } from "../../../harness/index.ts";

// ---- a hand-rolled protobuf encoder for Metadata / Struct / Value (the test's independent side) ----

function varint(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

function field(no: number, bytes: Uint8Array | number[]): number[] {
  const b = [...bytes];
  return [...varint((no << 3) | 2), ...varint(b.length), ...b];
}

function utf8(s: string): number[] {
  return [...Buffer.from(s, "utf8")];
}

function encodeValue(v: unknown): number[] {
  if (v === null) return [...varint((1 << 3) | 0), 0];
  if (typeof v === "number") {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(v);
    return [...varint((2 << 3) | 1), ...b];
  }
  if (typeof v === "string") return field(3, utf8(v));
  if (typeof v === "boolean") return [...varint((4 << 3) | 0), v ? 1 : 0];
  if (Array.isArray(v)) return field(6, v.flatMap((item) => field(1, encodeValue(item))));
  return field(5, encodeStruct(v as Record<string, unknown>));
}

function encodeStruct(obj: Record<string, unknown>): number[] {
  return Object.entries(obj).flatMap(([k, v]) => field(1, [...field(1, utf8(k)), ...field(2, encodeValue(v))]));
}

/** Metadata { filter_metadata: { namespace: Struct } } for each namespace given. */
export function metadataBytes(namespaces: Record<string, Record<string, unknown>>): Uint8Array {
  return Uint8Array.from(Object.entries(namespaces).flatMap(([ns, s]) => field(1, [...field(1, utf8(ns)), ...field(2, encodeStruct(s))])));
}

const CONFIG = {
  jwt_authn_metadata: {
    key: "jwt_payload",
    claim_to_headers: [
      { header_name: "x-tenant", claim_name: "tenant" },
      { header_name: "x-tier", claim_name: "org.tier" },
      { header_name: "x-level", claim_name: "org.level" },
      { header_name: "x-admin", claim_name: "admin" },
    ],
  },
};

function sendWith(host: ProxyWasmHost, metadata: Uint8Array | undefined, headers: Record<string, string> = {}) {
  const stream = host.openStream(metadata ? { properties: { metadata } } : {});
  stream.sendRequestHeaders({ "x-tenant": "spoofed", "x-tier": "gold", ...headers }, true);
  return stream;
}

describe("tenant: jwt_authn_metadata mode", () => {
  it("lifts claims from the verified payload in dynamic metadata, typed as jwt_authn would", async () => {
    const host = await startTenant(CONFIG);
    const payload = { iss: ISSUER, tenant: "acme", org: { tier: 3, level: 2.5 }, admin: false, groups: ["a"], nothing: null };
    const s = sendWith(host, metadataBytes({ "envoy.filters.http.jwt_authn": { jwt_payload: payload }, "other.filter": { tenant: "no" } }));
    assert.equal(s.localReply, null);
    const up = s.upstream.headers!;
    assert.deepEqual(up.values("x-tenant"), ["acme"]);
    assert.deepEqual(up.values("x-tier"), ["3"]);
    assert.deepEqual(up.values("x-level"), ["2.500000"]);
    assert.deepEqual(up.values("x-admin"), ["false"]);
    assert.equal(host.metric("waymark.tenant.accepted"), 1);
  });

  it("an 8-byte or 1-byte string claim stays a string (the types come from the protobuf, not from lengths)", async () => {
    const host = await startTenant(CONFIG);
    for (const tenant of ["acme1234", "a", "\u0001"]) {
      const s = sendWith(host, metadataBytes({ "envoy.filters.http.jwt_authn": { jwt_payload: { tenant } } }));
      const expected = tenant === "\u0001" ? [] : [tenant]; // a control character never becomes a header value
      assert.deepEqual(s.upstream.headers!.values("x-tenant"), expected);
    }
  });

  it("without the payload (jwt_authn let a tokenless request through): 401 missing, or on with headers stripped under allow_missing", async () => {
    const strict = await startTenant(CONFIG);
    for (const md of [undefined, metadataBytes({ "other.filter": { jwt_payload: { tenant: "acme" } } }),
      metadataBytes({ "envoy.filters.http.jwt_authn": { other_key: { tenant: "acme" } } }),
      metadataBytes({ "envoy.filters.http.jwt_authn": { jwt_payload: "not an object" } })]) {
      const s = sendWith(strict, md);
      assert.equal(s.localReply?.status, 401);
      assert.equal(JSON.parse(s.localReply!.body).reason, "missing");
    }
    const open = await startTenant({ ...CONFIG, allow_missing: true });
    const s = sendWith(open, undefined);
    assert.equal(s.localReply, null);
    assert.deepEqual(s.upstream.headers!.values("x-tenant"), []);
    assert.deepEqual(s.upstream.headers!.values("x-tier"), []);
  });

  it("never verifies tokens in this mode (an Authorization header is irrelevant)", async () => {
    const host = await startTenant(CONFIG);
    const s = sendWith(host, metadataBytes({ "envoy.filters.http.jwt_authn": { jwt_payload: { tenant: "acme" } } }), { authorization: "Bearer garbage" });
    assert.deepEqual(s.upstream.headers!.values("x-tenant"), ["acme"]);
    assert.deepEqual(s.upstream.headers!.values("authorization"), ["Bearer garbage"]);
    assert.equal(host.metric("waymark.tenant.signature.wasm"), 0);
  });

  it("never traps on malformed metadata bytes", async () => {
    const host = await startTenant({ ...CONFIG, allow_missing: true });
    const good = metadataBytes({ "envoy.filters.http.jwt_authn": { jwt_payload: { tenant: "acme", org: { tier: 1 } } } });
    for (let i = 0; i < 300; i++) {
      const bytes = i < 100 ? new Uint8Array(randomBytes(i)) : Uint8Array.from(good);
      if (i >= 100) bytes[Math.floor(Math.random() * bytes.length)] = Math.floor(Math.random() * 256);
      if (i >= 200) bytes.fill(0xff, Math.floor(Math.random() * bytes.length));
      const s = sendWith(host, bytes);
      assert.ok(s.localReply === null);
    }
    // Deep nesting is cut off, not recursed into without bound.
    let deep: Record<string, unknown> = { tenant: "deep" };
    for (let i = 0; i < 200; i++) deep = { n: deep };
    sendWith(host, metadataBytes({ "envoy.filters.http.jwt_authn": { jwt_payload: { tenant: "acme", deep } } }));
    assert.equal(host.trapped, null);
  });
});
