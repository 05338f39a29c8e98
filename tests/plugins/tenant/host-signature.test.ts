// signature_backend and Envoy's verify_signature foreign function, emulated here with Node's crypto exactly as
// Envoy implements it (protobuf VerifySignatureArguments in, VerifySignatureResult out, BadArgument when the
// key cannot be imported): RS* and ES* signatures go to the host, the rest stays in wasm; "auto" falls back to
// wasm when the host fails; "host" refuses instead; "wasm" never calls it.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { createPublicKey, verify as cryptoVerify } from "node:crypto";
import { makeKey, sign, startTenant, localProvider, send, bearer, TestKey, Alg } from "./support.ts";

const HOST_ALGS: Alg[] = ["RS256", "RS384", "ES256", "ES384"];
/** What "auto" gives the host: ES256 is cheaper in wasm (plugins/tenant/host-jws.ts). */
const AUTO_HOST_ALGS: Alg[] = ["RS256", "RS384", "ES384"];
const WASM_ALGS: Alg[] = ["PS256", "EdDSA"];

interface Call { hash: string; key: Uint8Array; signature: Uint8Array; text: Uint8Array }

/** Reads the protobuf fields of VerifySignatureArguments (all length-delimited). */
function decodeArgs(bytes: Uint8Array): Call {
  const out: Record<number, Uint8Array> = {};
  let i = 0;
  const varint = () => {
    let v = 0, shift = 0;
    for (;;) {
      const b = bytes[i++];
      v += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if ((b & 0x80) === 0) return v;
    }
  };
  while (i < bytes.length) {
    const tag = varint();
    assert.equal(tag & 7, 2, "every field is length-delimited");
    const len = varint();
    out[tag >> 3] = bytes.slice(i, i + len);
    i += len;
  }
  return {
    hash: Buffer.from(out[1] ?? []).toString(), key: out[2] ?? new Uint8Array(), signature: out[3] ?? new Uint8Array(), text: out[4] ?? new Uint8Array(),
  };
}

function encodeResult(valid: boolean, error: string): Uint8Array {
  const e = Buffer.from(error);
  return Uint8Array.from([0x08, valid ? 1 : 0, ...(e.length ? [0x12, e.length, ...e] : [])]);
}

/** Envoy's verify_signature: import the DER public key (BadArgument if it cannot), then verify with BoringSSL. */
function emulator(calls: Call[], behaviour: { fail?: boolean } = {}) {
  return {
    verify_signature: (args: Uint8Array): Uint8Array | number => {
      const call = decodeArgs(args);
      calls.push(call);
      if (behaviour.fail) return 2;
      let key;
      try {
        key = createPublicKey({ key: Buffer.from(call.key), format: "der", type: "spki" });
      } catch {
        return 2; // WasmResult::BadArgument
      }
      const ok = cryptoVerify(call.hash, call.text, key, call.signature);
      return encodeResult(ok, ok ? "" : "Failed to verify digest. Error code: 0");
    },
  };
}

