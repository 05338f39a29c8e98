// claim_to_headers text (Envoy's jwt_authn addJWTClaimToHeader): number formatting exactly as C++
// prints it (std::to_string = printf "%f"; protobuf SimpleDtoa = "%.15g" or "%.17g"), lookups by
// dotted path, and object/array claims as base64 of protobuf's compact JSON. Expected texts were
// produced with a correctly rounding printf (round half to even on the exact binary value).
import { claimToHeaderValue, claimNumberText } from "../../../assembly/jose/claims";
import { printfFixed6, printfG, protobufDouble } from "../../../assembly/jose/double-text";
import { protobufQuote, protobufJsonText } from "../../../assembly/jose/protobuf-json";
import { base64StdEncode } from "../../../assembly/jose/base64-std";
import { parseJsonString } from "../../../assembly/json";

function claim(json: string, path: string): string | null {
  return claimToHeaderValue(parseJsonString(json).value!, path);
}

function ascii(s: string): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode(s));
}

describe("printf %f", () => {
  it("rounds the exact binary value half to even", () => {
    expect(printfFixed6(0.0078125)).toBe("0.007812");
    expect(printfFixed6(0.0234375)).toBe("0.023438");
    expect(printfFixed6(0.0000005)).toBe("0.000000");
    expect(printfFixed6(9.9999995)).toBe("9.999999");
    expect(printfFixed6(123456.7890125)).toBe("123456.789012");
    expect(printfFixed6(123456789012345.67)).toBe("123456789012345.671875");
    expect(printfFixed6(1.0 / 3.0)).toBe("0.333333");
    expect(printfFixed6(-1.0 / 3.0)).toBe("-0.333333");
    expect(printfFixed6(0.1)).toBe("0.100000");
    expect(printfFixed6(2.5)).toBe("2.500000");
  });

  it("prints large values in full and keeps the sign of values rounding to zero", () => {
    expect(printfFixed6(1e20)).toBe("100000000000000000000.000000");
    expect(printfFixed6(1e22)).toBe("10000000000000000000000.000000");
    expect(printfFixed6(-0.0)).toBe("-0.000000");
    expect(printfFixed6(-1e-9)).toBe("-0.000000");
    expect(printfFixed6(5e-324)).toBe("0.000000");
    expect(printfFixed6(1.7976931348623157e308).startsWith("1797693134862315708145274237317043567980")).toBe(true);
    expect(printfFixed6(1.7976931348623157e308).endsWith("124858368.000000")).toBe(true);
    expect(printfFixed6(Infinity)).toBe("inf");
    expect(printfFixed6(-Infinity)).toBe("-inf");
  });
});

describe("printf %g and protobuf SimpleDtoa", () => {
  it("%.15g / %.17g", () => {
    expect(printfG(1.0 / 3.0, 15)).toBe("0.333333333333333");
    expect(printfG(1.0 / 3.0, 17)).toBe("0.33333333333333331");
    expect(printfG(1e15, 15)).toBe("1e+15");
    expect(printfG(1e15, 17)).toBe("1000000000000000");
    expect(printfG(1.5e-7, 17)).toBe("1.4999999999999999e-07");
    expect(printfG(1e-5, 15)).toBe("1e-05");
    expect(printfG(123456789012345.67, 15)).toBe("123456789012346");
    expect(printfG(18446744073709551616.0, 15)).toBe("1.84467440737096e+19");
    expect(printfG(-0.0, 15)).toBe("-0");
    expect(printfG(100, 15)).toBe("100");
  });

  it("SimpleDtoa takes 15 digits when they read back, else 17", () => {
    expect(protobufDouble(0.1)).toBe("0.1");
    expect(protobufDouble(1.0 / 3.0)).toBe("0.33333333333333331");
    expect(protobufDouble(0.30000000000000004)).toBe("0.30000000000000004");
    expect(protobufDouble(9007199254740994.0)).toBe("9007199254740994");
    expect(protobufDouble(1e21)).toBe("1e+21");
    expect(protobufDouble(5e-324)).toBe("4.94065645841247e-324");
    expect(protobufDouble(1.7976931348623157e308)).toBe("1.7976931348623157e+308");
    expect(protobufDouble(18446744073709551616.0)).toBe("1.8446744073709552e+19");
  });
});

