// `waymark jws verify`: checks compact JWS tokens with the compiled AssemblyScript JOSE layer
// (dist/tools/jose.wasm), never Node's crypto.
//   waymark jws verify --jwk <file> <compact-jws>   prints "valid" (exit 0) or "invalid: <reason>" (exit 1);
//                                                   the English detail of a refusal goes to stderr
//   waymark jws verify --batch <file.jsonl | ->     one output line per input line {"jwk": {...}, "jws": "..."}:
//                                                   {"valid": true} or {"valid": false, "reason": "..."}; exit 0
// The key file may hold one JWK or a JWKS. exp/nbf/iat are checked (when the payload is a JSON object)
// against the current time, or --now <unix seconds>. Blank batch lines are skipped; a line that is not
// such an object gives {"valid": false, "reason": "bad_input"}.
import { readFileSync } from "node:fs";
import { loadTool } from "./tool.mjs";

const USAGE = `usage: waymark jws verify --jwk <file> [--now <unix-seconds>] <compact-jws>
       waymark jws verify --batch <file.jsonl | -> [--now <unix-seconds>]

  --jwk <file>     a JWK or a JWKS (JSON)
  --batch <file>   JSON lines {"jwk": {JWK or JWKS}, "jws": "<compact>"}; "-" reads stdin
  --now <seconds>  the time used for exp/nbf/iat (default: now)

Prints "valid" (exit 0) or "invalid: <reason>" (exit 1); in batch mode one JSON line per input (exit 0).
Reasons: malformed, too_large, alg_none, alg_not_allowed, crit_unsupported, b64_false, unknown_kid,
bad_key, bad_signature, expired, not_yet_valid, issued_in_future, bad_claim (batch also: bad_input).`;

function usageError(message) {
  if (message) process.stderr.write(`waymark jws verify: ${message}\n`);
  process.stderr.write(USAGE + "\n");
  return 2;
}

function parseArgs(args) {
  const opts = { jwk: null, batch: null, now: null, token: null, help: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = () => {
      if (i + 1 >= args.length) throw new Error(`${a} needs a value`);
      return args[++i];
    };
    if (a === "--help" || a === "-h") opts.help = true;
    else if (a === "--jwk") opts.jwk = value();
    else if (a === "--batch") opts.batch = value();
    else if (a === "--now") opts.now = value();
    else if (a.startsWith("--") && a.length > 2) throw new Error(`unknown option ${a}`);
    else if (opts.token === null) opts.token = a;
    else throw new Error("more than one token given");
  }
  return opts;
}

export async function main(args) {
  let opts;
  try {
    opts = parseArgs(args);
  } catch (err) {
    return usageError(err.message);
  }
  if (opts.help) {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  let now = Date.now() / 1000;
  if (opts.now !== null) {
    if (!/^-?\d+(\.\d+)?$/.test(opts.now)) return usageError("--now takes Unix seconds");
    now = Number(opts.now);
  }
  if (opts.batch !== null) {
    if (opts.jwk !== null || opts.token !== null) return usageError("--batch takes no --jwk and no token");
    return batch(opts.batch, now);
  }
  if (opts.jwk === null) return usageError("--jwk <file> or --batch <file> is required");
  if (opts.token === null) return usageError("the compact JWS is missing");
  let keyText;
  try {
    keyText = readFileSync(opts.jwk, "utf8");
  } catch (err) {
    process.stderr.write(`waymark jws verify: cannot read ${opts.jwk}: ${err.code ?? err.message}\n`);
    return 2;
  }
  const jose = await loadTool("jose");
  const result = jose.verifyWithJwkDetail(keyText, opts.token.trim(), now);
  const newline = result.indexOf("\n");
  const verdict = newline < 0 ? result : result.slice(0, newline);
  process.stdout.write(verdict + "\n");
  if (newline >= 0 && result.length > newline + 1) process.stderr.write(`detail: ${result.slice(newline + 1)}\n`);
  return verdict === "valid" ? 0 : 1;
}

async function batch(file, now) {
  let text;
  try {
    text = readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (err) {
    process.stderr.write(`waymark jws verify: cannot read ${file}: ${err.code ?? err.message}\n`);
    return 2;
  }
  const jose = await loadTool("jose");
  const out = [];
  for (const raw of text.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() === "") continue;
    let verdict;
    try {
      verdict = jose.verifyBatchLine(line, now);
    } catch {
      // The module never traps on input; should it ever, the line still gets an answer.
      verdict = "invalid: bad_input";
    }
    out.push(verdict === "valid" ? '{"valid": true}' : `{"valid": false, "reason": ${JSON.stringify(verdict.replace(/^invalid: /, ""))}}`);
  }
  process.stdout.write(out.length ? out.join("\n") + "\n" : "");
  return 0;
}
