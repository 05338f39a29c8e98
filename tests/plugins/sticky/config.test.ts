// Configuration validation: every refusal names the field, in one log line, and nothing traps.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { root } from "../../../scripts/ensure.mjs";
import { refusal } from "./support.ts";

const POD = { address: "10.0.0.5:8080" };
const base = { key: [{ header: "x-cart-id" }], pods: [POD] };

/** [what, config, field path the message must start with, words it must contain] */
const REFUSED: Array<[string, unknown, string, string]> = [
  ["no configuration", "", "configuration", "required"],
  ["not JSON", "{\"key\": [", "configuration", "invalid JSON"],
  ["not an object", "[]", "configuration", "must be a JSON object"],
  ["duplicate member", "{\"key\": [{\"header\": \"a\"}], \"mode\": \"pick\", \"mode\": \"native\", \"pods\": [{\"address\": \"10.0.0.5:80\"}]}", "configuration", "duplicate"],
  ["misspelt field", { ...base, table_sise: 65537 }, "table_sise", "unknown field"],
  ["no key sources", { pods: [POD] }, "key", "required"],
  ["empty key list", { ...base, key: [] }, "key", "non-empty"],
  ["two kinds in one source", { ...base, key: [{ header: "a", cookie: "b" }] }, "key[0]", "exactly one"],
  ["unknown source kind", { ...base, key: [{ jwt: "sub" }] }, "key[0].jwt", "unknown source"],
  ["empty header name", { ...base, key: [{ header: "" }] }, "key[0].header", "header name"],
  ["header name with a space", { ...base, key: [{ header: "x cart" }] }, "key[0].header", "header name"],
  ["empty cookie name", { ...base, key: [{ cookie: "" }] }, "key[0].cookie", "must not be empty"],
  ["path template without capture", { ...base, key: [{ path: "/api/carts" }] }, "key[0].path", "exactly one"],
  ["path template with two captures", { ...base, key: [{ path: "/{a}/{b}" }] }, "key[0].path", "exactly one"],
  ["path template with partial capture", { ...base, key: [{ path: "/carts/c-{id}" }] }, "key[0].path", "whole segment"],
  ["path template not absolute", { ...base, key: [{ path: "carts/{id}" }] }, "key[0].path", "start with"],
  ["body pointer without slash", { ...base, key: [{ body: "cart/id" }] }, "key[0].body", "JSON pointer"],
  ["body pointer with bad escape", { ...base, key: [{ body: "/a~2b" }] }, "key[0].body", "escape"],
  ["body pointer to the whole body", { ...base, key: [{ body: "" }] }, "key[0].body", "whole body"],
  ["unknown mode", { ...base, mode: "sideways" }, "mode", "\"pick\", \"native\""],
  ["no pods in pick mode", { key: [{ header: "x" }] }, "pods", "required in pick mode"],
  ["empty pods in pick mode", { ...base, pods: [] }, "pods", "at least one pod"],
  ["pods not a list", { ...base, pods: {} }, "pods", "must be a list"],
  ["pod without address", { ...base, pods: [{ hostname: "a" }] }, "pods[0].address", "required"],
  ["address without port", { ...base, pods: [{ address: "10.0.0.5" }] }, "pods[0].address", "ip:port"],
  ["address octet too large", { ...base, pods: [POD, { address: "10.0.0.300:80" }] }, "pods[1].address", "ip:port"],
  ["address with port 0", { ...base, pods: [{ address: "10.0.0.5:0" }] }, "pods[0].address", "ip:port"],
  ["address with port 65536", { ...base, pods: [{ address: "10.0.0.5:65536" }] }, "pods[0].address", "ip:port"],
  ["address is a DNS name", { ...base, pods: [{ address: "cart-0.svc:8080" }] }, "pods[0].address", "ip:port"],
  ["unbracketed IPv6", { ...base, pods: [{ address: "::1:8080" }] }, "pods[0].address", "ip:port"],
  ["bracketed IPv4", { ...base, pods: [{ address: "[10.0.0.5]:8080" }] }, "pods[0].address", "ip:port"],
  ["address not a string", { ...base, pods: [{ address: 8080 }] }, "pods[0].address", "must be a string"],
  ["weight 0", { ...base, pods: [POD, { address: "10.0.0.6:8080", weight: 0 }] }, "pods[1].weight", "must not be 0"],
  ["negative weight", { ...base, pods: [{ address: "10.0.0.6:8080", weight: -2 }] }, "pods[0].weight", "between 1 and"],
  ["fractional weight", { ...base, pods: [{ address: "10.0.0.6:8080", weight: 1.5 }] }, "pods[0].weight", "whole number"],
  ["weights overflow", { ...base, pods: [{ address: "10.0.0.6:80", weight: 4294967295 }, { address: "10.0.0.7:80", weight: 2 }] }, "pods", "add up"],
  ["duplicate pod (same address spelt twice)", { ...base, pods: [{ address: "[2001:db8::1]:80" }, { address: "[2001:0db8:0:0::1]:80" }] }, "pods[1].address", "duplicate"],
  ["duplicate hash_key", { ...base, pods: [{ address: "10.0.0.6:80", hash_key: "k" }, { address: "10.0.0.7:80", hash_key: "k" }] }, "pods[1]", "host key"],
  ["hostname hashing without hostname", { ...base, use_hostname_for_hashing: true, pods: [{ address: "10.0.0.6:80", hostname: "a" }, { address: "10.0.0.7:80" }] }, "pods[1].hostname", "required when use_hostname_for_hashing"],
  ["unknown pod field", { ...base, pods: [{ address: "10.0.0.6:80", wieght: 2 }] }, "pods[0].wieght", "unknown field"],
  ["table size not prime", { ...base, table_size: 65536 }, "table_size", "not a prime"],
  ["table size too large", { ...base, table_size: 5000077 }, "table_size", "between"],
  ["table size not a number", { ...base, table_size: "65537" }, "table_size", "whole number"],
  ["unknown algorithm", { ...base, algorithm: "rendezvous" }, "algorithm", "\"maglev\", \"ring_hash\""],
  ["ring minimum above maximum", { ...base, algorithm: "ring_hash", ring_hash: { minimum_ring_size: 4096, maximum_ring_size: 1024 } }, "ring_hash.minimum_ring_size", "must not exceed"],
  ["ring maximum above Envoy's limit", { ...base, ring_hash: { maximum_ring_size: 8388609 } }, "ring_hash.maximum_ring_size", "between"],
  ["unknown ring hash function", { ...base, ring_hash: { hash_function: "SHA256" } }, "ring_hash.hash_function", "XX_HASH"],
  ["key_header equal to original_dst_header", { ...base, key_header: "x-envoy-original-dst-host" }, "original_dst_header", "must differ"],
  ["on_missing unknown", { ...base, on_missing: "guess" }, "on_missing", "\"continue\", \"reject\""],
  ["max_body_bytes above Envoy's buffer", { ...base, max_body_bytes: 2 << 20 }, "max_body_bytes", "between"],
  ["id path relative", { ...base, id: { path: "waymark/id" } }, "id.path", "start with"],
  ["id prefix with a slash", { ...base, id: { prefix: "cart/" } }, "id.prefix", "only letters"],
  ["id max_attempts 0", { ...base, id: { max_attempts: 0 } }, "id.max_attempts", "between"],
  ["dc without local", { ...base, dc: { peers: { dc2: "gw" } } }, "dc.local", "required"],
  ["dc local with a dot", { ...base, dc: { local: "dc.1" } }, "dc.local", "required"],
  ["dc peer equal to local", { ...base, dc: { local: "dc1", peers: { dc1: "gw" } } }, "dc.peers.dc1", "its own peer"],
  ["dc peer without cluster", { ...base, dc: { local: "dc1", peers: { dc2: "" } } }, "dc.peers.dc2", "cluster"],
  ["dc peer name with a dot", { ...base, dc: { local: "dc1", peers: { "eu.west": "gw" } } }, "dc.peers.eu.west", "only letters"],
  ["dc header equal to hop header", { ...base, dc: { local: "dc1", header: "x-a", hop_header: "x-a" } }, "dc.hop_header", "must differ"],
  ["membership not an object", { ...base, membership: "cart" }, "membership", "must be an object"],
  ["membership without cluster", { ...base, membership: { admin_cluster: "envoy_admin" } }, "membership.cluster", "required"],
  ["membership with an empty cluster", { ...base, membership: { cluster: "", admin_cluster: "envoy_admin" } }, "membership.cluster", "required"],
  ["membership cluster not a string", { ...base, membership: { cluster: 7, admin_cluster: "envoy_admin" } }, "membership.cluster", "must be a string"],
  ["membership without admin_cluster", { ...base, membership: { cluster: "cart" } }, "membership.admin_cluster", "required"],
  ["membership admin_cluster equal to cluster", { ...base, membership: { cluster: "cart", admin_cluster: "cart" } }, "membership.admin_cluster", "must differ"],
  ["membership eds_service_name empty", { ...base, membership: { cluster: "cart", admin_cluster: "a", eds_service_name: "" } }, "membership.eds_service_name", "must not be empty"],
  ["membership refresh_ms too small", { ...base, membership: { cluster: "cart", admin_cluster: "a", refresh_ms: 10 } }, "membership.refresh_ms", "between 50 and"],
  ["membership refresh_ms fractional", { ...base, membership: { cluster: "cart", admin_cluster: "a", refresh_ms: 100.5 } }, "membership.refresh_ms", "whole number"],
  ["membership timeout_ms too large", { ...base, membership: { cluster: "cart", admin_cluster: "a", timeout_ms: 60001 } }, "membership.timeout_ms", "between 10 and"],
  ["membership max_response_bytes too small", { ...base, membership: { cluster: "cart", admin_cluster: "a", max_response_bytes: 100 } }, "membership.max_response_bytes", "between 1024 and"],
  ["membership panic threshold above 100", { ...base, membership: { cluster: "cart", admin_cluster: "a", healthy_panic_threshold: 101 } }, "membership.healthy_panic_threshold", "between 0 and 100"],
  ["membership misspelt field", { ...base, membership: { cluster: "cart", admin_cluster: "a", refresh: 100 } }, "membership.refresh", "unknown field"],
  ["membership does not excuse a bad bootstrap pod", { key: [{ header: "x" }], membership: { cluster: "cart", admin_cluster: "a" }, pods: [{ address: "nope" }] }, "pods[0].address", "ip:port"],
];

