// Body rules in the harness: the JSON body streams through the scanner in chunks split at every byte boundary,
// the decision comes as soon as the field has been seen, and bad bodies (malformed, cut short, too deep, too
// large, wrong content type) give no group from that rule while the request goes on unharmed.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { HeadersAction, BodyAction } from "../../../harness/index.ts";
import type { ProxyWasmHost } from "../../../harness/index.ts";
import { startPlugin, send, Request, outcome, counters } from "./support.ts";

const CONFIG = {
  rules: [
    { group: "progressive-discount", body: { pointer: "/customer/segment", equals: "loyal" } },
    { group: "big-order", body: { pointer: "/order/total", min: 100 } },
    { group: "tagged", body: [{ pointer: "/customer/tags/1", in: ["b", "c", 3] }, { pointer: "/customer/tier", exists: true }] },
    { group: "anonymous", body: { pointer: "/customer", exists: false } },
    { group: "fallback", header: { name: "x-fallback", present: true } },
  ],
  aliases: { "progressive-discount": "v3", "big-order": "v2" },
};
const JSON_POST = { ":method": "POST", ":path": "/orders", "content-type": "application/json" };

/** Every way to cut `doc` in two, and one byte at a time. */
function splits(doc: string): string[][] {
  if (doc.length === 0) return [[""], ["", ""]];
  const out: string[][] = [];
  for (let k = 0; k <= doc.length; k++) out.push([doc.slice(0, k), doc.slice(k)]);
  out.push([...doc]);
  return out;
}

function run(host: ProxyWasmHost, chunks: string[], headers: Record<string, string> = JSON_POST): Request {
  const r = new Request(host);
  assert.equal(r.headers(headers, false), HeadersAction.StopIteration, "headers held for the body");
  chunks.forEach((c, i) => r.body(c, i === chunks.length - 1));
  return r;
}

describe("body conditions, split at every byte boundary", () => {
  const cases: Array<[string, string, string | undefined]> = [
    ["equals", '{"order":{"id":7,"total":129.5},"customer":{"tier":"gold","segment":"loyal","tags":["a","b"]}}', "progressive-discount"],
    ["an earlier rule fails on its value, a range holds", '{"customer":{"segment":"new","tier":"x"},"order":{"total":1.5e2}}', "big-order"],
    ["in, with every condition of the rule", '{"customer":{"tier":"gold","tags":["a","c"]},"order":{"total":99}}', "tagged"],
    ["in, a number", '{"customer":{"tags":["a",3.0],"tier":null}}', "tagged"],
    ["exists: false", '{"cart":{"items":[1,2]}}', "anonymous"],
    ["escapes and unicode in keys and values", '{"cust\\u006fmer":{"segment":"lo\\u0079al"}}', "progressive-discount"],
    ["nothing matches", '{"customer":{"segment":"new"},"order":{"total":"150"}}', undefined],
    ["a top-level array", "[1,2,3]", "anonymous"],
  ];
  for (const [name, doc, group] of cases) {
    it(`${name} -> ${group ?? "no group"}`, async () => {
      const host = await startPlugin(CONFIG);
      for (const chunks of splits(doc)) {
        const r = run(host, chunks);
        assert.equal(outcome(r).group, group, JSON.stringify(chunks));
        assert.equal(r.held, false, "headers went on");
        assert.equal(Buffer.from(r.stream.upstream.body).toString(), doc, "the body went on unchanged");
        r.close();
      }
      assert.equal(host.metric("waymark.feature_group.body_held"), doc.length + 2);
    });
  }

  it("decides on the chunk where the field's value ends, without waiting for the rest", async () => {
    const host = await startPlugin(CONFIG);
    const doc = '{"customer":{"segment":"loyal","tags":[' + '"x",'.repeat(200) + '"y"]},"order":{"total":5}}';
    const end = doc.indexOf('"loyal"') + '"loyal"'.length; // the byte after the closing quote
    const r = run(host, [...doc]);
    const bodyActions = r.stream.actions.filter((a) => a.callback === "proxy_on_request_body").map((a) => a.action);
    assert.equal(bodyActions.indexOf(BodyAction.Continue), end - 1, "Continue on the chunk holding the closing quote");
    assert.ok(bodyActions.slice(0, end - 1).every((a) => a === BodyAction.StopIterationAndBuffer));
    assert.equal(outcome(r).group, "progressive-discount");
  });

  it("bytes after the decision are not examined", async () => {
    const host = await startPlugin(CONFIG);
    for (const chunks of splits('{"customer":{"segment":"loyal"}} this is not JSON')) {
      assert.equal(outcome(run(host, chunks)).group, "progressive-discount");
    }
    assert.equal(counters(host)["rule_skipped.body_malformed"], undefined);
  });
});

