#!/usr/bin/env node
// Referee, not part of `npm test`: the real Kubernetes API server code that accepts or refuses custom resources
// (k8s.io/apiextensions-apiserver, standalone, on etcd) installs every CRD in deploy/crds/ and receives every
// rendered manifest with `dryRun=All&fieldValidation=Strict` (what `kubectl apply` meets in a cluster: schema,
// unknown fields, CEL rules, defaulting). It also must refuse the Envoy Gateway manifest as it was (sha256 under
// `code`) and accept the commented-out EnvoyProxy once uncommented.
//
//   node deploy/check-with-apiserver.mjs
//
// Installs what it lacks: Debian's etcd-server (apt-get) and `go install k8s.io/apiextensions-apiserver@v0.37.2`
// into build/referee/bin (minutes, once). Authentication and authorization, which this server delegates to a core
// kube-apiserver, are answered "yes" by a small local HTTPS stand-in. Exit 0 when every verdict is as expected.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttps, request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packageAll, root } from "./oci-image.mjs";
import { loadCrds, parseYaml } from "./crd-check.mjs";
import { MUTATIONS } from "../tests/mesh/crd-mutations.mjs";
import { freePort } from "../cli/envoy-process.mjs";

const APISERVER = "k8s.io/apiextensions-apiserver@v0.37.2";
const bin = join(root, "build", "referee", "bin");
const children = [];
const tmp = mkdtempSync(join(tmpdir(), "waymark-apiserver-"));

function cleanup() {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  rmSync(tmp, { recursive: true, force: true });
}
process.on("exit", cleanup);
for (const s of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(s, () => process.exit(1));

function which(cmd) {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" }).stdout.trim();
}

function install() {
  if (!which("etcd")) {
    console.log("installing etcd-server (apt-get)...");
    const get = (args) => spawnSync("apt-get", args, { stdio: "inherit" }).status === 0;
    if (!get(["install", "-y", "-q", "etcd-server"]) && !(get(["update", "-q"]) && get(["install", "-y", "-q", "etcd-server"]))) {
      throw new Error("could not install etcd-server");
    }
  }
  if (!existsSync(join(bin, "apiextensions-apiserver"))) {
    console.log(`building ${APISERVER} (once; minutes)...`);
    mkdirSync(bin, { recursive: true });
    execFileSync("go", ["install", APISERVER], { stdio: "inherit", env: { ...process.env, GOBIN: bin } });
  }
}

function start(cmd, args, name) {
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout.on("data", (d) => { log += d; });
  child.stderr.on("data", (d) => { log += d; });
  children.push(child);
  child.log = () => log;
  child.name = name;
  return child;
}

/** One HTTPS call to the API server (self-signed certificate, any bearer token). */
function call(port, method, path, body) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = httpsRequest({ host: "127.0.0.1", port, method, path, rejectUnauthorized: false,
      headers: { authorization: "Bearer referee", "content-type": "application/json", ...(data ? { "content-length": Buffer.byteLength(data) } : {}) } }, (res) => {
      let text = "";
      res.on("data", (c) => { text += c; });
      res.on("end", () => resolve({ status: res.statusCode, text, warnings: res.headers.warning }));
    });
    req.on("error", reject);
    req.end(data);
  });
}