describe("sticky configuration", () => {
  for (const [what, config, field, words] of REFUSED) {
    it(`refuses ${what}`, async () => {
      const line = await refusal(config as object | string);
      assert.ok(line.startsWith(`sticky: invalid configuration: ${field}: `), `${JSON.stringify(line)} does not name ${field}`);
      assert.ok(line.includes(words), `${JSON.stringify(line)} does not say ${JSON.stringify(words)}`);
    });
  }

  it("accepts the smallest pick configuration and the issue's full example", async () => {
    assert.equal(await refusal(base), "");
    assert.equal(await refusal({
      key: [{ header: "x-cart-id" }, { cookie: "cart" }, { query: "cart" }, { path: "/api/carts/{cart}/items" }, { body: "/cart/id" }],
      mode: "pick", key_header: "x-sticky-key", algorithm: "maglev", table_size: 65537,
      ring_hash: { minimum_ring_size: 1024, maximum_ring_size: 8388608, hash_function: "XX_HASH" },
      use_hostname_for_hashing: false,
      pods: [{ address: "10.0.0.5:8080", hostname: "cart-0", weight: 1, hash_key: "" }],
      id: { path: "/.waymark/id", prefix: "cart-" },
      dc: { local: "dc1", peers: { dc2: "gateway-dc2" }, header: "x-waymark-dc" },
    }), "");
  });

  it("accepts membership with or without bootstrap pods, in both modes", async () => {
    const membership = { cluster: "cart", admin_cluster: "envoy_admin" };
    assert.equal(await refusal({ key: [{ header: "x-cart-id" }], membership }), "");
    assert.equal(await refusal({ key: [{ header: "x-cart-id" }], membership, pods: [] }), "");
    assert.equal(await refusal({ ...base, membership: { ...membership, eds_service_name: "outbound|8080||cart.default.svc.cluster.local", refresh_ms: 50, timeout_ms: 10, max_response_bytes: 67108864, healthy_panic_threshold: 0 } }), "");
    assert.equal(await refusal({ key: [{ header: "x-cart-id" }], mode: "native", membership }), "");
  });

  it("accepts native mode without pods, IPv6 pods and ring hash", async () => {
    assert.equal(await refusal({ key: [{ header: "x-cart-id" }], mode: "native" }), "");
    assert.equal(await refusal({ ...base, algorithm: "ring_hash", ring_hash: { hash_function: "MURMUR_HASH_2", minimum_ring_size: 8 }, pods: [{ address: "[::1]:8080" }, { address: "[2001:db8::7]:443", weight: 3 }] }), "");
  });
});