describe("bad bodies: no group from the body rules, the request goes on, a counter says why", () => {
  const bad: Array<[string, string, string, object?]> = [
    ["malformed before the field", '{"customer":{"segment" "loyal"}}', "body_malformed"],
    ["invalid UTF-8", '{"customer":{"segment":"lo\xffal"}}', "body_malformed"],
    ["a lone surrogate escape", '{"customer":{"segment":"\\ud800"}}', "body_malformed"],
    ["cut short", '{"customer":{"segm', "body_truncated"],
    ["empty", "", "body_truncated"],
    ["absurdly nested", '{"x":'.repeat(40) + "1" + "}".repeat(40), "body_too_deep"],
    ["nested past max_body_depth", '{"a":{"b":{"c":{"d":1}}},"customer":{"segment":"loyal"}}', "body_too_deep", { max_body_depth: 3 }],
    ["past max_body_bytes before the field", '{"pad":"' + "x".repeat(300) + '","customer":{"segment":"loyal"}}', "body_too_large", { max_body_bytes: 256 }],
  ];
  for (const [name, doc, reason, extra] of bad) {
    it(name, async () => {
      const host = await startPlugin({ ...CONFIG, ...(extra ?? {}) });
      const bytes = Buffer.from(doc, "latin1");
      const all = splits(doc).map((chunks) => chunks.map((c) => Buffer.from(c, "latin1")));
      const used = doc.length > 400 ? all.filter((_, i) => i % 17 === 0 || i === all.length - 1) : all;
      for (const chunks of used) {
        const r = new Request(host);
        r.headers({ ...JSON_POST, "x-fallback": "1" });
        chunks.forEach((c, i) => r.body(c, i === chunks.length - 1));
        assert.equal(outcome(r).group, "fallback", "the next rule that holds on headers still wins");
        assert.deepEqual(Buffer.from(r.stream.upstream.body), bytes, "body forwarded unchanged");
        assert.equal(r.stream.localReply, null);
        r.close();
      }
      const c = counters(host);
      assert.ok(c[`rule_skipped.${reason}`] > 0, JSON.stringify(c));
      assert.equal(c["group.fallback"], used.length);
    });
  }

  it("a body larger than max_body_bytes: no group from the body, counted, forwarded whole", async () => {
    const host = await startPlugin(CONFIG);
    const big = '{"pad":"' + "x".repeat(70_000) + '","customer":{"segment":"loyal"}}';
    const chunks: string[] = [];
    for (let i = 0; i < big.length; i += 8192) chunks.push(big.slice(i, i + 8192));
    const r = run(host, chunks);
    assert.equal(outcome(r).group, undefined);
    assert.equal(r.stream.upstream.body.length, big.length);
    assert.equal(counters(host)["rule_skipped.body_too_large"], 1);
  });

  it("wrong content type: not held, the body is not read", async () => {
    const host = await startPlugin(CONFIG);
    for (const type of ["text/plain", "application/jsonx", "application/x-www-form-urlencoded", "application/+json"]) {
      const r = new Request(host);
      assert.equal(r.headers({ ...JSON_POST, "content-type": type, "x-fallback": "1" }), HeadersAction.Continue, type);
      assert.equal(r.body('{"customer":{"segment":"loyal"}}', true), BodyAction.Continue);
      assert.equal(outcome(r).group, "fallback");
    }
    const r = new Request(host);
    assert.equal(r.headers({ ":method": "POST", ":path": "/orders" }), HeadersAction.Continue, "no content type");
    assert.equal(counters(host)["rule_skipped.body_not_json"], 5);
  });

  it("JSON content types with parameters, +json suffixes, any case", async () => {
    const host = await startPlugin(CONFIG);
    for (const type of ["application/json; charset=utf-8", "Application/JSON", "application/vnd.api+json", "application/merge-patch+json ;q=1"]) {
      const r = run(host, ['{"customer":{"segment":"loyal"}}'], { ...JSON_POST, "content-type": type });
      assert.equal(outcome(r).group, "progressive-discount", type);
    }
  });

  it("no body (end of stream with the headers): decided on headers, counted", async () => {
    const host = await startPlugin(CONFIG);
    const r = new Request(host);
    assert.equal(r.headers({ ":path": "/orders", "content-type": "application/json", "x-fallback": "1" }, true), HeadersAction.Continue);
    assert.equal(outcome(r).group, "fallback");
    assert.equal(counters(host)["rule_skipped.body_missing"], 1);
  });
});

