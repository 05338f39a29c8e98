// The package as another project gets it: `npm pack` on a copy of this tree without build outputs or installed
// dependencies, as a fresh clone is (the prepack script installs and builds what the tarball needs), `npm install
// <tarball>` into an empty project, and there, with plain Node and no tsx: `import { ProxyWasmHost } from
// "waymark/harness"` under `node --test`, its type declarations under tsc, and the `waymark` command (validate,
// test, test --envoy), also installed globally into a prefix.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { root, npmCommand, ensureEnvoy } from "../../scripts/ensure.mjs";

const work = mkdtempSync(join(tmpdir(), "waymark-pack-"));
after(() => rmSync(work, { recursive: true, force: true }));

const source = join(work, "source");
const project = join(work, "project");
let tarball = "";

/** What a fresh clone does not have: build outputs, installs, VCS data. */
const NOT_IN_A_CLONE = new Set(["node_modules", "dist", "build", ".venv", ".git"]);

/** The environment of a command run as a user would run it: not as a child of this test runner. */
const { NODE_TEST_CONTEXT: _, ...userEnv } = process.env;

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = userEnv) {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", env, timeout: 600_000 });
  return { code: r.status, out: (r.stdout ?? "") + (r.stderr ?? ""), stdout: r.stdout ?? "" };
}

function npm(args: string[], cwd: string) {
  const [cmd, lead] = npmCommand() as [string, string[]];
  return run(cmd, [...lead, ...args], cwd);
}

/** `npx waymark ...` in the project, with the npx that sits beside this Node. */
function npx(args: string[], env: NodeJS.ProcessEnv = userEnv) {
  const besideNode = join(dirname(process.execPath), "npx");
  return run(existsSync(besideNode) ? besideNode : "npx", ["--no-install", "waymark", ...args], project, env);
}

// The prepack build compiles every plugin: minutes on a busy 2-core machine, so the hook has its own bound.
before(() => {
  cpSync(root, source, { recursive: true, filter: (src) => !(dirname(src) === root && (NOT_IN_A_CLONE.has(basename(src)) || src.endsWith(".tgz"))) });
  // As on a fresh clone, `npm pack` alone: its prepack installs the dependencies (npm ci, from npm's cache) and builds.
  const packed = npm(["pack", "--pack-destination", work, "--no-audit", "--no-fund"], source);
  assert.equal(packed.code, 0, packed.out);
  tarball = join(work, readdirSync(work).find((f) => f.endsWith(".tgz"))!);
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  const installed = npm(["install", "--prefer-offline", "--no-audit", "--no-fund", tarball], project);
  assert.equal(installed.code, 0, installed.out);
}, { timeout: 15 * 60_000 });

