// `waymark mesh status | scale <deployment> <replicas> | rollout <deployment> | alias <group> <version>`: changes
// the local mesh while it runs (`npm start`, or `npm run demo`'s own mesh with --mesh <url>). The mesh carries the
// change out through Envoy's own file-based EDS and ECDS, and answers once every gateway concerned has applied it.
// Exit codes: 0 done, 1 the change did not converge, 2 usage errors, no running mesh, or a change the mesh refuses.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { root } from "./tool.mjs";

const USAGE = `usage: waymark mesh <command> [--mesh <url>]

  status                             the deployments, their pods, and the feature-group aliases
  scale <deployment> <replicas>      add or remove pods (new pods get new addresses; removed pods are drained)
  rollout <deployment>               replace every pod, one at a time, by a new one with a new address
  alias <group> <version>            point a feature group at another version on every gateway

  --mesh <url>   the mesh's control endpoint (default: the one \`npm start\` wrote to build/mesh/control.json;
                 \`npm run demo\` prints its own)

Exit 0 done (every gateway applied the change), 1 a gateway did not apply it, 2 usage errors or a refused change.`;

const ARITY = { status: 0, scale: 2, rollout: 1, alias: 2 };

function fail(message, code = 2) {
  process.stderr.write(`waymark mesh: ${message}\n`);
  return code;
}

function controlUrl(given) {
  if (given) return given;
  if (process.env.WAYMARK_MESH) return process.env.WAYMARK_MESH;
  for (const file of [join(process.cwd(), "build", "mesh", "control.json"), join(root, "build", "mesh", "control.json")]) {
    if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")).url;
  }
  return null;
}

function describe(report) {
  const lines = [report.summary];
  for (const pod of report.added) lines.push(`  + ${pod}`);
  for (const pod of report.removed) lines.push(`  - ${pod}`);
  const slowest = Math.max(0, ...report.convergedMs);
  lines.push(`applied by ${report.gateways.join(", ") || "no gateway"} in ${(slowest / 1000).toFixed(2)} s` +
    (report.convergedMs.length > 1 ? ` at most per step (${report.convergedMs.length} steps: ${report.convergedMs.join(", ")} ms)` : ""));
  return lines.join("\n");
}

export async function main(args) {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { mesh: { type: "string" }, help: { type: "boolean", short: "h" } } });
  } catch (err) {
    return fail(`${err.message}\n${USAGE}`);
  }
  const [command, ...rest] = parsed.positionals;
  if (parsed.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!(command in ARITY) || rest.length !== ARITY[command]) return fail(command in ARITY ? `${command} takes ${ARITY[command]} argument(s)\n${USAGE}` : USAGE);
  const url = controlUrl(parsed.values.mesh);
  if (!url) return fail("no running mesh found (start one with `npm start`, or give --mesh <url>)");
  const request = {
    status: () => ({ method: "GET", path: "/status" }),
    scale: () => ({ method: "POST", path: "/scale", body: { deployment: rest[0], replicas: Number(rest[1]) } }),
    rollout: () => ({ method: "POST", path: "/rollout", body: { deployment: rest[0] } }),
    alias: () => ({ method: "POST", path: "/alias", body: { group: rest[0], version: rest[1] } }),
  }[command]();
  let res;
  try {
    res = await fetch(`${url}${request.path}`, {
      method: request.method, headers: { "content-type": "application/json" },
      ...(request.body ? { body: JSON.stringify(request.body) } : {}),
    });
  } catch (err) {
    return fail(`the mesh at ${url} does not answer (${err.cause?.code ?? err.message}); is \`npm start\` still running?`);
  }
  const doc = await res.json();
  if (res.status === 400) return fail(doc.error);
  if (res.status !== 200) return fail(doc.error ?? `the mesh answered ${res.status}`, 1);
  if (command === "status") {
    for (const [name, pods] of Object.entries(doc.deployments)) {
      process.stdout.write(`${name.padEnd(16)} ${pods.map((p) => `${p.name} ${p.address}`).join(", ")}\n`);
    }
    process.stdout.write(`aliases          ${Object.entries(doc.aliases).map(([g, v]) => `${g} -> ${v}`).join(", ")}\n`);
    return 0;
  }
  process.stdout.write(`${describe(doc)}\n`);
  return 0;
}
