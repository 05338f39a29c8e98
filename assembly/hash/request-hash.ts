// Envoy's route hash_policy (source/common/http/hash_policy.cc): the 64-bit request hash a
// MAGLEV / RING_HASH cluster feeds to its table. Each policy yields a hash or nothing; results are
// combined in policy order, stopping after a terminal policy once a hash exists.

import { xxh64, xxh64String } from "./xxh64";
import { compareBytes } from "./compare-bytes";

/**
 * Header policy hash over every value of the header (one per header entry; comma-joined values
 * are not split; apply regex_rewrite first if configured): values sorted byte-wise, then
 * h = XXH64(v, seed = h) from h = 0. Envoy produces no hash for an absent header: check
 * values.length > 0 first (this returns 0 for an empty list). The array is not modified.
 */
export function headerValuesHashBytes(values: Array<Uint8Array>): u64 {
  const sorted = values.slice(0);
  sorted.sort(compareBytes);
  let h: u64 = 0;
  for (let i = 0; i < sorted.length; i++) h = xxh64(unchecked(sorted[i]), h);
  return h;
}

/** headerValuesHashBytes over the UTF-8 bytes of string values (sorted as UTF-8 bytes). */
export function headerValuesHash(values: Array<string>): u64 {
  const bytes = new Array<Uint8Array>(values.length);
  for (let i = 0; i < values.length; i++) {
    unchecked((bytes[i] = Uint8Array.wrap(String.UTF8.encode(unchecked(values[i])))));
  }
  return headerValuesHashBytes(bytes);
}

/**
 * Envoy's Utility::parseCookieValue over the values of every `cookie` header, in order: each is
 * split on ';' (empty pieces skipped, no trimming), the name runs from the first non-space to the
 * first '=', the value is everything after it with one pair of surrounding double quotes removed.
 * The first cookie with exactly this name wins, even when its value is empty; null when none.
 */
export function cookieValue(cookieHeaders: Array<string>, name: string): string | null {
  for (let k = 0; k < cookieHeaders.length; k++) {
    const header = unchecked(cookieHeaders[k]);
    const n = header.length;
    let start = 0;
    while (start <= n) {
      let end = header.indexOf(";", start);
      if (end < 0) end = n;
      if (end > start) {
        const eq = header.indexOf("=", start);
        if (eq >= 0 && eq < end) {
          let nameStart = start;
          while (nameStart < eq && header.charCodeAt(nameStart) == 0x20) nameStart++;
          if (eq - nameStart == name.length && header.substring(nameStart, eq) == name) {
            let vs = eq + 1;
            let ve = end;
            if (ve - vs >= 2 && header.charCodeAt(vs) == 0x22 && header.charCodeAt(ve - 1) == 0x22) {
              vs++;
              ve--;
            }
            return header.substring(vs, ve);
          }
        }
      }
      start = end + 1;
    }
  }
  return null;
}

/**
 * Envoy's QueryParamsMulti::parseQueryString(path).getFirstValue(name): the query starts after the
 * first '?', parameters are split on '&', the name is up to the first '=' (no '=' gives ""), and
 * nothing is percent-decoded. Null when the parameter is absent.
 */
export function queryParameterValue(path: string, name: string): string | null {
  const q = path.indexOf("?");
  if (q < 0) return null;
  const n = path.length;
  let start = q + 1;
  while (start < n) {
    let end = path.indexOf("&", start);
    if (end < 0) end = n;
    let eq = path.indexOf("=", start);
    if (eq < 0 || eq > end) eq = end;
    if (eq - start == name.length && path.substring(start, eq) == name) {
      return eq < end ? path.substring(eq + 1, end) : "";
    }
    start = end + 1;
  }
  return null;
}

/** Accumulates policy hashes exactly as HashPolicyImpl::generateHash does. */
export class RequestHash {
  /** Whether any policy produced a hash so far (Envoy falls back to a random host when none). */
  present: bool = false;
  value: u64 = 0;

  /** Folds in one policy's hash: h = (present ? rotl64(h, 1) : 0) ^ n. */
  add(n: u64): void {
    this.value = (this.present ? rotl<u64>(this.value, 1) : 0) ^ n;
    this.present = true;
  }

  /**
   * Envoy's stop rule after evaluating a policy: a terminal policy ends the chain once a hash
   * exists (from it or from an earlier policy).
   */
  stopsAfter(terminal: bool): bool {
    return terminal && this.present;
  }

  /** Header policy; false (no hash) when the header is absent. */
  addHeader(values: Array<string>): bool {
    if (values.length == 0) return false;
    this.add(headerValuesHash(values));
    return true;
  }

  /**
   * Cookie policy; false when the cookie is absent or empty. (With a ttl configured Envoy would
   * then mint a cookie from the connection addresses; that is left to the caller.)
   */
  addCookie(cookieHeaders: Array<string>, name: string): bool {
    const v = cookieValue(cookieHeaders, name);
    if (v === null || v.length == 0) return false;
    this.add(xxh64String(v));
    return true;
  }

  /** Query parameter policy on the :path; a present parameter without value hashes "". */
  addQueryParameter(path: string, name: string): bool {
    const v = queryParameterValue(path, name);
    if (v === null) return false;
    this.add(xxh64String(v));
    return true;
  }

  /**
   * connection_properties.source_ip policy: XXH64 of the downstream IP as Envoy prints it
   * (addressAsString: no port, canonical form; see canonicalIp). False for "".
   */
  addSourceIp(ip: string): bool {
    if (ip.length == 0) return false;
    this.add(xxh64String(ip));
    return true;
  }

  /** filter_state policy: the object's own 64-bit hash. */
  addFilterState(hash: u64): bool {
    this.add(hash);
    return true;
  }
}
