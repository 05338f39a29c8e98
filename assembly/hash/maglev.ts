// Envoy's Maglev table (source/extensions/load_balancing_policies/maglev/maglev_lb.cc), built so
// that table[h % M] names the same host Envoy's native MAGLEV cluster picks for request hash h.
// The table holds indices into the caller's host list, so callers map straight back to their pods.

import { xxh64 } from "./xxh64";
import { HashError } from "./hash-error";
import { HostWeights, hostWeights } from "./host-weights";
import { encodeKeys } from "./host-key";
import { compareBytes } from "./compare-bytes";

/** Envoy's default table size (a prime; section 5.3 of the Maglev paper). */
export const MAGLEV_DEFAULT_TABLE_SIZE: u32 = 65537;
/** Largest table size Envoy's config accepts. */
export const MAGLEV_MAX_TABLE_SIZE: u32 = 5000011;

export class MaglevTable {
  constructor(
    /** Table size M (0 when the build failed or there were no hosts). */
    readonly size: u32,
    /** Host index (into the list given to the build) for each slot. */
    readonly slots: StaticArray<u32>,
    readonly error: HashError = HashError.None,
  ) {}

  /**
   * The host index Envoy chooses for request hash `hash` on host-selection attempt `attempt`
   * (0 first; retries with a retry host predicate use 1, 2, ...); -1 when the table is empty.
   */
  chooseHost(hash: u64, attempt: u32 = 0): i32 {
    const m = this.size;
    if (m == 0) return -1;
    // Envoy: hash ^= ~0ULL - attempt + 1, i.e. 2^64 - attempt.
    const h = attempt > 0 ? hash ^ (0 - <u64>attempt) : hash;
    return <i32>unchecked(this.slots[<i32>(h % <u64>m)]);
  }
}

function emptyTable(error: HashError): MaglevTable {
  return new MaglevTable(0, new StaticArray<u32>(0), error);
}

/** Deterministic primality test (trial division is plenty below MAGLEV_MAX_TABLE_SIZE). */
export function isPrime(n: u32): bool {
  if (n < 2) return false;
  if (n < 4) return true;
  if ((n & 1) == 0 || n % 3 == 0) return false;
  for (let d: u32 = 5; d * d <= n; d += 6) {
    if (n % d == 0 || n % (d + 2) == 0) return false;
  }
  return true;
}

// Layout of one entry's build state (see buildMaglevFrom).
// @ts-ignore: decorator
@inline const ENTRY_BYTES: usize = 32;
// @ts-ignore: decorator
@inline const WEIGHT: usize = 0;
// @ts-ignore: decorator
@inline const TARGET: usize = 8;
// @ts-ignore: decorator
@inline const HOST: usize = 16;
// @ts-ignore: decorator
@inline const SKIP: usize = 20;
// @ts-ignore: decorator
@inline const POSITION: usize = 24;

/** A host's key bytes and list index, for the byte-wise ordering of the build. */
class KeyedHost {
  constructor(readonly key: Uint8Array, readonly index: i32) {}
}

/**
 * Envoy std::sorts (key, host pointer, weight) tuples: byte-wise by key. Equal keys (a
 * misconfiguration) fall back to pointer order there, which is unknowable; list order is used here.
 */
function compareKeyedHosts(a: KeyedHost, b: KeyedHost): i32 {
  const c = compareBytes(a.key, b.key);
  return c != 0 ? c : a.index - b.index;
}

/**
 * Builds the Maglev table for hosts with UTF-8 `keys` (see host-key.ts for what the key is) and
 * normalised `weights` (host-weights.ts). `tableSize` must be prime and at most
 * MAGLEV_MAX_TABLE_SIZE. Keys must be the hosts Envoy builds from (healthy ones, or all in panic).
 */
