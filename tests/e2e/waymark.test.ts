// The combined module in stock Envoy with the user-facing envoy-configs/waymark.yaml, next to the same gateway
// with the three single plugins chained (tenant, feature-group, sticky, each given its section of the same
// configuration): every request must come out the same — status, the pod that answered, the headers it saw
// (in order), the 401 replies — and the plugins' counters in /stats must agree.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { startEnvoy, Envoy, renderTemplate, templateVars } from "../../mesh/envoy.ts";
import { startEchoServer, EchoServer, Echo } from "../../mesh/echo-server.ts";
import { request } from "../../mesh/http.ts";
import { makeKey, sign, jwks, ISSUER, TestKey } from "../plugins/tenant/support.ts";
import { root } from "../../scripts/ensure.mjs";

const CONFIG = "envoy-configs/waymark.yaml";
const SECTIONS: Array<[string, string]> = [["tenant", "tenant"], ["feature_group", "feature-group"], ["sticky", "sticky"]];

/** The same gateway with the waymark filter replaced by the three plugins, each with its own section. */
async function chainedTemplate(vars: Record<string, string | number>): Promise<string> {
  const template = readFileSync(join(root, CONFIG), "utf8");
  const filled = renderTemplate(template, await templateVars(template, { ...vars, LISTENER_PORT: 1, ADMIN_PORT: 2 }));
  const doc = parseYaml(filled);
  const hcm = doc.static_resources.listeners[0].filter_chains[0].filters[0].typed_config;
  const waymark = hcm.http_filters[0].typed_config.config;
  const sections = JSON.parse(waymark.configuration.value);
  hcm.http_filters.splice(0, 1, ...SECTIONS.map(([section, name]) => ({
    name: "envoy.filters.http.wasm",
    typed_config: {
      "@type": "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm",
      config: {
        name, root_id: name, allow_on_headers_stop_iteration: true,
        vm_config: { vm_id: name, runtime: "envoy.wasm.runtime.v8", code: { local: { filename: join(root, "dist", `${name}.wasm`) } } },
        configuration: { "@type": "type.googleapis.com/google.protobuf.StringValue", value: JSON.stringify(sections[section]) },
      },
    },
  })));
  doc.static_resources.listeners[0].address.socket_address.port_value = "@LISTENER@";
  doc.admin.address.socket_address.port_value = "@ADMIN@";
  return JSON.stringify(doc).replace('"@LISTENER@"', "{{LISTENER_PORT}}").replace('"@ADMIN@"', "{{ADMIN_PORT}}");
}

interface Seen { status: number; pod?: string; headers?: Array<[string, string]>; body?: string; authenticate?: string }

async function send(envoy: Envoy, path: string, headers: Record<string, string>, body?: string): Promise<Seen> {
  // One authority for both gateways: the 401's realm names it.
  const all = { host: "shop.example.com", ...headers };
  const go = () => request(envoy.url("LISTENER_PORT", path), body === undefined ? { headers: all } : { method: "POST", headers: all, body });
  let reply = await go();
  if (reply.status === 503) reply = await go(); // a pooled upstream connection the echo server was closing
  if (reply.status !== 200) return { status: reply.status, body: reply.body, authenticate: reply.header("www-authenticate") };
  const echo = reply.json<Echo>();
  // Envoy's own per-request headers differ between any two requests.
  return { status: 200, pod: echo.name, headers: echo.headers.filter(([k]) => k !== "x-request-id"), body: echo.body };
}

describe("waymark in Envoy: one module, the same outcomes as the three plugins chained", () => {
  let pods: EchoServer[] = [];
  let combined: Envoy | undefined;
  let chained: Envoy | undefined;
  let key: TestKey;
  before(async () => {
    pods = await Promise.all(["pod-a", "pod-b", "pod-c", "shared"].map((n) => startEchoServer(n)));
    key = await makeKey("ES256");
    const vars = { POD_A_PORT: pods[0].port, POD_B_PORT: pods[1].port, POD_C_PORT: pods[2].port, SHARED_PORT: pods[3].port, LOCAL_JWKS: JSON.stringify(jwks(key)).slice(1, -1) };
    combined = await startEnvoy(CONFIG, { vars });
    chained = await startEnvoy(await chainedTemplate(vars), { vars });
  });
  after(async () => {
    await combined?.stop();
    await chained?.stop();
    await Promise.all(pods.map((p) => p.close()));
  });

  it("every scenario: status, pod, forwarded headers and 401 replies are equal", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = (tenant: string) => sign(key, { tenant, iss: ISSUER, iat: now, exp: now + 3600 });
    const acme = await token("acme");
    const globex = await token("globex");
    const devTeam = await token("dev-team");
    const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
    const json = { "content-type": "application/json" };
    const cases: Array<[string, Record<string, string>, string?]> = [
      ["/orders/1", {}],
      ["/orders/1", { authorization: "Bearer x.y.z" }],
      ["/orders/1", { ...bearer(acme), "x-cart-id": "cart-1" }],
      ["/orders/2", { ...bearer(globex), "x-forwarded-for": "203.0.113.9", cookie: "cart=c-77" }],
      ["/orders/3", { ...bearer(globex), "x-tenant": "acme", "x-version": "v3", "x-feature-group": "beta", "x-envoy-original-dst-host": "127.0.0.1:1" }],
      ["/orders/4", { ...bearer(devTeam), "x-sandbox": "alice" }],
      ["/orders/5", { ...bearer(globex), "x-sandbox": "mallory", "x-user-id": "u-1" }],
      ["/orders", { ...bearer(globex), ...json }, JSON.stringify({ customer: { segment: "loyal" }, cart: { id: "c-42" } })],
      ["/orders", { ...bearer(globex), ...json }, JSON.stringify({ customer: { segment: "new" }, cart: { id: 9 } })],
      ["/orders", { ...bearer(acme), ...json }, "{\"cart\": {\"id\": \"c-1\"}, \"customer\": "],
    ];
    for (let i = 0; i < 12; i++) cases.push([`/orders/${i}`, { ...bearer(i % 2 ? acme : globex), "x-cart-id": `cart-${i}`, "x-user-id": `user-${i}`, "cf-ipcountry": i % 3 ? "DE" : "FR" }]);
    const pods = new Set<string>();
    for (const [path, headers, body] of cases) {
      const a = await send(combined!, path, headers, body);
      const b = await send(chained!, path, headers, body);
      assert.deepEqual(a, b, `${path} ${JSON.stringify(headers).slice(0, 120)}`);
      if (a.pod) pods.add(a.pod);
    }
    assert.ok(pods.size >= 3, `requests reached several pods: ${[...pods]}`);
  });

  it("the plugins' counters in /stats agree", async () => {
    // The plugins' counters; the SDK's own (waymark.sdk.<root_id>.*) describe the module, which differs by design.
    const counters = async (envoy: Envoy) => [...(await envoy.stats())].filter(([k]) => k.startsWith("wasmcustom.waymark.") && !k.startsWith("wasmcustom.waymark.sdk.")).sort();
    const a = await counters(combined!);
    assert.deepEqual(a, await counters(chained!));
    assert.ok(a.some(([k, v]) => k === "wasmcustom.waymark.tenant.accepted" && v > 0));
  });
});
