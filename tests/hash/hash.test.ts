// Node checks of the AssemblyScript hash module (dist/tools/hash.*, built by
// `node scripts/build.mjs --only tools/hash`): differential tests against independent BigInt
// implementations written here from the algorithm descriptions, Maglev disruption and ordering.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { prng } from "../support/prng.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const built = join(root, "dist", "tools", "hash.js");

type HashTool = typeof import("../../dist/tools/hash.js");
let wasm: HashTool;

before(async () => {
  if (!existsSync(built)) {
    execFileSync(process.execPath, [join(root, "scripts", "build.mjs"), "--only", "tools/hash", "--quiet"], { cwd: root, stdio: "inherit" });
  }
  wasm = await import(built);
});

// ---------------------------------------------------------------- reference implementations ----

const MASK = (1n << 64n) - 1n;
const enc = new TextEncoder();

function loadLE(b: Uint8Array, at: number, n: number): bigint {
  let v = 0n;
  for (let k = n - 1; k >= 0; k--) v = (v << 8n) | BigInt(b[at + k]);
  return v;
}

function rotl(x: bigint, r: number): bigint {
  return ((x << BigInt(r)) | (x >> BigInt(64 - r))) & MASK;
}

/** XXH64 as specified in xxHash's doc/xxhash_spec.md. */
function refXxh64(b: Uint8Array, seed = 0n): bigint {
  const P1 = 0x9e3779b185ebca87n, P2 = 0xc2b2ae3d27d4eb4fn, P3 = 0x165667b19e3779f9n;
  const P4 = 0x85ebca77c2b2ae63n, P5 = 0x27d4eb2f165667c5n;
  const round = (acc: bigint, lane: bigint) => (rotl((acc + lane * P2) & MASK, 31) * P1) & MASK;
  const n = b.length;
  let i = 0;
  let h: bigint;
  if (n >= 32) {
    const acc = [(seed + P1 + P2) & MASK, (seed + P2) & MASK, seed, (seed - P1) & MASK];
    for (; i + 32 <= n; i += 32) for (let k = 0; k < 4; k++) acc[k] = round(acc[k], loadLE(b, i + 8 * k, 8));
    h = (rotl(acc[0], 1) + rotl(acc[1], 7) + rotl(acc[2], 12) + rotl(acc[3], 18)) & MASK;
    for (const a of acc) h = ((h ^ round(0n, a)) * P1 + P4) & MASK;
  } else {
    h = (seed + P5) & MASK;
  }
  h = (h + BigInt(n)) & MASK;
  for (; i + 8 <= n; i += 8) h = (rotl(h ^ round(0n, loadLE(b, i, 8)), 27) * P1 + P4) & MASK;
  if (i + 4 <= n) {
    h = (rotl(h ^ ((loadLE(b, i, 4) * P1) & MASK), 23) * P2 + P3) & MASK;
    i += 4;
  }
  for (; i < n; i++) h = (rotl(h ^ ((BigInt(b[i]) * P5) & MASK), 11) * P1) & MASK;
  h ^= h >> 33n;
  h = (h * P2) & MASK;
  h ^= h >> 29n;
  h = (h * P3) & MASK;
  h ^= h >> 32n;
  return h;
}

/** libstdc++ _Hash_bytes (64-bit), as Envoy's MurmurHash::murmurHash2. */
function refMurmur2(b: Uint8Array, seed = 0xc70f6907n): bigint {
  const mul = 0xc6a4a7935bd1e995n;
  const shiftMix = (v: bigint) => v ^ (v >> 47n);
  const n = b.length;
  const aligned = n - (n % 8);
  let h = (seed ^ ((BigInt(n) * mul) & MASK)) & MASK;
  for (let i = 0; i < aligned; i += 8) {
    h ^= (shiftMix((loadLE(b, i, 8) * mul) & MASK) * mul) & MASK;
    h = (h * mul) & MASK;
  }
  if (n % 8 !== 0) {
    h ^= loadLE(b, aligned, n % 8);
    h = (h * mul) & MASK;
  }
  h = (shiftMix(h) * mul) & MASK;
  return shiftMix(h);
}

const xs = (s: string) => refXxh64(enc.encode(s));

