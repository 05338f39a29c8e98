// `npm run bench`: runs every bench/*.bench.ts (or those matching the arguments) and prints one table.
// Figures are reported, never asserted; ratios compare against a baseline measured in the same run.
import { readdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { cpus } from "node:os";
import type { BenchRow } from "./measure.ts";

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here).filter((f) => f.endsWith(".bench.ts") && (filters.length === 0 || filters.some((x) => f.includes(x)))).sort();

console.log(`machine: ${cpus()[0]?.model ?? "unknown"} (${cpus().length} cores), Node ${process.version}`);
const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toFixed(1));
for (const file of files) {
  const mod = (await import(join(here, file))) as { run: () => Promise<BenchRow[]> };
  let rows: BenchRow[];
  try {
    rows = await mod.run();
  } catch (err) {
    console.log(`\n${file}: failed: ${(err as Error).message}`);
    process.exitCode = 1;
    continue;
  }
  console.log(`\n${file}`);
  for (const r of rows) {
    const ratio = r.baselineNs ? `  ${(r.ns / r.baselineNs).toFixed(2)}x baseline (${fmt(r.baselineNs)})` : "";
    console.log(`  ${r.name.padEnd(84)} ${fmt(r.ns).padStart(12)}${ratio}${r.note ? `  [${r.note}]` : ""}`);
  }
}

