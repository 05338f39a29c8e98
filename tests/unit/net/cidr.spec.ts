import { IpAddress, parseIpText } from "../../../assembly/net/ip";
import { CidrPrefix, CidrTable, CidrTableBuilder, parseCidr, NO_VALUE } from "../../../assembly/net/cidr";

function table(prefixes: Array<string>): CidrTable {
  const b = new CidrTableBuilder();
  for (let i = 0; i < prefixes.length; i++) {
    const err = b.addText(prefixes[i], <u32>i);
    expect<string>(err).toBe("", prefixes[i]);
  }
  const r = b.build();
  expect<bool>(r.table !== null).toBe(true);
  return r.table!;
}

const probe = new IpAddress();

function find(t: CidrTable, ip: string): u32 {
  expect<bool>(parseIpText(ip, probe)).toBe(true, ip);
  return t.lookup(probe);
}

function cidrError(text: string): string {
  return parseCidr(text, new CidrPrefix());
}

describe("CIDR parsing", () => {
  it("accepts prefixes and bare addresses", () => {
    const p = new CidrPrefix();
    expect<string>(parseCidr("203.0.113.0/24", p)).toBe("");
    expect<i32>(p.length).toBe(24);
    expect<string>(parseCidr("0.0.0.0/0", p)).toBe("");
    expect<i32>(p.length).toBe(0);
    expect<string>(parseCidr("198.51.100.7", p)).toBe("");
    expect<i32>(p.length).toBe(32);
    expect<string>(parseCidr("2001:db8::/32", p)).toBe("");
    expect<i32>(p.length).toBe(32);
    expect<string>(parseCidr("::/0", p)).toBe("");
    expect<string>(parseCidr("2001:db8::1", p)).toBe("");
    expect<i32>(p.length).toBe(128);
    expect<string>(parseCidr("2001:db8:0:1::/64", p)).toBe("");
    expect<string>(parseCidr("2001:db8:0:1:8000::/65", p)).toBe("");
  });
  it("refuses host bits, bad lengths and bad addresses", () => {
    expect<string>(cidrError("203.0.113.1/24")).toBe("host bits set below /24");
    expect<string>(cidrError("2001:db8::1/64")).toBe("host bits set below /64");
    expect<string>(cidrError("2001:db8:0:1:8000::/64")).toBe("host bits set below /64");
    expect<string>(cidrError("10.0.0.0/33")).toBe("prefix length must be 0..32");
    expect<string>(cidrError("::/129")).toBe("prefix length must be 0..128");
    expect<string>(cidrError("10.0.0.0/")).toBe("prefix length must be 0..32");
    expect<string>(cidrError("10.0.0.0/08")).toBe("prefix length must be 0..32");
    expect<string>(cidrError("10.0.0.0/x")).toBe("prefix length must be 0..32");
    expect<string>(cidrError("10.0.0/8")).toBe("not an IPv4 or IPv6 address");
    expect<string>(cidrError("")).toBe("not an IPv4 or IPv6 address");
  });
});

