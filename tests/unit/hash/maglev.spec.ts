import { buildMaglev, buildMaglevFrom, isPrime, MaglevTable, MAGLEV_DEFAULT_TABLE_SIZE } from "../../../assembly/hash/maglev";
import { HashError } from "../../../assembly/hash/hash-error";
import { hostWeights, localityHostWeights } from "../../../assembly/hash/host-weights";
import { encodeKeys } from "../../../assembly/hash/host-key";

function ports(prefix: string, from: i32, to: i32): Array<string> {
  const out = new Array<string>();
  for (let p = from; p <= to; p++) out.push(prefix + p.toString());
  return out;
}

/** Checks chooseHost(i) for i in 0 .. 3*len, as Envoy's tests do. */
function expectAssignments(t: MaglevTable, expected: Array<i32>): void {
  expect<u32>(t.size).toBe(<u32>expected.length);
  for (let i = 0; i < 3 * expected.length; i++) {
    expect<i32>(t.chooseHost(<u64>i)).toBe(expected[i % expected.length]);
  }
}

function entryCounts(t: MaglevTable, hosts: i32): StaticArray<i32> {
  const counts = new StaticArray<i32>(hosts);
  for (let i = 0; i < t.slots.length; i++) counts[t.slots[i]]++;
  return counts;
}

describe("maglev: Envoy maglev_lb_test.cc expectations", () => {
  it("Basic: 127.0.0.1:90..95, M=7", () => {
    const t = buildMaglev(ports("127.0.0.1:", 90, 95), null, 7);
    expect<HashError>(t.error).toBe(HashError.None);
    expectAssignments(t, [2, 4, 0, 1, 5, 0, 3]);
    const counts = entryCounts(t, 6);
    let min = 99, max = 0;
    for (let i = 0; i < 6; i++) { min = min < counts[i] ? min : counts[i]; max = max > counts[i] ? max : counts[i]; }
    expect<i32>(min).toBe(1);
    expect<i32>(max).toBe(2);
  });

  it("BasicWithHostName / BasicWithMetadataHashKey: keys 90..95, M=7", () => {
    expectAssignments(buildMaglev(ports("", 90, 95), null, 7), [2, 5, 0, 3, 4, 1, 0]);
  });

  it("BasicStability: host order does not change the table", () => {
    const keys = ports("127.0.0.1:", 90, 95);
    const shuffled = [keys[3], keys[5], keys[0], keys[4], keys[1], keys[2]];
    const original: i32[] = [0, 1, 2, 3, 4, 5];
    const back: i32[] = [3, 5, 0, 4, 1, 2]; // shuffled index -> original index
    const t = buildMaglev(shuffled, null, 7);
    const want: i32[] = [2, 4, 0, 1, 5, 0, 3];
    for (let i = 0; i < 7; i++) expect<i32>(back[t.chooseHost(<u64>i)]).toBe(original[want[i]]);
  });

  it("BasicWithRetryHostPredicate: hash 10, attempts 0..2", () => {
    const t = buildMaglev(ports("127.0.0.1:", 90, 95), null, 7);
    expect<i32>(t.chooseHost(10, 0)).toBe(1);
    expect<i32>(t.chooseHost(10, 1)).toBe(0);
    expect<i32>(t.chooseHost(10, 2)).toBe(5);
  });

  it("Weighted: :90 weight 1, :91 weight 2, M=17 (6 and 11 entries)", () => {
    const w = new Uint32Array(2);
    w[0] = 1;
    w[1] = 2;
    const t = buildMaglev(["127.0.0.1:90", "127.0.0.1:91"], w, 17);
    expectAssignments(t, [1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1, 0, 1]);
    const counts = entryCounts(t, 2);
    expect<i32>(counts[0]).toBe(6);
    expect<i32>(counts[1]).toBe(11);
  });

  it("SingleHost / WeightedSingleHost: every hash picks the only host", () => {
    const w = new Uint32Array(1);
    w[0] = 7;
    const t = buildMaglev(["127.0.0.1:90"], w, 17);
    for (let i = 0; i < 17; i++) expect<i32>(t.chooseHost(<u64>i)).toBe(0);
  });

  it("LocalityWeightedSameLocalityWeights: zones {1,1}, host weights 1 and 2, M=17", () => {
    const hw = new Uint32Array(2);
    hw[0] = 1;
    hw[1] = 2;
    const loc = new Int32Array(2);
    loc[0] = 0;
    loc[1] = 1;
    const lw = new Uint32Array(2);
    lw[0] = 1;
    lw[1] = 1;
    const t = buildMaglevFrom(encodeKeys(["127.0.0.1:90", "127.0.0.1:91"]), localityHostWeights(hw, loc, lw), 17);
    expectAssignments(t, [1, 0, 0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 1]);
    const counts = entryCounts(t, 2);
    expect<i32>(counts[0]).toBe(9);
    expect<i32>(counts[1]).toBe(8);
  });

  it("LocalityWeightedDifferentLocalityWeights: zones A=8 [:90], B=0 [:92], C=2 [:91], M=17", () => {
    const hw = new Uint32Array(3);
    hw[0] = 1;
    hw[1] = 2;
    hw[2] = 3;
    const loc = new Int32Array(3); // hosts :90 :91 :92 -> localities 0, 2, 1
    loc[0] = 0;
    loc[1] = 2;
    loc[2] = 1;
    const lw = new Uint32Array(3);
    lw[0] = 8;
    lw[1] = 0;
    lw[2] = 2;
    const t = buildMaglevFrom(encodeKeys(["127.0.0.1:90", "127.0.0.1:91", "127.0.0.1:92"]), localityHostWeights(hw, loc, lw), 17);
    expectAssignments(t, [1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0]);
    const counts = entryCounts(t, 3);
    expect<i32>(counts[0]).toBe(13);
    expect<i32>(counts[1]).toBe(4);
    expect<i32>(counts[2]).toBe(0);
  });

  it("LocalityWeightedAllZeroLocalityWeights and NoHost: empty table chooses nothing", () => {
    const lw = new Uint32Array(1);
    const loc = new Int32Array(1);
    const t = buildMaglevFrom(encodeKeys(["127.0.0.1:90"]), localityHostWeights(null, loc, lw), 17);
    expect<HashError>(t.error).toBe(HashError.None);
    expect<i32>(t.chooseHost(0)).toBe(-1);
    expect<i32>(buildMaglev([], null, 7).chooseHost(3)).toBe(-1);
  });

  it("NoPrimeNumber: non-prime or oversized table sizes are errors, not traps", () => {
    const keys = ports("127.0.0.1:", 90, 95);
    expect<HashError>(buildMaglev(keys, null, 8).error).toBe(HashError.TableSizeNotPrime);
    expect<HashError>(buildMaglev(keys, null, 0).error).toBe(HashError.TableSizeNotPrime);
    expect<HashError>(buildMaglev(keys, null, 1).error).toBe(HashError.TableSizeNotPrime);
    expect<HashError>(buildMaglev(keys, null, 5000012).error).toBe(HashError.TableSizeTooLarge);
    expect<i32>(buildMaglev(keys, null, 8).chooseHost(1)).toBe(-1);
  });

  it("DefaultMaglevTableSize is 65537 and fills every slot", () => {
    const t = buildMaglev(ports("10.0.0.", 1, 100));
    expect<u32>(t.size).toBe(MAGLEV_DEFAULT_TABLE_SIZE);
    const counts = entryCounts(t, 100);
    for (let i = 0; i < 100; i++) {
      expect<bool>(counts[i] >= 655 && counts[i] <= 656).toBe(true);
    }
  });
});

