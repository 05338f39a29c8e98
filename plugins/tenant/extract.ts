// Finding tokens in a request the way Envoy's jwt_authn extractor does: every value of every configured
// header (with the value prefix found anywhere in the value, then the token from the first base64url
// character on), the first value of each configured query parameter, the first cookie of each configured name
// (surrounding double quotes removed). Also the rewrites `forward: false` needs.
import { TenantConfig, TokenLocation, LocationKind } from "./config";
import { HeaderScan } from "./header-scan";

/**
 * A token (its bytes, as sent) and where it was found. A token from a header is read in place, in the request
 * headers as the host handed them over (valid until the callback ends), so the common case, a token already in
 * the cache, copies nothing; bytes() copies it when it must outlive the callback (verified and cached, or held).
 */
export class FoundToken {
  /** Where the bytes are: in the host's header buffer, or in `owned`. */
  ptr: usize = 0;
  length: i32 = 0;
  location: i32 = 0;
  private owned: Uint8Array | null = null;

  /** Bytes at `ptr`, valid until the callback ends. */
  inPlace(ptr: usize, length: i32, location: i32): FoundToken {
    this.ptr = ptr;
    this.length = length;
    this.location = location;
    this.owned = null;
    return this;
  }

  ownedBytes(bytes: Uint8Array, location: i32): FoundToken {
    this.ptr = bytes.dataStart;
    this.length = bytes.length;
    this.location = location;
    this.owned = bytes;
    return this;
  }

  /** The bytes in an array of their own (copied the first time when read in place). */
  bytes(): Uint8Array {
    let b = this.owned;
    if (b === null) {
      b = new Uint8Array(this.length);
      memory.copy(b.dataStart, this.ptr, <usize>this.length);
      this.ownedBytes(b, this.location);
    }
    return b;
  }

  /** A copy that outlives the callback. */
  detached(): FoundToken {
    return new FoundToken().ownedBytes(this.bytes(), this.location);
  }

  sameAs(ptr: usize, length: i32): bool {
    return this.length == length && memory.compare(this.ptr, ptr, <usize>length) == 0;
  }
}

/** Cookie headers read per request: a bound on work, not on correctness (real clients send one). */
const MAX_COOKIE_HEADERS: i32 = 64;

/**
 * What one walk over the request headers found, for the plugin's decisions. One view serves every request (the
 * VM runs one callback at a time), so a request allocates no view; a request held past its callback keeps a
 * copy of its tokens.
 */
export class RequestView {
  tokens: FoundToken[] = [];
  /** :path, read only when a query parameter may hold a token. */
  path: string = "";
  cookies: string[] = [];
  /** Token objects reused from request to request (tokens[i] is spare[i]). */
  private spare: FoundToken[] = [];

  clear(): void {
    this.tokens.length = 0;
    this.path = "";
    if (this.cookies.length > 0) this.cookies.length = 0;
  }

  /** Adds a token unless an identical one is there already; returns the object to fill, or null. */
  add(ptr: usize, length: i32): FoundToken | null {
    const tokens = this.tokens;
    for (let i = 0; i < tokens.length; i++) if (unchecked(tokens[i]).sameAs(ptr, length)) return null;
    const n = tokens.length;
    if (n == this.spare.length) this.spare.push(new FoundToken());
    const t = unchecked(this.spare[n]);
    tokens.push(t);
    return t;
  }
}

/**
 * Walks the headers once: removes every header in `strip` (identity headers a client must never set), and
 * collects the tokens of every location. Identical tokens found twice are kept once.
 */
export function scanRequest(config: TenantConfig, scan: HeaderScan, strip: (name: string) => void, view: RequestView): RequestView {
  view.clear();
  const locations = config.locations;
  const stripped = config.strippedHeaders;
  const wantPath = config.hasParamLocations;
  const wantCookies = config.hasCookieLocations;
  while (scan.next()) {
    if (scan.keyFirst == 0x3a /* : */) {
      if (wantPath && scan.keyIs(":path")) view.path = scan.valueString();
      continue;
    }
    for (let i = 0; i < stripped.length; i++) {
      if (scan.keyIs(unchecked(stripped[i]))) strip(unchecked(stripped[i]));
    }
    if (wantCookies && scan.keyIs("cookie") && view.cookies.length < MAX_COOKIE_HEADERS) view.cookies.push(scan.valueString());
    for (let l = 0; l < locations.length; l++) {
      const location = unchecked(locations[l]);
      if (location.kind != LocationKind.Header || !scan.keyIs(location.name)) continue;
      const start = tokenStart(scan.valuePtr, scan.valueLen, location.prefix);
      if (start < 0) continue;
      const ptr = scan.valuePtr + <usize>start;
      const length = <i32>(scan.valueLen - <u32>start);
      const t = view.add(ptr, length);
      if (t !== null) t.inPlace(ptr, length, l);
    }
  }
  for (let l = 0; l < locations.length; l++) {
    const location = unchecked(locations[l]);
    let value: string | null = null;
    if (location.kind == LocationKind.Param) value = queryParam(view.path, location.name);
    else if (location.kind == LocationKind.Cookie) value = cookieValue(view.cookies, location.name);
    if (value === null) continue;
    const bytes = Uint8Array.wrap(String.UTF8.encode(value));
    const t = view.add(bytes.dataStart, bytes.length);
    if (t !== null) t.ownedBytes(bytes, l);
  }
  return view;
}

