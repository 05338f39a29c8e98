// Loads the compiled plugin test harness (dist/harness/, the package export `waymark/harness`) for a command.
// In an installed package it is there already; in a clone it is built (scripts/build.mjs --only harness) when it
// is missing or older than harness/*.ts, so the commands never run stale harness code and never need tsx.
import { existsSync, statSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { root } from "./tool.mjs";

const COMPILED = join(root, "dist", "harness", "index.js");
const SOURCES = join(root, "harness");

async function stale() {
  if (!existsSync(COMPILED)) return true;
  const { newestUnder } = await import("../scripts/freshness.mjs");
  return newestUnder(SOURCES) > statSync(COMPILED).mtimeMs;
}

/** The harness module: ProxyWasmHost, FilterChain, ... */
export async function loadHarness() {
  const inClone = existsSync(join(SOURCES, "index.ts"));
  if (inClone && (await stale())) {
    const build = spawnSync(process.execPath, [join(root, "scripts", "build.mjs"), "--only", "harness", "--quiet"], {
      cwd: root, stdio: ["ignore", "ignore", "inherit"],
    });
    if (build.status !== 0) throw new Error("could not build dist/harness/ (node scripts/build.mjs --only harness)");
  }
  if (!existsSync(COMPILED)) throw new Error(`the compiled harness is missing (${COMPILED})`);
  return import(pathToFileURL(COMPILED).href);
}
