// Fuzzing the feature-group plugin at an ingress (trust_incoming: false): whatever the client sends, the group and
// version headers upstream come only from the rules and the alias table, and the sandbox header survives only
// under its override rule.
import { it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { fuzzPlugin } from "./driver.ts";
import { headerList, headerValue, chunked, jsonBody } from "./arbitraries.ts";
import { EXAMPLE_CONFIG, startPlugin } from "../plugins/feature-group/support.ts";

const config = EXAMPLE_CONFIG as { rules: Array<{ group: string }>; aliases: Record<string, string> };
const groups = new Set(config.rules.map((r) => r.group));
const versions = new Set(Object.values(config.aliases));

it("feature-group never lets the client pick its own group or version", async () => {
  const interesting = fc.oneof(
    fc.tuple(fc.constantFrom("x-feature-group", "x-version", "x-sandbox"), fc.constantFrom("v3", "beta", "ns-evil", "geo-discount")),
    fc.tuple(fc.constant("x-tenant"), fc.constantFrom("acme", "dev-team", "globex")),
    fc.tuple(fc.constant("cf-ipcountry"), fc.constantFrom("DE", "AT", "US", "", "de", "XX")),
    fc.tuple(fc.constant("x-forwarded-for"), fc.constantFrom("203.0.113.9", "198.51.100.1, 203.0.113.7", "2001:db8:a7::1", "not-an-ip", "1.2.3.4,,", "::ffff:203.0.113.5")),
    fc.tuple(fc.constant("content-type"), fc.constantFrom("application/json", "text/plain", "application/json; charset=utf-8", "application/vnd.api+json")),
    fc.tuple(fc.constant("x-user-id"), headerValue),
  );
  const body = fc.oneof(jsonBody, fc.constantFrom('{"customer":{"segment":"loyal"}}', '{"customer":{"segment":"new"}}', '{"customer":{"segment":'));
  const result = await fuzzPlugin({
    name: "feature-group",
    start: () => startPlugin(config, { allowOnHeadersStopIteration: true }), // as envoy-configs/feature-group.yaml sets
    requests: fc.record({ headers: headerList(interesting), chunks: fc.oneof(fc.constant([]), chunked(body)) }),
    check: (req, outcome) => {
      assert.equal(outcome.status, 200, "feature-group never refuses a request");
      const up = (name: string) => outcome.upstreamHeaders.filter(([k]) => k === name).map(([, v]) => v);
      const group = up("x-feature-group");
      const version = up("x-version");
      assert.ok(group.length <= 1 && group.every((g) => groups.has(g)), `group from outside the rules: ${JSON.stringify(group)}`);
      assert.ok(version.length <= 1 && version.every((v) => versions.has(v)), `version from outside the aliases: ${JSON.stringify(version)}`);
      assert.equal(version.length, group.length, "a version goes with a group");
      if (up("x-sandbox").length) {
        const tenants = req.headers.filter(([k]) => k.toLowerCase() === "x-tenant").map(([, v]) => v);
        assert.ok(tenants.includes("dev-team"), "x-sandbox survived without its override rule");
      }
      assert.equal(outcome.upstreamBody, Buffer.concat(req.chunks).toString("latin1"), "the body goes on unharmed");
    },
    maxMemoryBytes: 64 << 20,
  }, 400);
  assert.ok(result.cases > 0);
});
