import { xxh64, xxh64Range, xxh64String, xxh64Raw } from "../../../assembly/hash/xxh64";
import { murmur2, murmur2String, MURMUR2_STD_SEED } from "../../../assembly/hash/murmur2";

function utf8(s: string): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode(s));
}

function pattern(n: i32): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = <u8>((i * 31 + 7) & 255);
  return b;
}

// [length, XXH64(pattern, 0), XXH64(pattern, 0x9e3779b97f4a7c15)], from the BigInt reference in
// tests/hash/hash.test.ts (itself checked against Envoy's and xxHash's published values).
const BOUNDARY: StaticArray<u64> = [
  0, 17241709254077376921, 14138100816866770944,
  1, 12208272383309036471, 6365981293978674663,
  3, 6261856666793576441, 6542375928546409506,
  4, 14271086647985540868, 9030233895669805747,
  5, 9261676296912821582, 9190565381918604131,
  7, 12663836542954871438, 3236309037090636036,
  8, 4442176141076628448, 8469099295771621026,
  9, 5410980096290937865, 15300818059958671657,
  11, 2287952736451739022, 16817954832812067671,
  12, 10369726279301752430, 16908435875251232727,
  15, 12549904796550154919, 11641062388977028835,
  16, 11644853062034244627, 16382212600918976231,
  17, 18347400911052004361, 11585690425623816695,
  31, 5365180931665220769, 9310915287328523283,
  32, 10184845083914585149, 1751545058909017196,
  33, 7118499008196474468, 5979306725523835950,
  39, 1695979250590784708, 6224276412903911735,
  40, 5310961338590228871, 3924197894083317335,
  63, 6643383451930527103, 7273200848204515261,
  64, 8915644864283660670, 17866382486047207720,
  65, 17552792968290000321, 8794253161605987443,
  100, 17266991381171192145, 13581364696154541080,
];

describe("xxh64", () => {
  it("matches Envoy's hash_test.cc values", () => {
    expect<u64>(xxh64String("foo")).toBe(3728699739546630719);
    expect<u64>(xxh64String("bar")).toBe(5234164152756840025);
    expect<u64>(xxh64String("foo\nbar")).toBe(8917841378505826757);
    expect<u64>(xxh64String("lyft")).toBe(4400747396090729504);
    expect<u64>(xxh64String("")).toBe(17241709254077376921);
  });

  it("chains seeds like Envoy's xxHash64(Span): foo then bar", () => {
    expect<u64>(xxh64String("bar", xxh64String("foo"))).toBe(17745830980996999794);
  });

  it("matches xxHash's published values (stripe path and seed)", () => {
    expect<u64>(xxh64String("abc")).toBe(0x44bc2cf5ad770999);
    expect<u64>(xxh64String("Nobody inspects the spammish repetition")).toBe(0xfbcea83c8a378bf1);
    expect<u64>(xxh64String("xxhash", 20141025)).toBe(0xb559b98d844e0635);
  });

  it("crosses the 4/8/32-byte boundaries correctly", () => {
    for (let i = 0; i < BOUNDARY.length; i += 3) {
      const n = <i32>BOUNDARY[i];
      const data = pattern(n);
      expect<u64>(xxh64(data)).toBe(BOUNDARY[i + 1]);
      expect<u64>(xxh64(data, 0x9e3779b97f4a7c15)).toBe(BOUNDARY[i + 2]);
    }
  });

  it("byte, range, raw and string forms agree", () => {
    const data = utf8("xx127.0.0.1:8080yy");
    const want = xxh64String("127.0.0.1:8080", 7);
    expect<u64>(xxh64(utf8("127.0.0.1:8080"), 7)).toBe(want);
    expect<u64>(xxh64Range(data, 2, 16, 7)).toBe(want);
    expect<u64>(xxh64Raw(data.dataStart + 2, 14, 7)).toBe(want);
  });

  it("hashes non-ASCII strings as UTF-8", () => {
    expect<u64>(xxh64String("pod-é-😀")).toBe(xxh64(utf8("pod-é-😀")));
    // A non-ASCII character at every position of strings of several lengths (fast path, then fallback).
    const base = "abcdefghijklmnopqrstuvwxyz0123456789";
    for (let len = 1; len <= 12; len++) {
      for (let at = 0; at < len; at++) {
        const s = base.substring(0, at) + "é" + base.substring(at + 1, len);
        expect<u64>(xxh64String(s, 3)).toBe(xxh64(utf8(s), 3));
      }
      expect<u64>(xxh64String(base.substring(0, len))).toBe(xxh64(utf8(base.substring(0, len))));
    }
    // A long string after a short one grows the scratch area.
    const long = base.repeat(20) + "😀";
    expect<u64>(xxh64String(long)).toBe(xxh64(utf8(long)));
    expect<u64>(murmur2String(long)).toBe(murmur2(utf8(long)));
  });

  it("clamps out-of-range bounds instead of trapping", () => {
    const data = utf8("abc");
    expect<u64>(xxh64Range(data, -5, 99)).toBe(xxh64String("abc"));
    expect<u64>(xxh64Range(data, 2, 1)).toBe(xxh64String(""));
    expect<u64>(xxh64Range(data, 7, 9)).toBe(xxh64String(""));
  });
});

describe("murmur2 (Envoy MurmurHash::murmurHash2)", () => {
  it("matches Envoy's hash_test.cc values", () => {
    expect<u64>(murmur2String("foo")).toBe(9631199822919835226);
    expect<u64>(murmur2String("bar")).toBe(11474628671133349555);
    expect<u64>(murmur2String("foo\nbar")).toBe(16306510975912980159);
    expect<u64>(murmur2String("lyft")).toBe(12847078931730529320);
    expect<u64>(murmur2String("")).toBe(6142509188972423790);
  });

  it("uses the libstdc++ seed by default and agrees across forms", () => {
    expect<u64>(MURMUR2_STD_SEED).toBe(0xc70f6907);
    expect<u64>(murmur2(utf8("127.0.0.1:80_0"))).toBe(murmur2String("127.0.0.1:80_0", MURMUR2_STD_SEED));
  });
});
