// Is a built module older than what it is built from? Used by the build (to build only what is stale) and by
// commands that load a built module (to say when it is out of date).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { root } from "./ensure.mjs";

/** What every module is built from besides its own folder. */
export const SHARED_INPUTS = ["assembly", "asconfig.json", "package-lock.json", "scripts/build.mjs"];

/** The newest modification time of a file, or of anything under a folder (the folder's own time included). */
export function newestUnder(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs; // a folder's own time changes when a file is removed or renamed in it
  for (const name of readdirSync(path)) newest = Math.max(newest, newestUnder(join(path, name)));
  return newest;
}

/**
 * The other plugin folders a module's sources import (`from "../tenant/..."`): plugins/waymark is built from the
 * three plugins' code, so a change there makes it stale too.
 */
export function importedPlugins(dir) {
  const base = join(root, dir);
  if (!existsSync(base)) return [];
  const found = new Set();
  for (const name of readdirSync(base).filter((n) => n.endsWith(".ts"))) {
    for (const m of readFileSync(join(base, name), "utf8").matchAll(/from\s+"\.\.\/([\w-]+)\//g)) {
      if (existsSync(join(root, "plugins", m[1]))) found.add(`plugins/${m[1]}`);
    }
  }
  return [...found];
}

/**
 * True when one of `outputs` (paths from the project root) is missing or older than the sources of module `dir`
 * (with the plugins it imports) and the inputs every module shares.
 */
export function stale(dir, outputs, shared = SHARED_INPUTS) {
  const newestInput = Math.max(...[dir, ...importedPlugins(dir), ...shared].map((p) => newestUnder(join(root, p))));
  return outputs.some((out) => !existsSync(join(root, out)) || statSync(join(root, out)).mtimeMs < newestInput);
}
