// The Envoy configuration that the deploy/ manifests carry, run in real Envoy (1.40.0, the pinned stock build):
// - Istio: the Wasm filter configuration an EnvoyFilter adds as an ECDS resource, with its oci:// code turned into
//   a local file as istio-agent does (pkg/wasm/convert.go rewrites vm_config.code to `local.filename` after the
//   pull), served to Envoy from a file instead of istiod's ADS, behind an HTTP filter that names it through
//   config_discovery exactly as the HTTP_FILTER patch does. Feature-group's body rule decides the route; without
//   the patch's allow_on_headers_stop_iteration the same configuration is decided without it.
// - Envoy Gateway: the Wasm filters Envoy Gateway 1.6 generates for the EnvoyExtensionPolicy (rebuilt from its
//   source in envoy-gateway-xds.mjs; code fetched by Envoy over HTTP through `wasm_cluster`, as there), patched by
//   the EnvoyPatchPolicy: the body rule works, tenant and sticky run under FAIL_RELOAD, and every patch lands.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createServer, Server } from "node:http";
import { AddressInfo } from "node:net";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packageAll } from "../../deploy/oci-image.mjs";
import { root } from "../../scripts/ensure.mjs";
import { startEnvoy, Envoy } from "../../mesh/envoy.ts";
import { startEchoServer, echoValues, EchoServer, Echo } from "../../mesh/echo-server.ts";
import { request } from "../../mesh/http.ts";
import { demoKey, jwksDocument, mintToken } from "../../mesh/tokens.ts";
import { manifestDocs, extensionConfig } from "./manifests.ts";
import { crdChecker } from "../../deploy/crd-check.mjs";
import { wasmHttpFilter, enableOnRoute, applyJsonPatches, wasmFilterName } from "./envoy-gateway-xds.mjs";

const STAT = "wasmcustom.waymark.feature_group.";
const HCM = "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
const ROUTER = { name: "envoy.filters.http.router", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" } };
const LOYAL = JSON.stringify({ customer: { id: 7, segment: "loyal" }, items: [] });
const JSON_HEADERS = { "content-type": "application/json" };

/** Routes on x-version as a user's VirtualService / HTTPRoute would: v2, v3, else v1. */
function versionRoutes(extra: Record<string, unknown> = {}) {
  const to = (cluster: string, version?: string) => ({
    match: { prefix: "/", ...(version ? { headers: [{ name: "x-version", string_match: { exact: version } }] } : {}) },
    route: { cluster }, ...extra,
  });
  return [to("v2", "v2"), to("v3", "v3"), to("v1")];
}

const staticCluster = (name: string, port: string) => ({
  name, type: "STATIC", connect_timeout: "1s",
  load_assignment: { cluster_name: name, endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: port } } } }] }] },
});

const listener = (name: string, port: string, httpFilters: unknown[], routes: unknown[]) => ({
  name,
  address: { socket_address: { address: "127.0.0.1", port_value: port } },
  filter_chains: [{ filters: [{ name: "envoy.filters.network.http_connection_manager", typed_config: {
    "@type": HCM, stat_prefix: name.replace(/\W/g, "_"),
    route_config: { virtual_hosts: [{ name: "all", domains: ["*"], routes }] }, http_filters: [...httpFilters, ROUTER],
  } }] }],
});

/** An Envoy bootstrap as JSON text; "{{X_PORT}}" strings become bare placeholders that mesh/envoy.ts fills. */
function bootstrap(listeners: unknown[], clusters: unknown[]): string {
  const config = {
    node: { id: "waymark-deploy-test", cluster: "waymark-deploy-test" },
    admin: { address: { socket_address: { address: "127.0.0.1", port_value: "{{ADMIN_PORT}}" } } },
    static_resources: { listeners, clusters },
  };
  return JSON.stringify(config, null, 1).replace(/"(\{\{[A-Z0-9_]+\}\})"/g, "$1");
}

