// `waymark test` through the real command: a case file that passes (in the harness and through real Envoy with
// its configuration), one that fails (exit 1, the expectation named by line and field, in the output and in
// JUnit), bad files (exit 2 with line and field), and a third-party-style chain whose outcomes in the harness
// and in Envoy must be the same case by case.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parse } from "yaml";
import { waymark, verdicts, junitCases } from "./support.ts";
import { root } from "../../scripts/ensure.mjs";

const dir = mkdtempSync(join(tmpdir(), "waymark-cases-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const EXAMPLE = "examples/waymark-test/cases.yaml";
const EXAMPLE_ENVOY = "examples/waymark-test/envoy.yaml";
const exampleText = readFileSync(join(root, EXAMPLE), "utf8");

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** 1-based line of the first line containing `needle` (after `from`, when given). */
function lineOf(text: string, needle: string, from = ""): number {
  const start = from ? text.indexOf(from) : 0;
  const at = text.indexOf(needle, start);
  assert.ok(at >= 0, `${needle} not in the text`);
  return text.slice(0, at).split("\n").length;
}

describe("waymark test: a case file that passes", () => {
  it("runs the README's example in the harness; the envoy_only case is skipped, not passed", () => {
    const junit = join(dir, "example.xml");
    const r = waymark(["test", EXAMPLE, "--junit", junit]);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /in the harness \(tenant -> feature-group\)/);
    assert.match(r.out, /^5 passed, 0 failed, 1 skipped$/m);
    assert.match(r.out, /expect\.upstream\.cluster is not checked in the harness.*\(3 cases\)/);
    const cases = junitCases(readFileSync(junit, "utf8"));
    assert.equal(cases.length, 6);
    assert.deepEqual(cases.filter((c) => c.skipped).map((c) => c.name), ["paths no route serves get the route table's 404"]);
    assert.equal(cases.filter((c) => c.failure).length, 0);
  });

  it("runs the same cases through real Envoy with the example's configuration, routing included", () => {
    const r = waymark(["test", "--envoy", EXAMPLE_ENVOY, EXAMPLE]);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /through Envoy with examples\/waymark-test\/envoy\.yaml \(the project's pinned Envoy 1\.40\.0.*Wasm filters: edge: tenant -> feature-group\)/);
    assert.match(r.out, /^6 passed, 0 failed, 0 skipped$/m);
  });
});

describe("waymark test: a case that fails", () => {
  // The example with two expectations changed: the version header (both runners) and the cluster (Envoy only).
  const wrong = exampleText
    .replace("headers: { x-feature-group: geo-discount, x-version: v2, x-tenant: null }", "headers: { x-feature-group: geo-discount, x-version: v3, x-tenant: null }")
    .replace("cluster: orders-v2 ", "cluster: orders-v3 ");
  const path = file("wrong.cases.yaml", wrong);
  const versionLine = lineOf(wrong, "x-version: v3, x-tenant: null");
  const clusterLine = lineOf(wrong, "cluster: orders-v3 ");

  it("exits 1 and names the expectation by file, line and field, in the output and in JUnit", () => {
    const junit = join(dir, "wrong.xml");
    const r = waymark(["test", path, "--junit", junit]);
    assert.equal(r.code, 1, r.out + r.err);
    const expected = `cases[0].expect.upstream.headers.x-version: expected "v3", saw "v2"`;
    assert.ok(r.out.includes(`${path}:${versionLine}: ${expected}`), r.out);
    assert.match(r.out, /^4 passed, 1 failed, 1 skipped$/m);
    const cases = junitCases(readFileSync(junit, "utf8"));
    const failed = cases.filter((c) => c.failure);
    assert.equal(failed.length, 1);
    assert.equal(failed[0].name, "a client in Germany is in geo-discount and reaches v2");
    assert.equal(failed[0].failure, expected);
    assert.equal(failed[0].failureText, `${path}:${versionLine}: ${expected}`);
  });

  it("through Envoy also names a wrong cluster, as the stand-in that answered reports it", () => {
    const junit = join(dir, "wrong-envoy.xml");
    const r = waymark(["test", "--envoy", EXAMPLE_ENVOY, path, "--junit", junit]);
    assert.equal(r.code, 1, r.out + r.err);
    assert.ok(r.out.includes(`${path}:${clusterLine}: cases[0].expect.upstream.cluster: expected "orders-v3", saw "orders-v2"`), r.out);
    assert.ok(r.out.includes(`${path}:${versionLine}: cases[0].expect.upstream.headers.x-version: expected "v3", saw "v2"`), r.out);
    assert.match(r.out, /^5 passed, 1 failed, 0 skipped$/m);
    const failed = junitCases(readFileSync(junit, "utf8")).filter((c) => c.failure);
    assert.equal(failed.length, 1);
    assert.match(failed[0].failureText!, /upstream\.cluster: expected "orders-v3", saw "orders-v2"\n.*x-version: expected "v3", saw "v2"$/);
  });

  it("says why nothing reached the upstream (a local reply, by which filter) or why there was no local reply", () => {
    const jwks = JSON.stringify({ keys: [JSON.parse(/"keys":\[(\{.*?\})\]/.exec(exampleText)![1])] });
    const text = [
      "chain:",
      "  - plugin: tenant",
      `    configuration: { allow_missing: true, providers: { p: { issuer: "https://i", local_jwks: { inline_string: '${jwks}' } } } }`,
      "  - plugin: feature-group",
      "    configuration: { rules: [{ group: loyal, body: { pointer: /segment, equals: loyal } }] }",
      "cases:",
      "  - name: refused",
      "    request: { path: /x, headers: { authorization: Bearer x.y.z } }",
      "    expect:",
      "      upstream: { headers: { x-version: v1 } }",
      "  # Without allow_on_headers_stop_iteration the body never reaches a filter holding the headers: feature-group",
      "  # lets the request go after body_wait_ms (1 s of the harness's virtual time), without its body rules.",
      "  - name: held, then let go without the body rule",
      "    request: { method: POST, path: /x, json: { segment: loyal } }",
      "    expect:",
      "      local_reply: { status: 401 }",
      "      metrics: { waymark.feature_group.rule_skipped.body_not_delivered: 1, waymark.feature_group.body_held: 1 }",
    ].join("\n");
    const r = waymark(["test", file("why.cases.yaml", text)]);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /why\.cases\.yaml:10: cases\[0\]\.expect\.upstream: the request did not reach the upstream: answered locally with 401 by tenant\n/);
    assert.match(r.out, /why\.cases\.yaml:16: cases\[1\]\.expect\.local_reply: no local reply: the request reached the upstream, which answered 200\n/);
    assert.doesNotMatch(r.out, /metrics/, "the metrics expectations hold: the held request was let go after body_wait_ms");
  });
});

describe("waymark test: bad files exit 2 with the line and the field", () => {
  const base = (expectLines: string[]) => [
    "chain:",
    "  - plugin: feature-group",
    "    configuration: { rules: [] }",
    "cases:",
    "  - name: one",
    "    expect: { upstream: {} }",
    "  - name: two",
    "    request: { path: /a }",
    "    expect: { upstream: {} }",
    "  - name: three",
    "    request: { path: /b }",
    "    expect:",
    "      upstream:",
    ...expectLines,
  ].join("\n") + "\n";

  function bad(name: string, text: string, args: string[] = []) {
    const path = file(name, text);
    const junit = join(dir, `${name}.xml`);
    const r = waymark(["test", ...args, path, "--junit", junit]);
    assert.equal(r.code, 2, r.out + r.err);
    assert.equal(existsSync(junit), false, "no JUnit file for a run that could not start");
    return { path, message: r.err };
  }

  it("a field of the wrong type", () => {
    const { path, message } = bad("type.yaml", base(["        headers: [x-version]"]));
    assert.ok(message.split("\n").includes(`waymark test: ${path}:14: cases[2].expect.upstream.headers: must be an object`), message);
  });

  it("an unknown field, with the fields allowed there", () => {
    const { path, message } = bad("unknown.yaml", base(["        header: { x-version: v2 }"]));
    assert.ok(message.includes(`${path}:14: cases[2].expect.upstream.header: unknown field (allowed: cluster, method, path, headers, body, body_contains)`), message);
  });

  it("several problems at once, each on its line", () => {
    const text = base(["        headers: { x-a: 1 }"]).replace("    request: { path: /a }", "    request: { path: a, method: get }");
    const { path, message } = bad("several.yaml", text);
    assert.ok(message.includes(`${path}:8: cases[1].request.path: must match ^/`), message);
    assert.ok(message.includes(`${path}:8: cases[1].request.method: must match ^[A-Z]+$`), message);
    assert.ok(message.includes(`${path}:14: cases[2].expect.upstream.headers.x-a: must be a string or a list or true or false or null`), message);
  });

  it("YAML that does not parse", () => {
    const { path, message } = bad("syntax.yaml", base(["        headers: { x-version: [v2 }"]));
    assert.match(message, new RegExp(`^waymark test: ${path}:14: \\(YAML\\): `, "m"));
  });

  it("fields that exclude each other, and a missing one", () => {
    const text = base(["        path: /b"]).replace("  - plugin: feature-group", "  - plugin: feature-group\n    wasm: x.wasm").replace("  - name: two\n    request:", "  - request:");
    const { path, message } = bad("exclusive.yaml", text);
    assert.ok(message.includes(`${path}:2: chain[0]: wasm and plugin exclude each other: give one`), message);
    assert.ok(message.includes(`${path}:8: cases[1].name: required`), message);
  });

  it("a module that is not there, a plugin that does not exist, a duplicate case name", () => {
    const text = base(["        path: /b"])
      .replace("  - plugin: feature-group\n    configuration: { rules: [] }", "  - wasm: no/such.wasm\n  - plugin: feature-grop")
      .replace("name: two", "name: one");
    const { path, message } = bad("missing.yaml", text);
    assert.ok(message.includes(`${path}:2: chain[0].wasm: no such file: ${join(dir, "no/such.wasm")}`), message);
    assert.ok(message.includes(`${path}:3: chain[1].plugin: unknown Waymark plugin "feature-grop" (known: feature-group, `), message);
    assert.ok(message.includes(`${path}:7: cases[1].name: "one" is also the name of cases[0]`), message);
  });

  it("a configuration the plugin refuses at load, with the plugin's own message", () => {
    const { path, message } = bad("refused.yaml", base(["        path: /b"]).replace("{ rules: [] }", "{ rules: [{ group: 5 }] }"));
    assert.ok(message.split("\n").includes(`waymark test: ${path}:2: chain[0]: the plugin refused its configuration: feature-group: invalid configuration: rules[0].group: must be a string`), message);
  });

  it("a file that is not a proxy-wasm module", () => {
    const text = base(["        path: /b"]).replace("  - plugin: feature-group\n    configuration: { rules: [] }", `  - wasm: ${join(root, "dist", "tools", "net.wasm")}`);
    const { path, message } = bad("not-proxy-wasm.yaml", text);
    assert.match(message, new RegExp(`^waymark test: ${path}:2: chain\\[0\\]: cannot load .*net\\.wasm: `, "m"));
  });

  it("no chain to run in the harness", () => {
    const { path, message } = bad("no-chain.yaml", "cases:\n  - name: a\n    expect: { upstream: {} }\n");
    assert.ok(message.split("\n").includes(`waymark test: ${path}:1: chain: required to run in the harness (or run the cases through Envoy with --envoy <envoy.yaml>)`), message);
  });

  it("an Envoy configuration that is a template, uses xDS, names a missing listener, or that Envoy refuses", () => {
    const cases = file("ok.yaml", base(["        path: /b"]));
    const run = (config: string) => {
      const r = waymark(["test", "--envoy", file("envoy.yaml", config), cases]);
      assert.equal(r.code, 2, r.out + r.err);
      return r.err;
    };
    assert.match(run(readFileSync(join(root, "envoy-configs", "feature-group.yaml"), "utf8")), /envoy\.yaml:24: \(template\): \{\{LISTENER_PORT\}\} is a template placeholder/);
    assert.match(run("dynamic_resources: { lds_config: { ads: {} } }\n"), /envoy\.yaml:1: dynamic_resources: only static configurations can run here/);
    const example = readFileSync(join(root, EXAMPLE_ENVOY), "utf8");
    const listenerCases = file("listener.yaml", base(["        path: /b"]).replace("    request: { path: /a }", "    listener: public\n    request: { path: /a }"));
    const r = waymark(["test", "--envoy", file("example-envoy.yaml", example), listenerCases]);
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.err, /listener\.yaml:8: cases\[1\]\.listener: .*example-envoy\.yaml has no listener "public" \(it has: edge\)/);
    const refused = run(example.replace("stat_prefix: edge", "stat_prefix: edge\n          no_such_field: 1"));
    assert.match(refused, /envoy\.yaml:1: \(the configuration\): envoy exited with code 1 before it was ready:[\s\S]*no_such_field/);
  });

  it("usage errors", () => {
    assert.equal(waymark(["test"]).code, 2);
    assert.equal(waymark(["test", EXAMPLE, "--nope"]).code, 2);
    assert.equal(waymark(["test", EXAMPLE, "--envoy-bin", "/bin/true"]).code, 2);
    const missing = waymark(["test", join(dir, "absent.yaml")]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /absent\.yaml:1: \(the file\): cannot read: no such file/);
  });
});

