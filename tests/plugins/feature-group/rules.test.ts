// Header-time rules in the harness: header, geo (country header, CIDR table on source.address and
// x-forwarded-for), percent, rule order, aliases, and the trust rules for incoming values and overrides.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { HeadersAction } from "../../../harness/index.ts";
import { root } from "../../../scripts/ensure.mjs";
import { startPlugin, send, outcome, counters, EXAMPLE_CONFIG, INTERNAL_CONFIG } from "./support.ts";

describe("header conditions", () => {
  it("equals, prefix, present, absent; all conditions of a rule must hold; first match wins", async () => {
    const host = await startPlugin({
      rules: [
        { group: "both", header: [{ name: "x-tenant", equals: "acme" }, { name: "x-plan", prefix: "gold" }] },
        { group: "acme", header: { name: "X-Tenant", equals: "acme" } },
        { group: "mobile", header: { name: "x-app", present: true } },
        { group: "anonymous", header: { name: "authorization", present: false } },
      ],
      aliases: { both: "v3", acme: "v2" },
    });
    const cases: Array<[Record<string, string>, string | undefined, string | undefined]> = [
      [{ "x-tenant": "acme", "x-plan": "gold-2024" }, "both", "v3"],
      [{ "x-tenant": "acme", "x-plan": "silver" }, "acme", "v2"],
      [{ "x-tenant": "ACME", authorization: "x" }, undefined, undefined],
      [{ "x-tenant": "acme2", "x-app": "" , authorization: "x" }, "mobile", undefined],
      [{ "x-tenant": "other" }, "anonymous", undefined],
      [{ authorization: "Bearer x" }, undefined, undefined],
    ];
    for (const [headers, group, version] of cases) {
      const r = send(host, { ":path": "/orders", ...headers });
      assert.deepEqual(outcome(r), { group, version }, JSON.stringify(headers));
      assert.deepEqual(r.stream.actions, [{ callback: "proxy_on_request_headers", action: HeadersAction.Continue }]);
    }
    assert.deepEqual(counters(host), { "group.both": 1, "group.acme": 1, "group.mobile": 1, "group.anonymous": 1, no_group: 2 });
  });

  it("reads pseudo-headers", async () => {
    const host = await startPlugin({ rules: [{ group: "admin", header: { name: ":path", prefix: "/admin/" } }] });
    assert.equal(outcome(send(host, { ":path": "/admin/x" })).group, "admin");
    assert.equal(outcome(send(host, { ":path": "/adminx" })).group, undefined);
  });
});