describe("the packed tarball", () => {
  it("holds the compiled harness with declarations, the plugins, the command and its schemas; no sources or tests", () => {
    const list = run("tar", ["-tzf", tarball], work).stdout.split("\n").map((l) => l.replace(/^package\//, "")).filter(Boolean);
    for (const need of ["dist/harness/index.js", "dist/harness/index.d.ts", "dist/harness/chain.js", "dist/harness/host.d.ts",
      "dist/tenant.wasm", "dist/feature-group.wasm", "dist/sticky.wasm", "dist/tools/jose.wasm", "dist/tools/jose.js",
      "bin/waymark.mjs", "cli/test.mjs", "cli/test-cases.schema.json", "plugins/tenant/schema.json", "package.json"]) {
      assert.ok(list.includes(need), `${need} is in the tarball`);
    }
    assert.deepEqual(list.filter((f) => /\.debug\.wasm$|^harness\/.*\.ts$|^scripts\/|^tests\/|^assembly\//.test(f)), []);
  });

  it("installs into an empty project with its runtime dependencies only (no tsx, no TypeScript)", () => {
    const modules = readdirSync(join(project, "node_modules"));
    assert.ok(modules.includes("waymark") && modules.includes("ajv") && modules.includes("yaml"));
    assert.deepEqual(modules.filter((m) => ["tsx", "typescript", "assemblyscript", "esbuild"].includes(m)), []);
  });

  it("serves `import { ProxyWasmHost } from \"waymark/harness\"` to plain node --test", () => {
    writeFileSync(join(project, "plugin.test.js"), `
import { test } from "node:test";
import assert from "node:assert/strict";
import { ProxyWasmHost, FilterChain } from "waymark/harness";
const wasm = new URL("./node_modules/waymark/dist/feature-group.wasm", import.meta.url).pathname;
const config = { rules: [{ group: "geo", header: { name: "x-country", equals: "DE" } }], aliases: { geo: "v2" } };
test("a German client gets v2", async () => {
  const host = new ProxyWasmHost({ wasm, rootId: "feature-group", pluginConfig: config });
  assert.equal((await host.start()).ok, true);
  const stream = host.openStream();
  stream.sendRequestHeaders({ ":path": "/orders", "x-country": "DE" }, true);
  assert.equal(stream.localReply, null);
  assert.equal(stream.upstream.headers.value("x-version"), "v2");
  assert.equal(host.metric("waymark.feature_group.group.geo"), 1);
  assert.equal(host.metric("never.defined"), undefined);
});
test("a chain of two", async () => {
  const chain = new FilterChain([{ wasm, rootId: "feature-group", pluginConfig: config }, { wasm, rootId: "feature-group", pluginConfig: { rules: [] } }]);
  assert.equal((await chain.start()).ok, true);
  const s = chain.openStream();
  s.sendRequestHeaders({ ":path": "/", "x-country": "DE" }, true);
  await chain.idle();
  assert.equal(s.upstream.headers.value("x-version"), undefined, "the second filter removed what the client could have sent");
});
`);
    const r = run(process.execPath, ["--test", "plugin.test.js"], project);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /^# pass 2$/m);
    assert.match(r.out, /^# fail 0$/m);
  });

  it("gives TypeScript its declarations through the export (a misuse is a type error)", () => {
    const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
    const flags = ["--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "--lib", "es2022,dom"];
    writeFileSync(join(project, "ok.ts"), `
import { ProxyWasmHost, FilterChain, type LocalReply } from "waymark/harness";
const host = new ProxyWasmHost({ wasm: "plugin.wasm", rootId: "x", allowOnHeadersStopIteration: true });
const value: number | undefined = host.metric("x");
const reply: LocalReply | null = host.openStream().localReply;
const chain: FilterChain = new FilterChain([{ wasm: "a.wasm" }]);
export { value, reply, chain };
`);
    const ok = run(process.execPath, [tsc, ...flags, "ok.ts"], project);
    assert.equal(ok.code, 0, ok.out);
    writeFileSync(join(project, "wrong.ts"), `
import { ProxyWasmHost } from "waymark/harness";
const n: number = new ProxyWasmHost({ wasm: "p.wasm" }).metric("x");
export { n };
`);
    const wrong = run(process.execPath, [tsc, ...flags, "wrong.ts"], project);
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.out, /wrong\.ts\(3,7\): error TS2322: Type 'number \| undefined' is not assignable to type 'number'/);
  });

  it("runs `npx waymark validate` and `npx waymark test` outside the clone, in the harness and through Envoy", () => {
    writeFileSync(join(project, "fg.json"), JSON.stringify({ rules: [{ group: "geo", header: { name: "x-country", equals: "DE" } }], aliases: { geo: "v2" } }));
    const valid = npx(["validate", "feature-group", "fg.json"]);
    assert.equal(valid.code, 0, valid.out);
    assert.match(valid.out, /feature-group configuration fg\.json: valid/);

    writeFileSync(join(project, "cases.yaml"), [
      "chain:",
      "  - plugin: feature-group",
      "    configuration_file: fg.json",
      "cases:",
      "  - name: a German client gets v2",
      "    request: { path: /orders, headers: { x-country: DE } }",
      "    expect: { upstream: { cluster: orders, headers: { x-version: v2 } } }",
      "  - name: others get no version",
      "    request: { path: /orders, headers: { x-country: FR } }",
      "    expect: { upstream: { cluster: orders, headers: { x-version: null } } }",
    ].join("\n") + "\n");
    const inHarness = npx(["test", "cases.yaml", "--junit", "junit.xml"]);
    assert.equal(inHarness.code, 0, inHarness.out);
    assert.match(inHarness.out, /^2 passed, 0 failed, 0 skipped$/m);
    assert.ok(existsSync(join(project, "junit.xml")));

    writeFileSync(join(project, "envoy.yaml"), `
static_resources:
  listeners:
  - name: edge
    address: { socket_address: { address: 0.0.0.0, port_value: 8080 } }
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: edge
          route_config: { virtual_hosts: [{ name: all, domains: ["*"], routes: [{ match: { prefix: "/" }, route: { cluster: orders } }] }] }
          http_filters:
          - name: envoy.filters.http.wasm
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm
              config:
                root_id: feature-group
                configuration: { "@type": type.googleapis.com/google.protobuf.StringValue, value: '${JSON.stringify({ rules: [{ group: "geo", header: { name: "x-country", equals: "DE" } }], aliases: { geo: "v2" } })}' }
                vm_config: { runtime: envoy.wasm.runtime.v8, code: { local: { filename: node_modules/waymark/dist/feature-group.wasm } } }
          - name: envoy.filters.http.router
            typed_config: { "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router }
  clusters:
  - name: orders
    type: STRICT_DNS
    load_assignment: { cluster_name: orders, endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: orders.svc, port_value: 80 } } } }] }] }
`);
    // Outside a clone the command has no pinned Envoy of its own: it takes $ENVOY (or --envoy-bin).
    const noEnvoy = npx(["test", "--envoy", "envoy.yaml", "cases.yaml"], { ...userEnv, ENVOY: "", PATH: dirname(process.execPath) });
    assert.equal(noEnvoy.code, 2, noEnvoy.out);
    assert.match(noEnvoy.out, /no Envoy to run: give --envoy-bin <path> or set ENVOY/);
    const throughEnvoy = npx(["test", "--envoy", "envoy.yaml", "cases.yaml"], { ...userEnv, ENVOY: ensureEnvoy() });
    assert.equal(throughEnvoy.code, 0, throughEnvoy.out);
    assert.match(throughEnvoy.out, /through Envoy with envoy\.yaml \(\$ENVOY;/);
    assert.match(throughEnvoy.out, /^2 passed, 0 failed, 0 skipped$/m);
  });

  it("installs the command globally into a prefix (npm install -g)", () => {
    const prefix = join(work, "global");
    const installed = npm(["install", "-g", "--prefix", prefix, "--prefer-offline", "--no-audit", "--no-fund", tarball], work);
    assert.equal(installed.code, 0, installed.out);
    const help = run(join(prefix, "bin", "waymark"), ["--help"], work);
    assert.equal(help.code, 0, help.out);
    assert.match(help.out, /^ {2}test {2,}run a case file/m);
    const tool = run(join(prefix, "bin", "waymark"), ["jws", "verify", "--jwk", join(project, "fg.json"), "a.b.c"], work);
    assert.equal(tool.code, 1, tool.out);
    assert.match(tool.out, /^invalid: /m);
    assert.ok(existsSync(join(prefix, "lib", "node_modules", "waymark", "dist", "tenant.wasm")));
  });
});
