import { IpAddress } from "../../../assembly/net/ip";
import { parseHostAddressText, forwardedForEntry } from "../../../assembly/net/address";

const a = new IpAddress();

function entry(values: Array<string>, n: i32): string {
  const e = forwardedForEntry(values, n);
  return e === null ? "<null>" : changetype<string>(e);
}

describe("host addresses", () => {
  it("takes Envoy's source.address forms", () => {
    expect<bool>(parseHostAddressText("203.0.113.7:51234", a)).toBe(true);
    expect<bool>(a.v6).toBe(false);
    expect<u32>(a.v4).toBe(0xcb007107);
    expect<bool>(parseHostAddressText("[2001:db8::1]:443", a)).toBe(true);
    expect<bool>(a.v6).toBe(true);
    expect<u64>(a.hi).toBe(0x20010db800000000);
    expect<u64>(a.lo).toBe(1);
  });
  it("takes x-forwarded-for forms with spaces around", () => {
    expect<bool>(parseHostAddressText(" 198.51.100.2", a)).toBe(true);
    expect<u32>(a.v4).toBe(0xc6336402);
    expect<bool>(parseHostAddressText("2001:db8::2 ", a)).toBe(true);
    expect<u64>(a.lo).toBe(2);
    expect<bool>(parseHostAddressText("[2001:db8::3]", a)).toBe(true);
    expect<u64>(a.lo).toBe(3);
  });
  it("rejects malformed addresses and ports", () => {
    expect<bool>(parseHostAddressText("", a)).toBe(false);
    expect<bool>(parseHostAddressText("   ", a)).toBe(false);
    expect<bool>(parseHostAddressText("unknown", a)).toBe(false);
    expect<bool>(parseHostAddressText("1.2.3.4:", a)).toBe(false);
    expect<bool>(parseHostAddressText("1.2.3.4:65536", a)).toBe(false);
    expect<bool>(parseHostAddressText("1.2.3.4:80x", a)).toBe(false);
    expect<bool>(parseHostAddressText("[1.2.3.4]:80", a)).toBe(false);
    expect<bool>(parseHostAddressText("[2001:db8::1", a)).toBe(false);
    expect<bool>(parseHostAddressText("[2001:db8::1]80", a)).toBe(false);
    expect<bool>(parseHostAddressText("[2001:db8::1]:", a)).toBe(false);
    expect<bool>(parseHostAddressText("1.2.3.4 5.6.7.8", a)).toBe(false);
  });
});

describe("x-forwarded-for entries from the right", () => {
  it("counts across commas and repeated headers", () => {
    const values = ["a, b", "c,d"];
    expect<string>(entry(values, 1)).toBe("d");
    expect<string>(entry(values, 2)).toBe("c");
    expect<string>(entry(values, 3)).toBe(" b");
    expect<string>(entry(values, 4)).toBe("a");
    expect<string>(entry(values, 5)).toBe("<null>");
    expect<string>(entry(values, 0)).toBe("<null>");
    expect<string>(entry([], 1)).toBe("<null>");
  });
  it("keeps empty entries as entries", () => {
    expect<string>(entry(["a,,b"], 2)).toBe("");
    expect<string>(entry([""], 1)).toBe("");
    expect<string>(entry(["a,"], 1)).toBe("");
  });
});
