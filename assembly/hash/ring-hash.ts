// Envoy's ring hash (source/extensions/load_balancing_policies/ring_hash/ring_hash_lb.cc), built so
// that a lookup names the same host Envoy's native RING_HASH cluster picks for request hash h.
// Entries carry indices into the caller's host list.

import { xxh64Raw } from "./xxh64";
import { murmur2Raw } from "./murmur2";
import { HashError } from "./hash-error";
import { HostWeights, hostWeights } from "./host-weights";
import { encodeKeys } from "./host-key";

/** Envoy's default minimum_ring_size. */
export const RING_DEFAULT_MIN_SIZE: u64 = 1024;
/** Envoy's default maximum_ring_size, also the largest its config accepts. */
export const RING_DEFAULT_MAX_SIZE: u64 = 8388608;
export const RING_MAX_SIZE_LIMIT: u64 = 8388608;

/** RingHash.hash_function. */
export enum RingHashFunction {
  XxHash = 0,
  MurmurHash2 = 1,
}

export class HashRing {
  constructor(
    /** Entry hashes, ascending. */
    readonly hashes: StaticArray<u64>,
    /** Host index (into the list given to the build) of each entry. */
    readonly hosts: StaticArray<u32>,
    /** Envoy's ring_hash_lb.min_hashes_per_host / max_hashes_per_host gauges. */
    readonly minHashesPerHost: u64,
    readonly maxHashesPerHost: u64,
    readonly error: HashError = HashError.None,
  ) {}

  get size(): i32 {
    return this.hashes.length;
  }

  /**
   * Ring position Envoy's ketama search lands on for `hash`: the first entry whose hash is >= it,
   * wrapping to 0 past the end; -1 on an empty ring.
   */
  position(hash: u64): i32 {
    const n = this.hashes.length;
    if (n == 0) return -1;
    // Branch-free lower bound: the comparisons are unpredictable, so selects beat branches.
    const base0 = changetype<usize>(this.hashes);
    let base = base0;
    let len = <usize>n;
    while (len > 1) {
      const half = len >> 1;
      base = select<usize>(base + (half << 3), base, load<u64>(base + ((half - 1) << 3)) < hash);
      len -= half;
    }
    const p = <i32>((base - base0) >> 3) + i32(load<u64>(base) < hash);
    return p == n ? 0 : p;
  }

  /**
   * The host index Envoy chooses for request hash `hash` on host-selection attempt `attempt`
   * (retries step to the following ring entries); -1 on an empty ring.
   */
  chooseHost(hash: u64, attempt: u32 = 0): i32 {
    let p = this.position(hash);
    if (p < 0) return -1;
    if (attempt > 0) p = <i32>((<u64>p + <u64>attempt) % <u64>this.hashes.length);
    return <i32>unchecked(this.hosts[p]);
  }
}

function emptyRing(error: HashError): HashRing {
  return new HashRing(new StaticArray<u64>(0), new StaticArray<u32>(0), 0, 0, error);
}

/**
 * Adds one to the decimal number of `digits` ASCII digits at ptr, in place; returns the new digit
 * count (one more when it carries out, e.g. 99 -> 100). Counting this way avoids a division per entry.
 */
function incrementDecimal(ptr: usize, digits: usize): usize {
  let p = ptr + digits;
  while (p > ptr) {
    p--;
    const d = load<u8>(p);
    if (d != 0x39) {
      store<u8>(p, d + 1);
      return digits;
    }
    store<u8>(p, 0x30);
  }
  // All nines: now a one followed by zeros.
  store<u8>(ptr, 0x31);
  store<u8>(ptr + digits, 0x30);
  return digits + 1;
}

/**
 * Stable LSD radix sort of (hash, host) pairs by hash, 8 bits per pass. The loops address the
 * arrays through raw pointers: managed references in a loop cost a shadow-stack store per use.
 */
function sortByHash(hashes: StaticArray<u64>, hosts: StaticArray<u32>): void {
  const n = <usize>hashes.length;
  if (n < 2) return;
  const countsArray = new StaticArray<u32>(8 * 256);
  const spareHashes = new StaticArray<u64>(<i32>n);
  const spareHosts = new StaticArray<u32>(<i32>n);
  const counts = changetype<usize>(countsArray);
  for (let i: usize = 0; i < n; i++) {
    const h = load<u64>(changetype<usize>(hashes) + (i << 3));
    for (let b: usize = 0; b < 8; b++) {
      const at = counts + (((b << 8) | <usize>((h >> (<u64>b << 3)) & 0xff)) << 2);
      store<u32>(at, load<u32>(at) + 1);
    }
  }
  let srcHash = changetype<usize>(hashes);
  let srcHost = changetype<usize>(hosts);
  let dstHash = changetype<usize>(spareHashes);
  let dstHost = changetype<usize>(spareHosts);
  for (let b: usize = 0; b < 8; b++) {
    const table = counts + (b << 10);
    const shift = <u64>b << 3;
    // A byte that is the same in every hash leaves the order unchanged: skip the pass.
    if (<usize>load<u32>(table + (<usize>((load<u64>(srcHash) >> shift) & 0xff) << 2)) == n) continue;
    let sum: u32 = 0;
    for (let d: usize = 0; d < 256; d++) {
      const c = load<u32>(table + (d << 2));
      store<u32>(table + (d << 2), sum);
      sum += c;
    }
    for (let i: usize = 0; i < n; i++) {
      const h = load<u64>(srcHash + (i << 3));
      const slot = table + (<usize>((h >> shift) & 0xff) << 2);
      const to = <usize>load<u32>(slot);
      store<u32>(slot, <u32>to + 1);
      store<u64>(dstHash + (to << 3), h);
      store<u32>(dstHost + (to << 2), load<u32>(srcHost + (i << 2)));
    }
    const th = srcHash;
    srcHash = dstHash;
    dstHash = th;
    const tk = srcHost;
    srcHost = dstHost;
    dstHost = tk;
  }
  if (srcHash != changetype<usize>(hashes)) {
    memory.copy(changetype<usize>(hashes), srcHash, n << 3);
    memory.copy(changetype<usize>(hosts), srcHost, n << 2);
  }
}

