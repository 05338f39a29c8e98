// The feature-group configuration: the examples load, and each bad field is refused at load with one error line
// that names it (the plugin's onConfigure runs config.ts's pure validate()).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { configError, startPlugin, EXAMPLE_CONFIG, INTERNAL_CONFIG } from "./support.ts";

const rule = (extra: object) => ({ rules: [{ group: "g", ...extra }] });
const geo = { country_header: "cf-ipcountry" };

describe("feature-group configuration", () => {
  it("accepts the ingress and internal-gateway examples from envoy-configs", async () => {
    assert.equal(await configError(EXAMPLE_CONFIG), "");
    assert.equal(await configError(INTERNAL_CONFIG), "");
    const host = await startPlugin(EXAMPLE_CONFIG);
    assert.match(host.logs.map((l) => l.message).join("\n"), /configured: 4 rules, 4 groups, 3 address prefixes, trust_incoming false/);
  });

  it("accepts every documented field", async () => {
    assert.equal(await configError({
      rules: [
        { group: "a", header: [{ name: "X-Tenant", prefix: "ac" }, { name: ":authority", present: true }], percent: { value: 12.5, key: { cookie: "uid" }, salt: "s1" } },
        { group: "b", geo: { regions: ["de-by"] }, body: [{ pointer: "/a/0", in: ["x", 1, true, null] }, { pointer: "/n", min: 1, max: 2 }, { pointer: "/e", exists: false }] },
        { group: "c" },
      ],
      aliases: { a: "v1.2", b: "v2" },
      geo: { country_header: "cf-ipcountry", region_header: "x-region", xff_num_trusted_hops: 2, cidrs: [{ prefix: "10.0.0.0/8", country: "de", region: "DE-BY" }, { prefix: "2001:db8::/32", country: "AT" }] },
      group_header: "x-group", version_header: "x-ver", max_body_bytes: 1048576, max_body_depth: 8, body_wait_ms: 250, trust_incoming: true,
      overrides: [{ header: "x-sandbox", when: { header: { name: "x-tenant", equals: "dev" }, geo: { countries: ["DE"] }, percent: { value: 50, key: { header: "x-user" } } } }],
    }), "");
    assert.equal(await configError({}), "", "an empty configuration (no rules) is valid");
  });

  const cases: Array<[string, unknown, string]> = [
    ["empty", "", "configuration: required (a JSON object)"],
    ["not JSON", "{rules: []}", "configuration: invalid JSON: unexpected character 'r' at byte 1 (expected an object key)"],
    ["not an object", "[]", "configuration: must be a JSON object"],
    ["duplicate key", '{"rules":[],"rules":[]}', "configuration: invalid JSON: duplicate key \"rules\" at byte 12"],
    ["unknown field", { rulez: [] }, "rulez: unknown field"],
    ["rules not an array", { rules: {} }, "rules: must be an array"],
    ["group missing", { rules: [{ header: { name: "a", present: true } }] }, "rules[0].group: required"],
    ["bad group name", rule({ group: "a b" }), "rules[0].group: must be 1 to 64 letters, digits, '-' or '_'"],
    ["group with a dot", rule({ group: "a.b" }), "rules[0].group: must be 1 to 64 letters"],
    ["unknown rule field", rule({ cookie: {} }), "rules[0].cookie: unknown field"],
    ["header not an object", rule({ header: "x-a" }), "rules[0].header: must be an object or an array of objects"],
    ["header without test", rule({ header: { name: "x-a" } }), "rules[0].header: needs exactly one of equals, prefix, present"],
    ["header with two tests", rule({ header: { name: "x-a", equals: "1", prefix: "1" } }), "rules[0].header: needs exactly one of"],
    ["header list item", rule({ header: [{ name: "x-a", present: true }, { name: "x a", present: true }] }), "rules[0].header[1].name: must be a header name"],
    ["header name missing", rule({ header: { equals: "1" } }), "rules[0].header.name: required"],
    ["empty prefix", rule({ header: { name: "x-a", prefix: "" } }), "rules[0].header.prefix: must not be empty"],
    ["present not a bool", rule({ header: { name: "x-a", present: "yes" } }), "rules[0].header.present: must be true or false"],
    ["geo without source", rule({ geo: { countries: ["DE"] } }), "rules[0].geo: needs a country source: geo.country_header or geo.cidrs"],
    ["geo empty", { ...rule({ geo: {} }), geo }, "rules[0].geo: needs countries or regions"],
    ["bad country", { ...rule({ geo: { countries: ["DEU"] } }), geo }, "rules[0].geo.countries[0]: must be a two-letter country code"],
    ["regions without source", { ...rule({ geo: { regions: ["eu"] } }), geo }, "rules[0].geo.regions: needs a region source"],
    ["percent over 100", rule({ percent: { value: 101, key: { header: "x-u" } } }), "rules[0].percent.value: must be a number from 0 to 100 with at most two decimals"],
    ["percent too fine", rule({ percent: { value: 0.001, key: { header: "x-u" } } }), "rules[0].percent.value: must be a number from 0 to 100 with at most two decimals"],
    ["percent value missing", rule({ percent: { key: { header: "x-u" } } }), "rules[0].percent.value: required"],
    ["percent key missing", rule({ percent: { value: 5 } }), "rules[0].percent.key: required"],
    ["percent key both", rule({ percent: { value: 5, key: { header: "a", cookie: "b" } } }), "rules[0].percent.key: needs exactly one of header, cookie"],
    ["percent empty salt", rule({ percent: { value: 5, key: { header: "a" }, salt: "" } }), "rules[0].percent.salt: must not be empty"],
    ["body pointer escape", rule({ body: { pointer: "/a~2", exists: true } }), "rules[0].body.pointer: invalid escape in JSON pointer"],
    ["body pointer relative", rule({ body: { pointer: "a", exists: true } }), "rules[0].body.pointer: JSON pointer must be empty or start with '/'"],
    ["body pointer too deep", { ...rule({ body: { pointer: "/a/b/c", exists: true } }), max_body_depth: 2 }, "rules[0].body.pointer: deeper than max_body_depth (2)"],
    ["body without test", rule({ body: { pointer: "/a" } }), "rules[0].body: needs exactly one of equals, in, exists, or a range"],
    ["body two tests", rule({ body: { pointer: "/a", equals: 1, min: 0 } }), "rules[0].body: needs exactly one of"],
    ["body equals object", rule({ body: { pointer: "/a", equals: { x: 1 } } }), "rules[0].body.equals: must be a string, number, true, false or null"],
    ["body in empty", rule({ body: { pointer: "/a", in: [] } }), "rules[0].body.in: must not be empty"],
    ["body in array item", rule({ body: { pointer: "/a", in: [1, [2]] } }), "rules[0].body.in[1]: must be a string, number"],
    ["body min over max", rule({ body: { pointer: "/a", min: 5, max: 1 } }), "rules[0].body.min: must not be greater than max"],
    ["body list item", rule({ body: [{ pointer: "/a", exists: true }, { pointer: "/b", exists: 1 }] }), "rules[0].body[1].exists: must be true or false"],
    ["too many pointers", rule({ body: Array.from({ length: 16 }, (_, i) => ({ pointer: `/p${i}`, exists: true })) }), ""],
    ["65 pointers", { rules: Array.from({ length: 5 }, (_, r) => ({ group: `g${r}`, body: Array.from({ length: 13 }, (_, i) => ({ pointer: `/p${r}_${i}`, exists: true })) })) },
      "rules[4].body[12].pointer: more than 64 distinct body pointers in all rules"],
    ["aliases not an object", { aliases: [] }, "aliases: must be an object of group: version"],
    ["alias bad version", { aliases: { g: "v 2" } }, "aliases.g: the version must be 1 to 64 letters"],
    ["alias bad group", { aliases: { "a/b": "v2" } }, "aliases.a/b: the group name must be"],
    ["same output headers", { group_header: "x-v", version_header: "x-v" }, "version_header: must differ from group_header"],
    ["group header not a name", { group_header: "x group" }, "group_header: must be a header name"],
    ["pseudo output header", { version_header: ":path" }, "version_header: must be a header name"],
    ["body bound too big", { max_body_bytes: 2 * 1048576 }, "max_body_bytes: must be an integer from 1 to 1048576"],
    ["body bound fractional", { max_body_bytes: 10.5 }, "max_body_bytes: must be an integer from 1 to 1048576"],
    ["trust not a bool", { trust_incoming: "no" }, "trust_incoming: must be true or false"],
    ["hops", { geo: { xff_num_trusted_hops: 17 } }, "geo.xff_num_trusted_hops: must be an integer from 0 to 16"],
    ["cidr host bits", { geo: { cidrs: [{ prefix: "203.0.113.1/24", country: "DE" }] } }, "geo.cidrs[0].prefix: host bits set below /24 (\"203.0.113.1/24\")"],
    ["cidr bad address", { geo: { cidrs: [{ prefix: "203.0.113/24", country: "DE" }] } }, "geo.cidrs[0].prefix: not an IPv4 or IPv6 address"],
    ["cidr bad length", { geo: { cidrs: [{ prefix: "2001:db8::/129", country: "DE" }] } }, "geo.cidrs[0].prefix: prefix length must be 0..128"],
    ["cidr bad country", { geo: { cidrs: [{ prefix: "10.0.0.0/8", country: "Germany" }] } }, "geo.cidrs[0].country: must be a two-letter country code"],
    ["cidr country missing", { geo: { cidrs: [{ prefix: "10.0.0.0/8" }] } }, "geo.cidrs[0].country: required"],
    ["cidr duplicate", { geo: { cidrs: [{ prefix: "10.0.0.0/8", country: "DE" }, { prefix: "11.0.0.0/8", country: "DE" }, { prefix: "10.0.0.0/8", country: "AT" }] } },
      "geo.cidrs[2].prefix: same prefix as geo.cidrs[0]"],
    ["cidr mapped duplicate", { geo: { cidrs: [{ prefix: "10.0.0.0/8", country: "DE" }, { prefix: "::ffff:10.0.0.0/104", country: "AT" }] } },
      "geo.cidrs[1].prefix: same prefix as geo.cidrs[0]"],
    ["country header bad", { geo: { country_header: "" } }, "geo.country_header: must be a header name"],
    ["override of a pseudo-header", { overrides: [{ header: ":path", when: { header: { name: "a", present: true } } }] }, "overrides[0].header: must be a header name"],
    ["override without when", { overrides: [{ header: "x-sandbox" }] }, "overrides[0].when: required"],
    ["override empty when", { overrides: [{ header: "x-sandbox", when: {} }] }, "overrides[0].when: needs at least one condition"],
    ["override body", { overrides: [{ header: "x-sandbox", when: { body: { pointer: "/a", exists: true } } }] }, "overrides[0].when.body: not supported here"],
    ["override twice", { overrides: [{ header: "x-s", when: { header: { name: "a", present: true } } }, { header: "X-S", when: { header: { name: "a", present: true } } }] },
      "overrides[1].header: already named by overrides[0]"],
    ["too many rules", { rules: Array.from({ length: 257 }, () => ({ group: "g" })) }, "rules: at most 256 entries"],
  ];
  for (const [name, config, error] of cases) {
    it(`refuses ${name}`, async () => {
      const got = await configError(config);
      if (error === "") assert.equal(got, "");
      else assert.ok(got.startsWith(error), `got: ${got}\nwant: ${error}...`);
    });
  }

  it("logs exactly one error line for a refused configuration", async () => {
    const { ProxyWasmHost } = await import("../../../harness/index.ts");
    const { WASM, ROOT_ID } = await import("./support.ts");
    const host = new ProxyWasmHost({ wasm: WASM, rootId: ROOT_ID, pluginConfig: { rules: [{ group: "" }] } });
    const started = await host.start();
    assert.equal(started.ok, false);
    assert.deepEqual(started.logs.filter((l) => l.level === "error").map((l) => l.message),
      ["feature-group: invalid configuration: rules[0].group: must be 1 to 64 letters, digits, '-' or '_'"]);
  });
});