/** Byte-wise comparison as std::string_view operator<. */
function cmpBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Envoy's Maglev build, literally: permutation (offset + skip * next) % M recomputed per probe. */
function refMaglev(keys: string[], weights: number[], M: number): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const norm = weights.map((w) => (w * 1.0) / sum);
  const maxW = Math.max(0, ...norm);
  const entries = keys
    .map((k, i) => ({ key: enc.encode(k), index: i, w: norm[i] }))
    .sort((a, b) => cmpBytes(a.key, b.key) || a.index - b.index)
    .map((e) => ({
      ...e,
      offset: Number(refXxh64(e.key, 0n) % BigInt(M)),
      skip: Number(refXxh64(e.key, 1n) % BigInt(M - 1)) + 1,
      target: 0,
      next: 0,
    }));
  const table: number[] = new Array(M).fill(-1);
  let filled = 0;
  for (let iteration = 1; filled < M; iteration++) {
    for (let i = 0; i < entries.length && filled < M; i++) {
      const e = entries[i];
      if (iteration * e.w < e.target) continue;
      e.target += maxW;
      let c = (e.offset + e.skip * e.next) % M;
      while (table[c] !== -1) {
        e.next++;
        c = (e.offset + e.skip * e.next) % M;
      }
      table[c] = e.index;
      e.next++;
      filled++;
    }
  }
  return table;
}

interface RefRing {
  hashes: bigint[];
  hosts: number[];
}

/** Envoy's ring build, literally (running double sums, key + "_" + i). */
function refRing(keys: string[], weights: number[], minRing: number, maxRing: number, murmur: boolean): RefRing {
  const sum = weights.reduce((a, b) => a + b, 0);
  const norm = weights.map((w) => (w * 1.0) / sum);
  const minW = Math.min(1.0, ...norm);
  const scale = Math.min(Math.ceil(minW * minRing) / minW, maxRing);
  const entries: Array<{ hash: bigint; host: number; seq: number }> = [];
  let current = 0.0;
  let target = 0.0;
  keys.forEach((key, host) => {
    target += scale * norm[host];
    for (let i = 0; current < target; i++, current++) {
      const bytes = enc.encode(`${key}_${i}`);
      entries.push({ hash: murmur ? refMurmur2(bytes) : refXxh64(bytes), host, seq: entries.length });
    }
  });
  entries.sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : a.seq - b.seq));
  return { hashes: entries.map((e) => e.hash), hosts: entries.map((e) => e.host) };
}

/** Envoy's RingHashLoadBalancer::Ring::chooseHost: the ketama search with signed indices. */
function refRingChoose(ring: RefRing, h: bigint, attempt: number): number {
  const size = ring.hashes.length;
  let lowp = 0;
  let highp = size;
  let midp = 0;
  for (;;) {
    midp = Math.trunc((lowp + highp) / 2);
    if (midp === size) {
      midp = 0;
      break;
    }
    const midval = ring.hashes[midp];
    const midval1 = midp === 0 ? 0n : ring.hashes[midp - 1];
    if (h <= midval && h > midval1) break;
    if (midval < h) lowp = midp + 1;
    else highp = midp - 1;
    if (lowp > highp) {
      midp = 0;
      break;
    }
  }
  if (attempt > 0) midp = (midp + attempt) % size;
  return ring.hosts[midp];
}

// ------------------------------------------------------------------------------ utilities ----

function randomBigUint64(rand: () => number): bigint {
  return (BigInt(Math.floor(rand() * 2 ** 32)) << 32n) | BigInt(Math.floor(rand() * 2 ** 32));
}

