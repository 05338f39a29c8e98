// Node-facing entry for the hash module (tests/hash/*.test.ts, bench/hash.bench.ts), compiled with
// JS bindings to dist/tools/hash.{wasm,js}. Host lists cross the boundary as one "\n"-joined
// string; built tables stay inside wasm behind small integer handles.

import { xxh64, xxh64String } from "../../assembly/hash/xxh64";
import { murmur2 } from "../../assembly/hash/murmur2";
import { MaglevTable, buildMaglev } from "../../assembly/hash/maglev";
import { HashRing, RingHashFunction, buildRing } from "../../assembly/hash/ring-hash";
import { headerValuesHash } from "../../assembly/hash/request-hash";
import { hostAddressString } from "../../assembly/hash/host-key";

const maglevTables = new Array<MaglevTable>();
const rings = new Array<HashRing>();

function splitKeys(joined: string): Array<string> {
  return joined.length == 0 ? new Array<string>() : joined.split("\n");
}

function copyU32(src: StaticArray<u32>): Uint32Array {
  const out = new Uint32Array(src.length);
  memory.copy(out.dataStart, changetype<usize>(src), <usize>src.length << 2);
  return out;
}

/** The table behind a handle, or an empty one for an unknown handle. */
function maglevAt(handle: i32): MaglevTable {
  return handle >= 0 && handle < maglevTables.length ? maglevTables[handle] : new MaglevTable(0, new StaticArray<u32>(0));
}

function ringAt(handle: i32): HashRing {
  return handle >= 0 && handle < rings.length ? rings[handle] : new HashRing(new StaticArray<u64>(0), new StaticArray<u32>(0), 0, 0);
}

function weightsOrNull(weights: Uint32Array): Uint32Array | null {
  return weights.length == 0 ? null : weights;
}

export function xxh64Of(data: Uint8Array, seed: u64): u64 {
  return xxh64(data, seed);
}

export function xxh64OfString(s: string, seed: u64): u64 {
  return xxh64String(s, seed);
}

export function murmur2Of(data: Uint8Array, seed: u64): u64 {
  return murmur2(data, seed);
}

/** Header policy hash of "\n"-joined values. */
export function headerHash(valuesJoined: string): u64 {
  return headerValuesHash(splitKeys(valuesJoined));
}

/** Envoy's address string, "" when invalid. */
export function addressString(ip: string, port: i32): string {
  const s = hostAddressString(ip, port);
  return s === null ? "" : changetype<string>(s);
}

/** Builds a Maglev table (weights empty = all 1); returns a handle, or -(HashError) on failure. */
export function maglevBuild(keysJoined: string, weights: Uint32Array, tableSize: u32): i32 {
  const t = buildMaglev(splitKeys(keysJoined), weightsOrNull(weights), tableSize);
  if (t.error != 0) return -(<i32>t.error);
  maglevTables.push(t);
  return maglevTables.length - 1;
}

export function maglevSlots(handle: i32): Uint32Array {
  return copyU32(maglevAt(handle).slots);
}

export function maglevChoose(handle: i32, hash: u64, attempt: u32): i32 {
  return maglevAt(handle).chooseHost(hash, attempt);
}

/** Host index for XXH64 of each "\n"-joined key, as a request hash. */
export function maglevChooseKeys(handle: i32, keysJoined: string): Int32Array {
  const keys = splitKeys(keysJoined);
  const out = new Int32Array(keys.length);
  const t = maglevAt(handle);
  for (let i = 0; i < keys.length; i++) out[i] = t.chooseHost(xxh64String(unchecked(keys[i])));
  return out;
}

export function maglevRelease(handle: i32): void {
  if (handle >= 0 && handle < maglevTables.length) maglevTables[handle] = new MaglevTable(0, new StaticArray<u32>(0));
}

/** Builds a hash ring (function 0 XX_HASH, 1 MURMUR_HASH_2); a handle, or -(HashError). */
export function ringBuild(keysJoined: string, weights: Uint32Array, minSize: u64, maxSize: u64, hashFunction: i32): i32 {
  const r = buildRing(splitKeys(keysJoined), weightsOrNull(weights), minSize, maxSize, <RingHashFunction>hashFunction);
  if (r.error != 0) return -(<i32>r.error);
  rings.push(r);
  return rings.length - 1;
}

export function ringHashes(handle: i32): Uint64Array {
  const src = ringAt(handle).hashes;
  const out = new Uint64Array(src.length);
  memory.copy(out.dataStart, changetype<usize>(src), <usize>src.length << 3);
  return out;
}

export function ringHosts(handle: i32): Uint32Array {
  return copyU32(ringAt(handle).hosts);
}

export function ringChoose(handle: i32, hash: u64, attempt: u32): i32 {
  return ringAt(handle).chooseHost(hash, attempt);
}

// ---- benchmark loops: the whole loop runs inside wasm, so the JS<->wasm call cost is paid once ----

// @ts-ignore: decorator
@inline function nextHash(x: u64): u64 {
  // splitmix64: spreads consecutive counters over the whole 64-bit range.
  let z = x * 0x9e3779b97f4a7c15;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

/** Builds the same Maglev table `iterations` times; returns a checksum so nothing is elided. */
export function benchMaglevBuild(keysJoined: string, tableSize: u32, iterations: i32): u32 {
  const keys = splitKeys(keysJoined);
  let sum: u32 = 0;
  for (let i = 0; i < iterations; i++) {
    const t = buildMaglev(keys, null, tableSize);
    sum += t.slots.length > 0 ? unchecked(t.slots[i % t.slots.length]) : 0;
  }
  return sum;
}

/** `count` lookups of splitmix64 hashes; returns a checksum. */
export function benchMaglevLookups(handle: i32, count: i32): i64 {
  const t = maglevAt(handle);
  let sum: i64 = 0;
  for (let i = 0; i < count; i++) sum += t.chooseHost(nextHash(<u64>i));
  return sum;
}

/** The splitmix64 generation alone, to subtract from the lookup loops. */
export function benchHashGeneration(count: i32): i64 {
  let sum: i64 = 0;
  for (let i = 0; i < count; i++) sum += <i64>(nextHash(<u64>i) & 7);
  return sum;
}

export function benchRingBuild(keysJoined: string, minSize: u64, maxSize: u64, hashFunction: i32, iterations: i32): u32 {
  const keys = splitKeys(keysJoined);
  let sum: u32 = 0;
  for (let i = 0; i < iterations; i++) {
    const r = buildRing(keys, null, minSize, maxSize, <RingHashFunction>hashFunction);
    sum += r.hosts.length > 0 ? unchecked(r.hosts[i % r.hosts.length]) : 0;
  }
  return sum;
}

export function benchRingLookups(handle: i32, count: i32): i64 {
  const r = ringAt(handle);
  let sum: i64 = 0;
  for (let i = 0; i < count; i++) sum += r.chooseHost(nextHash(<u64>i));
  return sum;
}

/** XXH64 of `data` `iterations` times, each seeded with the previous result. */
export function benchXxh64(data: Uint8Array, iterations: i32): u64 {
  let h: u64 = 0;
  for (let i = 0; i < iterations; i++) h = xxh64(data, h);
  return h;
}

/** XXH64 of a string (UTF-8 through the scratch area) `iterations` times. */
export function benchXxh64String(s: string, iterations: i32): u64 {
  let h: u64 = 0;
  for (let i = 0; i < iterations; i++) h = xxh64String(s, h);
  return h;
}