describe("geo conditions", () => {
  const table = [
    { prefix: "203.0.113.0/24", country: "DE", region: "DE-BY" },
    { prefix: "203.0.113.128/25", country: "AT" },
    { prefix: "2001:db8::/32", country: "FR", region: "FR-IDF" },
    { prefix: "198.51.100.0/24", country: "US" },
  ];
  const rules = [
    { group: "dach", geo: { countries: ["DE", "AT", "CH"] } },
    { group: "paris", geo: { regions: ["fr-idf"] } },
  ];

  it("country from the trusted header when configured (case-insensitive, trimmed)", async () => {
    const host = await startPlugin({ rules, geo: { country_header: "cf-ipcountry", cidrs: table } });
    assert.equal(outcome(send(host, { "cf-ipcountry": "de" })).group, "dach");
    assert.equal(outcome(send(host, { "cf-ipcountry": " CH " })).group, "dach");
    assert.equal(outcome(send(host, { "cf-ipcountry": "US" })).group, undefined);
    // The header wins over the address.
    assert.equal(outcome(send(host, { "cf-ipcountry": "US" }, [], { "source.address": "203.0.113.7:4000" })).group, undefined);
  });

  it("a malformed or missing country header falls back to the address table, and is counted", async () => {
    const host = await startPlugin({ rules, geo: { country_header: "cf-ipcountry", cidrs: table } });
    assert.equal(outcome(send(host, { "cf-ipcountry": "Germany" }, [], { "source.address": "203.0.113.7:4000" })).group, "dach");
    assert.equal(outcome(send(host, {}, [], { "source.address": "203.0.113.7:4000" })).group, "dach");
    assert.equal(counters(host)["rule_skipped.country_header_malformed"], 1);
  });

  it("without country_header the header is ignored: the address decides", async () => {
    const host = await startPlugin({ rules, geo: { cidrs: table } });
    assert.equal(outcome(send(host, { "cf-ipcountry": "DE" }, [], { "source.address": "198.51.100.1:1" })).group, undefined);
    assert.equal(outcome(send(host, { "cf-ipcountry": "US" }, [], { "source.address": "203.0.113.200:1" })).group, "dach");
  });

  it("source.address: IPv4, IPv6, IPv4-mapped, longest prefix, regions", async () => {
    const host = await startPlugin({ rules, geo: { cidrs: table } });
    const via = (address: string) => outcome(send(host, {}, [], { "source.address": address })).group;
    assert.equal(via("203.0.113.7:4000"), "dach"); // DE
    assert.equal(via("203.0.113.130:4000"), "dach"); // AT, the longer prefix
    assert.equal(via("[2001:db8::1]:4000"), "paris"); // FR-IDF by region
    assert.equal(via("[::ffff:203.0.113.7]:4000"), "dach");
    assert.equal(via("198.51.100.1:1"), undefined);
    assert.equal(via("192.0.2.1:1"), undefined);
    assert.equal(counters(host)["rule_skipped.country_unknown"], 1); // 192.0.2.1: in no prefix
  });

  it("x-forwarded-for: the N-th address from the right with N trusted hops", async () => {
    const host = await startPlugin({ rules, geo: { xff_num_trusted_hops: 2, cidrs: table } });
    const via = (xff: string | string[]) => outcome(send(host, { "x-forwarded-for": xff }, [], { "source.address": "203.0.113.7:1" })).group;
    assert.equal(via("198.51.100.9, 203.0.113.5, 10.0.0.1"), "dach"); // client 203.0.113.5, one proxy 10.0.0.1
    assert.equal(via("203.0.113.5, 198.51.100.9, 10.0.0.1"), undefined); // a spoofed left entry is ignored
    assert.equal(via(["1.1.1.1, 2001:db8::7", "10.0.0.1"]), "paris"); // repeated headers are one list
    assert.equal(via("[2001:db8::7]:443, 10.0.0.1"), "paris");
    assert.deepEqual(counters(host), { "group.dach": 1, "group.paris": 2, no_group: 1 });
  });

  it("fewer entries than trusted hops, or a malformed entry: no country, counted, the request goes on", async () => {
    const host = await startPlugin({ rules, geo: { xff_num_trusted_hops: 2, cidrs: table } });
    assert.equal(outcome(send(host, { "x-forwarded-for": "203.0.113.5" })).group, undefined);
    assert.equal(outcome(send(host, {})).group, undefined);
    assert.equal(outcome(send(host, { "x-forwarded-for": "unknown, 10.0.0.1" })).group, undefined);
    assert.equal(outcome(send(host, { "x-forwarded-for": "203.0.113.5:99999, 10.0.0.1" })).group, undefined);
    const c = counters(host);
    assert.equal(c["rule_skipped.address_missing"], 2);
    assert.equal(c["rule_skipped.address_malformed"], 2);
    assert.equal(c.no_group, 4);
  });

  it("a malformed source.address is counted", async () => {
    const host = await startPlugin({ rules, geo: { cidrs: table } });
    assert.equal(outcome(send(host, {}, [], { "source.address": "pipe:/tmp/sock" })).group, undefined);
    assert.equal(counters(host)["rule_skipped.address_malformed"], 1);
  });

  it("region from the region header", async () => {
    const host = await startPlugin({ rules, geo: { country_header: "cf-ipcountry", region_header: "x-region", cidrs: table } });
    assert.equal(outcome(send(host, { "cf-ipcountry": "FR", "x-region": "fr-idf" })).group, "paris");
    assert.equal(outcome(send(host, { "cf-ipcountry": "FR", "x-region": "fr-ara" })).group, undefined);
  });
});

describe("percent conditions", () => {
  let hash: { xxh64OfString(s: string, seed: bigint): bigint };
  before(async () => {
    hash = await import(join(root, "dist", "tools", "hash.js"));
  });

  it("follows the documented formula: xxh64(key, seed = xxh64(group)) % 10000 < value * 100", async () => {
    const host = await startPlugin({ rules: [{ group: "beta", percent: { value: 12.34, key: { header: "x-user-id" } } }] });
    const seed = hash.xxh64OfString("beta", 0n);
    let inside = 0;
    for (let i = 0; i < 2000; i++) {
      const user = `user-${i}`;
      const expected = hash.xxh64OfString(user, seed) % 10000n < 1234n;
      const got = outcome(send(host, { "x-user-id": user })).group === "beta";
      assert.equal(got, expected, user);
      if (got) inside++;
    }
    // A stable share close to the configured one.
    assert.ok(inside > 2000 * 0.10 && inside < 2000 * 0.15, `${inside} of 2000`);
  });

  it("is the same on every gateway and for every request of a user; salt and cookie keys", async () => {
    const config = { rules: [{ group: "beta", percent: { value: 50, key: { cookie: "uid" }, salt: "rollout-7" } }] };
    const a = await startPlugin(config);
    const b = await startPlugin(config);
    const seed = hash.xxh64OfString("rollout-7", 0n);
    for (let i = 0; i < 200; i++) {
      const uid = `u${i * 7919}`;
      const cookie = `theme=dark; uid=${uid}; x=1`;
      const first = outcome(send(a, { cookie })).group;
      assert.equal(outcome(send(a, { cookie })).group, first);
      assert.equal(outcome(send(b, { cookie })).group, first);
      assert.equal(first === "beta", hash.xxh64OfString(uid, seed) % 10000n < 5000n);
    }
  });

  it("0 and 100 percent; a missing key is counted and does not match", async () => {
    const host = await startPlugin({ rules: [
      { group: "none", percent: { value: 0, key: { header: "x-user-id" } } },
      { group: "all", percent: { value: 100, key: { header: "x-user-id" } } },
    ] });
    assert.equal(outcome(send(host, { "x-user-id": "ada" })).group, "all");
    assert.equal(outcome(send(host, { "x-user-id": "" })).group, undefined);
    assert.equal(outcome(send(host, {})).group, undefined);
    assert.equal(counters(host)["rule_skipped.percent_key_missing"], 2);
  });
});