/** Characters of a compact JWS (base64url and the dot), where Envoy starts reading after the prefix. */
function isTokenChar(c: u32): bool {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c == 0x2d || c == 0x5f || c == 0x2e;
}

/**
 * Where the token starts in a header value of `len` bytes at `ptr`, or -1 when the value does not contain the
 * prefix. As Envoy does: the prefix may appear anywhere; the token starts at the first token character after
 * it and runs to the end of the value; with no token character after the prefix, the whole value is the token.
 */
export function tokenStart(ptr: usize, len: u32, prefix: string): i32 {
  const p = <u32>prefix.length;
  if (p == 0) return 0;
  if (p > len) return -1;
  for (let at: u32 = 0; at + p <= len; at++) {
    let match = true;
    for (let j: u32 = 0; j < p; j++) {
      if (<u32>load<u8>(ptr + at + j) != <u32>prefix.charCodeAt(j)) { match = false; break; }
    }
    if (!match) continue;
    for (let i = at + p; i < len; i++) if (isTokenChar(<u32>load<u8>(ptr + i))) return <i32>i;
    return 0;
  }
  return -1;
}

/** The first value of query parameter `name` in `path` (percent-decoded), or null. */
export function queryParam(path: string, name: string): string | null {
  const q = path.indexOf("?");
  if (q < 0) return null;
  let start = q + 1;
  const end = queryEnd(path);
  while (start <= end) {
    let amp = path.indexOf("&", start);
    if (amp < 0 || amp > end) amp = end;
    const eq = path.indexOf("=", start);
    const keyEnd = eq >= 0 && eq < amp ? eq : amp;
    if (percentDecode(path.substring(start, keyEnd)) == name) {
      return keyEnd < amp ? percentDecode(path.substring(keyEnd + 1, amp)) : "";
    }
    start = amp + 1;
  }
  return null;
}

/** The query ends at a fragment, if a client sent one. */
function queryEnd(path: string): i32 {
  const hash = path.indexOf("#");
  return hash < 0 ? path.length : hash;
}

/** `path` without any occurrence of parameter `name` (the "?" goes too when nothing is left). */
export function removeQueryParam(path: string, name: string): string {
  const q = path.indexOf("?");
  if (q < 0) return path;
  const end = queryEnd(path);
  const kept = new Array<string>();
  let start = q + 1;
  while (start <= end) {
    let amp = path.indexOf("&", start);
    if (amp < 0 || amp > end) amp = end;
    const part = path.substring(start, amp);
    const eq = part.indexOf("=");
    const key = eq >= 0 ? part.substring(0, eq) : part;
    if (part.length > 0 && percentDecode(key) != name) kept.push(part);
    start = amp + 1;
  }
  const tail = path.substring(end);
  return path.substring(0, q) + (kept.length > 0 ? "?" + kept.join("&") : "") + tail;
}

function hexValue(c: i32): i32 {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

/** %XX decoding; malformed escapes stay as they are (as Envoy's decoder leaves them). */
export function percentDecode(s: string): string {
  if (s.indexOf("%") < 0) return s;
  const bytes = Uint8Array.wrap(String.UTF8.encode(s));
  const out = new Uint8Array(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = <i32>unchecked(bytes[i]);
    if (c == 0x25 && i + 2 < bytes.length) {
      const hi = hexValue(<i32>unchecked(bytes[i + 1]));
      const lo = hexValue(<i32>unchecked(bytes[i + 2]));
      if (hi >= 0 && lo >= 0) {
        unchecked((out[n++] = <u8>((hi << 4) | lo)));
        i += 2;
        continue;
      }
    }
    unchecked((out[n++] = <u8>c));
  }
  return String.UTF8.decodeUnsafe(out.dataStart, <usize>n);
}

function isSpace(c: i32): bool {
  return c == 0x20 || c == 0x09;
}

/** The first cookie `name` across the Cookie header values, surrounding double quotes removed; null when absent. */
export function cookieValue(headers: string[], name: string): string | null {
  for (let h = 0; h < headers.length; h++) {
    const header = unchecked(headers[h]);
    let start = 0;
    while (start <= header.length) {
      let semi = header.indexOf(";", start);
      if (semi < 0) semi = header.length;
      let a = start;
      let b = semi;
      while (a < b && isSpace(header.charCodeAt(a))) a++;
      while (b > a && isSpace(header.charCodeAt(b - 1))) b--;
      const eq = header.indexOf("=", a);
      if (eq >= 0 && eq < b && header.substring(a, eq) == name) {
        let v = header.substring(eq + 1, b);
        if (v.length >= 2 && v.charCodeAt(0) == 0x22 && v.charCodeAt(v.length - 1) == 0x22) v = v.substring(1, v.length - 1);
        return v;
      }
      start = semi + 1;
    }
  }
  return null;
}

/** A Cookie header value without cookie `name`; "" when nothing else is left. */
export function removeCookie(header: string, name: string): string {
  const parts = header.split(";");
  const kept = new Array<string>();
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i].trim();
    const eq = part.indexOf("=");
    const key = eq >= 0 ? part.substring(0, eq) : part;
    if (part.length > 0 && key != name) kept.push(part);
  }
  return kept.join("; ");
}

/** Describes a location for logs: "header authorization", "query access_token", "cookie id_token". */
export function describeLocation(location: TokenLocation): string {
  if (location.kind == LocationKind.Header) return "header " + location.name;
  if (location.kind == LocationKind.Param) return "query " + location.name;
  return "cookie " + location.name;
}