const crdErrors = (doc: unknown) => crdChecker().check(doc).errors;
const routed = (echo: Echo) => ({ name: echo.name, group: echoValues(echo, "x-feature-group")[0], version: echoValues(echo, "x-version")[0] });

describe("deploy manifests: their Envoy configuration in real Envoy", () => {
  const dir = mkdtempSync(join(tmpdir(), "waymark-deploy-envoy-"));
  const out = join(dir, "render");
  const keys = join(dir, "keys.json");
  const echoes: EchoServer[] = [];
  const envoys: Envoy[] = [];
  let docs: any[];
  let ports: Record<string, number>;

  before(async () => {
    await demoKey(keys);
    packageAll({ registry: "registry.example.com/team", tag: "1.2.3", out, jwks: JSON.stringify(await jwksDocument(keys)) });
    docs = manifestDocs(out).map((m) => m.doc);
    ports = {};
    for (const v of ["v1", "v2", "v3"]) {
      const e = await startEchoServer(`order-mgmt-${v}`);
      echoes.push(e);
      ports[`${v.toUpperCase()}_PORT`] = e.port;
    }
  });

  after(async () => {
    for (const e of envoys) await e.stop();
    for (const e of echoes) await e.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(config: string): Promise<Envoy> {
    const envoy = await startEnvoy(config, { vars: ports });
    envoys.push(envoy);
    return envoy;
  }

  async function call(envoy: Envoy, port: string, headers: Record<string, string>, body?: string | string[]) {
    const options = typeof body === "string" ? { method: "POST", body } : body ? { method: "POST", chunks: body, chunkDelayMs: 30 } : {};
    return request(envoy.url(port, "/orders"), { headers, ...options });
  }

  describe("Istio: the EnvoyFilters' ECDS resources", () => {
    const images = () => JSON.parse(readFileSync(join(out, "images.json"), "utf8")) as Array<{ plugin: string; reference: string; manifestDigest: string }>;

    /** The ECDS resource after istio-agent: the image checked and pulled, the code a local file. */
    const envoyFilter = (name: string) => docs.find((d) => d.kind === "EnvoyFilter" && d.metadata.name === name);

    function asIstioAgentServesIt(doc: any, mutate: (wasmConfig: any) => void = () => {}) {
      const ext = structuredClone(extensionConfig(doc));
      const config = ext.typed_config.config;
      const image = images().find((i) => i.plugin === config.root_id)!;
      assert.equal(config.vm_config.code.remote.http_uri.uri, `oci://${image.reference}`);
      assert.equal(config.vm_config.code.remote.sha256, image.manifestDigest.slice("sha256:".length));
      config.vm_config.code = { local: { filename: join(root, "dist", `${config.root_id}.wasm`) } };
      mutate(config);
      const file = join(dir, `${doc.metadata.name}-${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(file, JSON.stringify({ version_info: "1", resources: [{ "@type": "type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig", ...ext }] }));
      return file;
    }

    /** The HTTP_FILTER patch's filter, its config source pointed at a file instead of istiod's ADS. */
    function httpFilterFrom(doc: any, ecdsFile: string) {
      const patch = doc.spec.configPatches.find((p: any) => p.applyTo === "HTTP_FILTER");
      assert.equal(patch.patch.operation, "INSERT_BEFORE");
      assert.equal(patch.match.listener.filterChain.filter.subFilter.name, "envoy.filters.http.router");
      const filter = structuredClone(patch.patch.value);
      assert.deepEqual(filter.config_discovery.config_source.ads, {});
      filter.config_discovery.config_source = { path_config_source: { path: ecdsFile }, resource_api_version: "V3" };
      return filter;
    }

    const clusters = () => ["v1", "v2", "v3"].map((v) => staticCluster(v, `{{${v.toUpperCase()}_PORT}}`));

    let envoy: Envoy;
    before(async () => {
      envoy = await start(bootstrap([
        listener("gateway", "{{GATEWAY_PORT}}", [httpFilterFrom(envoyFilter("waymark-feature-group"), asIstioAgentServesIt(envoyFilter("waymark-feature-group")))], versionRoutes()),
        listener("internal", "{{INTERNAL_PORT}}", [httpFilterFrom(envoyFilter("waymark-feature-group-internal"), asIstioAgentServesIt(envoyFilter("waymark-feature-group-internal")))], versionRoutes()),
      ], clusters()));
    });

    it("the gateway's body rule routes a loyal customer to v3, whole or streamed in chunks", async () => {
      const whole = await call(envoy, "GATEWAY_PORT", JSON_HEADERS, LOYAL);
      assert.equal(whole.status, 200, whole.body);
      assert.deepEqual(routed(whole.json()), { name: "order-mgmt-v3", group: "progressive-discount", version: "v3" });
      assert.equal(whole.json<Echo>().body, LOYAL, "the body goes upstream unchanged");
      const streamed = await call(envoy, "GATEWAY_PORT", JSON_HEADERS, ['{"customer":{"seg', 'ment":"loyal"}', "}"]);
      assert.deepEqual(routed(streamed.json()), { name: "order-mgmt-v3", group: "progressive-discount", version: "v3" });
      assert.equal((await envoy.stats()).get(`${STAT}rule_skipped.body_not_delivered`) ?? 0, 0);
    });

    it("the gateway's other rules and its client-header stripping work as configured", async () => {
      assert.deepEqual(routed((await call(envoy, "GATEWAY_PORT", { "x-forwarded-for": "203.0.113.9" })).json()),
        { name: "order-mgmt-v2", group: "geo-discount", version: "v2" });
      assert.deepEqual(routed((await call(envoy, "GATEWAY_PORT", { "x-version": "v3" })).json()),
        { name: "order-mgmt-v1", group: undefined, version: undefined });
    });

    it("the internal workloads' filter keeps an incoming decision and groups by body when there is none", async () => {
      assert.deepEqual(routed((await call(envoy, "INTERNAL_PORT", { "x-version": "v2", "x-feature-group": "geo-discount" })).json()),
        { name: "order-mgmt-v2", group: "geo-discount", version: "v2" });
      assert.deepEqual(routed((await call(envoy, "INTERNAL_PORT", JSON_HEADERS, LOYAL)).json()),
        { name: "order-mgmt-v3", group: "progressive-discount", version: "v3" });
    });

    it("sticky with a body key source, deployed by copying that EnvoyFilter pair as deploy/README.md says", async () => {
      const sticky = structuredClone(docs.find((d) => d.kind === "WasmPlugin" && d.metadata.name === "waymark-sticky"));
      const copy = structuredClone(envoyFilter("waymark-feature-group"));
      copy.metadata.name = "waymark-sticky";
      const ext = extensionConfig(copy);
      ext.name = "waymark-sticky";
      Object.assign(ext.typed_config.config, { name: "sticky", root_id: "sticky", failure_policy: "FAIL_RELOAD" });
      ext.typed_config.config.vm_config.vm_id = "waymark-sticky";
      ext.typed_config.config.vm_config.code.remote.http_uri.uri = sticky.spec.url;
      ext.typed_config.config.vm_config.code.remote.sha256 = sticky.spec.sha256;
      ext.typed_config.config.configuration.value = JSON.stringify({ ...sticky.spec.pluginConfig, key: [{ body: "/cart/id" }, ...sticky.spec.pluginConfig.key] });
      copy.spec.configPatches.find((p: any) => p.applyTo === "HTTP_FILTER").patch.value.name = "waymark-sticky";
      const withSticky = await start(bootstrap([listener("gateway", "{{GATEWAY_PORT}}",
        [httpFilterFrom(copy, asIstioAgentServesIt(copy))], versionRoutes())], clusters()));
      const reply = await call(withSticky, "GATEWAY_PORT", JSON_HEADERS, ['{"cart":{"id"', ':"cart-from-body"}}']);
      assert.equal(reply.status, 200, reply.body);
      assert.deepEqual(echoValues(reply.json<Echo>(), "x-sticky-key"), ["cart-from-body"]);
      assert.deepEqual(crdErrors(copy), [], "the copied EnvoyFilter passes the CRD");
    });

    it("without the patch's allow_on_headers_stop_iteration the same configuration never sees the body", async () => {
      const without = await start(bootstrap([listener("gateway", "{{GATEWAY_PORT}}",
        [httpFilterFrom(envoyFilter("waymark-feature-group"), asIstioAgentServesIt(envoyFilter("waymark-feature-group"), (c) => { delete c.allow_on_headers_stop_iteration; }))],
        versionRoutes())], clusters()));
      const reply = await call(without, "GATEWAY_PORT", JSON_HEADERS, LOYAL);
      assert.deepEqual(routed(reply.json()), { name: "order-mgmt-v1", group: undefined, version: undefined });
      assert.ok(((await without.stats()).get(`${STAT}rule_skipped.body_not_delivered`) ?? 0) >= 1);
    });
  });

  describe("Envoy Gateway: the generated Wasm filters, patched by the EnvoyPatchPolicy", () => {
    let envoy: Envoy;
    let wasmServer: Server;
    let listenerJson: any;

    before(async () => {
      // Envoy Gateway's Wasm HTTP server, reduced to what Envoy fetches: each module by its serving URL.
      wasmServer = createServer((req, res) => {
        const plugin = /^\/([a-z-]+)\.wasm$/.exec(req.url ?? "")?.[1];
        if (!plugin) { res.writeHead(404).end(); return; }
        res.writeHead(200, { "content-type": "application/wasm" }).end(readFileSync(join(root, "dist", `${plugin}.wasm`)));
      });
      await new Promise<void>((r) => wasmServer.listen(0, "127.0.0.1", () => r()));
      const wasmPort = (wasmServer.address() as AddressInfo).port;

      const policy = structuredClone(docs.find((d) => d.kind === "EnvoyExtensionPolicy"));
      const patchPolicy = docs.find((d) => d.kind === "EnvoyPatchPolicy");
      // A user who adds a body key source to sticky changes only its configuration: the patch already lets the body through.
      policy.spec.wasm[2].config.key.unshift({ body: "/cart/id" });
      const filters = policy.spec.wasm.map((w: any, i: number) => wasmHttpFilter(policy, i, {
        servingUrl: `http://127.0.0.1:${wasmPort}/${w.rootID}.wasm`,
        sha256: createHash("sha256").update(readFileSync(join(root, "dist", `${w.rootID}.wasm`))).digest("hex"),
      }));
      const perRoute = Object.assign({}, ...filters.map((f: any) => enableOnRoute(f.name)));
      listenerJson = listener("waymark/waymark/http", "{{GATEWAY_PORT}}", filters, versionRoutes({ typed_per_filter_config: perRoute }));
      // Envoy Gateway puts a plain-HTTP listener's connection manager in default_filter_chain.
      listenerJson.default_filter_chain = listenerJson.filter_chains[0];
      delete listenerJson.filter_chains;

      const forThisListener = patchPolicy.spec.jsonPatches.filter((p: any) => p.name === listenerJson.name);
      assert.equal(forThisListener.length, patchPolicy.spec.jsonPatches.length, "every patch names the Gateway's listener");
      const touched = applyJsonPatches(listenerJson, forThisListener.map((p: any) => p.operation));
      assert.deepEqual(touched.map((t) => t.length), [1, 1, 1, 1], "each patch finds its filter exactly once");

      envoy = await start(bootstrap([listenerJson], [
        ...["v1", "v2", "v3"].map((v) => staticCluster(v, `{{${v.toUpperCase()}_PORT}}`)),
        staticCluster("wasm_cluster", String(wasmPort)),
      ]));
    });

    after(() => new Promise<void>((r) => (wasmServer ? wasmServer.close(() => r()) : r())));

    it("the patches land where the policy says: feature-group lets the body through, tenant and sticky reload", async () => {
      const configs = Object.fromEntries(listenerJson.default_filter_chain.filters[0].typed_config.http_filters
        .filter((f: any) => f.typed_config?.config).map((f: any) => [f.typed_config.config.root_id, f.typed_config.config]));
      assert.equal(configs["feature-group"].allow_on_headers_stop_iteration, true);
      assert.equal(configs["feature-group"].fail_open, true);
      assert.equal(configs.tenant.failure_policy, "FAIL_RELOAD");
      assert.equal(configs.tenant.allow_on_headers_stop_iteration, undefined);
      assert.equal(configs.sticky.failure_policy, "FAIL_RELOAD");
      assert.equal(configs.sticky.allow_on_headers_stop_iteration, true);
      const policy = docs.find((d) => d.kind === "EnvoyExtensionPolicy");
      assert.deepEqual(listenerJson.default_filter_chain.filters[0].typed_config.http_filters.map((f: any) => f.name),
        [0, 1, 2].map((i) => wasmFilterName(policy, i)).concat("envoy.filters.http.router"));
      // Envoy runs what was patched in: its own view of the listener.
      const dump = await (await fetch(`http://127.0.0.1:${envoy.adminPort}/config_dump?resource=static_listeners`)).text();
      assert.equal(dump.match(/"allow_on_headers_stop_iteration": true/g)?.length, 2);
      assert.equal(dump.match(/"failure_policy": "FAIL_RELOAD"/g)?.length, 2);
    });

    it("a body key source added to sticky's configuration works with no other change", async () => {
      const token = await mintToken("acme", keys);
      const reply = await call(envoy, "GATEWAY_PORT", { ...JSON_HEADERS, authorization: `Bearer ${token}` }, ['{"cart":{"i', 'd":"cart-from-body"}}']);
      assert.equal(reply.status, 200, reply.body);
      assert.deepEqual(echoValues(reply.json<Echo>(), "x-sticky-key"), ["cart-from-body"]);
    });

    it("all three plugins work: tenant verifies, feature-group decides on the body, sticky sets the key", async () => {
      assert.equal((await call(envoy, "GATEWAY_PORT", JSON_HEADERS, LOYAL)).status, 401, "no token");
      const token = await mintToken("globex", keys);
      const reply = await call(envoy, "GATEWAY_PORT", { ...JSON_HEADERS, authorization: `Bearer ${token}`, "x-cart-id": "cart-42" }, LOYAL);
      assert.equal(reply.status, 200, reply.body);
      const echo = reply.json<Echo>();
      assert.deepEqual(routed(echo), { name: "order-mgmt-v3", group: "progressive-discount", version: "v3" });
      assert.deepEqual(echoValues(echo, "x-tenant"), ["globex"]);
      assert.deepEqual(echoValues(echo, "x-sticky-key"), ["cart-42"]);
      assert.equal((await envoy.stats()).get(`${STAT}rule_skipped.body_not_delivered`) ?? 0, 0);
    });

    it("why tenant and sticky keep failOpen: false: Envoy refuses fail_open together with a failure_policy", async () => {
      const both = structuredClone(listenerJson);
      const featureGroup = both.default_filter_chain.filters[0].typed_config.http_filters.find((f: any) => f.typed_config?.config?.root_id === "feature-group");
      featureGroup.typed_config.config.failure_policy = "FAIL_RELOAD";
      const refused = await startEnvoy(bootstrap([both], [staticCluster("v1", "{{V1_PORT}}"), staticCluster("v2", "{{V2_PORT}}"), staticCluster("v3", "{{V3_PORT}}"),
        staticCluster("wasm_cluster", "{{V1_PORT}}")]), { vars: ports }).then((e) => { envoys.push(e); return undefined; }, (err: Error) => err);
      assert.ok(refused, "Envoy must not start");
      assert.match(refused.message, /only one of fail_open or failure_policy can be set/);
    });
  });
});
