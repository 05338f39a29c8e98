// Waymark's network module: strict IP address parsing, client addresses as proxies write them, and
// longest-prefix-match tables (IPv4 and IPv6) built once and read per request.
export { IpAddress, parseIp, parseIpText, parseIpv4, parseIpv6, MAX_IP_TEXT } from "./ip";
export { parseHostAddress, parseHostAddressText, forwardedForEntry } from "./address";
export { CidrPrefix, CidrTable, CidrTableBuilder, CidrBuildResult, parseCidr, NO_VALUE, MAX_PREFIXES } from "./cidr";
