// Longest-prefix-match tables for IPv4 and IPv6, built once (at configure time) and read per request.
//
// Layout: the nested prefixes are flattened into disjoint ranges, each carrying the value of the longest
// prefix covering it (or NO_VALUE), stored as sorted range starts. A lookup is one index probe on the top
// bits of the address, then a branch-light binary search inside that bucket (a handful of steps even for
// 100,000 prefixes). IPv4 and IPv6 live in separate tables; IPv4-mapped IPv6 addresses (::ffff:a.b.c.d)
// are looked up in the IPv4 table, and IPv4-mapped prefixes of length >= 96 are stored there too.
import { IpAddress, parseIp } from "./ip";

/** The value of an address no prefix covers. */
export const NO_VALUE: u32 = u32.MAX_VALUE;
/** Most prefixes one table takes (keeps configure time and memory bounded). */
export const MAX_PREFIXES: i32 = 1_000_000;

export class CidrPrefix {
  address: IpAddress = new IpAddress();
  length: i32 = 0;
}

/**
 * Parses "a.b.c.d/len", "v6/len" or a bare address (a host prefix) into `out`. Returns "" when valid, else
 * why not ("host bits set", ...): bits below the length must be zero, so a typo cannot silently widen or
 * narrow a prefix.
 */
export function parseCidr(text: string, out: CidrPrefix): string {
  const slash = text.indexOf("/");
  const end = slash < 0 ? text.length : slash;
  if (!parseIp(text, 0, end, out.address)) return "not an IPv4 or IPv6 address";
  const max = out.address.v6 ? 128 : 32;
  let length = max;
  if (slash >= 0) {
    const digits = text.length - slash - 1;
    if (digits < 1 || digits > 3) return "prefix length must be 0.." + max.toString();
    length = 0;
    for (let i = slash + 1; i < text.length; i++) {
      const d = <i32>text.charCodeAt(i) - 0x30;
      if (<u32>d >= 10) return "prefix length must be 0.." + max.toString();
      length = length * 10 + d;
    }
    if (length > max || (digits > 1 && <i32>text.charCodeAt(slash + 1) == 0x30)) return "prefix length must be 0.." + max.toString();
  }
  out.length = length;
  const a = out.address;
  const hostHi = a.v6 ? maskBelow(length) : 0;
  const hostLo = a.v6 ? maskBelow(length - 64) : (<u64>0xffffffff >> <u64>length);
  if ((a.hi & hostHi) != 0 || (a.lo & hostLo) != 0) return "host bits set below /" + length.toString();
  return "";
}

/** Bits of a 64-bit word below the first `length` bits (all of them for length <= 0). */
function maskBelow(length: i32): u64 {
  if (length <= 0) return u64.MAX_VALUE;
  if (length >= 64) return 0;
  return u64.MAX_VALUE >> <u64>length;
}

class Entry {
  constructor(
    public hi: u64,
    public lo: u64,
    /** Last address of the prefix (inclusive). */
    public endHi: u64,
    public endLo: u64,
    public length: i32,
    public value: u32,
    /** Position in insertion order, to name duplicates. */
    public index: i32,
  ) {}
}

function compareEntries(a: Entry, b: Entry): i32 {
  if (a.hi != b.hi) return a.hi < b.hi ? -1 : 1;
  if (a.lo != b.lo) return a.lo < b.lo ? -1 : 1;
  return a.length - b.length;
}

// @ts-ignore: decorator
@inline function less(aHi: u64, aLo: u64, bHi: u64, bLo: u64): bool {
  return aHi < bHi || (aHi == bHi && aLo < bLo);
}

/** Disjoint ranges as (start, value), starts strictly increasing, neighbours with equal values merged. */
class Ranges {
  hi: Array<u64> = [];
  lo: Array<u64> = [];
  values: Array<u32> = [];

  emit(hi: u64, lo: u64, value: u32): void {
    let n = this.values.length;
    if (n > 0 && unchecked(this.hi[n - 1]) == hi && unchecked(this.lo[n - 1]) == lo) {
      // A prefix starting where the previous range starts replaces it.
      this.hi.pop();
      this.lo.pop();
      this.values.pop();
      n--;
    }
    if (n > 0 && unchecked(this.values[n - 1]) == value) return;
    this.hi.push(hi);
    this.lo.push(lo);
    this.values.push(value);
  }
}

/** Flattens sorted, duplicate-free prefixes (nested or disjoint, never overlapping otherwise). */
function flatten(entries: Array<Entry>, spaceEndHi: u64, spaceEndLo: u64): Ranges {
  const out = new Ranges();
  out.emit(0, 0, NO_VALUE);
  const stack = new Array<Entry>();
  for (let i = 0; i < entries.length; i++) {
    const e = unchecked(entries[i]);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (!less(top.endHi, top.endLo, e.hi, e.lo)) break;
      stack.pop();
      closeRange(out, top, stack, spaceEndHi, spaceEndLo);
    }
    out.emit(e.hi, e.lo, e.value);
    stack.push(e);
  }
  while (stack.length > 0) {
    const top = stack.pop();
    closeRange(out, top, stack, spaceEndHi, spaceEndLo);
  }
  return out;
}

