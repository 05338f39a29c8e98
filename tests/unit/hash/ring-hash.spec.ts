import { buildRing, buildRingFrom, HashRing, RingHashFunction } from "../../../assembly/hash/ring-hash";
import { HashError } from "../../../assembly/hash/hash-error";
import { localityHostWeights } from "../../../assembly/hash/host-weights";
import { encodeKeys } from "../../../assembly/hash/host-key";

function ports(prefix: string, from: i32, to: i32): Array<string> {
  const out = new Array<string>();
  for (let p = from; p <= to; p++) out.push(prefix + p.toString());
  return out;
}

function u32s(values: Array<u32>): Uint32Array {
  const out = new Uint32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i];
  return out;
}

function i32s(values: Array<i32>): Int32Array {
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i];
  return out;
}

/** The ring as Envoy's test comments list it: ascending hashes with their host index. */
function expectRing(r: HashRing, hashes: Array<u64>, hosts: Array<i32>): void {
  expect<i32>(r.size).toBe(hashes.length);
  for (let i = 0; i < hashes.length; i++) {
    expect<u64>(r.hashes[i]).toBe(hashes[i]);
    expect<u32>(r.hosts[i]).toBe(<u32>hosts[i]);
  }
}

/** chooseHost(hashes[i]) == hosts[i] for every i (Envoy's "hash -> host" expectations). */
function expectChoices(r: HashRing, hashes: Array<u64>, hosts: Array<i32>): void {
  for (let i = 0; i < hashes.length; i++) expect<i32>(r.chooseHost(hashes[i])).toBe(hosts[i]);
}

function expectStats(r: HashRing, size: i32, minPerHost: u64, maxPerHost: u64): void {
  expect<HashError>(r.error).toBe(HashError.None);
  expect<i32>(r.size).toBe(size);
  expect<u64>(r.minHashesPerHost).toBe(minPerHost);
  expect<u64>(r.maxHashesPerHost).toBe(maxPerHost);
}

/** Envoy's histogram tests: hashes i * (2^64-1)/samples for i < samples. */
function histogram(r: HashRing, samples: u64, hosts: i32): StaticArray<i32> {
  const counts = new StaticArray<i32>(hosts);
  const step = u64.MAX_VALUE / samples;
  for (let i: u64 = 0; i < samples; i++) counts[r.chooseHost(i * step)]++;
  return counts;
}

// HostWeightedTinyRing and LocalityWeightedTinyRing: :90 once, :91 twice, :92 three times.
const TINY_RING_HASHES: u64[] = [928266305478181108, 4443673547860492590, 5583722120771150861, 6311230543546372928, 13444792449719432967, 16117243373044804889];
const TINY_RING_HOSTS: i32[] = [2, 2, 1, 1, 2, 0];

