// The pod table: Envoy's Maglev table or hash ring over the configured pods, built once at configure
// time, so a lookup per request is one hash and one index. The choice equals what a native MAGLEV /
// RING_HASH cluster with the same endpoints picks for a route hash_policy on the key header.
import {
  MaglevTable, HashRing, RingHashFunction, buildMaglevFrom, buildRingFrom, encodeKeys, hostWeights,
  xxh64String, xxh64Raw, HashError,
} from "../../assembly/hash";
import { StickyConfig, Algorithm } from "./config";

export class PodTable {
  maglev: MaglevTable | null = null;
  ring: HashRing | null = null;
  /** Fraction of the hash space each pod owns (Maglev: slots / M; ring: arc length / 2^64). */
  shares: Float64Array;
  error: string = "";

  constructor(podCount: i32) {
    this.shares = new Float64Array(podCount);
  }

  /** Pod index for request hash `hash`; -1 when there are no pods. */
  @inline choose(hash: u64): i32 {
    const m = this.maglev;
    if (m !== null) return m.chooseHost(hash);
    const r = this.ring;
    return r !== null ? r.chooseHost(hash) : -1;
  }

  /** The pod a key routes to: Envoy's header hash of a single value is XXH64(value, seed 0). */
  chooseKey(key: string): i32 {
    return this.choose(keyHash(key));
  }

  /** As chooseKey for the UTF-8 bytes [ptr, ptr + len); used by the ID generator's tight loop. */
  @inline chooseRaw(ptr: usize, len: usize): i32 {
    return this.choose(xxh64Raw(ptr, len, 0));
  }
}

export function keyHash(key: string): u64 {
  return xxh64String(key, 0);
}

function describe(error: HashError): string {
  switch (error) {
    case HashError.TableSizeNotPrime: return "table_size: not a prime number";
    case HashError.TableSizeTooLarge: return "table_size: too large";
    case HashError.WeightSumTooLarge: return "pods: the weights add up to more than 4294967295";
    case HashError.RingSizeBounds: return "ring_hash: minimum_ring_size exceeds maximum_ring_size";
    case HashError.RingTooLarge: return "ring_hash: the weights need more entries than maximum_ring_size allows";
    default: return "pods: the table could not be built (error " + (<i32>error).toString() + ")";
  }
}

/** Builds the table for `config.pods` (empty pods give an empty table that chooses -1). */
export function buildPodTable(config: StickyConfig): PodTable {
  const pods = config.pods;
  const n = pods.length;
  const table = new PodTable(n);
  if (n == 0) return table;
  const keys = new Array<string>(n);
  const weights = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    keys[i] = pods[i].hostKey;
    weights[i] = pods[i].weight;
  }
  const encoded = encodeKeys(keys);
  const normalised = hostWeights(n, weights);
  if (config.algorithm == Algorithm.Maglev) {
    const m = buildMaglevFrom(encoded, normalised, config.tableSize);
    if (m.error != HashError.None || m.size == 0) {
      table.error = describe(m.error);
      return table;
    }
    table.maglev = m;
    const counts = new Float64Array(n);
    for (let s = 0; s < <i32>m.size; s++) counts[m.slots[s]] += 1.0;
    for (let i = 0; i < n; i++) table.shares[i] = counts[i] / <f64>m.size;
  } else {
    const r = buildRingFrom(encoded, normalised, config.minRingSize, config.maxRingSize, <RingHashFunction>config.hashFunction);
    if (r.error != HashError.None || r.size == 0) {
      table.error = describe(r.error);
      return table;
    }
    table.ring = r;
    // Entry e owns the hashes in (hash[e-1], hash[e]]; entry 0 also owns everything above the last hash.
    const size = r.size;
    const full = 18446744073709551616.0;
    for (let e = 0; e < size; e++) {
      const high = r.hashes[e];
      const arc = e == 0 ? <f64>high + (full - <f64>r.hashes[size - 1]) : <f64>(high - r.hashes[e - 1]);
      table.shares[r.hosts[e]] += arc / full;
    }
  }
  return table;
}