async function until(what, fn, timeoutMs = 120_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try { if (await fn()) return; } catch { /* not yet */ }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function main() {
  install();
  // The stand-in for the core API server's TokenReview and SubjectAccessReview.
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
    "-keyout", join(tmp, "standin.key"), "-out", join(tmp, "standin.crt")], { stdio: "ignore" });
  const standin = createHttps({ key: readFileSync(join(tmp, "standin.key")), cert: readFileSync(join(tmp, "standin.crt")) }, (req, res) => {
    req.resume();
    req.on("end", () => {
      const review = req.url.startsWith("/apis/authentication.k8s.io/v1/tokenreviews")
        ? { apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", status: { authenticated: true, user: { username: "referee", groups: ["system:masters", "system:authenticated"] } } }
        : req.url.startsWith("/apis/authorization.k8s.io/v1/subjectaccessreviews")
          ? { apiVersion: "authorization.k8s.io/v1", kind: "SubjectAccessReview", status: { allowed: true } } : null;
      if (!review) { res.writeHead(404).end(); return; }
      res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify(review));
    });
  });
  const standinPort = await freePort();
  await new Promise((r) => standin.listen(standinPort, "127.0.0.1", r));
  const kubeconfig = join(tmp, "kubeconfig");
  writeFileSync(kubeconfig, JSON.stringify({
    apiVersion: "v1", kind: "Config", "current-context": "c",
    clusters: [{ name: "c", cluster: { server: `https://127.0.0.1:${standinPort}`, "insecure-skip-tls-verify": true } }],
    users: [{ name: "u", user: { token: "referee" } }], contexts: [{ name: "c", context: { cluster: "c", user: "u" } }],
  }));

  const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
  const etcd = start("etcd", ["--data-dir", join(tmp, "etcd"), "--listen-client-urls", `http://127.0.0.1:${etcdClient}`,
    "--advertise-client-urls", `http://127.0.0.1:${etcdClient}`, "--listen-peer-urls", `http://127.0.0.1:${etcdPeer}`,
    "--initial-advertise-peer-urls", `http://127.0.0.1:${etcdPeer}`, "--initial-cluster", `default=http://127.0.0.1:${etcdPeer}`], "etcd");
  const apiserver = start(join(bin, "apiextensions-apiserver"), [
    "--etcd-servers", `http://127.0.0.1:${etcdClient}`, "--bind-address", "127.0.0.1", "--secure-port", String(apiPort),
    "--cert-dir", join(tmp, "certs"), "--kubeconfig", kubeconfig, "--authentication-kubeconfig", kubeconfig,
    "--authorization-kubeconfig", kubeconfig, "--authentication-skip-lookup", "--authentication-tolerate-lookup-failure",
    "--enable-priority-and-fairness=false",
    "--disable-admission-plugins=NamespaceLifecycle,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ValidatingAdmissionPolicy,MutatingAdmissionPolicy",
  ], "apiextensions-apiserver");
  try {
    // /readyz stays unready here (its Service informer has no core API to list); the CRD API answering is enough.
    await until("the API server", async () => (await call(apiPort, "GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions")).status === 200);
  } catch (err) {
    console.log(apiserver.log().slice(-3000), etcd.log().slice(-1000));
    throw err;
  }

  const crds = loadCrds();
  for (const { crd, source } of crds) {
    const r = await call(apiPort, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
    if (r.status !== 201) throw new Error(`CRD ${crd.metadata.name} (${source}) not installed: ${r.status} ${r.text.slice(0, 500)}`);
  }
  for (const { crd } of crds) {
    await until(`CRD ${crd.metadata.name} established`, async () => {
      const r = JSON.parse((await call(apiPort, "GET", `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`)).text);
      return r.status?.conditions?.some((c) => c.type === "Established" && c.status === "True");
    });
  }
  console.log(`${crds.length} CRDs installed and established`);
  const plural = new Map(crds.map(({ crd }) => [`${crd.spec.group}/${crd.spec.names.kind}`, crd.spec.names.plural]));
  const apply = async (doc) => {
    const [group, version] = doc.apiVersion.split("/");
    const path = `/apis/${group}/${version}/namespaces/${doc.metadata.namespace ?? "default"}/${plural.get(`${group}/${doc.kind}`)}?dryRun=All&fieldValidation=Strict`;
    return call(apiPort, "POST", path, doc);
  };

  const out = join(tmp, "render");
  packageAll({ registry: "registry.example.com/team", tag: "1.2.3", out, jwks: JSON.stringify({ keys: [] }) });
  let bad = 0;
  const verdict = (ok, line) => { console.log(`${ok ? "as expected" : "UNEXPECTED "}  ${line}`); if (!ok) bad++; };
  const docs = [];
  for (const file of ["istio-waymark.yaml", "envoy-gateway-waymark.yaml"]) {
    for (const doc of parseYaml(readFileSync(join(out, "k8s", file), "utf8"), file)) {
      docs.push(doc);
      const r = await apply(doc);
      verdict(r.status === 201 && !r.warnings, `accepted ${doc.kind} ${doc.metadata.namespace}/${doc.metadata.name}: ${r.status}${r.warnings ? ` warnings: ${r.warnings}` : ""}${r.status === 201 ? "" : ` ${JSON.parse(r.text).message}`}`);
    }
  }
  const old = structuredClone(docs.find((d) => d.kind === "EnvoyExtensionPolicy"));
  for (const w of old.spec.wasm) { w.code.sha256 = w.code.image.sha256; delete w.code.image.sha256; }
  const refused = await apply(old);
  verdict(refused.status === 400 && /unknown field "spec\.wasm\[0\]\.code\.sha256"/.test(JSON.parse(refused.text).message),
    `refused the old EnvoyExtensionPolicy (sha256 under code): ${refused.status} ${JSON.parse(refused.text).message}`);
  // The mutations tests/mesh/crds.test.ts shows deploy/crd-check.mjs refusing: the API server must refuse each too.
  for (const [what, kind, name, mutate, expected, apiServer = "refuses"] of MUTATIONS) {
    const doc = structuredClone(docs.find((d) => d.kind === kind && d.metadata.name === name));
    mutate(doc);
    const r = await apply(doc);
    const message = r.status === 201 ? "(accepted)" : JSON.parse(r.text).message;
    // "drops the null": accepted, and the object it would store has no null left in its spec.
    const dropped = () => r.status === 201 && !JSON.stringify(JSON.parse(r.text).spec).includes("null");
    verdict(apiServer === "refuses" ? r.status >= 400 : dropped(),
      `${apiServer === "refuses" ? "refused" : `accepted (it ${apiServer})`} ${what} (crd-check: ${expected}): ${r.status}${r.warnings ? ` warnings: ${r.warnings}` : ""} ${message}`);
  }
  const template = readFileSync(join(root, "deploy", "envoy-gateway", "waymark.yaml"), "utf8");
  const snippet = template.split("\n# ---\n")[1].split("\n").filter((l) => /^#( |$)/.test(l)).map((l) => l.slice(2)).join("\n");
  const [proxy] = parseYaml(snippet);
  const r = await apply(proxy);
  verdict(r.status === 201, `accepted the commented-out EnvoyProxy once uncommented: ${r.status}${r.status === 201 ? "" : ` ${JSON.parse(r.text).message}`}`);
  console.log(bad ? `${bad} unexpected verdict(s)` : "the API server agrees with every expected verdict");
  standin.close();
  process.exitCode = bad ? 1 : 0;
}

main().catch((err) => { console.error(err.message); process.exitCode = 2; }).finally(() => process.exit());
