// The pod table: Envoy's Maglev table or hash ring over the pods, one per priority level, built off the
// request path (at configure time, and again for every membership change) and never changed after, so a
// lookup per request is one hash and one index, and a table swap is one reference assignment. The choice
// equals what a native MAGLEV / RING_HASH cluster with the same endpoints picks for a route hash_policy on
// the key header: healthy hosts only, all hosts of a level in panic, priorities by Envoy's load split.
import {
  MaglevTable, HashRing, RingHashFunction, buildMaglevFrom, buildRingFrom, encodeKeys, hostWeights,
  xxh64String, xxh64Raw, HashError, HostWeights, PriorityCounts, PriorityLoad, priorityLoad,
} from "../../assembly/hash";
import { Counter } from "../../assembly/sdk";
import { StickyConfig, Algorithm, Pod, Health } from "./config";
import { canonicalAddress } from "./address";

/** One priority level's table; its slots and entries hold indices into the pod list. */
export class PodLevel {
  maglev: MaglevTable | null = null;
  ring: HashRing | null = null;

  /** Pod index for request hash `hash`; -1 when the level has no pod to choose. */
  @inline choose(hash: u64): i32 {
    const m = this.maglev;
    if (m !== null) return m.chooseHost(hash);
    const r = this.ring;
    return r !== null ? r.chooseHost(hash) : -1;
  }
}

export class PodTable {
  /** Per priority level 0..highest; empty when there are no pods. */
  levels: PodLevel[] = [];
  /** The only level, when there is one (the common case: one lookup, no priority choice). */
  single: PodLevel | null = null;
  /** How the hash space is split between levels; null unless there are several. */
  load: PriorityLoad | null = null;
  /** Fraction of the hash space each pod owns (0 for a pod left out: unhealthy, or a level without load). */
  shares: Float64Array;
  /** Per pod: its pick-mode counter (filled in by the root in pick mode). */
  picks: Counter[] = [];
  /** Levels in panic (their table takes every host, healthy or not). */
  panicLevels: i32 = 0;
  error: string = "";
  /** Pod index by canonical address, address as configured, and hostname (the first pod with it). */
  private byName: Map<string, i32> = new Map<string, i32>();

  constructor(
    /** Every pod the table knows, of every priority, in the cluster's order: what IDs and pick headers name. */
    readonly pods: Pod[],
  ) {
    this.shares = new Float64Array(pods.length);
    for (let i = 0; i < pods.length; i++) {
      const pod = pods[i];
      if (!this.byName.has(pod.address)) this.byName.set(pod.address, i);
      if (pod.written.length > 0 && !this.byName.has(pod.written)) this.byName.set(pod.written, i);
      if (pod.hostname.length > 0 && !this.byName.has(pod.hostname)) this.byName.set(pod.hostname, i);
    }
  }

  /** Pod index for request hash `hash`; -1 when there is no pod to choose. */
  @inline choose(hash: u64): i32 {
    const single = this.single;
    if (single !== null) return single.choose(hash);
    const load = this.load;
    return load !== null ? unchecked(this.levels[load.choose(hash)]).choose(hash) : -1;
  }

  /** The pod a key routes to: Envoy's header hash of a single value is XXH64(value, seed 0). */
  chooseKey(key: string): i32 {
    return this.choose(keyHash(key));
  }

  /** As chooseKey for the UTF-8 bytes [ptr, ptr + len); used by the ID generator's tight loop. */
  @inline chooseRaw(ptr: usize, len: usize): i32 {
    return this.choose(xxh64Raw(ptr, len, 0));
  }

  /** The pod a caller names (canonical or configured address, or hostname); -1 when unknown. */
  findPod(name: string): i32 {
    if (this.byName.has(name)) return this.byName.get(name);
    const canonical = canonicalAddress(name);
    if (canonical !== null && this.byName.has(canonical)) return this.byName.get(canonical);
    return -1;
  }

