// The ready-to-run Envoy configurations in examples/envoy/ run exactly as their header says — the pinned Envoy,
// `-c examples/envoy/<plugin>.yaml` from the project root, nothing rewritten, their own fixed ports — and every
// curl line in that header, run through sh as pasted, gets the answer its comment promises. The Wasm filter block
// each file marks is the one its plugin's README tells users to paste, character for character.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { root } from "../../scripts/ensure.mjs";
import { envoyBinary } from "../../mesh/envoy.ts";

const EXAMPLES: Record<string, Array<(answer: string, earlier: string[]) => void>> = {
  "feature-group": [
    (a) => { assert.match(a, /^HTTP\/1\.1 200/); assert.match(a, /x-routed-version: v2/); assert.match(a, /order-mgmt v2/); },
    (a) => { assert.match(a, /x-routed-group: progressive-discount/); assert.match(a, /order-mgmt v3/); },
    (a) => { assert.doesNotMatch(a, /x-routed-version/); assert.match(a, /order-mgmt v1/); },
  ],
  tenant: [
    (a) => { assert.match(a, /x-routed-tenant: acme/); assert.match(a, /order-mgmt for acme \(dedicated\)/); },
    (a) => { assert.match(a, /x-routed-tenant: globex/); assert.match(a, /order-mgmt \(shared\)/); },
    (a) => { assert.match(a, /x-routed-tenant: globex/); assert.match(a, /order-mgmt \(shared\)/); },
    (a) => { assert.match(a, /^HTTP\/1\.1 401/); assert.match(a, /"reason":"missing"/); },
  ],
  waymark: [
    (a) => { assert.match(a, /x-routed-tenant: acme/); assert.match(a, /x-routed-group: geo-discount/); assert.match(a, /x-routed-version: v2/); assert.match(a, /order-mgmt for acme/); },
    (a) => { assert.match(a, /x-routed-tenant: globex/); assert.match(a, /x-routed-pod: 10\.0\.0\.[123]:8080/); },
    (a) => { assert.match(a, /^HTTP\/1\.1 401/); assert.doesNotMatch(a, /x-routed-tenant/); },
  ],
  sticky: [
    (a) => assert.match(a, /x-routed-pod: 10\.0\.0\.[123]:8080/),
    (a, earlier) => assert.equal(/x-routed-pod: (\S+)/.exec(a)?.[1], /x-routed-pod: (\S+)/.exec(earlier[0])?.[1], "the header key picks the path key's pod"),
    (a) => assert.match(a, /^\{"id":"cart-[A-Za-z0-9_-]{22}","pod":"10\.0\.0\.2:8080"/),
    (a) => assert.match(a, /x-routed-pod: 10\.0\.0\.2:8080/),
  ],
};

function sh(script: string): Promise<string> {
  return new Promise((resolve, reject) => execFile("sh", ["-c", script], { timeout: 15_000 }, (err, out) => (err ? reject(err) : resolve(out.replace(/\r\n/g, "\n")))));
}

async function waitReady(adminPort: number, exited: () => string | null): Promise<void> {
  const end = Date.now() + 30_000;
  for (;;) {
    const why = exited();
    if (why !== null) throw new Error(why);
    try {
      if ((await fetch(`http://127.0.0.1:${adminPort}/ready`)).status === 200) return;
    } catch { /* not yet */ }
    if (Date.now() > end) throw new Error("not ready within 30 s");
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

async function waitPortsFree(ports: number[], ms: number): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const busy: number[] = [];
    for (const p of ports) if (!(await portFree(p))) busy.push(p);
    if (busy.length === 0) return;
    if (Date.now() > end) throw new Error(`ports ${busy.join(", ")} stayed in use for ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The lines between the file's "--- the Wasm filter block" markers, without their common indentation. */
function filterBlock(yaml: string): string {
  const lines = yaml.split("\n");
  const from = lines.findIndex((l) => l.includes("# --- the Wasm filter block"));
  const to = lines.findIndex((l) => l.includes("# --- end of the Wasm filter block"));
  assert.ok(from > 0 && to > from, "the example marks its Wasm filter block");
  const block = lines.slice(from + 1, to);
  const indent = Math.min(...block.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return block.map((l) => l.slice(indent)).join("\n");
}

// One at a time: they all use the ports their header promises (8080, admin 9901).
describe("examples/envoy: ready-to-run configurations, as pasted", { concurrency: 1 }, () => {
  for (const [plugin, checks] of Object.entries(EXAMPLES)) {
    const file = `examples/envoy/${plugin}.yaml`;
    const yaml = readFileSync(join(root, file), "utf8");

    it(`${file}: plugins/${plugin}/README.md shows its Wasm filter block exactly`, () => {
      const readme = readFileSync(join(root, "plugins", plugin, "README.md"), "utf8");
      assert.ok(readme.includes("```yaml\n" + filterBlock(yaml) + "\n```"), `plugins/${plugin}/README.md lacks the block of ${file}`);
    });

    it(`${file}: runs as is, and each curl in its header answers as promised`, { timeout: 90_000 }, async () => {
      const header = yaml.split("\n").filter((l) => l.startsWith("#   ")).map((l) => l.slice(4));
      const vars = header.filter((l) => /^[A-Z_]+=/.test(l));
      const curls = header.filter((l) => l.startsWith("curl "));
      assert.equal(curls.length, checks.length, `${file} has ${curls.length} curl lines`);
      assert.match(yaml, /^#   \.venv\/bin\/envoy -c examples\/envoy\/[a-z-]+\.yaml$/m);
      // The file's own ports: another process holding them (a second run of this suite, say) is waited for, up to a
      // minute, rather than failing the example.
      const ports = [...yaml.matchAll(/port_value: (\d+) \}/g)].map((m) => Number(m[1]));
      await waitPortsFree(ports, 60_000);
      const child = spawn(envoyBinary(), ["-c", file, "--log-level", "warn"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
      let log = "";
      child.stdout!.on("data", (c: Buffer) => (log += c));
      child.stderr!.on("data", (c: Buffer) => (log += c));
      try {
        await waitReady(ports[ports.length - 1],
          () => (child.exitCode !== null ? `envoy exited (${child.exitCode}) running ${file} as is:\n${log.slice(-3000)}` : null));
        const answers: string[] = [];
        for (const [i, curl] of curls.entries()) {
          const answer = await sh([...vars, curl.replace(/\s+#.*$/, "")].join("\n"));
          checks[i](answer, answers);
          answers.push(answer);
        }
        assert.doesNotMatch(log, /\]\[(error|critical)\]/, log);
      } finally {
        child.kill("SIGTERM");
        await new Promise((r) => child.once("exit", r));
      }
    });
  }
});
