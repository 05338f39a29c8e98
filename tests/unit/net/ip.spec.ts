import { IpAddress, parseIpText, parseIpv4 } from "../../../assembly/net/ip";

const a = new IpAddress();

function v4(text: string): i64 {
  return parseIpv4(text, 0, text.length);
}

function v6ok(text: string, hi: u64, lo: u64): void {
  const ok = parseIpText(text, a);
  expect<bool>(ok).toBe(true, text);
  expect<bool>(a.v6).toBe(true, text);
  expect<u64>(a.hi).toBe(hi, text);
  expect<u64>(a.lo).toBe(lo, text);
}

function bad(text: string): void {
  expect<bool>(parseIpText(text, a)).toBe(false, text);
}

describe("IPv4", () => {
  it("parses dotted quads", () => {
    expect<i64>(v4("0.0.0.0")).toBe(0);
    expect<i64>(v4("203.0.113.7")).toBe(0xcb007107);
    expect<i64>(v4("255.255.255.255")).toBe(0xffffffff);
    expect<bool>(parseIpText("10.1.2.3", a)).toBe(true);
    expect<bool>(a.v6).toBe(false);
    expect<u32>(a.v4).toBe(0x0a010203);
  });
  it("rejects anything else", () => {
    bad("256.0.0.1");
    bad("1.2.3");
    bad("1.2.3.4.5");
    bad("01.2.3.4"); // leading zero: octal to some parsers
    bad("1.2.3.04");
    bad("1..3.4");
    bad(" 1.2.3.4");
    bad("1.2.3.4 ");
    bad("1.2.3.-4");
    bad("1.2.3.4/8");
    bad("1234.1.1.1");
    bad("");
    bad("a.b.c.d");
  });
});

describe("IPv6", () => {
  it("parses full, compressed and mixed forms", () => {
    v6ok("::", 0, 0);
    v6ok("::1", 0, 1);
    v6ok("1::", 0x0001000000000000, 0);
    v6ok("2001:db8::1", 0x20010db800000000, 1);
    v6ok("2001:DB8:0:0:0:0:0:1", 0x20010db800000000, 1);
    v6ok("2001:db8:1:2:3:4:5:6", 0x20010db800010002, 0x0003000400050006);
    v6ok("fe80::1:2", 0xfe80000000000000, 0x0000000000010002);
    v6ok("::ffff:203.0.113.7", 0, 0x0000ffffcb007107);
    v6ok("64:ff9b::192.0.2.33", 0x0064ff9b00000000, 0x00000000c0000221);
    v6ok("1:2:3:4:5:6:1.2.3.4", 0x0001000200030004, 0x0005000601020304);
    v6ok("1:2:3:4:5:6:7::", 0x0001000200030004, 0x0005000600070000);
    v6ok("::2:3:4:5:6:7:8", 0x0000000200030004, 0x0005000600070008);
  });
  it("knows IPv4-mapped addresses", () => {
    parseIpText("::ffff:10.0.0.1", a);
    expect<bool>(a.isV4Mapped).toBe(true);
    parseIpText("::10.0.0.1", a);
    expect<bool>(a.isV4Mapped).toBe(false);
    parseIpText("10.0.0.1", a);
    expect<bool>(a.isV4Mapped).toBe(false);
  });
  it("rejects malformed text", () => {
    bad(":");
    bad(":::");
    bad("1:::2");
    bad("1::2::3");
    bad(":1::2");
    bad("1::2:");
    bad("1:2:3:4:5:6:7:8:9");
    bad("1:2:3:4:5:6:7");
    bad("1:2:3:4:5:6:7:8::");
    bad("1:2:3:4:5:6:7::8"); // "::" must stand for at least one group
    bad("12345::1");
    bad("g::1");
    bad("fe80::1%eth0");
    bad("[::1]");
    bad("::1.2.3");
    bad("1:2:3:4:5:6:7:1.2.3.4");
    bad("::1.2.3.4:5");
    bad("::ffff:01.2.3.4");
    bad("1:2:3:4:5:6:7:8:");
  });
});