describe("holding only when needed", () => {
  it("a header rule before the body rules decides on the headers, without holding", async () => {
    const host = await startPlugin({ rules: [{ group: "acme", header: { name: "x-tenant", equals: "acme" } }, ...CONFIG.rules] });
    const r = new Request(host);
    assert.equal(r.headers({ ...JSON_POST, "x-tenant": "acme" }), HeadersAction.Continue);
    assert.equal(outcome(r).group, "acme");
    assert.equal(r.body('{"customer":{"segment":"loyal"}}', true), BodyAction.Continue);
    assert.equal(host.metric("waymark.feature_group.body_held"), 0);
  });

  it("a body rule whose header conditions fail does not hold", async () => {
    const host = await startPlugin({ rules: [{ group: "b", header: { name: "x-tenant", equals: "acme" }, body: { pointer: "/a", exists: true } }] });
    const r = new Request(host);
    assert.equal(r.headers({ ...JSON_POST, "x-tenant": "other" }), HeadersAction.Continue);
    const held = new Request(host);
    assert.equal(held.headers({ ...JSON_POST, "x-tenant": "acme" }), HeadersAction.StopIteration);
    held.body('{"a":[]}', true);
    assert.equal(outcome(held).group, "b");
  });

  it("no body rules: never held, whatever the content type", async () => {
    const host = await startPlugin({ rules: [{ group: "g", header: { name: "x-a", present: true } }] });
    const r = new Request(host);
    assert.equal(r.headers(JSON_POST), HeadersAction.Continue);
  });

  it("trailers end the body", async () => {
    const host = await startPlugin(CONFIG);
    const r = new Request(host);
    r.headers({ ...JSON_POST, "x-fallback": "1" });
    assert.equal(r.body('{"customer":{"tier":"gold",', false), BodyAction.StopIterationAndBuffer);
    assert.equal(outcome(r).group, undefined, "still held");
    r.trailers({ "grpc-status": "0" });
    assert.equal(outcome(r).group, "fallback");
    const r2 = new Request(host);
    r2.headers(JSON_POST);
    r2.body('{"customer":{"segm', false);
    r2.trailers({ "x-t": "1" });
    assert.equal(outcome(r2).group, undefined);
    assert.equal(counters(host)["rule_skipped.body_truncated"], 2);
  });
});

describe("Envoy without allow_on_headers_stop_iteration", () => {
  it("the body never arrives while the headers are held: after body_wait_ms the request goes on without the body rules", async () => {
    const host = await startPlugin({ ...CONFIG, body_wait_ms: 200 }, { allowOnHeadersStopIteration: false });
    const stream = host.openStream();
    assert.equal(stream.sendRequestHeaders({ ...JSON_POST, "x-fallback": "1" }), HeadersAction.StopIteration);
    stream.sendRequestBody('{"customer":{"segment":"loyal"}}', true);
    const forwarded = () => stream.upstream.headers;
    assert.equal(forwarded(), null, "still held");
    host.advance(100);
    assert.equal(forwarded(), null, "still within body_wait_ms");
    host.advance(150);
    await host.idle();
    assert.equal(forwarded()?.value("x-feature-group"), "fallback");
    assert.equal(Buffer.from(stream.upstream.body).toString(), '{"customer":{"segment":"loyal"}}');
    assert.equal(counters(host)["rule_skipped.body_not_delivered"], 1);
    assert.equal(host.logsAt("warn").filter((m) => m.includes("allow_on_headers_stop_iteration")).length, 1);
  });
});

describe("resources", () => {
  it("requests abandoned while held release their scanner; memory stays flat", async () => {
    const host = await startPlugin(CONFIG);
    const cycle = (n: number) => {
      for (let i = 0; i < n; i++) {
        const r = new Request(host);
        r.headers(JSON_POST);
        r.body('{"customer":{"seg', false);
        r.close(); // the client went away
        const done = run(host, ['{"customer":', '{"segment":"loyal"}}']);
        done.close();
      }
    };
    cycle(2000);
    const before = host.memoryBytes();
    cycle(5000);
    assert.equal(host.memoryBytes(), before);
  });
});
