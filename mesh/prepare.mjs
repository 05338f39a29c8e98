// What the mesh needs built before it starts: the three plugins and the hash tool (the demo computes the pod
// Envoy's Maglev picks for a cart key with it). scripts/build.mjs builds only what is older than its sources,
// release modules only (no .debug.wasm), one process per core: that matters most on a fresh clone.
import { join } from "node:path";
import { existsSync } from "node:fs";
import { root } from "../scripts/ensure.mjs";
import { spawnTracked } from "../scripts/lifecycle.mjs";

export const MESH_MODULES = ["plugins/tenant", "plugins/feature-group", "plugins/sticky", "tools/hash"];

/** Builds the mesh's stale modules; returns the modules asked for when the build failed (empty when all is well). */
export async function ensureMeshBuilt() {
  const present = MESH_MODULES.filter((m) => existsSync(join(root, m)));
  const child = spawnTracked(process.execPath, [join(root, "scripts", "build.mjs"), "--release", "--quiet", ...present.flatMap((m) => ["--only", m])], { cwd: root });
  return (await child.exited) === 0 ? [] : present;
}