describe("longest prefix match", () => {
  it("picks the longest covering prefix, IPv4", () => {
    const t = table(["10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "10.1.2.3", "192.168.0.0/16"]);
    expect<u32>(find(t, "10.0.0.1")).toBe(0);
    expect<u32>(find(t, "10.1.0.1")).toBe(1);
    expect<u32>(find(t, "10.1.2.4")).toBe(2);
    expect<u32>(find(t, "10.1.2.3")).toBe(3);
    expect<u32>(find(t, "10.1.3.0")).toBe(1);
    expect<u32>(find(t, "10.2.0.0")).toBe(0);
    expect<u32>(find(t, "10.255.255.255")).toBe(0);
    expect<u32>(find(t, "11.0.0.0")).toBe(NO_VALUE);
    expect<u32>(find(t, "9.255.255.255")).toBe(NO_VALUE);
    expect<u32>(find(t, "192.168.255.255")).toBe(4);
    expect<u32>(find(t, "0.0.0.0")).toBe(NO_VALUE);
    expect<u32>(find(t, "255.255.255.255")).toBe(NO_VALUE);
  });
  it("handles prefixes at both ends of the space and the default route", () => {
    const t = table(["0.0.0.0/0", "0.0.0.0/8", "255.255.255.255", "::/0", "ffff::/16"]);
    expect<u32>(find(t, "0.0.0.0")).toBe(1);
    expect<u32>(find(t, "0.255.255.255")).toBe(1);
    expect<u32>(find(t, "1.0.0.0")).toBe(0);
    expect<u32>(find(t, "255.255.255.254")).toBe(0);
    expect<u32>(find(t, "255.255.255.255")).toBe(2);
    expect<u32>(find(t, "::")).toBe(3);
    expect<u32>(find(t, "fffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff")).toBe(3);
    expect<u32>(find(t, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")).toBe(4);
  });
  it("picks the longest covering prefix, IPv6, across the 64-bit halves", () => {
    const t = table(["2001:db8::/32", "2001:db8:0:1::/64", "2001:db8:0:1:8000::/65", "2001:db8:0:1::42"]);
    expect<u32>(find(t, "2001:db8:ffff::1")).toBe(0);
    expect<u32>(find(t, "2001:db8:0:1::1")).toBe(1);
    expect<u32>(find(t, "2001:db8:0:1:7fff:ffff:ffff:ffff")).toBe(1);
    expect<u32>(find(t, "2001:db8:0:1:8000::")).toBe(2);
    expect<u32>(find(t, "2001:db8:0:1:ffff:ffff:ffff:ffff")).toBe(2);
    expect<u32>(find(t, "2001:db8:0:2::")).toBe(0);
    expect<u32>(find(t, "2001:db8:0:1::42")).toBe(3);
    expect<u32>(find(t, "2001:db9::")).toBe(NO_VALUE);
    expect<u32>(find(t, "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff")).toBe(NO_VALUE);
    // IPv4 addresses never match IPv6 prefixes.
    expect<u32>(find(t, "32.1.13.184")).toBe(NO_VALUE);
  });
  it("looks IPv4-mapped addresses and prefixes up in the IPv4 table", () => {
    const t = table(["203.0.113.0/24", "::ffff:198.51.100.0/120"]);
    expect<u32>(find(t, "::ffff:203.0.113.9")).toBe(0);
    expect<u32>(find(t, "198.51.100.9")).toBe(1);
    expect<u32>(find(t, "::ffff:198.51.100.9")).toBe(1);
    expect<u32>(find(t, "::203.0.113.9")).toBe(NO_VALUE);
  });
  it("an empty table answers NO_VALUE", () => {
    const t = table([]);
    expect<u32>(find(t, "1.2.3.4")).toBe(NO_VALUE);
    expect<u32>(find(t, "::1")).toBe(NO_VALUE);
  });
  it("refuses identical prefixes, naming both", () => {
    const b = new CidrTableBuilder();
    b.addText("10.0.0.0/8", 0);
    b.addText("10.1.0.0/16", 1);
    b.addText("10.0.0.0/8", 2);
    const r = b.build();
    expect<bool>(r.table === null).toBe(true);
    expect<i32>(r.duplicateFirst).toBe(0);
    expect<i32>(r.duplicateSecond).toBe(2);
  });
});

// A deterministic generator for the randomised comparison below (tests only).
let state: u64 = 0x9e3779b97f4a7c15;
function next(): u64 {
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}

class Ref {
  constructor(public hi: u64, public lo: u64, public len: i32, public v6: bool) {}
}

function covers(p: Ref, v6: bool, hi: u64, lo: u64): bool {
  if (p.v6 != v6) return false;
  if (!v6) {
    const mask: u64 = p.len == 0 ? 0 : (<u64>0xffffffff << <u64>(32 - p.len)) & 0xffffffff;
    return (lo & mask) == p.lo;
  }
  const mh: u64 = p.len == 0 ? 0 : p.len >= 64 ? u64.MAX_VALUE : u64.MAX_VALUE << <u64>(64 - p.len);
  const ml: u64 = p.len <= 64 ? 0 : p.len >= 128 ? u64.MAX_VALUE : u64.MAX_VALUE << <u64>(128 - p.len);
  return (hi & mh) == p.hi && (lo & ml) == p.lo;
}

function brute(refs: Array<Ref>, v6: bool, hi: u64, lo: u64): u32 {
  let best: i32 = -1;
  let bestLen = -1;
  for (let i = 0; i < refs.length; i++) {
    if (covers(refs[i], v6, hi, lo) && refs[i].len > bestLen) {
      best = i;
      bestLen = refs[i].len;
    }
  }
  return best < 0 ? NO_VALUE : <u32>best;
}

describe("randomised against a linear scan", () => {
  it("agrees on 3000 probes over 600 nested prefixes", () => {
    // Few distinct top bits so that prefixes nest and share buckets.
    const refs = new Array<Ref>();
    const seen = new Set<string>();
    const b = new CidrTableBuilder();
    const p = new CidrPrefix();
    while (refs.length < 600) {
      const v6 = (next() & 1) == 1;
      let hi: u64 = 0;
      let lo: u64 = 0;
      let len: i32;
      if (!v6) {
        len = <i32>(next() % 33);
        lo = (next() & 0x0303ffff) | 0x0a000000;
        lo &= len == 0 ? 0 : (<u64>0xffffffff << <u64>(32 - len)) & 0xffffffff;
      } else {
        len = <i32>(next() % 129);
        hi = (next() & 0x00000003ffffffff) | 0x2001000000000000;
        lo = next() & 0xff000000000000ff;
        hi &= len == 0 ? 0 : len >= 64 ? u64.MAX_VALUE : u64.MAX_VALUE << <u64>(64 - len);
        lo &= len <= 64 ? 0 : len >= 128 ? u64.MAX_VALUE : u64.MAX_VALUE << <u64>(128 - len);
      }
      const key = (v6 ? "6:" : "4:") + hi.toString() + ":" + lo.toString() + "/" + len.toString();
      if (seen.has(key)) continue;
      seen.add(key);
      if (v6) p.address.setV6(hi, lo);
      else p.address.setV4(<u32>lo);
      p.length = len;
      b.add(p, <u32>refs.length);
      refs.push(new Ref(hi, lo, len, v6));
    }
    const t = b.build().table!;
    for (let i = 0; i < 3000; i++) {
      const v6 = (next() & 1) == 1;
      let hi: u64 = 0;
      let lo: u64;
      if (!v6) {
        lo = (next() & 0x0303ffff) | 0x0a000000;
        if ((i & 7) == 0) lo = next() & 0xffffffff;
        expect<u32>(t.lookupV4(<u32>lo)).toBe(brute(refs, false, 0, lo));
      } else {
        hi = (next() & 0x00000003ffffffff) | 0x2001000000000000;
        lo = next() & 0xff000000000000ff;
        if ((i & 7) == 0) hi = next();
        expect<u32>(t.lookupV6(hi, lo)).toBe(brute(refs, true, hi, lo));
      }
    }
  });
});
