// IP address literals as 128-bit numbers, for prefix tables. IPv4 is kept in its own 32-bit space
// (v6 = false, value in the low 32 bits of `lo`); IPv6 is `hi` (first 64 bits) and `lo` (last 64).
// Parsing is strict because the text comes from clients (x-forwarded-for) and operators:
//   IPv4: exactly four decimal octets 0..255, no leading zeros ("010.0.0.1" is ambiguous: octal to some parsers).
//   IPv6: RFC 4291 text form, at most 4 hex digits per group, one "::", optional trailing dotted IPv4;
//         no zone ("fe80::1%eth0"), no brackets (see address.ts for "[v6]:port").
// Nothing here allocates: parse into a caller-owned IpAddress.

// @ts-ignore: decorator
@inline const DOT: i32 = 0x2e;
// @ts-ignore: decorator
@inline const COLON: i32 = 0x3a;
/** "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255" */
export const MAX_IP_TEXT: i32 = 45;

export class IpAddress {
  v6: bool = false;
  hi: u64 = 0;
  lo: u64 = 0;

  setV4(value: u32): void {
    this.v6 = false;
    this.hi = 0;
    this.lo = <u64>value;
  }

  setV6(hi: u64, lo: u64): void {
    this.v6 = true;
    this.hi = hi;
    this.lo = lo;
  }

  /** The IPv4 address as a big-endian u32 (meaningful when !v6). */
  get v4(): u32 {
    return <u32>this.lo;
  }

  /** True for ::ffff:a.b.c.d, how dual-stack sockets report IPv4 clients. */
  get isV4Mapped(): bool {
    return this.v6 && this.hi == 0 && (this.lo >> 32) == 0xffff;
  }
}

function hexValue(c: i32): i32 {
  const d = c - 0x30;
  if (<u32>d < 10) return d;
  const l = (c | 0x20) - 0x61;
  if (<u32>l < 6) return l + 10;
  return -1;
}

/** Dotted-quad IPv4 in s[start, end) as a u32 in the low bits, or -1 when it is not one. */
export function parseIpv4(s: string, start: i32, end: i32): i64 {
  if (end - start < 7 || end - start > 15) return -1;
  let result: u32 = 0;
  let i = start;
  for (let octet = 0; octet < 4; octet++) {
    if (octet > 0) {
      if (i >= end || <i32>s.charCodeAt(i) != DOT) return -1;
      i++;
    }
    const first = i;
    let v: u32 = 0;
    while (i < end && i - first < 4) {
      const d = <u32>s.charCodeAt(i) - 0x30;
      if (d >= 10) break;
      v = v * 10 + d;
      i++;
    }
    const digits = i - first;
    if (digits == 0 || digits > 3 || v > 255) return -1;
    if (digits > 1 && <i32>s.charCodeAt(first) == 0x30) return -1;
    result = (result << 8) | v;
  }
  return i == end ? <i64>result : -1;
}

const groups = new StaticArray<u16>(8);

/** IPv6 text in s[start, end) into `out`; false when it is not one. */
export function parseIpv6(s: string, start: i32, end: i32, out: IpAddress): bool {
  if (end - start < 2 || end - start > MAX_IP_TEXT) return false;
  let i = start;
  let count = 0; // groups written
  let gap = -1; // group index where "::" stands
  if (<i32>s.charCodeAt(i) == COLON) {
    if (<i32>s.charCodeAt(i + 1) != COLON) return false;
    gap = 0;
    i += 2;
  }
  while (i < end) {
    if (count == 8) return false;
    let j = i;
    let v: u32 = 0;
    while (j < end && j - i < 5) {
      const h = hexValue(<i32>s.charCodeAt(j));
      if (h < 0) break;
      v = (v << 4) | <u32>h;
      j++;
    }
    if (j < end && <i32>s.charCodeAt(j) == DOT) {
      // The last 32 bits written as IPv4.
      if (count > 6) return false;
      const v4 = parseIpv4(s, i, end);
      if (v4 < 0) return false;
      unchecked((groups[count++] = <u16>(v4 >> 16)));
      unchecked((groups[count++] = <u16>v4));
      i = end;
      break;
    }
    if (j == i || j - i > 4) return false;
    unchecked((groups[count++] = <u16>v));
    i = j;
    if (i == end) break;
    if (<i32>s.charCodeAt(i) != COLON) return false;
    i++;
    if (i == end) return false; // a single trailing ':'
    if (<i32>s.charCodeAt(i) == COLON) {
      if (gap >= 0) return false;
      gap = count;
      i++;
    }
  }
  if (gap >= 0) {
    if (count == 8) return false; // "::" stands for at least one zero group
    const moved = count - gap;
    for (let k = 1; k <= moved; k++) unchecked((groups[8 - k] = groups[count - k]));
    for (let k = gap; k < 8 - moved; k++) unchecked((groups[k] = 0));
  } else if (count != 8) {
    return false;
  }
  let hi: u64 = 0;
  let lo: u64 = 0;
  for (let k = 0; k < 4; k++) hi = (hi << 16) | <u64>unchecked(groups[k]);
  for (let k = 4; k < 8; k++) lo = (lo << 16) | <u64>unchecked(groups[k]);
  out.setV6(hi, lo);
  return true;
}

/** IPv4 or IPv6 text in s[start, end) into `out`; false when it is neither. */
export function parseIp(s: string, start: i32, end: i32, out: IpAddress): bool {
  if (start < 0 || end > s.length || start >= end) return false;
  // IPv6 has a ':' before any '.'; IPv4 has no ':' at all.
  for (let i = start; i < end; i++) {
    const c = <i32>s.charCodeAt(i);
    if (c == COLON) return parseIpv6(s, start, end, out);
    if (c == DOT) break;
  }
  const v4 = parseIpv4(s, start, end);
  if (v4 < 0) return false;
  out.setV4(<u32>v4);
  return true;
}

/** parseIp over the whole string. */
export function parseIpText(s: string, out: IpAddress): bool {
  return parseIp(s, 0, s.length, out);
}
