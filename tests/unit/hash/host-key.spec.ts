import { hostHashKey, hostAddressString, canonicalIp, encodeKeys } from "../../../assembly/hash/host-key";

function addr(ip: string, port: i32): string {
  const s = hostAddressString(ip, port);
  return s === null ? "<null>" : changetype<string>(s);
}

function canon(ip: string): string {
  const s = canonicalIp(ip);
  return s === null ? "<null>" : changetype<string>(s);
}

describe("host key rule", () => {
  it("metadata hash_key wins when non-empty", () => {
    expect<string>(hostHashKey("pod-a", "host-a", "10.0.0.1:80", true)).toBe("pod-a");
    expect<string>(hostHashKey("pod-a", "host-a", "10.0.0.1:80", false)).toBe("pod-a");
  });
  it("hostname when use_hostname_for_hashing, else the address", () => {
    expect<string>(hostHashKey("", "host-a", "10.0.0.1:80", true)).toBe("host-a");
    expect<string>(hostHashKey("", "host-a", "10.0.0.1:80", false)).toBe("10.0.0.1:80");
    expect<string>(hostHashKey("", "", "10.0.0.1:80", true)).toBe("");
  });
  it("encodes keys as UTF-8", () => {
    const k = encodeKeys(["a", "é"]);
    expect<i32>(k[0].length).toBe(1);
    expect<i32>(k[1].length).toBe(2);
  });
});

describe("address string (Envoy asString, inet_pton + inet_ntop)", () => {
  it("IPv4", () => {
    expect<string>(addr("127.0.0.1", 90)).toBe("127.0.0.1:90");
    expect<string>(addr("10.0.0.1", 8080)).toBe("10.0.0.1:8080");
    expect<string>(addr("0.0.0.0", 0)).toBe("0.0.0.0:0");
    expect<string>(addr("255.255.255.255", 65535)).toBe("255.255.255.255:65535");
  });
  it("IPv4 that inet_pton rejects", () => {
    expect<string>(addr("010.0.0.1", 80)).toBe("<null>");
    expect<string>(addr("256.0.0.1", 80)).toBe("<null>");
    expect<string>(addr("1.2.3", 80)).toBe("<null>");
    expect<string>(addr("1.2.3.4.5", 80)).toBe("<null>");
    expect<string>(addr("1..2.3", 80)).toBe("<null>");
    expect<string>(addr("1.2.3.4 ", 80)).toBe("<null>");
    expect<string>(addr("", 80)).toBe("<null>");
    expect<string>(addr("1.2.3.4", 65536)).toBe("<null>");
    expect<string>(addr("1.2.3.4", -1)).toBe("<null>");
  });
  it("IPv6 in brackets, canonical form", () => {
    expect<string>(addr("::1", 8080)).toBe("[::1]:8080");
    expect<string>(addr("2001:0DB8:0000:0000:0000:0000:0000:0001", 443)).toBe("[2001:db8::1]:443");
    expect<string>(addr("fd00:0:0::1", 80)).toBe("[fd00::1]:80");
  });
  it("IPv6 zero-run rules of glibc inet_ntop", () => {
    expect<string>(canon("::")).toBe("::");
    expect<string>(canon("1::")).toBe("1::");
    expect<string>(canon("1:0:0:2:0:0:0:3")).toBe("1:0:0:2::3");
    expect<string>(canon("1:0:0:2:3:0:0:4")).toBe("1::2:3:0:0:4");
    expect<string>(canon("1:0:2:3:4:5:6:7")).toBe("1:0:2:3:4:5:6:7");
    expect<string>(canon("fe80::a00:27ff:fe4e:66a1")).toBe("fe80::a00:27ff:fe4e:66a1");
  });
  it("IPv6 with embedded IPv4", () => {
    expect<string>(canon("::ffff:10.0.0.1")).toBe("::ffff:10.0.0.1");
    expect<string>(canon("::FFFF:0a00:0001")).toBe("::ffff:10.0.0.1");
    expect<string>(canon("::10.0.0.1")).toBe("::10.0.0.1");
    expect<string>(canon("64:ff9b::10.0.0.1")).toBe("64:ff9b::a00:1");
    expect<string>(canon("::0.0.0.1")).toBe("::1");
    expect<string>(canon("0:0:0:0:0:0:1:2")).toBe("::0.1.0.2");
    expect<string>(canon("::ffff:0:0")).toBe("::ffff:0.0.0.0");
    expect<string>(canon("0:0:0:0:0:1:0:0")).toBe("::1:0:0");
  });
  it("IPv6 that inet_pton rejects", () => {
    expect<string>(canon(":1::2")).toBe("<null>");
    expect<string>(canon("1::2::3")).toBe("<null>");
    expect<string>(canon("1:2:3:4:5:6:7")).toBe("<null>");
    expect<string>(canon("1:2:3:4:5:6:7:8:9")).toBe("<null>");
    expect<string>(canon("1:2:3:4:5:6:7:8::")).toBe("<null>");
    expect<string>(canon("12345::")).toBe("<null>");
    expect<string>(canon("1:")).toBe("<null>");
    expect<string>(canon(":::")).toBe("<null>");
    expect<string>(canon("::ffff:1.2.3")).toBe("<null>");
    expect<string>(canon("1:2:3:4:5:6:7:1.2.3.4")).toBe("<null>");
    expect<string>(canon("fe80::1%eth0")).toBe("<null>");
    expect<string>(canon("g::1")).toBe("<null>");
  });
});
