import { hostWeights, localityHostWeights, normalizedHostWeights } from "../../../assembly/hash/host-weights";
import { HashError } from "../../../assembly/hash/hash-error";
import { buildMaglev, buildMaglevFrom } from "../../../assembly/hash/maglev";
import { buildRing, buildRingFrom } from "../../../assembly/hash/ring-hash";
import { encodeKeys } from "../../../assembly/hash/host-key";

function f64s(values: Array<f64>): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i];
  return out;
}

describe("host weights", () => {
  it("flat: w / sum, min from 1.0 and max from 0.0, list order", () => {
    const w = new Uint32Array(3);
    w[0] = 1;
    w[1] = 0;
    w[2] = 3;
    const n = hostWeights(3, w);
    expect<f64>(n.weights[0]).toBe(0.25);
    expect<f64>(n.weights[1]).toBe(0.0);
    expect<f64>(n.weights[2]).toBe(0.75);
    expect<f64>(n.min).toBe(0.25);
    expect<f64>(n.max).toBe(0.75);
    expect<i32>(n.order.length).toBe(2);
    expect<i32>(n.order[0]).toBe(0);
    expect<i32>(n.order[1]).toBe(2);
  });

  it("locality: walks hosts locality by locality", () => {
    const loc = new Int32Array(3);
    loc[0] = 1;
    loc[1] = 0;
    loc[2] = 1;
    const lw = new Uint32Array(2);
    lw[0] = 1;
    lw[1] = 3;
    const n = localityHostWeights(null, loc, lw);
    expect<i32>(n.order[0]).toBe(1);
    expect<i32>(n.order[1]).toBe(0);
    expect<i32>(n.order[2]).toBe(2);
    expect<f64>(n.weights[1]).toBe(0.25);
    expect<f64>(n.weights[0]).toBe(0.375);
  });

  it("locality index out of range or -1", () => {
    const loc = new Int32Array(2);
    loc[0] = -1;
    loc[1] = 5;
    const lw = new Uint32Array(1);
    lw[0] = 1;
    expect<HashError>(localityHostWeights(null, loc, lw).error).toBe(HashError.LengthMismatch);
    loc[1] = 0;
    expect<i32>(localityHostWeights(null, loc, lw).order.length).toBe(1);
  });

  it("pre-normalised weights: <= 0 leaves out, NaN and > 1 are errors", () => {
    expect<i32>(normalizedHostWeights(f64s([0.5, 0.0, -1.0, 0.5])).order.length).toBe(2);
    expect<HashError>(normalizedHostWeights(f64s([0.5, NaN])).error).toBe(HashError.InvalidWeight);
    expect<HashError>(normalizedHostWeights(f64s([1.5])).error).toBe(HashError.InvalidWeight);
    expect<HashError>(normalizedHostWeights(f64s([Infinity])).error).toBe(HashError.InvalidWeight);
  });

  it("pre-normalised weights give the same Maglev table and ring as integer ones", () => {
    const keys = ["127.0.0.1:90", "127.0.0.1:91"];
    const w = new Uint32Array(2);
    w[0] = 1;
    w[1] = 2;
    const norm = normalizedHostWeights(f64s([1.0 / 3.0, 2.0 / 3.0]));
    const a = buildMaglev(keys, w, 17);
    const b = buildMaglevFrom(encodeKeys(keys), norm, 17);
    for (let i = 0; i < 17; i++) expect<u32>(b.slots[i]).toBe(a.slots[i]);
    const r1 = buildRing(keys, w, 64);
    const r2 = buildRingFrom(encodeKeys(keys), norm, 64);
    expect<i32>(r2.size).toBe(r1.size);
    for (let i = 0; i < r1.size; i++) expect<u64>(r2.hashes[i]).toBe(r1.hashes[i]);
  });

  it("weights summing far above 1 cannot blow up the ring", () => {
    const r = buildRingFrom(encodeKeys(["a", "b", "c"]), normalizedHostWeights(f64s([1.0, 1.0, 1.0])), 1024, 1024);
    expect<HashError>(r.error).toBe(HashError.RingTooLarge);
  });
});
