// Runs the real `waymark` command (bin/waymark.mjs) for the `waymark test` suites, and reads its JUnit output.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { root } from "../../scripts/ensure.mjs";

export interface Run { code: number | null; out: string; err: string }

export function waymark(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Run {
  const r = spawnSync(process.execPath, [join(root, "bin", "waymark.mjs"), ...args], {
    cwd: options.cwd ?? root, encoding: "utf8", env: options.env ?? process.env, timeout: 240_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The per-case verdict lines of a run: case name -> "pass" | "FAIL" | "skip". */
export function verdicts(out: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const m of out.matchAll(/^ {2}(pass|FAIL|skip) {2}(.+?)(?: \([\d.]+ ms\))?$/gm)) map.set(m[2], m[1]);
  return map;
}

export interface JunitCase { name: string; failure: string | null; failureText: string | null; skipped: boolean }

/** The <testcase> elements of a JUnit file (the runner writes one per line; enough to read it back here). */
export function junitCases(xml: string): JunitCase[] {
  const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  const out: JunitCase[] = [];
  for (const m of xml.matchAll(/<testcase [^>]*name="([^"]*)"[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const body = m[3] ?? "";
    const failure = /<failure message="([^"]*)"[^>]*>([\s\S]*?)<\/failure>/.exec(body);
    out.push({
      name: unescape(m[1]),
      failure: failure ? unescape(failure[1]) : null,
      failureText: failure ? unescape(failure[2]) : null,
      skipped: /<skipped /.test(body),
    });
  }
  return out;
}
