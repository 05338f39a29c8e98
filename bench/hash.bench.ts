// Benchmarks of the AssemblyScript hash module (dist/tools/hash.*): Maglev and ring builds, their
// lookups, and XXH64 of a 36-byte key. Lookup and hash loops run entirely inside wasm (one call
// per measurement), so the figures exclude the JS<->wasm call cost.
// Run alone: node --import tsx bench/hash.bench.ts
import { existsSync, readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";

export interface BenchRow {
  name: string;
  ns: number;
  baselineNs?: number;
  note?: string;
}

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const built = join(root, "dist", "tools", "hash.js");

type HashTool = typeof import("../dist/tools/hash.js");

function machine(): string {
  try {
    const line = readFileSync("/proc/cpuinfo", "utf8").split("\n").find((l) => l.startsWith("model name"));
    if (line) return line.split(":")[1].trim();
  } catch {
    // not Linux: fall through
  }
  return "unknown CPU";
}

function podKeys(n: number): string {
  return Array.from({ length: n }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:8080`).join("\n");
}

/** Median over `trials` of the per-operation time of `body(ops)`. */
function measure(ops: number, trials: number, body: (ops: number) => unknown): number {
  body(Math.max(1, Math.floor(ops / 10))); // warm-up: let the engine tier up
  const samples: number[] = [];
  for (let t = 0; t < trials; t++) {
    const start = process.hrtime.bigint();
    body(ops);
    samples.push(Number(process.hrtime.bigint() - start) / ops);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

const round = (ns: number) => Math.round(ns * 100) / 100;

export async function run(): Promise<BenchRow[]> {
  if (!existsSync(built)) {
    execFileSync(process.execPath, [join(root, "scripts", "build.mjs"), "--only", "tools/hash", "--quiet"], { cwd: root, stdio: "inherit" });
  }
  const h: HashTool = await import(built);
  const cpu = machine();
  const rows: BenchRow[] = [];
  const noWeights = new Uint32Array(0);
  const LOOKUPS = 5_000_000;

  // Envoy's native figures for its C++ Maglev build (65537 slots, 100-500 hosts), as quoted in the
  // hashing brief; measured on other hardware, so only a rough yardstick.
  const envoyMaglevBuildNs: Record<number, number> = { 100: 2.4e6, 500: 2.7e6 };
  for (const pods of [10, 100, 500, 1000]) {
    const keys = podKeys(pods);
    const ns = measure(10, 7, (n) => h.benchMaglevBuild(keys, 65537, n));
    rows.push({
      name: `maglev build, 65537 slots, ${pods} pods`,
      ns: round(ns),
      baselineNs: envoyMaglevBuildNs[pods],
      note: `${cpu}; ${(ns / 1e6).toFixed(2)} ms per build${envoyMaglevBuildNs[pods] ? "; baseline = Envoy's reported native build" : ""}`,
    });
  }

  const generation = measure(LOOKUPS, 5, (n) => h.benchHashGeneration(n));
  for (const pods of [10, 100, 1000]) {
    const handle = h.maglevBuild(podKeys(pods), noWeights, 65537);
    const ns = measure(LOOKUPS, 5, (n) => h.benchMaglevLookups(handle, n));
    rows.push({
      name: `maglev lookup, 65537 slots, ${pods} pods`,
      ns: round(ns),
      note: `${cpu}; in-wasm loop, includes ${generation.toFixed(2)} ns of splitmix64 hash generation per lookup`,
    });
    h.maglevRelease(handle);
  }

  for (const pods of [3, 100]) {
    const keys = podKeys(pods);
    for (const [fn, label] of [[0, "XX_HASH"], [1, "MURMUR_HASH_2"]] as const) {
      const ns = measure(100, 7, (n) => h.benchRingBuild(keys, 1024n, 8388608n, fn, n));
      const handle = h.ringBuild(keys, noWeights, 1024n, 8388608n, fn);
      const size = h.ringHosts(handle).length;
      rows.push({ name: `ring build, min 1024, ${pods} pods, ${label}`, ns: round(ns), note: `${cpu}; ${size} entries; ${(ns / 1e3).toFixed(1)} us per build` });
    }
    const handle = h.ringBuild(keys, noWeights, 1024n, 8388608n, 0);
    const ns = measure(LOOKUPS, 5, (n) => h.benchRingLookups(handle, n));
    rows.push({
      name: `ring lookup, ${pods} pods (${h.ringHosts(handle).length} entries)`,
      ns: round(ns),
      note: `${cpu}; in-wasm loop, includes ${generation.toFixed(2)} ns of splitmix64 hash generation per lookup`,
    });
  }

  const key36 = "5f0c6c1e-8a3b-4d2e-9f71-0b6a2c4d8e10"; // a UUID: a typical 36-byte sticky ID
  const bytes36 = new TextEncoder().encode(key36);
  rows.push({ name: "xxh64, 36-byte key (Uint8Array)", ns: round(measure(LOOKUPS, 5, (n) => h.benchXxh64(bytes36, n))), note: `${cpu}; in-wasm loop` });
  rows.push({ name: "xxh64String, 36-char ASCII key", ns: round(measure(LOOKUPS, 5, (n) => h.benchXxh64String(key36, n))), note: `${cpu}; in-wasm loop, UTF-8 narrowing included` });
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await run();
  for (const r of rows) {
    const base = r.baselineNs !== undefined ? `  (baseline ${r.baselineNs} ns)` : "";
    console.log(`${r.name.padEnd(48)} ${String(r.ns).padStart(12)} ns${base}  ${r.note ?? ""}`);
  }
}
