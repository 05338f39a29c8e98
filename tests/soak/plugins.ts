// The three plugins configured together for soak and load: one tenant key, the feature-group example rules and
// sticky in pick mode over the given pods; requests that exercise them; the filter chain for all-plugins.yaml.
import { join } from "node:path";
import { makeKey, sign, localProvider, ISSUER, TestKey } from "../plugins/tenant/support.ts";
import { EXAMPLE_CONFIG } from "../plugins/feature-group/support.ts";
import { root } from "../../scripts/ensure.mjs";

export interface Plugin { name: string; wasm: string; config: object; allowOnHeadersStopIteration: boolean }

export async function pluginSet(pods: string[], now: number): Promise<{ plugins: Plugin[]; key: TestKey; token: string }> {
  const key = await makeKey("ES256");
  const token = await sign(key, { tenant: "acme", iss: ISSUER, iat: now, exp: now + 24 * 3600 });
  const plugins: Plugin[] = [
    { name: "tenant", wasm: join(root, "dist", "tenant.wasm"), config: { providers: { main: localProvider([key]) } }, allowOnHeadersStopIteration: false },
    { name: "feature-group", wasm: join(root, "dist", "feature-group.wasm"), config: EXAMPLE_CONFIG, allowOnHeadersStopIteration: true },
    { name: "sticky", wasm: join(root, "dist", "sticky.wasm"), allowOnHeadersStopIteration: true,
      config: { key: [{ header: "x-cart-id" }], mode: "pick", algorithm: "maglev", pods: pods.map((address) => ({ address })), on_missing: "continue" } },
  ];
  return { plugins, key, token };
}

/** The http_filters entries for all-plugins.yaml (indented to sit under http_filters). */
export function filterChain(plugins: Plugin[]): string {
  return plugins.map((p) => [
    "          - name: envoy.filters.http.wasm",
    "            typed_config:",
    '              "@type": type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm',
    "              config:",
    `                name: ${p.name}`,
    `                root_id: ${p.name}`,
    `                allow_on_headers_stop_iteration: ${p.allowOnHeadersStopIteration}`,
    "                configuration:",
    '                  "@type": type.googleapis.com/google.protobuf.StringValue',
    `                  value: ${JSON.stringify(JSON.stringify(p.config))}`,
    "                vm_config:",
    `                  vm_id: ${p.name}`,
    "                  runtime: envoy.wasm.runtime.v8",
    `                  code: { local: { filename: "${p.wasm}" } }`,
  ].join("\n")).join("\n");
}
