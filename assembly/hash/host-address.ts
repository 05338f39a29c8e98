// Envoy's address string for an IP endpoint (Address::Instance::asString()), the default host key
// for Maglev and ring hash: "10.0.0.1:8080" or "[2001:db8::1]:8080". Envoy parses the configured
// address with inet_pton and prints it back with inet_ntop, so a non-canonical IPv6 spelling in
// config ("2001:0db8:0:0::1") is hashed in its canonical form ("2001:db8::1"); we do the same.
// Scoped IPv6 addresses ("fe80::1%eth0") are not supported (null).

import { IpAddress, parseIpText } from "../net/ip";

/** Longest IP literal we accept (IPv6 with embedded IPv4 is at most 45 characters). */
const MAX_IP_LITERAL: i32 = 45;

/** Parsing is shared with the CIDR tables: net/ip.ts accepts exactly what glibc's inet_pton accepts. */
const parsed = new IpAddress();

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
  if (!parseIpText(ip, parsed)) return null;
  if (!parsed.v6) return ipv4Text(parsed.v4);
  const words = new StaticArray<u16>(8);
  for (let k = 0; k < 4; k++) {
    unchecked((words[k] = <u16>(parsed.hi >> (<u64>(48 - 16 * k)))));
    unchecked((words[4 + k] = <u16>(parsed.lo >> (<u64>(48 - 16 * k)))));
  }
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