describe("trust: ingress and internal gateway", () => {
  it("at an ingress, client-sent group and version are removed and counted", async () => {
    const host = await startPlugin(EXAMPLE_CONFIG);
    const r = send(host, { ":path": "/orders", "x-feature-group": "progressive-discount", "x-version": "v3" });
    assert.deepEqual(outcome(r), { group: undefined, version: undefined });
    const r2 = send(host, { ":path": "/orders", "x-version": "v3", "x-tenant": "acme" });
    assert.deepEqual(outcome(r2), { group: "acme-preview", version: "v2" });
    assert.deepEqual(r2.stream.upstream.headers!.values("x-version"), ["v2"]);
    assert.equal(counters(host).incoming_removed, 2);
  });

  it("the sandbox override: kept for the dev-team tenant, removed otherwise", async () => {
    const host = await startPlugin(EXAMPLE_CONFIG);
    const dev = send(host, { ":path": "/orders", "x-sandbox": "alice", "x-tenant": "dev-team" });
    assert.equal(dev.upstream("x-sandbox"), "alice");
    const other = send(host, { ":path": "/orders", "x-sandbox": "alice", "x-tenant": "acme" });
    assert.equal(other.upstream("x-sandbox"), undefined);
    assert.equal(other.upstream("x-feature-group"), "acme-preview");
    const none = send(host, { ":path": "/orders", "x-sandbox": "alice" });
    assert.equal(none.upstream("x-sandbox"), undefined);
    const c = counters(host);
    assert.equal(c["override.x-sandbox.allowed"], 1);
    assert.equal(c["override.x-sandbox.denied"], 2);
  });

  it("an override may allow the version header itself: kept, no rule runs", async () => {
    const host = await startPlugin({
      rules: [{ group: "everyone" }],
      aliases: { everyone: "v1", pinned: "v9" },
      overrides: [
        { header: "x-version", when: { header: { name: "x-tenant", equals: "qa" } } },
        { header: "x-feature-group", when: { header: { name: "x-tenant", equals: "qa" } } },
      ],
    });
    assert.deepEqual(outcome(send(host, { "x-tenant": "qa", "x-version": "v3" })), { group: undefined, version: "v3" });
    assert.deepEqual(outcome(send(host, { "x-tenant": "qa", "x-feature-group": "pinned" })), { group: "pinned", version: "v9" });
    assert.deepEqual(outcome(send(host, { "x-tenant": "dev", "x-version": "v3" })), { group: "everyone", version: "v1" });
    const c = counters(host);
    assert.equal(c.incoming_kept, 2);
    assert.equal(c["override.x-version.denied"], 1);
  });

  it("at an internal gateway incoming values are kept and no rule runs; the version is filled from the alias", async () => {
    const host = await startPlugin(INTERNAL_CONFIG);
    const kept = send(host, { "x-feature-group": "geo-discount", "x-version": "v2" });
    assert.deepEqual(outcome(kept), { group: "geo-discount", version: "v2" });
    assert.deepEqual(kept.stream.upstream.headers!.values("x-feature-group"), ["geo-discount"]);
    assert.deepEqual(outcome(send(host, { "x-feature-group": "progressive-discount" })), { group: "progressive-discount", version: "v3" });
    assert.deepEqual(outcome(send(host, { "x-version": "v3" })), { group: undefined, version: "v3" });
    assert.deepEqual(outcome(send(host, {})), { group: "baseline", version: "v1" });
    assert.deepEqual(counters(host), { incoming_kept: 3, "group.baseline": 1 });
  });

  it("a group without an alias sets only the group header", async () => {
    const host = await startPlugin({ rules: [{ group: "retired" }] });
    assert.deepEqual(outcome(send(host, { "x-version": "v3" })), { group: "retired", version: undefined });
  });

  it("custom header names", async () => {
    const host = await startPlugin({ rules: [{ group: "g" }], aliases: { g: "v2" }, group_header: "x-fg", version_header: "x-route-version" });
    const r = send(host, { "x-fg": "spoofed", "x-route-version": "v9" });
    assert.equal(r.upstream("x-fg"), "g");
    assert.equal(r.upstream("x-route-version"), "v2");
  });
});
