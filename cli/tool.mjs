// Loads a compiled AssemblyScript tool module (dist/tools/<name>.js + .wasm) for a command, building it
// first when it is missing, so `npx waymark ...` works on a fresh clone. Commands run this exact code,
// never a JavaScript re-implementation.
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export async function loadTool(name) {
  const js = join(root, "dist", "tools", `${name}.js`);
  const wasm = join(root, "dist", "tools", `${name}.wasm`);
  if (!existsSync(js) || !existsSync(wasm)) {
    const build = spawnSync(process.execPath, [join(root, "scripts", "build.mjs"), "--only", `tools/${name}`, "--quiet"], {
      cwd: root,
      stdio: ["ignore", "ignore", "inherit"],
    });
    if (build.status !== 0 || !existsSync(js)) throw new Error(`could not build dist/tools/${name}.wasm`);
  }
  return import(pathToFileURL(js).href);
}
