import { headerValuesHash, headerValuesHashBytes, cookieValue, queryParameterValue, RequestHash } from "../../../assembly/hash/request-hash";
import { xxh64String } from "../../../assembly/hash/xxh64";

function chain(values: Array<string>): u64 {
  let h: u64 = 0;
  for (let i = 0; i < values.length; i++) h = xxh64String(values[i], h);
  return h;
}

function cookie(headers: Array<string>, name: string): string {
  const v = cookieValue(headers, name);
  return v === null ? "<none>" : changetype<string>(v);
}

function query(path: string, name: string): string {
  const v = queryParameterValue(path, name);
  return v === null ? "<none>" : changetype<string>(v);
}

describe("header policy", () => {
  it("single value: XXH64(v, 0) (HeaderHashForSingleHeaderValue)", () => {
    expect<u64>(headerValuesHash(["test-value"])).toBe(xxh64String("test-value"));
    expect<u64>(headerValuesHash(["foo"])).toBe(3728699739546630719);
  });

  it("several values: sorted, then seed-chained (MultipleHeaderValues)", () => {
    expect<u64>(headerValuesHash(["value1", "value2"])).toBe(chain(["value1", "value2"]));
    expect<u64>(headerValuesHash(["value2", "value1"])).toBe(chain(["value1", "value2"]));
    // Envoy's xxHash64(Span) check value is the unsorted chain foo, bar; the policy sorts first.
    expect<u64>(chain(["foo", "bar"])).toBe(17745830980996999794);
    expect<u64>(headerValuesHash(["foo", "bar"])).toBe(chain(["bar", "foo"]));
  });

  it("sorts by UTF-8 bytes, not UTF-16 code units", () => {
    // U+1F600 is F0.. in UTF-8 (after U+E000's EE..) but D83D.. in UTF-16 (before E000).
    expect<u64>(headerValuesHash(["😀", "\uE000"])).toBe(chain(["\uE000", "😀"]));
    expect<u64>(headerValuesHash(["b", "ab", "a"])).toBe(chain(["a", "ab", "b"]));
  });

  it("bytes form agrees and does not reorder the caller's array", () => {
    const values = [Uint8Array.wrap(String.UTF8.encode("zz")), Uint8Array.wrap(String.UTF8.encode("aa"))];
    expect<u64>(headerValuesHashBytes(values)).toBe(chain(["aa", "zz"]));
    expect<i32>(values[0][0]).toBe(0x7a);
  });

  it("empty values are hashed like any other", () => {
    expect<u64>(headerValuesHash([""])).toBe(17241709254077376921);
  });
});

describe("cookie policy (Utility::parseCookieValue)", () => {
  it("finds the named cookie (CookieHashForPresentCookie)", () => {
    expect<string>(cookie(["test-cookie=cookie-value"], "test-cookie")).toBe("cookie-value");
    const h = new RequestHash();
    expect<bool>(h.addCookie(["test-cookie=cookie-value"], "test-cookie")).toBe(true);
    expect<u64>(h.value).toBe(xxh64String("cookie-value"));
  });

  it("strips one pair of surrounding quotes", () => {
    expect<string>(cookie(['a="x y"'], "a")).toBe("x y");
    expect<string>(cookie(['a=""'], "a")).toBe("");
    expect<string>(cookie(['a="'], "a")).toBe('"');
    expect<string>(cookie(['a="x'], "a")).toBe('"x');
  });

  it("skips leading spaces of the name only; the value is kept as is", () => {
    expect<string>(cookie(["x=1;   a=2"], "a")).toBe("2");
    expect<string>(cookie(["x=1; a= 2 "], "a")).toBe(" 2 ");
    expect<string>(cookie(["a =1"], "a")).toBe("<none>");
    expect<string>(cookie(["a =1"], "a ")).toBe("1");
  });

  it("the first match wins, across header entries, even when empty", () => {
    expect<string>(cookie(["b=0", "a=1; a=2"], "a")).toBe("1");
    expect<string>(cookie(["a=; a=2"], "a")).toBe("");
    const h = new RequestHash();
    expect<bool>(h.addCookie(["a=; a=2"], "a")).toBe(false);
    expect<bool>(h.present).toBe(false);
  });

  it("ignores malformed pieces and keeps '=' inside values", () => {
    expect<string>(cookie([";;junk; a=b=c;"], "a")).toBe("b=c");
    expect<string>(cookie(["A=1"], "a")).toBe("<none>");
    expect<string>(cookie([], "a")).toBe("<none>");
    expect<string>(cookie([""], "a")).toBe("<none>");
  });
});

describe("query parameter policy", () => {
  it("first value of the parameter (QueryParameterHashForExistingParameter)", () => {
    expect<string>(query("/test?test-param=param-value", "test-param")).toBe("param-value");
    expect<string>(query("/t?x=1&k=a&k=b", "k")).toBe("a");
    expect<string>(query("/t?k=a=b", "k")).toBe("a=b");
  });

  it("absent parameter or no query gives no hash", () => {
    expect<string>(query("/test?some-param=other-value", "missing-param")).toBe("<none>");
    expect<string>(query("/test", "k")).toBe("<none>");
    const h = new RequestHash();
    expect<bool>(h.addQueryParameter("/test", "k")).toBe(false);
  });

  it("a parameter without '=' has the empty value, which is hashed", () => {
    expect<string>(query("/t?k&x=1", "k")).toBe("");
    const h = new RequestHash();
    expect<bool>(h.addQueryParameter("/t?k", "k")).toBe(true);
    expect<u64>(h.value).toBe(17241709254077376921);
  });

  it("nothing is decoded and only the first '?' starts the query", () => {
    expect<string>(query("/t?k=a%20b", "k")).toBe("a%20b");
    expect<string>(query("/t?a=1?k=2", "k")).toBe("<none>");
    expect<string>(query("/t?a=1?k=2", "a")).toBe("1?k=2");
  });
});

describe("combining policies (HashPolicyImpl::generateHash)", () => {
  it("first hash is taken as is, later ones fold in with rotl64(h, 1) ^ n", () => {
    const h = new RequestHash();
    h.add(0x8000000000000001);
    expect<u64>(h.value).toBe(0x8000000000000001);
    h.add(0x10);
    expect<u64>(h.value).toBe(0x0000000000000003 ^ 0x10);
  });

  it("duplicate policies do not cancel out", () => {
    const h = new RequestHash();
    h.addHeader(["a"]);
    h.addHeader(["a"]);
    expect<bool>(h.value != 0).toBe(true);
    expect<u64>(h.value).toBe(rotl<u64>(xxh64String("a"), 1) ^ xxh64String("a"));
  });

  it("terminal stops once any hash exists", () => {
    const h = new RequestHash();
    expect<bool>(h.addHeader([])).toBe(false);
    expect<bool>(h.stopsAfter(true)).toBe(false);
    h.addSourceIp("192.168.1.1");
    expect<u64>(h.value).toBe(xxh64String("192.168.1.1"));
    expect<bool>(h.stopsAfter(false)).toBe(false);
    expect<bool>(h.stopsAfter(true)).toBe(true);
  });

  it("filter state and empty source ip", () => {
    const h = new RequestHash();
    expect<bool>(h.addSourceIp("")).toBe(false);
    h.addFilterState(1234567);
    expect<u64>(h.value).toBe(1234567);
  });
});
