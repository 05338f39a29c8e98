// The contract of `waymark jws verify` (bin/waymark.mjs -> cli/jws-verify.mjs -> dist/tools/jose.wasm):
// output text, exit codes, batch order, bad_input lines, usage errors.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as nodeCrypto from "node:crypto";
import { root, rfcDir, rfcFile, RFC_NOW, b64u } from "./support.ts";

const bin = join(root, "bin", "waymark.mjs");

function run(args: string[], input?: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: "utf8", input });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "waymark-cli-"));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

const secret = Buffer.alloc(32, 5);
const hmacJwk = { kty: "oct", k: b64u(secret), kid: "h1" };
function hs256(payload: object, header: object = { alg: "HS256", kid: "h1" }): string {
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(payload))}`;
  return `${input}.${b64u(nodeCrypto.createHmac("sha256", secret).update(input).digest())}`;
}

describe("waymark jws verify --jwk", () => {
  it("prints valid and exits 0 for RFC 7515 A.3 with --now in its validity", () => {
    const r = run(["jws", "verify", "--jwk", join(rfcDir, "rfc7515_A.3.jwk"), "--now", String(RFC_NOW), rfcFile("rfc7515_A.3.jwsc")]);
    assert.equal(r.stdout, "valid\n");
    assert.equal(r.code, 0);
  });

  it("uses the current time by default: A.3 is expired today (exit 1, detail on stderr)", () => {
    const r = run(["jws", "verify", "--jwk", join(rfcDir, "rfc7515_A.3.jwk"), rfcFile("rfc7515_A.3.jwsc")]);
    assert.equal(r.stdout, "invalid: expired\n");
    assert.equal(r.code, 1);
    assert.match(r.stderr, /detail: token expired at 1300819380/);
  });

  it("accepts a JWKS file and options after the token", () => {
    const r = run(["jws", "verify", rfcFile("rfc7515_A.1.jwsc"), "--jwk", join(rfcDir, "rfc7517_A.3.jwkset"), "--now", String(RFC_NOW)]);
    assert.equal(r.stdout, "valid\n");
    assert.equal(r.code, 0);
  });

  it("prints invalid: alg_none for A.5, invalid: malformed for the JSON serialisation", () => {
    const a5 = run(["jws", "verify", "--jwk", join(rfcDir, "rfc7515_A.1.jwk"), "--now", String(RFC_NOW), rfcFile("rfc7515_A.5.jwsc")]);
    assert.equal(a5.stdout, "invalid: alg_none\n");
    assert.equal(a5.code, 1);
    const a7 = run(["jws", "verify", "--jwk", join(rfcDir, "rfc7515_A.7.jwk"), "--now", String(RFC_NOW), rfcFile("rfc7515_A.7.jwsf")]);
    assert.equal(a7.stdout, "invalid: malformed\n");
    assert.equal(a7.code, 1);
  });

  it("a refused key file is invalid: bad_key with the reason on stderr", () => {
    const file = join(dir, "weak.jwk");
    writeFileSync(file, JSON.stringify({ kty: "oct", k: b64u(Buffer.alloc(10)) }));
    const r = run(["jws", "verify", "--jwk", file, hs256({ sub: "x" })]);
    assert.equal(r.stdout, "invalid: bad_key\n");
    assert.equal(r.code, 1);
    assert.match(r.stderr, /HMAC key k is 10 bytes/);
  });

  it("usage errors print usage and exit 2", () => {
    const jwk = join(rfcDir, "rfc7515_A.1.jwk");
    for (const args of [
      ["jws", "verify"],
      ["jws", "verify", "--jwk", jwk],
      ["jws", "verify", rfcFile("rfc7515_A.1.jwsc")],
      ["jws", "verify", "--jwk"],
      ["jws", "verify", "--jwk", jwk, "a", "b"],
      ["jws", "verify", "--jwk", jwk, "--frobnicate", "a"],
      ["jws", "verify", "--jwk", jwk, "--now", "yesterday", "a"],
      ["jws", "verify", "--batch", "x.jsonl", "--jwk", jwk],
      ["jws", "nope"],
      ["frobnicate"],
      [],
    ]) {
      const r = run(args);
      assert.equal(r.code, 2, args.join(" "));
      assert.equal(r.stdout, "", args.join(" "));
      assert.match(r.stderr, /usage: waymark/, args.join(" "));
    }
  });

  it("a missing key file exits 2 with a message", () => {
    const r = run(["jws", "verify", "--jwk", join(dir, "absent.jwk"), "a.b.c"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot read .*absent\.jwk: ENOENT/);
  });

  it("--help prints usage on stdout and exits 0", () => {
    const r = run(["jws", "verify", "--help"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /usage: waymark jws verify/);
    const top = run(["--help"]);
    assert.equal(top.code, 0);
    assert.match(top.stdout, /jws verify/);
  });
});

describe("waymark jws verify --batch", () => {
  const now = Math.floor(Date.now() / 1000);
  const good = hs256({ sub: "a", exp: now + 600 });
  const expired = hs256({ sub: "a", exp: now - 600 });
  const lines = [
    JSON.stringify({ jwk: hmacJwk, jws: good }),
    "this is not json",
    JSON.stringify({ jwk: hmacJwk, jws: expired }),
    JSON.stringify({ jwk: { keys: [hmacJwk] }, jws: good }),
    JSON.stringify({ jws: good }),
    JSON.stringify({ jwk: hmacJwk, jws: 42 }),
    JSON.stringify({ jwk: "not an object", jws: good }),
    '{"jwk": {"kty": "oct", "k": "' + hmacJwk.k + '"}, "jws": "' + good + '", "jws": "x"}',
    "[1, 2, 3]",
    JSON.stringify({ jwk: { kty: "RSA", n: "AQAB", e: "AQAB" }, jws: good }),
    JSON.stringify({ jwk: hmacJwk, jws: good.replace(/.$/, good.endsWith("A") ? "Q" : "A") }),
  ];

  it("answers one line per input, in order, never crashing", () => {
    const file = join(dir, "batch.jsonl");
    writeFileSync(file, lines.join("\n") + "\n\n");
    const r = run(["jws", "verify", "--batch", file]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.split("\n"), [
      '{"valid": true}',
      '{"valid": false, "reason": "bad_input"}',
      '{"valid": false, "reason": "expired"}',
      '{"valid": true}',
      '{"valid": false, "reason": "bad_input"}',
      '{"valid": false, "reason": "bad_input"}',
      '{"valid": false, "reason": "bad_input"}',
      '{"valid": false, "reason": "bad_input"}',
      '{"valid": false, "reason": "bad_input"}',
      '{"valid": false, "reason": "bad_key"}',
      '{"valid": false, "reason": "bad_signature"}',
      "",
    ]);
  });

  it("reads stdin with -, handles CRLF, and honours --now", () => {
    const input = [
      JSON.stringify({ jwk: JSON.parse(rfcFile("rfc7515_A.3.jwk")), jws: rfcFile("rfc7515_A.3.jwsc") }),
      JSON.stringify({ jwk: JSON.parse(rfcFile("rfc7515_A.1.jwk")), jws: rfcFile("rfc7515_A.5.jwsc") }),
    ].join("\r\n");
    const r = run(["jws", "verify", "--batch", "-", "--now", String(RFC_NOW)], input);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '{"valid": true}\n{"valid": false, "reason": "alg_none"}\n');
  });

  it("an empty batch prints nothing", () => {
    const file = join(dir, "empty.jsonl");
    writeFileSync(file, "");
    const r = run(["jws", "verify", "--batch", file]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, "");
  });

  it("every line of a hostile batch gets an answer", () => {
    const hostile = [
      "{".repeat(5000),
      '{"jwk": ' + "[".repeat(3000) + "]".repeat(3000) + ', "jws": "a.b.c"}',
      JSON.stringify({ jwk: hmacJwk, jws: "x".repeat(100000) }),
      JSON.stringify({ jwk: hmacJwk, jws: "\u0000.\u0000.\u0000" }),
      JSON.stringify({ jwk: { keys: Array.from({ length: 200 }, () => hmacJwk) }, jws: good }),
      "\uFEFF" + JSON.stringify({ jwk: hmacJwk, jws: good }),
      '{"jwk": {"kty": "oct", "k": "\\ud800"}, "jws": "a.b.c"}',
    ];
    const file = join(dir, "hostile.jsonl");
    writeFileSync(file, hostile.join("\n"));
    const r = run(["jws", "verify", "--batch", file]);
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
    assert.equal(out.length, hostile.length);
    assert.ok(out.every((o) => o.valid === false && typeof o.reason === "string"));
    assert.equal(out[2].reason, "too_large");
  });
});
