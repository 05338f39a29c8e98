import { JsonLimits, parseJsonString, JsonValue } from "../../../assembly/json";
import { ConfigErrors, Fields, IntegerStyle, Wording, parseConfigObject, memberPath, itemPath } from "../../../assembly/config/fields";
import { isHeaderName } from "../../../assembly/config/header-name";
import { editDistance, nearestName } from "../../../assembly/config/suggest";

function obj(text: string): JsonValue {
  return parseJsonString(text).value!;
}

function root(text: string, errors: ConfigErrors): Fields {
  return new Fields(obj(text), "", errors);
}

function bytes(text: string): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode(text));
}

describe("config fields", () => {
  it("builds member and item paths", () => {
    expect<string>(memberPath("", "a")).toBe("a");
    expect<string>(memberPath("a", "b")).toBe("a.b");
    expect<string>(itemPath("a.b", 3)).toBe("a.b[3]");
  });

  it("keeps the first error only", () => {
    const e = new ConfigErrors();
    expect<bool>(e.failed).toBe(false);
    e.fail("a", "first");
    e.fail("b", "second");
    expect<string>(e.message).toBe("a: first");
  });

  it("reads the top level", () => {
    let e = new ConfigErrors();
    expect<bool>(parseConfigObject(new Uint8Array(0), new JsonLimits(), e) === null).toBe(true);
    expect<string>(e.message).toBe("configuration: required (a JSON object)");
    e = new ConfigErrors();
    parseConfigObject(bytes("[]"), new JsonLimits(), e);
    expect<string>(e.message).toBe("configuration: must be a JSON object");
    e = new ConfigErrors(new Wording(IntegerStyle.IntegerFrom));
    parseConfigObject(bytes("1"), new JsonLimits(), e);
    expect<string>(e.message).toBe("configuration: must be a JSON object");
    e = new ConfigErrors();
    expect<bool>(parseConfigObject(bytes("{\"a\":1}"), new JsonLimits(), e) !== null).toBe(true);
    expect<bool>(e.failed).toBe(false);
  });

  it("refuses unknown fields, naming the allowed ones", () => {
    let e = new ConfigErrors();
    expect<bool>(Fields.of(obj("{\"a\":{\"x\":1,\"yy\":2}}"), "", e, ["a"])!.object("a", ["x"]) === null).toBe(true);
    expect<string>(e.message).toBe("a.yy: unknown field (allowed: x)");
    e = new ConfigErrors(new Wording(IntegerStyle.IntegerLiteral));
    Fields.of(obj("{\"b\":1}"), "p", e, ["a", "c"]);
    expect<string>(e.message).toBe("p.b: unknown field (allowed: a, c)");
    e = new ConfigErrors();
    Fields.of(obj("[]"), "", e, null);
    expect<string>(e.message).toBe("configuration: must be an object");
  });

  it("suggests the allowed name a misspelt field was probably meant to be", () => {
    let e = new ConfigErrors();
    Fields.of(obj("{\"geo\":{\"xff_num_trusted_hop\":1}}"), "", e, ["geo"])!.object("geo", ["country_header", "xff_num_trusted_hops", "cidrs"]);
    expect<string>(e.message).toBe("geo.xff_num_trusted_hop: unknown field (did you mean xff_num_trusted_hops?)");
    e = new ConfigErrors();
    Fields.of(obj("{\"wieght\":1}"), "pods[0]", e, ["address", "weight", "hostname"]);
    expect<string>(e.message).toBe("pods[0].wieght: unknown field (did you mean weight?)");
    e = new ConfigErrors();
    Fields.of(obj("{\"Rules\":[]}"), "", e, ["rules", "aliases"]);
    expect<string>(e.message).toBe("Rules: unknown field (did you mean rules?)");
    // Too far from every allowed name (or too short to guess from): the allowed names instead.
    e = new ConfigErrors();
    Fields.of(obj("{\"colour\":1}"), "", e, ["rules", "aliases"]);
    expect<string>(e.message).toBe("colour: unknown field (allowed: rules, aliases)");
  });

  it("measures edit distance with swaps of neighbouring letters as one edit", () => {
    expect<i32>(editDistance("", "")).toBe(0);
    expect<i32>(editDistance("abc", "")).toBe(3);
    expect<i32>(editDistance("kitten", "sitting")).toBe(3);
    expect<i32>(editDistance("wieght", "weight")).toBe(1);
    expect<i32>(editDistance("ca", "abc")).toBe(3);
    expect<bool>(nearestName("b", ["a", "c"]) === null).toBe(true);
  });

  it("reads strings with fallbacks, required and length bounds", () => {
    let e = new ConfigErrors();
    const f = root("{\"s\":\"abc\",\"n\":1}", e);
    expect<string>(f.string("s")).toBe("abc");
    expect<string>(f.string("absent", "dflt")).toBe("dflt");
    expect<bool>(e.failed).toBe(false);
    f.string("s", "", false, 2);
    expect<string>(e.message).toBe("s: longer than 2 characters");
    e = new ConfigErrors();
    root("{\"n\":1}", e).string("n");
    expect<string>(e.message).toBe("n: must be a string");
    e = new ConfigErrors();
    root("{}", e).string("r", "", true);
    expect<string>(e.message).toBe("r: required");
  });

  it("reads integers in each wording", () => {
    let e = new ConfigErrors();
    expect<i64>(root("{\"n\":7}", e).integer("n", 1, 0, 10)).toBe(7);
    root("{\"n\":1.5}", e).integer("n", 1, 0, 10);
    expect<string>(e.message).toBe("n: must be a whole number");
    e = new ConfigErrors();
    root("{\"n\":11}", e).integer("n", 1, 0, 10);
    expect<string>(e.message).toBe("n: must be between 0 and 10");
    e = new ConfigErrors(new Wording(IntegerStyle.IntegerLiteral));
    root("{\"n\":1.0}", e).integer("n", 1, 0, 10);
    expect<string>(e.message).toBe("n: must be an integer");
    e = new ConfigErrors(new Wording(IntegerStyle.WholeNumber));
    expect<i64>(root("{\"n\":1.0}", e).integer("n", 5, 0, 10)).toBe(1);
    e = new ConfigErrors(new Wording(IntegerStyle.IntegerFrom));
    root("{\"n\":\"1\"}", e).integer("n", 1, 0, 10);
    expect<string>(e.message).toBe("n: must be an integer from 0 to 10");
  });

  it("reads bools, numbers, choices, arrays and string lists", () => {
    let e = new ConfigErrors();
    const f = root("{\"b\":true,\"x\":2.5,\"c\":\"two\",\"a\":[1,2,3],\"s\":[\"p\",\"q\"],\"o\":{\"k\":1}}", e);
    expect<bool>(f.bool("b", false)).toBe(true);
    expect<f64>(f.number("x")).toBe(2.5);
    expect<bool>(isNaN(f.number("absent"))).toBe(true);
    expect<i32>(f.choice("c", ["one", "two"], 0)).toBe(1);
    expect<i32>(f.array("a", 3).length).toBe(3);
    expect<i32>(f.stringList("s", 4).length).toBe(2);
    expect<i32>(f.objectOrList("o", 4).length).toBe(1);
    expect<bool>(e.failed).toBe(false);
    f.array("a", 2);
    expect<string>(e.message).toBe("a: at most 2 entries");
    e = new ConfigErrors();
    root("{\"c\":\"three\"}", e).choice("c", ["one", "two"], 0);
    expect<string>(e.message).toBe("c: must be one of \"one\", \"two\"");
    e = new ConfigErrors();
    root("{\"s\":[\"p\",\"\"]}", e).stringList("s", 4);
    expect<string>(e.message).toBe("s[1]: must be a non-empty string");
    e = new ConfigErrors();
    root("{\"s\":\"p\"}", e).stringList("s", 4);
    expect<string>(e.message).toBe("s: must be an array of strings");
    e = new ConfigErrors();
    root("{\"b\":1}", e).bool("b", false);
    expect<string>(e.message).toBe("b: must be true or false");
  });

  it("checks header names", () => {
    expect<bool>(isHeaderName("X-Tenant_1")).toBe(true);
    expect<bool>(isHeaderName("")).toBe(false);
    expect<bool>(isHeaderName("a b")).toBe(false);
    expect<bool>(isHeaderName(":authority")).toBe(false);
    expect<bool>(isHeaderName(":authority", true)).toBe(true);
    expect<bool>(isHeaderName(":", true)).toBe(false);
    expect<bool>(isHeaderName("a".repeat(257))).toBe(false);
  });
});
