// The process runner behind `npm start` (mesh/run.ts), on free ports: every curl command it prints works as
// printed (run through sh) and reaches what its comment says; the live log reports the routing; Ctrl-C (SIGINT)
// stops every process it started, Envoy included; a port already in use gives a clear message, not a stack trace.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFile, ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, Server } from "node:net";
import { join } from "node:path";
import { constants as osConstants } from "node:os";
import { root } from "../../scripts/ensure.mjs";
import { fixedPorts, gateways } from "../../mesh/topology.ts";
import { childPids, alive } from "../support/processes.ts";

function sh(command: string): Promise<string> {
  return new Promise((resolve, reject) => execFile("sh", ["-c", command], { timeout: 15_000 }, (err, stdout) => (err ? reject(err) : resolve(stdout))));
}

function runner(args: string[]): { child: ChildProcess; output: () => string; waitFor: (re: RegExp, ms: number) => Promise<void>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "mesh", "run.ts"), ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  // The exit code, or 128 + n for a process that died of signal n, as a shell reports it.
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 + osConstants.signals[signal] : null))));
  const waitFor = async (re: RegExp, ms: number) => {
    const end = Date.now() + ms;
    while (!re.test(out)) {
      if (child.exitCode !== null || Date.now() > end) throw new Error(`runner output never matched ${re}:\n${out.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return { child, output: () => out, waitFor, exited };
}

describe("npm start's runner (mesh/run.ts)", () => {
  let run: ReturnType<typeof runner>;

  before(async () => {
    run = runner(["--free-ports"]);
    await run.waitFor(/Routing decisions as they happen/, 90_000);
  });

  after(async () => {
    if (run.child.exitCode === null) {
      run.child.kill("SIGKILL");
      await run.exited;
    }
  });

  it("prints curl commands that work as printed and reach what they promise", async () => {
    const lines = run.output().split("\n");
    let checked = 0;
    for (let i = 0; i < lines.length; i++) {
      if (!lines[i].startsWith("curl ")) continue;
      const comment = lines.slice(0, i).reverse().find((l) => /^# \d+\./.test(l))!;
      const expectText = /-> expect (.*?)(\s+\(needs|$)/.exec(comment)![1];
      const [status, ...words] = expectText.split(" ");
      const answer = await sh(lines[i]);
      const code = /\[(\d{3})\]\s*$/.exec(answer)?.[1];
      assert.equal(code, status, `${comment}\n${lines[i]}\n${answer.slice(0, 300)}`);
      if (status === "200") {
        const echo = JSON.parse(answer.replace(/\s*\[\d{3}\]\s*$/, ""));
        const facts = new Set([echo.name, echo.version, echo.pod, echo.dc, echo.namespace]);
        for (const w of words.filter((x) => !x.includes("="))) assert.ok(facts.has(w), `${comment}: answer lacks ${w}: ${answer.slice(0, 300)}`);
        for (const w of words.filter((x) => x.startsWith("tenant="))) {
          assert.ok(echo.headers.some(([k, v]: [string, string]) => k === "x-tenant" && v === w.slice(7)), `${comment}: x-tenant`);
        }
      }
      checked++;
    }
    assert.ok(checked >= 15, `only ${checked} curl lines printed`);
  });

  it("logs each routing decision live: tenant, group, version, gateways, pod and DC", async () => {
    const end = Date.now() + 5000;
    const want = [
      /GET \/api\/orders\s+200\s+tenant=globex group=geo-discount version=v2\s+ingress -> order-mgmt -> order-mgmt-v2-0 \[dc1\]/,
      /tenant=globex\s+ingress -> cart -> cart-dc2 -> cart-dc2-1 \[dc2\]/,
      /tenant=dev-team sandbox=alice\s+ingress -> crm -> crm-alice-0 \[dc1\]/,
      /POST \/v1\/charges\s+200\s+-\s+egress -> payments-provider \[external\]/,
    ];
    while (want.some((re) => !re.test(run.output())) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    for (const re of want) assert.match(run.output(), re);
  });

  it("Ctrl-C stops every process it started, Envoy included", async () => {
    const children = childPids(run.child.pid!);
    const envoys = children.filter((pid) => readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("envoy"));
    assert.equal(envoys.length, gateways.length, `expected one Envoy per gateway, found ${envoys.length}`);
    run.child.kill("SIGINT");
    assert.equal(await run.exited, 130, "dies of the SIGINT it was sent, as a shell expects");
    assert.match(run.output(), /stopped: every gateway and service is down/);
    const end = Date.now() + 5000;
    while (children.some(alive) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(children.filter(alive), [], "processes left behind");
  });

  it("refuses to start on a port in use, with a clear message and no stack trace", async () => {
    const port = fixedPorts.port("ingress");
    let blocker: Server | undefined = createServer();
    await new Promise<void>((resolve) => {
      blocker!.once("error", () => { blocker = undefined; resolve(); }); // already taken (an `npm start` is running): just as good
      blocker!.listen(port, "127.0.0.1", () => resolve());
    });
    try {
      const busy = runner([]);
      assert.equal(await busy.exited, 1);
      assert.match(busy.output(), new RegExp(`cannot start the mesh: port.* ${port} \\(gateway ingress\\).* already in use`));
      assert.doesNotMatch(busy.output(), /\n\s+at /, "no stack trace");
    } finally {
      await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
    }
  });
});
