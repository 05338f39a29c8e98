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
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (unchecked(this.hashes[mid]) < hash) lo = mid + 1;
      else hi = mid;
    }
    return lo == n ? 0 : lo;
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

/** Writes the decimal digits of v at ptr; returns how many. */
function writeDecimal(ptr: usize, v: u64): usize {
  let digits: usize = 1;
  for (let t = v; t >= 10; t /= 10) digits++;
  let p = ptr + digits;
  let t = v;
  do {
    store<u8>(--p, <u8>(0x30 + <u32>(t % 10)));
    t /= 10;
  } while (t != 0);
  return digits;
}

/** Stable LSD radix sort of (hash, host) pairs by hash, 8 bits per pass. */
function sortByHash(hashes: StaticArray<u64>, hosts: StaticArray<u32>): void {
  const n = hashes.length;
  if (n < 2) return;
  const counts = new StaticArray<u32>(8 * 256);
  for (let i = 0; i < n; i++) {
    const h = unchecked(hashes[i]);
    for (let b = 0; b < 8; b++) {
      const slot = (b << 8) | <i32>((h >> (<u64>b << 3)) & 0xff);
      unchecked((counts[slot] += 1));
    }
  }
  let srcHash = hashes;
  let srcHost = hosts;
  let dstHash = new StaticArray<u64>(n);
  let dstHost = new StaticArray<u32>(n);
  for (let b = 0; b < 8; b++) {
    const base = b << 8;
    // A byte that is the same in every hash leaves the order unchanged: skip the pass.
    if (<i32>unchecked(counts[base | <i32>((unchecked(srcHash[0]) >> (<u64>b << 3)) & 0xff)]) == n) continue;
    let sum: u32 = 0;
    for (let d = 0; d < 256; d++) {
      const c = unchecked(counts[base | d]);
      unchecked((counts[base | d] = sum));
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const h = unchecked(srcHash[i]);
      const slot = base | <i32>((h >> (<u64>b << 3)) & 0xff);
      const at = <i32>unchecked(counts[slot]);
      unchecked((counts[slot] = <u32>at + 1));
      unchecked((dstHash[at] = h));
      unchecked((dstHost[at] = unchecked(srcHost[i])));
    }
    const th = srcHash;
    srcHash = dstHash;
    dstHash = th;
    const tk = srcHost;
    srcHost = dstHost;
    dstHost = tk;
  }
  if (changetype<usize>(srcHash) != changetype<usize>(hashes)) {
    memory.copy(changetype<usize>(hashes), changetype<usize>(srcHash), <usize>n << 3);
    memory.copy(changetype<usize>(hosts), changetype<usize>(srcHost), <usize>n << 2);
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
  let minPerHost: u64 = u64.MAX_VALUE;
  let maxPerHost: u64 = 0;
  let at = 0;
  for (let k = 0; k < hostsInOrder; k++) {
    const i = unchecked(order[k]);
    const key = unchecked(keys[i]);
    const keyLen = <usize>key.length;
    memory.copy(buf, key.dataStart, keyLen);
    store<u8>(buf + keyLen, 0x5f);
    const prefix = keyLen + 1;
    const c = unchecked(counts[k]);
    for (let j: u64 = 0; j < c; j++) {
      const len = prefix + writeDecimal(buf + prefix, j);
      const h = hashFunction == RingHashFunction.MurmurHash2 ? murmur2Raw(buf, len) : xxh64Raw(buf, len, 0);
      unchecked((hashes[at] = h));
      unchecked((hosts[at] = <u32>i));
      at++;
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