function podKeys(n: number, port = 8080): string[] {
  return Array.from({ length: n }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:${port}`);
}

const NO_WEIGHTS = new Uint32Array(0);

// ---------------------------------------------------------------------------------- tests ----

describe("XXH64 differential (wasm vs BigInt reference)", () => {
  it("reference reproduces Envoy's and xxHash's published values", () => {
    assert.equal(xs("foo"), 3728699739546630719n);
    assert.equal(xs(""), 17241709254077376921n);
    assert.equal(xs("lyft"), 4400747396090729504n);
    assert.equal(refXxh64(enc.encode("bar"), xs("foo")), 17745830980996999794n);
    assert.equal(xs("Nobody inspects the spammish repetition"), 0xfbcea83c8a378bf1n);
  });

  it("random inputs of every length 0..100, several seeds", () => {
    const rand = prng(1);
    for (let len = 0; len <= 100; len++) {
      for (let rep = 0; rep < 8; rep++) {
        const data = Uint8Array.from({ length: len }, () => Math.floor(rand() * 256));
        const seed = rep === 0 ? 0n : randomBigUint64(rand);
        assert.equal(wasm.xxh64Of(data, seed), refXxh64(data, seed), `len ${len} seed ${seed}`);
      }
    }
  });

  it("string form hashes UTF-8 (ASCII and not)", () => {
    const rand = prng(2);
    const alphabet = "abcXYZ019:._-é€😀";
    for (let i = 0; i < 300; i++) {
      const len = Math.floor(rand() * 60);
      const s = Array.from({ length: len }, () => [...alphabet][Math.floor(rand() * [...alphabet].length)]).join("");
      assert.equal(wasm.xxh64OfString(s, 0n), refXxh64(enc.encode(s)), JSON.stringify(s));
    }
  });
});

describe("Murmur2 differential (wasm vs BigInt reference)", () => {
  it("reference reproduces Envoy's hash_test.cc values", () => {
    assert.equal(refMurmur2(enc.encode("foo")), 9631199822919835226n);
    assert.equal(refMurmur2(enc.encode("")), 6142509188972423790n);
  });

  it("random inputs of every length 0..100", () => {
    const rand = prng(3);
    for (let len = 0; len <= 100; len++) {
      for (let rep = 0; rep < 4; rep++) {
        const data = Uint8Array.from({ length: len }, () => Math.floor(rand() * 256));
        const seed = rep === 0 ? 0xc70f6907n : randomBigUint64(rand);
        assert.equal(wasm.murmur2Of(data, seed), refMurmur2(data, seed), `len ${len}`);
      }
    }
  });
});

describe("request hash", () => {
  it("header values: sorted byte-wise, seed-chained", () => {
    const chain = (vals: string[]) => vals.reduce((h, v) => refXxh64(enc.encode(v), h), 0n);
    assert.equal(wasm.headerHash("foo"), xs("foo"));
    assert.equal(wasm.headerHash("foo\nbar"), chain(["bar", "foo"]));
    assert.equal(wasm.headerHash("b\na\nab\n\u00e9\nz"), chain(["a", "ab", "b", "z", "\u00e9"]));
  });
});

describe("Maglev", () => {
  it("matches a literal port of Envoy's build for random hosts, weights and sizes", () => {
    const rand = prng(4);
    for (const M of [7, 17, 251, 4093, 65537]) {
      for (let rep = 0; rep < 3; rep++) {
        const n = 1 + Math.floor(rand() * (M < 20 ? 8 : 40));
        const keys = Array.from({ length: n }, (_, i) => `pod-${Math.floor(rand() * 1e6)}-${i}.svc:${8000 + i}`);
        const weights = keys.map(() => 1 + Math.floor(rand() * 5));
        const handle = wasm.maglevBuild(keys.join("\n"), Uint32Array.from(weights), M);
        assert.ok(handle >= 0, `build failed: ${handle}`);
        const slots = Array.from(wasm.maglevSlots(handle));
        assert.deepEqual(slots, refMaglev(keys, weights, M), `M=${M} n=${n}`);
        wasm.maglevRelease(handle);
      }
    }
  });

  it("lookup is table[h % M], retries xor 2^64 - attempt", () => {
    const keys = podKeys(10);
    const handle = wasm.maglevBuild(keys.join("\n"), NO_WEIGHTS, 251);
    const slots = wasm.maglevSlots(handle);
    const rand = prng(5);
    for (let i = 0; i < 1000; i++) {
      const h = randomBigUint64(rand);
      const attempt = i % 4;
      const mutated = attempt > 0 ? h ^ ((1n << 64n) - BigInt(attempt)) : h;
      assert.equal(wasm.maglevChoose(handle, h, attempt), slots[Number(mutated % 251n)]);
    }
    wasm.maglevRelease(handle);
  });

  it("is independent of host order (same host per slot for a shuffled list)", () => {
    const keys = podKeys(100);
    const rand = prng(6);
    const shuffled = [...keys];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    const a = wasm.maglevBuild(keys.join("\n"), NO_WEIGHTS, 65537);
    const b = wasm.maglevBuild(shuffled.join("\n"), NO_WEIGHTS, 65537);
    const sa = wasm.maglevSlots(a);
    const sb = wasm.maglevSlots(b);
    for (let c = 0; c < 65537; c++) assert.equal(shuffled[sb[c]], keys[sa[c]], `slot ${c}`);
    wasm.maglevRelease(a);
    wasm.maglevRelease(b);
  });

  it("removing one of 100 pods moves its keys and few others", (t) => {
    const keys = podKeys(100);
    const removed = 37;
    const rest = keys.filter((_, i) => i !== removed);
    const before = wasm.maglevBuild(keys.join("\n"), NO_WEIGHTS, 65537);
    const after = wasm.maglevBuild(rest.join("\n"), NO_WEIGHTS, 65537);
    const rand = prng(7);
    const requests = Array.from({ length: 100_000 }, (_, i) => `session-${i}-${Math.floor(rand() * 1e9).toString(36)}`);
    const hostBefore = wasm.maglevChooseKeys(before, requests.join("\n"));
    const hostAfter = wasm.maglevChooseKeys(after, requests.join("\n"));
    let onRemoved = 0;
    let othersMoved = 0;
    for (let i = 0; i < requests.length; i++) {
      const was = keys[hostBefore[i]];
      const now = rest[hostAfter[i]];
      if (hostBefore[i] === removed) {
        onRemoved++;
        assert.notEqual(now, was);
      } else if (now !== was) {
        othersMoved++;
      }
    }
    const removedShare = onRemoved / requests.length;
    const othersShare = othersMoved / requests.length;
    t.diagnostic(`keys on the removed pod: ${(removedShare * 100).toFixed(3)}%; other keys moved: ${(othersShare * 100).toFixed(3)}% (${othersMoved} of ${requests.length})`);
    assert.ok(removedShare > 0.005 && removedShare < 0.015, `removed pod held ${removedShare}`);
    assert.ok(othersShare < 2 * removedShare, `disruption ${othersShare} >= 2 x ${removedShare}`);
    wasm.maglevRelease(before);
    wasm.maglevRelease(after);
  });

  it("rejects non-prime and oversized tables", () => {
    assert.equal(wasm.maglevBuild("a\nb", NO_WEIGHTS, 65536), -1);
    assert.equal(wasm.maglevBuild("a\nb", NO_WEIGHTS, 5000012), -2);
  });
});

describe("Ring hash", () => {
  it("matches a literal port of Envoy's build and ketama search", () => {
    const rand = prng(8);
    const cases: Array<[number, number, number, boolean]> = [
      [3, 1024, 8388608, false],
      [7, 1024, 8388608, true],
      [13, 100, 500, false],
      [5, 6, 6, false],
      [40, 1024, 2048, true],
    ];
    for (const [n, minRing, maxRing, murmur] of cases) {
      const keys = Array.from({ length: n }, (_, i) => `10.0.0.${i + 1}:${80 + i}`);
      const weights = keys.map(() => 1 + Math.floor(rand() * 4));
      const handle = wasm.ringBuild(keys.join("\n"), Uint32Array.from(weights), BigInt(minRing), BigInt(maxRing), murmur ? 1 : 0);
      assert.ok(handle >= 0, `build failed: ${handle}`);
      const ref = refRing(keys, weights, minRing, maxRing, murmur);
      assert.deepEqual(Array.from(wasm.ringHashes(handle)), ref.hashes, `n=${n}`);
      assert.deepEqual(Array.from(wasm.ringHosts(handle)), ref.hosts, `n=${n}`);
      const probes = [0n, 1n, MASK, MASK - 1n];
      for (const h of ref.hashes.slice(0, 50)) probes.push(h, h - 1n, (h + 1n) & MASK);
      for (let i = 0; i < 500; i++) probes.push(randomBigUint64(rand));
      for (const h of probes) {
        const attempt = Number(h % 3n);
        assert.equal(wasm.ringChoose(handle, h, attempt), refRingChoose(ref, h, attempt), `h=${h} attempt=${attempt}`);
      }
    }
  });
});

describe("host address strings", () => {
  it("IPv4 and canonical IPv6", () => {
    assert.equal(wasm.addressString("10.0.0.1", 8080), "10.0.0.1:8080");
    assert.equal(wasm.addressString("2001:db8:0:0:0:0:0:1", 8080), "[2001:db8::1]:8080");
    assert.equal(wasm.addressString("not-an-ip", 8080), "");
  });
});
