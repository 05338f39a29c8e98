#!/usr/bin/env node
// `waymark <command> [<subcommand>] ...`: a thin dispatcher. Each command lives in its own module under
// cli/ exporting `main(args: string[]): Promise<number>` (the exit code); add a line to COMMANDS to add one.
// Exit codes: 0 success, 1 a negative verdict (e.g. an invalid token), 2 usage or I/O errors.
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";

const cliDir = join(dirname(fileURLToPath(import.meta.url)), "..", "cli");

/** "command subcommand" -> module file in cli/, with a one-line summary for the usage text. */
const COMMANDS = {
  "jws verify": { file: "jws-verify.mjs", summary: "verify a compact JWS with a JWK or JWKS (--jwk <file> <jws> | --batch <file.jsonl>)" },
  validate: { file: "validate.mjs", summary: "check a plugin configuration: the plugin's own load-time rules (its .wasm) and its JSON Schema" },
  test: { file: "test.mjs", summary: "run a case file: requests through a chain of plugins and what must come out (--envoy: through real Envoy)" },
  mesh: { file: "mesh.mjs", summary: "change the running local mesh: status | scale <deployment> <n> | rollout <deployment> | alias <group> <version>" },
};

function usage() {
  const lines = ["usage: waymark <command> [options]", "", "commands:"];
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  for (const [name, { summary }] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(width)}  ${summary}`);
  lines.push("", "Run `waymark <command> --help` for a command's options.");
  return lines.join("\n");
}

const args = process.argv.slice(2);
// Longest match first, so "jws verify" wins over a future "jws".
const names = Object.keys(COMMANDS).sort((a, b) => b.split(" ").length - a.split(" ").length);
const match = names.find((name) => {
  const words = name.split(" ");
  return words.every((w, i) => args[i] === w);
});

if (!match) {
  const help = args[0] === "--help" || args[0] === "-h" || args[0] === "help";
  (help ? process.stdout : process.stderr).write(usage() + "\n");
  process.exit(help ? 0 : 2);
}

const mod = await import(pathToFileURL(join(cliDir, COMMANDS[match].file)).href);
const code = await mod.main(args.slice(match.split(" ").length));
process.exitCode = code;