describe("sticky schema.json", () => {
  it("names exactly the fields config.ts accepts, with defaults it accepts", async () => {
    const schema = JSON.parse(readFileSync(join(root, "plugins", "sticky", "schema.json"), "utf8"));
    // Sections with required members get them, so only the default under test varies.
    const required: Record<string, object> = { dc: { local: "dc1" }, membership: { cluster: "cart", admin_cluster: "envoy_admin" } };
    for (const [name, spec] of Object.entries<Record<string, unknown>>(schema.properties)) {
      if ("default" in spec) assert.equal(await refusal({ ...base, [name]: spec.default }), "", name);
      const nested = spec.properties as Record<string, Record<string, unknown>> | undefined;
      for (const [inner, innerSpec] of Object.entries(nested ?? {})) {
        if (!("default" in innerSpec)) continue;
        const config = { ...base, [name]: { ...required[name], [inner]: innerSpec.default } };
        assert.equal(await refusal(config), "", `${name}.${inner}`);
      }
    }
    // And nothing else: a field the schema does not list is refused at every level.
    for (const where of ["", "ring_hash", "id", "dc", "membership"]) {
      const config: Record<string, unknown> = where === "" ? { ...base, extra: 1 } : { ...base, [where]: { ...required[where], extra: 1 } };
      assert.match(await refusal(config), /extra: unknown field/, where);
      const listed = Object.keys(where === "" ? schema.properties : schema.properties[where].properties);
      const message = await refusal(config);
      assert.deepEqual(message.slice(message.indexOf("(allowed: ") + 10, -1).split(", ").sort(), listed.sort(), where);
    }
  });
});