export function buildMaglevFrom(keys: Array<Uint8Array>, weights: HostWeights, tableSize: u32 = MAGLEV_DEFAULT_TABLE_SIZE): MaglevTable {
  if (tableSize > MAGLEV_MAX_TABLE_SIZE) return emptyTable(HashError.TableSizeTooLarge);
  if (!isPrime(tableSize)) return emptyTable(HashError.TableSizeNotPrime);
  if (weights.error != HashError.None) return emptyTable(weights.error);
  if (weights.weights.length != keys.length) return emptyTable(HashError.LengthMismatch);
  const n = weights.order.length;
  if (n == 0) return emptyTable(HashError.None);

  const m = tableSize;
  const slots = new StaticArray<u32>(<i32>m);

  // Entries in byte-wise key order: this order drives the fill, which is why the table does not
  // depend on the order hosts are listed in.
  const sorted = new Array<KeyedHost>(n);
  for (let k = 0; k < n; k++) {
    const i = unchecked(weights.order[k]);
    unchecked((sorted[k] = new KeyedHost(unchecked(keys[i]), i)));
  }
  sorted.sort(compareKeyedHosts);

  if (n == 1) {
    // Envoy keeps a one-host "degenerate" table; every slot naming that host is equivalent.
    const only = <u32>unchecked(sorted[0]).index;
    for (let c: u32 = 0; c < m; c++) unchecked((slots[<i32>c] = only));
    return new MaglevTable(m, slots);
  }

  // Per-entry build state, packed in one block and addressed through raw pointers: managed
  // references used inside the fill loop would cost a shadow-stack store per use.
  const state = new StaticArray<u8>(<i32>(<usize>n * ENTRY_BYTES));
  const base = changetype<usize>(state);
  for (let k = 0; k < n; k++) {
    const e = unchecked(sorted[k]);
    const key = e.key;
    const at = base + <usize>k * ENTRY_BYTES;
    store<f64>(at, unchecked(weights.weights[e.index]), WEIGHT);
    store<f64>(at, 0.0, TARGET);
    store<u32>(at, <u32>e.index, HOST);
    // Envoy computes (offset + skip * next) % M for next = 0, 1, 2, ...; stepping by skip modulo
    // M visits the same slots without a 64-bit division per probe.
    store<u32>(at, <u32>(xxh64(key, 0) % <u64>m), POSITION);
    store<u32>(at, <u32>(xxh64(key, 1) % <u64>(m - 1)) + 1, SKIP);
  }
  // One byte per slot marks it taken: a quarter of the table's footprint, so probes stay in cache.
  const takenArray = new StaticArray<u8>(<i32>m);
  const taken = changetype<usize>(takenArray);
  const table = changetype<usize>(slots);
  const end = base + <usize>n * ENTRY_BYTES;

  const maxWeight = weights.max;
  let filled: u32 = 0;
  for (let iteration: u32 = 1; filled < m; iteration++) {
    for (let at = base; at < end && filled < m; at += ENTRY_BYTES) {
      // A host of weight max_w / r takes a slot every r-th iteration; same double arithmetic as Envoy.
      const target = load<f64>(at, TARGET);
      if (<f64>iteration * load<f64>(at, WEIGHT) < target) continue;
      store<f64>(at, target + maxWeight, TARGET);
      const step = load<u32>(at, SKIP);
      let c = load<u32>(at, POSITION);
      while (load<u8>(taken + <usize>c) != 0) {
        c += step;
        if (c >= m) c -= m;
      }
      store<u32>(table + (<usize>c << 2), load<u32>(at, HOST));
      store<u8>(taken + <usize>c, 1);
      c += step;
      if (c >= m) c -= m;
      store<u32>(at, c, POSITION);
      filled++;
    }
  }
  return new MaglevTable(m, slots);
}

/**
 * Convenience form: string keys (hashed as UTF-8) and integer endpoint weights (null: all 1;
 * 0: host left out), normalised without locality weighting.
 */
export function buildMaglev(keys: Array<string>, weights: Uint32Array | null = null, tableSize: u32 = MAGLEV_DEFAULT_TABLE_SIZE): MaglevTable {
  return buildMaglevFrom(encodeKeys(keys), hostWeights(keys.length, weights), tableSize);
}
