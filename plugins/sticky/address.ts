// Pod addresses as written in configuration ("10.0.0.5:8080", "[2001:db8::5]:8080") turned into the
// string Envoy prints for the endpoint: the default host key for hashing, and the value an ORIGINAL_DST
// cluster accepts in x-envoy-original-dst-host.
import { hostAddressString } from "../../assembly/hash";

/** The canonical "ip:port" / "[ip6]:port" of `text`, or null when it is not an IP literal with a port 1..65535. */
export function canonicalAddress(text: string): string | null {
  let ip: string;
  let portText: string;
  if (text.startsWith("[")) {
    const close = text.indexOf("]");
    if (close < 0 || close + 1 >= text.length || text.charCodeAt(close + 1) != 0x3a) return null;
    ip = text.substring(1, close);
    portText = text.substring(close + 2);
    // The bracketed form is for IPv6 only.
    if (!ip.includes(":")) return null;
  } else {
    const colon = text.lastIndexOf(":");
    if (colon < 0) return null;
    ip = text.substring(0, colon);
    portText = text.substring(colon + 1);
    // An unbracketed IPv6 address is ambiguous with its port.
    if (ip.includes(":")) return null;
  }
  const port = parsePort(portText);
  if (port <= 0) return null;
  return hostAddressString(ip, port);
}

/** Decimal 1..65535 without sign or leading zero; -1 otherwise. */
function parsePort(text: string): i32 {
  const n = text.length;
  if (n == 0 || n > 5 || text.charCodeAt(0) == 0x30) return -1;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const d = <i32>text.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v <= 65535 ? v : -1;
}
