// Envoy's address string for an IP endpoint (Address::Instance::asString()), the default host key
// for Maglev and ring hash: "10.0.0.1:8080" or "[2001:db8::1]:8080". Envoy parses the configured
// address with inet_pton and prints it back with inet_ntop, so a non-canonical IPv6 spelling in
// config ("2001:0db8:0:0::1") is hashed in its canonical form ("2001:db8::1"); we do the same.
// Scoped IPv6 addresses ("fe80::1%eth0") are not supported (null).

/** Longest IP literal we accept (IPv6 with embedded IPv4 is at most 45 characters). */
const MAX_IP_LITERAL: i32 = 45;

// @ts-ignore: decorator
@inline function isDigit(c: i32): bool {
  return c >= 0x30 && c <= 0x39;
}

function hexValue(c: i32): i32 {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}

/**
 * glibc inet_pton(AF_INET) on s[start, end): exactly four decimal octets <= 255, no leading zeros.
 * Returns the address as a big-endian u32 in the low bits of an i64, or -1 when rejected.
 */
function parseIpv4(s: string, start: i32, end: i32): i64 {
  let value: u32 = 0;
  let octets = 0;
  let octet: i32 = -1; // -1: no digit seen in the current octet
  for (let i = start; i < end; i++) {
    const c = <i32>s.charCodeAt(i);
    if (isDigit(c)) {
      if (octet == 0) return -1; // leading zero
      octet = (octet < 0 ? 0 : octet * 10) + (c - 0x30);
      if (octet > 255) return -1;
    } else if (c == 0x2e) {
      if (octet < 0 || octets == 3) return -1;
      value = (value << 8) | <u32>octet;
      octets++;
      octet = -1;
    } else {
      return -1;
    }
  }
  if (octet < 0 || octets != 3) return -1;
  return <i64>((value << 8) | <u32>octet);
}

/** glibc inet_pton(AF_INET6) into 8 words; false when rejected. */
function parseIpv6(s: string, words: StaticArray<u16>): bool {
  const n = s.length;
  let i = 0;
  let w = 0; // next word to fill
  let gap = -1; // word index where "::" stands
  if (n >= 1 && s.charCodeAt(0) == 0x3a) {
    if (n < 2 || s.charCodeAt(1) != 0x3a) return false;
    i = 1; // the second ':' is handled by the loop as an empty group
  }
  let groupStart = i;
  let digits = 0;
  let value = 0;
  while (i < n) {
    const c = <i32>s.charCodeAt(i);
    const h = hexValue(c);
    if (h >= 0) {
      if (++digits > 4) return false;
      value = (value << 4) | h;
      i++;
      continue;
    }
    if (c == 0x3a) {
      if (digits == 0) {
        if (gap >= 0) return false;
        gap = w;
        i++;
        groupStart = i;
        continue;
      }
      if (i + 1 >= n) return false; // trailing single ':'
      if (w >= 8) return false;
      unchecked((words[w++] = <u16>value));
      digits = 0;
      value = 0;
      i++;
      groupStart = i;
      continue;
    }
    if (c == 0x2e && w + 2 <= 8) {
      const v4 = parseIpv4(s, groupStart, n);
      if (v4 < 0) return false;
      unchecked((words[w++] = <u16>(<u32>v4 >> 16)));
      unchecked((words[w++] = <u16>(<u32>v4 & 0xffff)));
      digits = 0;
      i = n;
      break;
    }
    return false;
  }
  if (digits > 0) {
    if (w >= 8) return false;
    unchecked((words[w++] = <u16>value));
  }
  if (gap >= 0) {
    if (w == 8) return false; // "::" must stand for at least one zero word
    const tail = w - gap;
    for (let k = 1; k <= tail; k++) {
      unchecked((words[8 - k] = words[w - k]));
    }
    for (let k = gap; k < 8 - tail; k++) unchecked((words[k] = 0));
    w = 8;
  }
  return w == 8;
}

function ipv4Text(v: u32): string {
  return (v >> 24).toString() + "." + ((v >> 16) & 255).toString() + "." + ((v >> 8) & 255).toString() + "." + (v & 255).toString();
}

/** glibc inet_ntop(AF_INET6): longest zero run (first on ties, length >= 2) as "::", lowercase hex. */
function formatIpv6(words: StaticArray<u16>): string {
  let bestBase = -1;
  let bestLen = 0;
  let curBase = -1;
  let curLen = 0;
  for (let i = 0; i < 8; i++) {
    if (unchecked(words[i]) == 0) {
      if (curBase < 0) {
        curBase = i;
        curLen = 1;
      } else {
        curLen++;
      }
    } else if (curBase >= 0) {
      if (bestBase < 0 || curLen > bestLen) {
        bestBase = curBase;
        bestLen = curLen;
      }
      curBase = -1;
    }
  }
  if (curBase >= 0 && (bestBase < 0 || curLen > bestLen)) {
    bestBase = curBase;
    bestLen = curLen;
  }
  if (bestBase >= 0 && bestLen < 2) bestBase = -1;

  let out = "";
  for (let i = 0; i < 8; i++) {
    if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
      if (i == bestBase) out += ":";
      continue;
    }
    if (i != 0) out += ":";
    // IPv4-compatible (::a.b.c.d) and IPv4-mapped (::ffff:a.b.c.d) print the last 32 bits dotted.
    if (i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && unchecked(words[5]) == 0xffff))) {
      out += ipv4Text((<u32>unchecked(words[6]) << 16) | <u32>unchecked(words[7]));
      break;
    }
    out += (<u32>unchecked(words[i])).toString(16);
  }
  if (bestBase >= 0 && bestBase + bestLen == 8) out += ":";
  return out;
}

/**
 * The canonical text Envoy prints for an IP literal (inet_pton then inet_ntop), without port;
 * null when `ip` is not an IPv4/IPv6 literal glibc's inet_pton accepts.
 */
export function canonicalIp(ip: string): string | null {
  const n = ip.length;
  if (n == 0 || n > MAX_IP_LITERAL) return null;
  const v4 = parseIpv4(ip, 0, n);
  if (v4 >= 0) return ipv4Text(<u32>v4);
  const words = new StaticArray<u16>(8);
  if (!parseIpv6(ip, words)) return null;
  return formatIpv6(words);
}

/**
 * Envoy's asString() for an IP socket address: "ip:port" for IPv4, "[ip]:port" for IPv6, with the
 * IP in canonical form. Null for an invalid IP literal or a port outside 0..65535.
 */
export function hostAddressString(ip: string, port: i32): string | null {
  if (port < 0 || port > 65535) return null;
  const canonical = canonicalIp(ip);
  if (canonical === null) return null;
  const text = changetype<string>(canonical);
  if (text.includes(":")) return "[" + text + "]:" + port.toString();
  return text + ":" + port.toString();
}