describe("waymark test: a third-party-style chain", () => {
  it("gives the same outcome case by case in the harness and through Envoy (probe, tenant, feature-group, probe)", () => {
    const harness = waymark(["test", "tests/cases/chain.cases.yaml"]);
    const envoy = waymark(["test", "--envoy", "tests/cases/chain.envoy.yaml", "tests/cases/chain.cases.yaml"]);
    assert.equal(harness.code, 0, harness.out + harness.err);
    assert.equal(envoy.code, 0, envoy.out + envoy.err);
    const h = verdicts(harness.out);
    const e = verdicts(envoy.out);
    assert.equal(e.size, 8);
    assert.deepEqual([...e.values()], Array(8).fill("pass"));
    // Everything the harness can decide, it decides as Envoy did; only the route table's own answer is skipped.
    for (const [name, verdict] of h) assert.equal(verdict, name === "the route table answers what no route serves" ? "skip" : e.get(name), name);
    assert.equal(h.size, 8);
  });
});

/** Children of a process: [pid, command name, state] from /proc. */
function children(parent: number): Array<[number, string, string]> {
  const out: Array<[number, string, string]> = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const m = /^\d+ \((.*)\) (\S) (\d+)/.exec(readFileSync(`/proc/${name}/stat`, "utf8"));
      if (m && Number(m[3]) === parent) out.push([Number(name), m[1], m[2]]);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

describe("waymark test --envoy: signals", () => {
  it("SIGTERM to the command alone stops the Envoy it started, mid-case, and exits non-zero", async () => {
    // feature-group without allow_on_headers_stop_iteration holds a JSON request for body_wait_ms: 60 s.
    const config = file("held-envoy.yaml", readFileSync(join(root, EXAMPLE_ENVOY), "utf8")
      .replace("                allow_on_headers_stop_iteration: true\n", "")
      .replace(`"aliases": { "geo-discount": "v2", "progressive-discount": "v3" },`, `"aliases": { "geo-discount": "v2", "progressive-discount": "v3" }, "body_wait_ms": 60000,`));
    const cases = file("held.yaml", "cases:\n  - name: held\n    request: { method: POST, path: /orders, json: { customer: { segment: loyal } } }\n    expect: { upstream: {} }\n");
    const child = spawn(process.execPath, [join(root, "bin", "waymark.mjs"), "test", "--envoy", config, cases], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (c) => { out += c; });
    child.stderr.on("data", (c) => { out += c; });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    let envoy: number | undefined;
    for (let i = 0; i < 600 && envoy === undefined; i++) {
      envoy = children(child.pid!).find(([, comm]) => comm === "envoy")?.[0];
      if (envoy === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(envoy, `the command started Envoy:\n${out}`);
    // The configuration the command wrote for Envoy names the admin port: wait there until the case's request is
    // in Envoy, held by feature-group.
    const args = readFileSync(`/proc/${envoy}/cmdline`, "utf8").split("\0");
    const configPath = args[args.indexOf("--config-path") + 1];
    const adminPort = (parse(readFileSync(configPath, "utf8")) as any).admin.address.socket_address.port_value;
    let active = 0;
    for (let i = 0; i < 600 && active !== 1; i++) {
      const stats = await fetch(`http://127.0.0.1:${adminPort}/stats?filter=downstream_rq_active`).then((r) => r.text()).catch(() => "");
      active = Number(/http\.edge\.downstream_rq_active: (\d+)/.exec(stats)?.[1] ?? 0);
      if (active !== 1) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(active, 1, "the case's request is held in Envoy");
    child.kill("SIGTERM");
    assert.equal(await exited, 143, out);
    for (let i = 0; i < 100 && alive(envoy!); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(alive(envoy!), false, "Envoy is gone");
    assert.equal(existsSync(dirname(configPath)), false, "its temporary configuration is removed");
    assert.doesNotMatch(out, /pass|FAIL/);
  });
});