  /** "maglev table of 65537 slots over 3 pods" and the like, for log lines. */
  describe(config: StickyConfig): string {
    const n = this.pods.length;
    if (n == 0) return "no pod table";
    let shape: string;
    if (config.algorithm == Algorithm.Maglev) {
      shape = "maglev table of " + config.tableSize.toString() + " slots";
    } else {
      let entries = 0;
      for (let p = 0; p < this.levels.length; p++) {
        const r = this.levels[p].ring;
        if (r !== null) entries += r.size;
      }
      shape = "ring of " + entries.toString() + " entries";
    }
    shape += " over " + n.toString() + " pods";
    if (this.levels.length > 1) shape += " in " + this.levels.length.toString() + " priorities";
    if (this.panicLevels > 0) shape += " (" + this.panicLevels.toString() + " in panic: unhealthy pods included)";
    return shape;
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

/**
 * Builds the table for `pods` (every pod carries its priority, health and host key); empty pods give an
 * empty table that chooses -1. `overprovisioningFactor` is the cluster's (percent, Envoy's default 140).
 */
export function buildPodTable(config: StickyConfig, pods: Pod[], overprovisioningFactor: u32): PodTable {
  const n = pods.length;
  const table = new PodTable(pods);
  if (n == 0) return table;
  let highest = 0;
  for (let i = 0; i < n; i++) highest = max(highest, pods[i].priority);
  const levels = highest + 1;
  const counts = new Array<PriorityCounts>(levels);
  for (let p = 0; p < levels; p++) {
    let hosts: u32 = 0, healthy: u32 = 0, degraded: u32 = 0;
    const keys = new Set<string>();
    for (let i = 0; i < n; i++) {
      const pod = pods[i];
      if (pod.priority != p) continue;
      hosts++;
      if (pod.health == Health.Healthy) healthy++;
      else if (pod.health == Health.Degraded) degraded++;
      // Envoy orders equal keys unpredictably, so a shared key would make the choice unknowable.
      if (keys.has(pod.hostKey)) {
        table.error = "pods: host key \"" + pod.hostKey + "\" is used by two endpoints of priority " + p.toString() +
          " (hash_key, hostname or address must be unique)";
        return table;
      }
      keys.add(pod.hostKey);
    }
    counts[p] = new PriorityCounts(hosts, healthy, degraded);
  }
  const load = priorityLoad(counts, overprovisioningFactor, config.membership.panicThreshold);
  const hostKeys = new Array<string>(n);
  for (let i = 0; i < n; i++) hostKeys[i] = pods[i].hostKey;
  const encoded = encodeKeys(hostKeys);
  for (let p = 0; p < levels; p++) {
    const panic = load.panic[p];
    if (panic) table.panicLevels++;
    // Envoy builds a level from its healthy hosts, or from all of them in panic; weight 0 leaves a pod out.
    const weights = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const pod = pods[i];
      if (pod.priority == p && (panic || pod.health == Health.Healthy)) weights[i] = pod.weight;
    }
    const level = buildLevel(config, encoded, hostWeights(n, weights), table);
    if (table.error.length > 0) return table;
    table.levels.push(level);
    const levelShare = levels == 1 ? 1.0 : <f64>(load.healthy[p] + load.degraded[p]) / 100.0;
    addShares(level, levelShare, table.shares);
  }
  if (levels > 1) table.load = load;
  else table.single = table.levels[0];
  return table;
}

function buildLevel(config: StickyConfig, keys: Array<Uint8Array>, weights: HostWeights, table: PodTable): PodLevel {
  const level = new PodLevel();
  if (weights.error != HashError.None) {
    table.error = describe(weights.error);
    return level;
  }
  if (weights.order.length == 0) return level;
  if (config.algorithm == Algorithm.Maglev) {
    const m = buildMaglevFrom(keys, weights, config.tableSize);
    if (m.error != HashError.None || m.size == 0) table.error = describe(m.error);
    else level.maglev = m;
  } else {
    const r = buildRingFrom(keys, weights, config.minRingSize, config.maxRingSize, <RingHashFunction>config.hashFunction);
    if (r.error != HashError.None || r.size == 0) table.error = describe(r.error);
    else level.ring = r;
  }
  return level;
}

/** Adds each pod's part of `level` (Maglev: slots / M; ring: arc length / 2^64), scaled by the level's load. */
function addShares(level: PodLevel, levelShare: f64, shares: Float64Array): void {
  const m = level.maglev;
  if (m !== null) {
    // Count slots per pod first (integers, unchecked: the table only holds valid pod indices).
    const counts = new Uint32Array(shares.length);
    const slots = m.slots;
    for (let s = 0; s < <i32>m.size; s++) unchecked((counts[unchecked(slots[s])] += 1));
    for (let i = 0; i < shares.length; i++) unchecked((shares[i] += levelShare * <f64>unchecked(counts[i]) / <f64>m.size));
    return;
  }
  const r = level.ring;
  if (r === null) return;
  // Entry e owns the hashes in (hash[e-1], hash[e]]; entry 0 also owns everything above the last hash.
  const size = r.size;
  const full = 18446744073709551616.0;
  for (let e = 0; e < size; e++) {
    const high = r.hashes[e];
    const arc = e == 0 ? <f64>high + (full - <f64>r.hashes[size - 1]) : <f64>(high - r.hashes[e - 1]);
    shares[r.hosts[e]] += levelShare * arc / full;
  }
}