describe("tenant: signatures through Envoy's verify_signature", () => {
  const keys = new Map<Alg, TestKey>();
  let all: TestKey[];
  before(async () => {
    for (const alg of [...HOST_ALGS, ...WASM_ALGS]) keys.set(alg, await makeKey(alg));
    all = [...keys.values()];
  });

  const config = (backend: string) => ({ providers: { main: localProvider(all) }, signature_backend: backend, jwt_cache_config: { jwt_cache_size: 0 } });

  it("auto: RS*, ES384 go to the host with Envoy's arguments (host: ES256 too), ES256, PS* and EdDSA stay in wasm", async () => {
    for (const backend of ["auto", "host"]) {
      const hostAlgs = backend === "auto" ? AUTO_HOST_ALGS : HOST_ALGS;
      const wasmAlgs: Alg[] = backend === "auto" ? ["ES256", ...WASM_ALGS] : WASM_ALGS;
      const calls: Call[] = [];
      const host = await startTenant(config(backend), { foreignFunctions: emulator(calls) });
      assert.ok(host.logs.some((l) => l.message.includes("Envoy's verify_signature for RS")));
      const probes = calls.length; // the availability probe at configure time
      for (const alg of hostAlgs) {
        const token = await sign(keys.get(alg)!, { tenant: alg });
        const r = send(host, bearer(token));
        assert.deepEqual(r.values("x-tenant"), [alg], `${alg}: ${r.reply?.body}`);
        const call = calls[calls.length - 1];
        assert.equal(call.hash, alg.endsWith("256") ? "sha256" : "sha384");
        assert.equal(Buffer.from(call.text).toString(), token.slice(0, token.lastIndexOf(".")));
        // The DER key is the token key's public key, as a SubjectPublicKeyInfo.
        const jwk = createPublicKey({ key: Buffer.from(call.key), format: "der", type: "spki" }).export({ format: "jwk" });
        const expected = keys.get(alg)!.jwk;
        if (alg.startsWith("RS")) assert.deepEqual([jwk.n, jwk.e], [expected.n, expected.e]);
        else assert.deepEqual([jwk.crv, jwk.x, jwk.y], [expected.crv, expected.x, expected.y]);
        if (alg.startsWith("ES")) assert.equal(call.signature[0], 0x30, "ECDSA signature converted from r||s to DER");
      }
      assert.equal(calls.length - probes, hostAlgs.length);
      assert.equal(host.metric("waymark.tenant.signature.host"), hostAlgs.length);
      for (const alg of wasmAlgs) {
        assert.deepEqual(send(host, bearer(await sign(keys.get(alg)!, { tenant: alg }))).values("x-tenant"), [alg]);
      }
      assert.equal(calls.length - probes, hostAlgs.length, `${backend}: no host call for ${wasmAlgs.join(", ")}`);
      assert.equal(host.metric("waymark.tenant.signature.wasm"), wasmAlgs.length);
    }
  });

  it("host-checked signatures are refused when wrong, with the JOSE reasons", async () => {
    const host = await startTenant(config("host"), { foreignFunctions: emulator([]) });
    for (const alg of HOST_ALGS) {
      const token = await sign(keys.get(alg)!, { tenant: "acme" });
      const other = await sign(keys.get(alg)!, { tenant: "other" });
      const forged = token.slice(0, token.lastIndexOf(".")) + other.slice(other.lastIndexOf("."));
      const r = send(host, bearer(forged));
      assert.equal(JSON.parse(r.reply!.body).reason, "bad_signature", alg);
      const expired = send(host, bearer(await sign(keys.get(alg)!, { tenant: "acme", exp: 1 })));
      assert.equal(JSON.parse(expired.reply!.body).reason, "expired", alg);
      const short = send(host, bearer(token.slice(0, -8)));
      assert.ok(["bad_signature", "malformed"].includes(JSON.parse(short.reply!.body).reason), alg);
    }
    const stranger = await makeKey("ES256", "stranger");
    assert.equal(JSON.parse(send(host, bearer(await sign(stranger, {}))).reply!.body).reason, "unknown_kid");
    const noneToken = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from("{}").toString("base64url")}.`;
    assert.equal(JSON.parse(send(host, bearer(noneToken)).reply!.body).reason, "alg_none");
  });

  it("auto falls back to wasm when the host fails; host refuses with signature_backend_unavailable", async () => {
    const token = await sign(keys.get("RS256")!, { tenant: "acme" });
    const auto = await startTenant(config("auto"), { foreignFunctions: emulator([], { fail: true }) });
    assert.deepEqual(send(auto, bearer(token)).values("x-tenant"), ["acme"]);
    assert.equal(auto.metric("waymark.tenant.signature.wasm"), 1);
    const strict = await startTenant(config("host"), { foreignFunctions: emulator([], { fail: true }) });
    assert.equal(JSON.parse(send(strict, bearer(token)).reply!.body).reason, "signature_backend_unavailable");
  });

  it("wasm never calls the host; auto without the function verifies in wasm", async () => {
    const calls: Call[] = [];
    const wasm = await startTenant(config("wasm"), { foreignFunctions: emulator(calls) });
    const token = await sign(keys.get("ES256")!, { tenant: "acme" });
    assert.deepEqual(send(wasm, bearer(token)).values("x-tenant"), ["acme"]);
    assert.equal(calls.length, 0);
    const bare = await startTenant(config("auto"));
    assert.deepEqual(send(bare, bearer(token)).values("x-tenant"), ["acme"]);
    assert.equal(bare.metric("waymark.tenant.signature.host"), 0);
    assert.equal(bare.metric("waymark.tenant.signature.wasm"), 1);
  });
});