describe("ring hash: Envoy ring_hash_lb_test.cc expectations", () => {
  it("Basic: 127.0.0.1:90..95, min ring 12", () => {
    const r = buildRing(ports("127.0.0.1:", 90, 95), null, 12);
    expectStats(r, 12, 2, 2);
    expectRing(r,
      [833437586790550860, 928266305478181108, 1033482794131418490, 3551244743356806947,
       3851675632748031481, 5583722120771150861, 6311230543546372928, 7700377290971790572,
       13144177310400110813, 13444792449719432967, 15516499411664133160, 16117243373044804889],
      [4, 2, 0, 5, 3, 1, 1, 3, 5, 2, 4, 0]);
    expectChoices(r, [0, u64.MAX_VALUE, 3551244743356806947, 3551244743356806948, 16117243373044804880], [4, 4, 5, 3, 0]);
  });

  it("BasicWithMurmur2: 127.0.0.1:80..85, min ring 12", () => {
    const r = buildRing(ports("127.0.0.1:", 80, 85), null, 12, 8388608, RingHashFunction.MurmurHash2);
    expectStats(r, 12, 2, 2);
    expectRing(r,
      [1358027074129602068, 4361834613929391114, 7224494972555149682, 7701421856454313576,
       8649315368077433379, 8739448859063030639, 9887544217113020895, 10150910876324007731,
       15168472011420622455, 15427156902705414897, 16375050414328759093, 17613279263364193813],
      [5, 3, 4, 1, 2, 4, 1, 2, 3, 0, 5, 0]);
    expectChoices(r, [0, u64.MAX_VALUE, 1358027074129602068, 1358027074129602069, 10150910876324007730], [5, 5, 5, 3, 2]);
  });

  it("BasicWithHostname / BasicWithMetadataHashKey: keys 90..95, min ring 12", () => {
    const r = buildRing(ports("", 90, 95), null, 12);
    expectStats(r, 12, 2, 2);
    expectRing(r,
      [1975508444536362413, 2376063919839173711, 2386806903309390596, 6749904478991551885,
       6803900775736438537, 7225015537174310577, 8787465352164086522, 11282020843382717940,
       13723418369486627818, 13776502110861797421, 14338313586354474791, 15364271037087512980],
      [5, 5, 3, 4, 3, 2, 0, 2, 1, 0, 1, 4]);
    expectChoices(r, [0, u64.MAX_VALUE, 7225015537174310577, 6803900775736438537], [5, 5, 2, 3]);
  });

  it("BasicWithRetryHostPredicate: attempts step along the ring and wrap", () => {
    const r = buildRing(ports("127.0.0.1:", 90, 95), null, 12);
    expect<i32>(r.chooseHost(0, 0)).toBe(4);
    expect<i32>(r.chooseHost(0, 1)).toBe(2);
    expect<i32>(r.chooseHost(0, 2)).toBe(0);
    expect<i32>(r.chooseHost(0, 13)).toBe(2);
  });

  it("UnevenHosts: 2 hosts, min ring 3 gives 4 entries", () => {
    const r = buildRing(["127.0.0.1:80", "127.0.0.1:81"], null, 3);
    expectStats(r, 4, 2, 2);
    expectRing(r, [5454692015285649509, 7859399908942313493, 13838424394637650569, 16064866803292627174], [0, 1, 0, 1]);
    expect<i32>(r.chooseHost(0)).toBe(0);
    const r2 = buildRing(["127.0.0.1:81", "127.0.0.1:82"], null, 3);
    expectRing(r2, [7859399908942313493, 8241336090459785962, 12882406409176325258, 16064866803292627174], [0, 1, 1, 0]);
    expect<i32>(r2.chooseHost(0)).toBe(0);
  });

  it("HostWeightedTinyRing: weights 1,2,3 on a ring of exactly 6", () => {
    const r = buildRing(ports("127.0.0.1:", 90, 92), u32s([1, 2, 3]), 6, 6);
    expectStats(r, 6, 1, 3);
    expectChoices(r, TINY_RING_HASHES, TINY_RING_HOSTS);
  });

  it("HostWeightedLargeRing: weights 1,2,3, min ring 6144", () => {
    const r = buildRing(ports("127.0.0.1:", 90, 92), u32s([1, 2, 3]), 6144);
    expectStats(r, 6144, 1024, 3072);
    const c = histogram(r, 6000, 3);
    expect<i32>(c[0]).toBe(987);
    expect<i32>(c[1]).toBe(1932);
    expect<i32>(c[2]).toBe(3081);
  });

  it("ZeroLocalityWeights: empty ring chooses nothing", () => {
    const w = localityHostWeights(null, i32s([0, 1]), u32s([0, 0]));
    const r = buildRingFrom(encodeKeys(["127.0.0.1:90", "127.0.0.1:91"]), w);
    expect<HashError>(r.error).toBe(HashError.None);
    expect<i32>(r.chooseHost(0)).toBe(-1);
  });

  it("LocalityWeightedTinyRing: localities 1,2,3,0, ring of exactly 6", () => {
    const w = localityHostWeights(null, i32s([0, 1, 2, 3]), u32s([1, 2, 3, 0]));
    const r = buildRingFrom(encodeKeys(ports("127.0.0.1:", 90, 93)), w, 6, 6);
    expectStats(r, 6, 1, 3);
    expectChoices(r, TINY_RING_HASHES, TINY_RING_HOSTS);
  });

  it("LocalityWeightedLargeRing: localities 1,2,3,0, min ring 6144", () => {
    const w = localityHostWeights(null, i32s([0, 1, 2, 3]), u32s([1, 2, 3, 0]));
    const r = buildRingFrom(encodeKeys(ports("127.0.0.1:", 90, 93)), w, 6144);
    expectStats(r, 6144, 1024, 3072);
    const c = histogram(r, 6000, 4);
    expect<i32>(c[0]).toBe(987);
    expect<i32>(c[1]).toBe(1932);
    expect<i32>(c[2]).toBe(3081);
    expect<i32>(c[3]).toBe(0);
  });

  it("HostAndLocalityWeightedTinyRing: ring of exactly 9", () => {
    const w = localityHostWeights(u32s([1, 2, 1, 2]), i32s([0, 0, 1, 1]), u32s([1, 2]));
    const r = buildRingFrom(encodeKeys(ports("127.0.0.1:", 90, 93)), w, 9, 9);
    expectStats(r, 9, 1, 4);
    const hashes: u64[] = [928266305478181108, 3851675632748031481, 5583722120771150861, 6311230543546372928,
      7700377290971790572, 12559126875973811811, 13444792449719432967, 13784988426630141778, 16117243373044804889];
    const hosts: i32[] = [2, 3, 1, 1, 3, 3, 2, 3, 0];
    expectChoices(r, hashes, hosts);
  });

  it("HostAndLocalityWeightedLargeRing: min ring 9216", () => {
    const w = localityHostWeights(u32s([1, 2, 1, 2]), i32s([0, 0, 1, 1]), u32s([1, 2]));
    const r = buildRingFrom(encodeKeys(ports("127.0.0.1:", 90, 93)), w, 9216);
    expectStats(r, 9216, 1024, 4096);
    const c = histogram(r, 9000, 4);
    expect<i32>(c[0]).toBe(924);
    expect<i32>(c[1]).toBe(2009);
    expect<i32>(c[2]).toBe(2053);
    expect<i32>(c[3]).toBe(4014);
  });

  it("SmallFractionalScale: 4 hosts on a ring of exactly 2", () => {
    const r = buildRing(ports("127.0.0.1:", 90, 93), null, 2, 2);
    expectStats(r, 2, 0, 1);
    const c = histogram(r, 1024, 4);
    let zeroes = 0, sum = 0;
    for (let i = 0; i < 4; i++) {
      if (c[i] == 0) zeroes++;
      else sum += c[i];
    }
    expect<i32>(zeroes).toBe(2);
    expect<i32>(sum).toBe(1024);
  });

  it("LargeFractionalScale: 2 hosts on a ring of exactly 1023", () => {
    const r = buildRing(ports("127.0.0.1:", 90, 91), null, 1023, 1023);
    expectStats(r, 1023, 511, 512);
    const c = histogram(r, 1023, 2);
    expect<i32>(c[0]).toBe(526);
    expect<i32>(c[1]).toBe(497);
  });

  it("LopsidedWeightSmallScale: 1024 hosts, localities 127:1, ring of exactly 1024", () => {
    const loc = new Int32Array(1024);
    for (let i = 1; i < 1024; i++) loc[i] = 1;
    const w = localityHostWeights(null, loc, u32s([127, 1]));
    const r = buildRingFrom(encodeKeys(ports("127.0.0.1:", 0, 1023)), w, 1024, 1024);
    expectStats(r, 1024, 0, 1016);
    const hashes: u64[] = [11664790346325243808, 15894554872961148518, 13958138884277627155, 15803774069438192949,
      3829253010855396576, 17918147347826565154, 6442769608292299103, 5881074926069334434];
    const hosts: i32[] = [1, 128, 256, 384, 512, 640, 768, 896];
    expectChoices(r, hashes, hosts);
  });

  it("BadRingSizeBounds: min > max is an error", () => {
    const r = buildRing(ports("127.0.0.1:", 90, 95), null, 20, 10);
    expect<HashError>(r.error).toBe(HashError.RingSizeBounds);
    expect<i32>(r.chooseHost(1)).toBe(-1);
  });
});

describe("ring hash: inputs", () => {
  it("NoHost: empty ring chooses nothing", () => {
    expect<i32>(buildRing([]).chooseHost(5)).toBe(-1);
  });

  it("default sizes: 3 hosts gives 1026 entries, 100 hosts 1100", () => {
    expect<i32>(buildRing(ports("10.0.0.", 1, 3)).size).toBe(1026);
    expect<i32>(buildRing(ports("10.0.0.", 1, 100)).size).toBe(1100);
  });

  it("maximum ring size above Envoy's limit is an error", () => {
    expect<HashError>(buildRing(["a"], null, 1024, 8388609).error).toBe(HashError.RingSizeBounds);
  });

  it("weight 0 leaves a host out, indices stay in list order", () => {
    const keys = ["10.9.9.9:1"].concat(ports("127.0.0.1:", 90, 95));
    const r = buildRing(keys, u32s([0, 1, 1, 1, 1, 1, 1]), 12);
    expectChoices(r, [0, 3551244743356806947], [5, 6]);
  });
});
