// What one request says about itself, read from the host lazily and at most once: the header values the
// conditions name, the country and region, the percent keys. Also checks the header-time conditions
// (header, geo, percent) of a rule or an override.
import { requestHeaders, getPropertyString } from "../../assembly/sdk";
import { IpAddress } from "../../assembly/net/ip";
import { parseHostAddressText, forwardedForEntry } from "../../assembly/net/address";
import { NO_VALUE } from "../../assembly/net/cidr";
import { xxh64String } from "../../assembly/hash/xxh64";
import { cookieValue } from "../../assembly/hash/request-hash";
import { FeatureGroupConfig, Conditions, HeaderCondition, HeaderMatch, GeoCondition, PercentCondition } from "./model";
import { countryCode } from "./config";
import {
  REASON_ADDRESS_MALFORMED, REASON_ADDRESS_MISSING, REASON_COUNTRY_HEADER_MALFORMED, REASON_COUNTRY_UNKNOWN,
  REASON_PERCENT_KEY_MISSING,
} from "./reasons";

const SOURCE_ADDRESS = ["source", "address"];
/** Percent shares are in hundredths of a percent. */
const BUCKETS: u64 = 10000;

/** Reused for every address parse (the VM runs one callback at a time). */
const clientAddress = new IpAddress();

export class RequestFacts {
  private values: StaticArray<string | null>;
  private fetched: StaticArray<bool>;
  private geoResolved: bool = false;
  /** Upper case; "" when unknown. */
  country: string = "";
  region: string = "";
  /** REASON_* bits of what could not be read. */
  reasons: u32 = 0;

  constructor(readonly config: FeatureGroupConfig) {
    const n = config.headerNames.length;
    this.values = new StaticArray<string | null>(n);
    this.fetched = new StaticArray<bool>(n);
  }

  /** As new: nothing read yet (the object is reused for the next request). */
  reset(): void {
    for (let i = 0, n = this.values.length; i < n; i++) {
      unchecked((this.values[i] = null));
      unchecked((this.fetched[i] = false));
    }
    this.geoResolved = false;
    this.country = "";
    this.region = "";
    this.reasons = 0;
  }

  /** The first value of the header in `slot`, or null. */
  header(slot: i32): string | null {
    if (unchecked(this.fetched[slot])) return unchecked(this.values[slot]);
    const v = requestHeaders.get(unchecked(this.config.headerNames[slot]));
    unchecked((this.values[slot] = v));
    unchecked((this.fetched[slot] = true));
    return v;
  }

  /** The header in `slot` was removed: later reads see it absent. */
  forget(slot: i32): void {
    unchecked((this.values[slot] = null));
    unchecked((this.fetched[slot] = true));
  }

  /** The header-time conditions of `c` (header, geo, percent) all hold; body conditions are not looked at. */
  holds(c: Conditions): bool {
    const headers = c.headers;
    for (let i = 0; i < headers.length; i++) {
      if (!this.headerHolds(unchecked(headers[i]))) return false;
    }
    const geo = c.geo;
    if (geo !== null && !this.geoHolds(geo)) return false;
    const percent = c.percent;
    if (percent !== null && !this.percentHolds(percent)) return false;
    return true;
  }

  private headerHolds(h: HeaderCondition): bool {
    const v = this.header(h.slot);
    switch (h.match) {
      case HeaderMatch.Equals: return v !== null && v == h.value;
      case HeaderMatch.Prefix: return v !== null && v.startsWith(h.value);
      case HeaderMatch.Present: return v !== null;
      default: return v === null;
    }
  }

  private geoHolds(g: GeoCondition): bool {
    if (!this.geoResolved) this.resolveGeo();
    if (this.country.length > 0 && g.countries.includes(this.country)) return true;
    return this.region.length > 0 && g.regions.includes(this.region);
  }

  /**
   * Country: the configured country header when present and a two-letter code, else the address table.
   * Region: the configured region header when present, else the address table's entry.
   */
  private resolveGeo(): void {
    this.geoResolved = true;
    const g = this.config.geo;
    if (g.countrySlot >= 0) {
      const v = this.header(g.countrySlot);
      if (v !== null) {
        const code = countryCode(v.trim());
        if (code.length > 0) this.country = code;
        else this.reasons |= REASON_COUNTRY_HEADER_MALFORMED;
      }
    }
    if (g.regionSlot >= 0) {
      const v = this.header(g.regionSlot);
      if (v !== null) this.region = v.trim().toUpperCase();
    }
    const table = g.table;
    if (table !== null && (this.country.length == 0 || this.region.length == 0)) {
      const location = this.lookupClient();
      if (location != NO_VALUE && location < <u32>g.locations.length) {
        const at = unchecked(g.locations[location]);
        if (this.country.length == 0) this.country = at.country;
        if (this.region.length == 0) this.region = at.region;
      }
    }
    if (this.country.length == 0) this.reasons |= REASON_COUNTRY_UNKNOWN;
  }

  /** The address table's value for the client address, or NO_VALUE. */
  private lookupClient(): u32 {
    const g = this.config.geo;
    let text: string | null;
    if (g.trustedHops == 0) {
      text = getPropertyString(SOURCE_ADDRESS);
    } else {
      text = forwardedForEntry(requestHeaders.values("x-forwarded-for"), g.trustedHops);
    }
    if (text === null) {
      this.reasons |= REASON_ADDRESS_MISSING;
      return NO_VALUE;
    }
    if (!parseHostAddressText(text, clientAddress)) {
      this.reasons |= REASON_ADDRESS_MALFORMED;
      return NO_VALUE;
    }
    return g.table!.lookup(clientAddress);
  }

  private percentHolds(p: PercentCondition): bool {
    const key = p.headerSlot >= 0 ? this.header(p.headerSlot) : cookieValue(requestHeaders.values("cookie"), p.cookie);
    if (key === null || key.length == 0) {
      this.reasons |= REASON_PERCENT_KEY_MISSING;
      return false;
    }
    return percentBucket(key, p.seed) < <u64>p.threshold;
  }
}

/** The stable bucket (0..9999) of a percent key: xxh64(UTF-8 key, seed) % 10000. */
export function percentBucket(key: string, seed: u64): u64 {
  return xxh64String(key, seed) % BUCKETS;
}