/**
 * Builds Envoy's hash ring for hosts with UTF-8 `keys` (host-key.ts) and normalised `weights`
 * (host-weights.ts); hosts are walked in `weights.order`, which must be Envoy's host order (the
 * order endpoints are listed in; it decides which hosts get the fractional extra entries).
 */
export function buildRingFrom(
  keys: Array<Uint8Array>,
  weights: HostWeights,
  minRingSize: u64 = RING_DEFAULT_MIN_SIZE,
  maxRingSize: u64 = RING_DEFAULT_MAX_SIZE,
  hashFunction: RingHashFunction = RingHashFunction.XxHash,
): HashRing {
  if (minRingSize > maxRingSize || maxRingSize > RING_MAX_SIZE_LIMIT) return emptyRing(HashError.RingSizeBounds);
  if (weights.error != HashError.None) return emptyRing(weights.error);
  if (weights.weights.length != keys.length) return emptyRing(HashError.LengthMismatch);
  const order = weights.order;
  const hostsInOrder = order.length;
  if (hostsInOrder == 0) return emptyRing(HashError.None);

  // Scale so the lightest host gets a whole number of entries, capped at the maximum size.
  const minW = weights.min;
  const scale = Math.min(Math.ceil(minW * <f64>minRingSize) / minW, <f64>maxRingSize);

  // Envoy pushes entries while current < target, with current counting up by 1.0 from 0.0 and
  // target accumulating scale * w. As current is a whole number, a host's entry count is
  // ceil(target) - current (or 0): count first, so the ring is sized exactly and bounded.
  const counts = new StaticArray<u64>(hostsInOrder);
  let current: f64 = 0.0;
  let target: f64 = 0.0;
  let total: u64 = 0;
  let longestKey = 0;
  const limit = <f64>maxRingSize + <f64>hostsInOrder;
  for (let k = 0; k < hostsInOrder; k++) {
    const i = unchecked(order[k]);
    target += scale * unchecked(weights.weights[i]);
    const end = Math.ceil(target);
    if (!(end <= limit)) return emptyRing(HashError.RingTooLarge);
    if (current < end) {
      const c = <u64>(end - current);
      unchecked((counts[k] = c));
      total += c;
      current = end;
    }
    const len = unchecked(keys[i]).length;
    if (len > longestKey) longestKey = len;
  }

  const n = <i32>total;
  const hashes = new StaticArray<u64>(n);
  const hosts = new StaticArray<u32>(n);
  // Key bytes, '_', then the entry number in decimal (at most 20 digits).
  const buffer = new StaticArray<u8>(longestKey + 21);
  const buf = changetype<usize>(buffer);
  const hashesPtr = changetype<usize>(hashes);
  const hostsPtr = changetype<usize>(hosts);
  let minPerHost: u64 = u64.MAX_VALUE;
  let maxPerHost: u64 = 0;
  let at: usize = 0;
  for (let k = 0; k < hostsInOrder; k++) {
    const i = unchecked(order[k]);
    const key = unchecked(keys[i]);
    const keyLen = <usize>key.length;
    memory.copy(buf, key.dataStart, keyLen);
    store<u8>(buf + keyLen, 0x5f);
    const prefix = keyLen + 1;
    store<u8>(buf + prefix, 0x30); // entry number 0
    let digits: usize = 1;
    const c = unchecked(counts[k]);
    const murmur = hashFunction == RingHashFunction.MurmurHash2;
    for (let j: u64 = 0; j < c; j++) {
      const len = prefix + digits;
      store<u64>(hashesPtr + (at << 3), murmur ? murmur2Raw(buf, len) : xxh64Raw(buf, len, 0));
      store<u32>(hostsPtr + (at << 2), <u32>i);
      at++;
      digits = incrementDecimal(buf + prefix, digits);
    }
    if (c < minPerHost) minPerHost = c;
    if (c > maxPerHost) maxPerHost = c;
  }
  // Envoy's std::sort compares hashes only; equal hashes (only from hosts sharing a key) keep
  // list order here, while Envoy's order for them is unspecified.
  sortByHash(hashes, hosts);
  // Envoy starts the minimum at the ring size (ceil(scale)).
  const ringSize = <u64>Math.ceil(scale);
  if (ringSize < minPerHost) minPerHost = ringSize;
  return new HashRing(hashes, hosts, minPerHost, maxPerHost);
}

/**
 * Convenience form: string keys (hashed as UTF-8) and integer endpoint weights (null: all 1;
 * 0: host left out), normalised without locality weighting, hosts in list order.
 */
export function buildRing(
  keys: Array<string>,
  weights: Uint32Array | null = null,
  minRingSize: u64 = RING_DEFAULT_MIN_SIZE,
  maxRingSize: u64 = RING_DEFAULT_MAX_SIZE,
  hashFunction: RingHashFunction = RingHashFunction.XxHash,
): HashRing {
  return buildRingFrom(encodeKeys(keys), hostWeights(keys.length, weights), minRingSize, maxRingSize, hashFunction);
}