describe("maglev: inputs", () => {
  it("weight 0 leaves a host out, indices stay in list order", () => {
    const w = new Uint32Array(7);
    for (let i = 0; i < 7; i++) w[i] = 1;
    w[0] = 0; // prepend an excluded host: :90..:95 now sit at 1..6
    const keys = ["10.9.9.9:1"].concat(ports("127.0.0.1:", 90, 95));
    const t = buildMaglev(keys, w, 7);
    const want: i32[] = [2, 4, 0, 1, 5, 0, 3];
    for (let i = 0; i < 7; i++) expect<i32>(t.chooseHost(<u64>i)).toBe(want[i] + 1);
  });

  it("mismatched weights are errors", () => {
    const w = new Uint32Array(2);
    expect<HashError>(buildMaglev(["a", "b", "c"], w, 7).error).toBe(HashError.LengthMismatch);
    expect<HashError>(buildMaglevFrom(encodeKeys(["a"]), hostWeights(2, null), 7).error).toBe(HashError.LengthMismatch);
  });

  it("weight sums above 2^32-1 are errors", () => {
    const w = new Uint32Array(2);
    w[0] = u32.MAX_VALUE;
    w[1] = 1;
    expect<HashError>(buildMaglev(["a", "b"], w, 7).error).toBe(HashError.WeightSumTooLarge);
  });

  it("more hosts than slots fills the table and stops", () => {
    const t = buildMaglev(ports("h", 1, 20), null, 7);
    for (let i = 0; i < 7; i++) expect<bool>(t.chooseHost(<u64>i) >= 0).toBe(true);
  });

  it("isPrime", () => {
    expect<bool>(isPrime(2)).toBe(true);
    expect<bool>(isPrime(7)).toBe(true);
    expect<bool>(isPrime(65537)).toBe(true);
    expect<bool>(isPrime(5000011)).toBe(true);
    expect<bool>(isPrime(65535)).toBe(false);
    expect<bool>(isPrime(25)).toBe(false);
    expect<bool>(isPrime(1)).toBe(false);
  });
});