/** After `closed` ends, the enclosing prefix (or nothing) applies again. */
function closeRange(out: Ranges, closed: Entry, stack: Array<Entry>, spaceEndHi: u64, spaceEndLo: u64): void {
  if (closed.endHi == spaceEndHi && closed.endLo == spaceEndLo) return; // ends at the top of the space
  const nextLo = closed.endLo + 1;
  const nextHi = nextLo == 0 ? closed.endHi + 1 : closed.endHi;
  out.emit(nextHi, nextLo, stack.length > 0 ? stack[stack.length - 1].value : NO_VALUE);
}

/** Index bits for a table of n ranges: about one range per bucket, 1 to 16 bits (at most a 256 KiB index). */
function indexBits(n: i32): i32 {
  let bits = 1;
  while (bits < 16 && (1 << bits) < n) bits++;
  return bits;
}

const EMPTY_U32 = new StaticArray<u32>(0);
const EMPTY_U64 = new StaticArray<u64>(0);

export class CidrTable {
  // IPv4: range starts and values, and bucket -> first range index for the top v4Bits bits.
  // (Initialised empty, filled by the constructor: AssemblyScript wants every field set before `this` is used.)
  private v4Starts: StaticArray<u32> = EMPTY_U32;
  private v4Values: StaticArray<u32> = EMPTY_U32;
  private v4Index: StaticArray<u32> = EMPTY_U32;
  private v4Shift: u32 = 31;
  // IPv6: range starts as (hi, lo) pairs; buckets on the top v6Bits bits of hi.
  private v6Hi: StaticArray<u64> = EMPTY_U64;
  private v6Lo: StaticArray<u64> = EMPTY_U64;
  private v6Values: StaticArray<u32> = EMPTY_U32;
  private v6Index: StaticArray<u32> = EMPTY_U32;
  private v6Shift: u64 = 63;
  /** Prefixes the table was built from. */
  readonly size: i32;

  constructor(v4: Ranges, v6: Ranges, size: i32) {
    this.size = size;
    const n4 = v4.values.length;
    this.v4Starts = new StaticArray<u32>(n4);
    this.v4Values = new StaticArray<u32>(n4);
    for (let i = 0; i < n4; i++) {
      unchecked((this.v4Starts[i] = <u32>unchecked(v4.lo[i])));
      unchecked((this.v4Values[i] = unchecked(v4.values[i])));
    }
    const b4 = indexBits(n4);
    this.v4Shift = <u32>(32 - b4);
    this.v4Index = new StaticArray<u32>((1 << b4) + 1);
    // v4Index[k] = number of range starts below bucket k's first address.
    let r = 0;
    for (let k = 0; k <= 1 << b4; k++) {
      const first: u64 = <u64>k << <u64>this.v4Shift;
      while (r < n4 && <u64>unchecked(this.v4Starts[r]) < first) r++;
      unchecked((this.v4Index[k] = <u32>r));
    }

    const n6 = v6.values.length;
    this.v6Hi = new StaticArray<u64>(n6);
    this.v6Lo = new StaticArray<u64>(n6);
    this.v6Values = new StaticArray<u32>(n6);
    for (let i = 0; i < n6; i++) {
      unchecked((this.v6Hi[i] = unchecked(v6.hi[i])));
      unchecked((this.v6Lo[i] = unchecked(v6.lo[i])));
      unchecked((this.v6Values[i] = unchecked(v6.values[i])));
    }
    const b6 = indexBits(n6);
    this.v6Shift = <u64>(64 - b6);
    this.v6Index = new StaticArray<u32>((1 << b6) + 1);
    r = 0;
    for (let k = 0; k <= 1 << b6; k++) {
      // Bucket k starts at hi = k << shift (k == 2^b6 is one past the space: every range counts).
      const past = k == 1 << b6;
      const first: u64 = past ? 0 : <u64>k << this.v6Shift;
      while (r < n6 && (past || unchecked(this.v6Hi[r]) < first)) r++;
      unchecked((this.v6Index[k] = <u32>r));
    }
  }