describe("claim numbers (convertClaimDoubleToString)", () => {
  it("non-negative integral values below 2^64 print as unsigned integers", () => {
    expect(claimNumberText(0)).toBe("0");
    expect(claimNumberText(-0.0)).toBe("0");
    expect(claimNumberText(9999)).toBe("9999");
    expect(claimNumberText(9223372036854775808.0)).toBe("9223372036854775808");
    expect(claimNumberText(18446744073709549568.0)).toBe("18446744073709549568");
  });

  it("negative, fractional and >= 2^64 values print with %f", () => {
    expect(claimNumberText(-5)).toBe("-5.000000");
    expect(claimNumberText(1.5)).toBe("1.500000");
    expect(claimNumberText(18446744073709551616.0)).toBe("18446744073709551616.000000");
  });

  it("reads number literals the way a double parser does", () => {
    expect(claim("{\"n\": 12345678901234567890}", "n")!).toBe("12345678901234567168");
    expect(claim("{\"n\": 1e2}", "n")!).toBe("100");
    expect(claim("{\"n\": 1.0}", "n")!).toBe("1");
    expect(claim("{\"n\": 18446744073709551615}", "n")!).toBe("18446744073709551616.000000");
  });
});

const doc = "{\"sub\": \"u1\", \"org\": {\"tenant_id\": \"acme\", \"deep\": {\"n\": 7, \"b\": false}, \"list\": [1]}, " +
  "\"a.b\": \"dotted key\", \"empty\": \"\", \"nothing\": null, \"flag\": true, \"roles\": [\"str1\", \"str2\"]}";

describe("claim lookup and kinds", () => {

  it("names and dotted paths", () => {
    expect(claim(doc, "sub")!).toBe("u1");
    expect(claim(doc, "org.tenant_id")!).toBe("acme");
    expect(claim(doc, "org.deep.n")!).toBe("7");
    expect(claim(doc, "org.deep.b")!).toBe("false");
    expect(claim(doc, "flag")!).toBe("true");
  });

  it("no header: missing, null, empty string, a path through a non-object, keys containing dots", () => {
    expect(claim(doc, "missing")).toBeNull();
    expect(claim(doc, "nothing")).toBeNull();
    expect(claim(doc, "empty")).toBeNull();
    expect(claim(doc, "sub.x")).toBeNull();
    expect(claim(doc, "org.list.0")).toBeNull();
    expect(claim(doc, "a.b")).toBeNull();
    expect(claim(doc, "")).toBeNull();
    expect(claim(doc, "org.")).toBeNull();
  });

  it("arrays and objects: base64 of compact JSON (Envoy's own test: [\"str1\",\"str2\"])", () => {
    expect(claim(doc, "roles")!).toBe(base64StdEncode(ascii("[\"str1\",\"str2\"]")));
    expect(claim(doc, "org.deep")!).toBe(base64StdEncode(ascii("{\"n\":7,\"b\":false}")));
    expect(claim(doc, "org.list")!).toBe("WzFd");
  });
});

describe("protobuf JSON text", () => {
  it("escapes like protobuf's JSON writer", () => {
    expect(protobufQuote("a/b")).toBe("\"a/b\"");
    expect(protobufQuote("<tag>&'")).toBe("\"\\u003ctag\\u003e&'\"");
    expect(protobufQuote("q\"\\\n\r\t\b\f")).toBe("\"q\\\"\\\\\\n\\r\\t\\b\\f\"");
    expect(protobufQuote("\u0001\u007f\u0085\u00ad")).toBe("\"\\u0001\\u007f\\u0085\\u00ad\"");
    expect(protobufQuote("\u2028\u2029\u200b\ufeff")).toBe("\"\\u2028\\u2029\\u200b\\ufeff\"");
    expect(protobufQuote("é中😀")).toBe("\"é中😀\"");
    expect(protobufQuote("\ud834\udd73")).toBe("\"\\ud834\\udd73\"");
  });

  it("numbers inside objects and arrays use SimpleDtoa", () => {
    const v = parseJsonString("[1, 1.5, 0.1, 1e21, 1e-7, 123456789012345678, -0, null, true, {}]").value!;
    expect(protobufJsonText(v)!).toBe("[1,1.5,0.1,1e+21,1e-07,1.2345678901234568e+17,-0,null,true,{}]");
  });
});

describe("standard base64", () => {
  it("RFC 4648 section 10 vectors", () => {
    expect(base64StdEncode(ascii(""))).toBe("");
    expect(base64StdEncode(ascii("f"))).toBe("Zg==");
    expect(base64StdEncode(ascii("fo"))).toBe("Zm8=");
    expect(base64StdEncode(ascii("foo"))).toBe("Zm9v");
    expect(base64StdEncode(ascii("foob"))).toBe("Zm9vYg==");
    expect(base64StdEncode(ascii("fooba"))).toBe("Zm9vYmE=");
    expect(base64StdEncode(ascii("foobar"))).toBe("Zm9vYmFy");
    const high = new Uint8Array(3);
    high[0] = 0xfb; high[1] = 0xff; high[2] = 0xbf;
    expect(base64StdEncode(high)).toBe("+/+/");
  });
});
