// The process runner behind `npm start` (mesh/run.ts), on free ports: every curl command it prints works as
// printed (run through sh) and reaches what its comment says; the live log reports the routing; Ctrl-C (SIGINT)
// stops every process it started, Envoy included; a port already in use gives a clear message, not a stack trace.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, execFile, ChildProcess } from "node:child_process";
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

  it("waymark mesh changes the running mesh without a restart; the live log shows each change", { timeout: 120_000 }, async () => {
    const mesh = /--mesh (http:\/\/127\.0\.0\.1:\d+)/.exec(run.output())?.[1];
    assert.ok(mesh, "the runner prints its control endpoint");
    const waymark = (...args: string[]) => spawnSync(process.execPath, [join(root, "bin", "waymark.mjs"), "mesh", ...args, "--mesh", mesh!], { encoding: "utf8" });
    const envoyPids = childPids(run.child.pid!).filter((pid) => readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("envoy"));

    const scaled = waymark("scale", "cart", "4");
    assert.equal(scaled.status, 0, scaled.stdout + scaled.stderr);
    assert.match(scaled.stdout, /^cart: scaled 3 -> 4\n  \+ cart-3 127\.0\.0\.1:\d+\napplied by cart in \d+\.\d\d s/);
    await run.waitFor(/CHANGE cart: scaled 3 -> 4 \(\+ cart-3 127\.0\.0\.1:\d+\)\s+applied by cart/, 5000);
    // The new pod is there at once: an ID minted for it comes home through the public entry point.
    const address = /\+ cart-3 (127\.0\.0\.1:\d+)/.exec(scaled.stdout)![1];
    const gateway = /cart\s+internal\s+http:\/\/(127\.0\.0\.1:\d+)/.exec(run.output())![1];
    const ingress = /ingress\s+ingress\s+http:\/\/(127\.0\.0\.1:\d+)/.exec(run.output())![1];
    const id = JSON.parse(await sh(`curl -s 'http://${gateway}/.waymark/id?pod=${address}'`)).id;
    // globex's token, from the printed curl of the scenario "other tenants share the baseline v1".
    const lines = run.output().split("\n");
    const baseline = lines.findIndex((l) => l.includes("other tenants share the baseline v1"));
    const token = /-H 'authorization: Bearer ([^']+)'/.exec(lines.slice(baseline).find((l) => l.startsWith("curl "))!)![1];
    const served = JSON.parse(await sh(`curl -s -H 'authorization: Bearer ${token}' 'http://${ingress}/api/carts/${id}/items'`));
    assert.equal(served.pod, "cart-3");

    const status = waymark("status");
    assert.equal(status.status, 0, status.stderr);
    assert.match(status.stdout, /^cart\s+cart-0 127\.0\.0\.1:\d+, cart-1 [^,]+, cart-2 [^,]+, cart-3 127\.0\.0\.1:\d+$/m);

    const promoted = waymark("alias", "geo-discount", "v3");
    assert.equal(promoted.status, 0, promoted.stdout + promoted.stderr);
    assert.match(promoted.stdout, /^geo-discount: v2 -> v3\napplied by ingress, order-mgmt, billing in/);
    const geo = JSON.parse(await sh(`curl -s -H 'authorization: Bearer ${token}' -H 'x-forwarded-for: 203.0.113.7' 'http://${ingress}/api/orders'`));
    assert.equal(geo.version, "v3");
    assert.equal(geo.pod, "order-mgmt-v3-0");

    const refused = waymark("scale", "shop", "2");
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /no deployment named shop; deployments: order-mgmt-v1, /);
    // No gateway was restarted for any of it.
    assert.deepEqual(childPids(run.child.pid!).filter((pid) => readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("envoy")).sort(), envoyPids.sort());
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