  /** Value of the longest prefix covering the IPv4 address (big-endian u32), or NO_VALUE. */
  lookupV4(address: u32): u32 {
    const k = address >> this.v4Shift;
    let base = <i32>unchecked(this.v4Index[k]);
    const stop = <i32>unchecked(this.v4Index[k + 1]);
    // The answer is the last range starting at or before the address: at index base - 1 (a range that
    // began in an earlier bucket) up to stop - 1.
    let n = stop - base;
    if (n == 0) return unchecked(this.v4Values[base - 1]);
    const starts = changetype<usize>(this.v4Starts);
    while (n > 1) {
      const half = n >> 1;
      if (load<u32>(starts + (<usize>(base + half) << 2)) <= address) base += half;
      n -= half;
    }
    if (load<u32>(starts + (<usize>base << 2)) > address) base--;
    return unchecked(this.v4Values[base]);
  }

  /** Value of the longest prefix covering the IPv6 address, or NO_VALUE. */
  lookupV6(hi: u64, lo: u64): u32 {
    const k = <i32>(hi >> this.v6Shift);
    let base = <i32>unchecked(this.v6Index[k]);
    const stop = <i32>unchecked(this.v6Index[k + 1]);
    let n = stop - base;
    if (n == 0) return unchecked(this.v6Values[base - 1]);
    const his = changetype<usize>(this.v6Hi);
    const los = changetype<usize>(this.v6Lo);
    while (n > 1) {
      const half = n >> 1;
      const at = <usize>(base + half) << 3;
      const h = load<u64>(his + at);
      if (h < hi || (h == hi && load<u64>(los + at) <= lo)) base += half;
      n -= half;
    }
    const at = <usize>base << 3;
    const h = load<u64>(his + at);
    if (h > hi || (h == hi && load<u64>(los + at) > lo)) base--;
    return unchecked(this.v6Values[base]);
  }

  /** Value of the longest prefix covering the address, or NO_VALUE. */
  lookup(address: IpAddress): u32 {
    if (!address.v6) return this.lookupV4(address.v4);
    if (address.isV4Mapped) return this.lookupV4(<u32>address.lo);
    return this.lookupV6(address.hi, address.lo);
  }

  /** Bytes held by the table's arrays (for reports). */
  get memoryBytes(): i32 {
    return (this.v4Starts.length + this.v4Values.length + this.v4Index.length + this.v6Values.length + this.v6Index.length) * 4 +
      (this.v6Hi.length + this.v6Lo.length) * 8;
  }
}

export class CidrBuildResult {
  constructor(
    readonly table: CidrTable | null,
    /** Insertion positions of the first duplicate pair (-1 when none). */
    readonly duplicateFirst: i32,
    readonly duplicateSecond: i32,
  ) {}
}

/** Collects prefixes with their values, then builds a CidrTable. */
export class CidrTableBuilder {
  private v4: Array<Entry> = new Array<Entry>();
  private v6: Array<Entry> = new Array<Entry>();
  private count: i32 = 0;

  get size(): i32 {
    return this.count;
  }

  /** Adds a parsed prefix (host bits zero, as parseCidr guarantees); false past MAX_PREFIXES. */
  add(prefix: CidrPrefix, value: u32): bool {
    if (this.count >= MAX_PREFIXES) return false;
    const a = prefix.address;
    const len = prefix.length;
    const index = this.count++;
    if (!a.v6) {
      const start = a.lo;
      this.v4.push(new Entry(0, start, 0, start | (<u64>0xffffffff >> <u64>len), len, value, index));
    } else if (a.isV4Mapped && len >= 96) {
      const start = a.lo & 0xffffffff;
      this.v4.push(new Entry(0, start, 0, start | (<u64>0xffffffff >> <u64>(len - 96)), len - 96, value, index));
    } else {
      this.v6.push(new Entry(a.hi, a.lo, a.hi | maskBelow(len), a.lo | maskBelow(len - 64), len, value, index));
    }
    return true;
  }

  /** Parses and adds; returns parseCidr's error ("" when added). */
  addText(text: string, value: u32): string {
    const prefix = new CidrPrefix();
    const error = parseCidr(text, prefix);
    if (error.length > 0) return error;
    if (!this.add(prefix, value)) return "more than " + MAX_PREFIXES.toString() + " prefixes";
    return "";
  }

  /** The table, or the first pair of identical prefixes (a table cannot say which of the two should win). */
  build(): CidrBuildResult {
    this.v4.sort(compareEntries);
    this.v6.sort(compareEntries);
    for (let pass = 0; pass < 2; pass++) {
      const list = pass == 0 ? this.v4 : this.v6;
      for (let i = 1; i < list.length; i++) {
        const a = unchecked(list[i - 1]);
        const b = unchecked(list[i]);
        if (compareEntries(a, b) == 0) {
          return new CidrBuildResult(null, min(a.index, b.index), max(a.index, b.index));
        }
      }
    }
    const v4 = flatten(this.v4, 0, 0xffffffff);
    const v6 = flatten(this.v6, u64.MAX_VALUE, u64.MAX_VALUE);
    return new CidrBuildResult(new CidrTable(v4, v6, this.count), -1, -1);
  }
}
