// Client addresses as proxies write them: Envoy's source.address ("10.0.0.1:5000", "[2001:db8::1]:5000")
// and x-forwarded-for entries (usually a bare IP, sometimes with a port or in brackets).
import { IpAddress, parseIp } from "./ip";

// @ts-ignore: decorator
@inline function isSpace(c: i32): bool {
  return c == 0x20 || c == 0x09;
}

/** True when s[start, end) is a decimal port 0..65535. */
function isPort(s: string, start: i32, end: i32): bool {
  if (start >= end || end - start > 5) return false;
  let v = 0;
  for (let i = start; i < end; i++) {
    const d = <i32>s.charCodeAt(i) - 0x30;
    if (<u32>d >= 10) return false;
    v = v * 10 + d;
  }
  return v <= 65535;
}

/**
 * Parses s[start, end) (surrounding spaces and tabs ignored) as "ip", "ip:port", "[ipv6]" or "[ipv6]:port"
 * into `out`; false when malformed. A bare IPv6 address cannot carry a port (its colons are ambiguous).
 */
export function parseHostAddress(s: string, start: i32, end: i32, out: IpAddress): bool {
  if (start < 0) start = 0;
  if (end > s.length) end = s.length;
  while (start < end && isSpace(<i32>s.charCodeAt(start))) start++;
  while (end > start && isSpace(<i32>s.charCodeAt(end - 1))) end--;
  if (start >= end) return false;
  if (<i32>s.charCodeAt(start) == 0x5b) {
    const close = s.indexOf("]", start);
    if (close < 0 || close >= end) return false;
    if (close + 1 < end && (<i32>s.charCodeAt(close + 1) != 0x3a || !isPort(s, close + 2, end))) return false;
    return parseIp(s, start + 1, close, out) && out.v6;
  }
  const firstColon = s.indexOf(":", start);
  if (firstColon < 0 || firstColon >= end) return parseIp(s, start, end, out);
  const lastColon = s.lastIndexOf(":", end - 1);
  if (firstColon == lastColon) {
    // One colon: IPv4 with a port.
    return isPort(s, firstColon + 1, end) && parseIp(s, start, firstColon, out) && !out.v6;
  }
  return parseIp(s, start, end, out);
}

/** parseHostAddress over the whole string. */
export function parseHostAddressText(s: string, out: IpAddress): bool {
  return parseHostAddress(s, 0, s.length, out);
}

/**
 * The n-th entry (1 = rightmost) of the comma-separated list formed by the x-forwarded-for header values in
 * order, untrimmed; null when there are fewer than n entries or n < 1. Trusted proxies append on the right, so
 * with n trusted hops in front of this gateway the client is the n-th from the right.
 */
export function forwardedForEntry(values: Array<string>, n: i32): string | null {
  if (n < 1) return null;
  let seen = 0;
  for (let v = values.length - 1; v >= 0; v--) {
    const text = unchecked(values[v]);
    let end = text.length;
    while (true) {
      const comma = end > 0 ? text.lastIndexOf(",", end - 1) : -1;
      seen++;
      if (seen == n) return text.substring(comma + 1, end);
      if (comma < 0) break;
      end = comma;
    }
  }
  return null;
}
