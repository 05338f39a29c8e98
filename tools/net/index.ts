// Node-facing entry for the net module (bench/feature-group.bench.ts): builds a large random prefix table
// inside wasm and times lookups in a loop there, so the figure is the lookup itself, not the JS boundary.
import { IpAddress, parseIpText } from "../../assembly/net/ip";
import { CidrPrefix, CidrTable, CidrTableBuilder, NO_VALUE } from "../../assembly/net/cidr";

let table: CidrTable | null = null;
let state: u64 = 1;

function next(): u64 {
  // xorshift64: cheap and deterministic, good enough to spread probes.
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}

/**
 * Builds a table of `count` distinct random prefixes (IPv4 lengths 8..32, mostly 16..24; a share `v6Percent`
 * of IPv6 prefixes, lengths 16..64) with values 0..249 (a country index). Returns the table's size in bytes.
 */
export function buildRandomTable(count: i32, v6Percent: i32, seed: u64): i32 {
  state = seed | 1;
  const b = new CidrTableBuilder();
  const seen = new Set<string>();
  const p = new CidrPrefix();
  while (b.size < count) {
    const r = next();
    if (<i32>(r % 100) < v6Percent) {
      const len = 16 + <i32>((r >> 8) % 49);
      let hi = (next() & 0x1fffffffffffffff) | 0x2000000000000000;
      hi &= len >= 64 ? u64.MAX_VALUE : u64.MAX_VALUE << <u64>(64 - len);
      const key = "6:" + hi.toString() + "/" + len.toString();
      if (seen.has(key)) continue;
      seen.add(key);
      p.address.setV6(hi, 0);
      p.length = len;
    } else {
      const pick = <i32>((r >> 8) % 10);
      const len = pick < 7 ? 16 + <i32>((r >> 16) % 9) : 8 + <i32>((r >> 16) % 25);
      let v = <u32>next();
      v &= <u32>(<u64>0xffffffff << <u64>(32 - len));
      const key = "4:" + v.toString() + "/" + len.toString();
      if (seen.has(key)) continue;
      seen.add(key);
      p.address.setV4(v);
      p.length = len;
    }
    b.add(p, <u32>(next() % 250));
  }
  const built = b.build();
  table = built.table;
  return table !== null ? table!.memoryBytes : -1;
}

/** `iterations` IPv4 lookups of pseudo-random addresses; returns how many found a prefix (keeps the loop alive). */
export function lookupLoopV4(iterations: i32, seed: u64): i32 {
  const t = table;
  if (t === null) return -1;
  let x: u32 = <u32>seed | 1;
  let found = 0;
  for (let i = 0; i < iterations; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    if (t.lookupV4(x) != NO_VALUE) found++;
  }
  return found;
}

/** As lookupLoopV4 with IPv6 addresses inside 2000::/3. */
export function lookupLoopV6(iterations: i32, seed: u64): i32 {
  const t = table;
  if (t === null) return -1;
  let x: u64 = seed | 1;
  let found = 0;
  for (let i = 0; i < iterations; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    if (t.lookupV6((x & 0x1fffffffffffffff) | 0x2000000000000000, x) != NO_VALUE) found++;
  }
  return found;
}

/** The empty loop of lookupLoopV4 (the generator alone), to subtract. */
export function emptyLoopV4(iterations: i32, seed: u64): i32 {
  let x: u32 = <u32>seed | 1;
  let acc: u32 = 0;
  for (let i = 0; i < iterations; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    acc += x & 1;
  }
  return <i32>acc;
}

const probe = new IpAddress();

/** Value for an address text in the current table: -1 when no prefix covers it, -2 when it is not an address. */
export function lookupText(ip: string): i32 {
  const t = table;
  if (t === null || !parseIpText(ip, probe)) return -2;
  const v = t.lookup(probe);
  return v == NO_VALUE ? -1 : <i32>v;
}
