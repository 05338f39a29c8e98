// The feature-group configuration once parsed and checked (config.ts builds it; root.ts and stream.ts read it).
// Everything a request needs is precomputed here: header names get slot numbers for the per-request cache,
// body pointers get indices into one streaming scanner, percent seeds are hashed once.
import { JsonPointer, JsonValue } from "../../assembly/json";
import { CidrTable } from "../../assembly/net/cidr";

export enum HeaderMatch { Equals = 0, Prefix = 1, Present = 2, Absent = 3 }

/** `header`: a request header (its first value) equals / starts with a value, or is present / absent. */
export class HeaderCondition {
  constructor(
    /** Index into FeatureGroupConfig.headerNames (the per-request header cache). */
    readonly slot: i32,
    readonly match: HeaderMatch,
    readonly value: string,
  ) {}
}

/** `geo`: the request's country is one of `countries`, or its region one of `regions` (either list may be empty). */
export class GeoCondition {
  /** Upper-case ISO 3166-1 alpha-2 codes. */
  countries: string[] = [];
  /** Upper-case region labels (as the region header or the CIDR table gives them). */
  regions: string[] = [];
}

/** `percent`: xxh64(key, seed) % 10000 < threshold, where seed = xxh64(salt) and salt defaults to the group. */
export class PercentCondition {
  /** Header slot of the key, or -1 when the key is a cookie. */
  headerSlot: i32 = -1;
  cookie: string = "";
  /** value * 100, rounded: 0..10000. */
  threshold: u32 = 0;
  seed: u64 = 0;
}

export enum BodyTest { Equals = 0, In = 1, Exists = 2, Range = 3 }

/** `body`: the JSON value at a pointer equals / is in a list / exists (or not) / lies in a numeric range. */
export class BodyCondition {
  /** Index into FeatureGroupConfig.pointers (one scanner follows them all). */
  pointer: i32 = 0;
  test: BodyTest = BodyTest.Equals;
  /** Scalars for Equals (one) and In (several). */
  values: JsonValue[] = [];
  /** For Exists: true = must be present, false = must be absent. */
  exists: bool = true;
  min: f64 = -Infinity;
  max: f64 = Infinity;
}

/** All conditions of one rule (or of an override's `when`); all must hold. */
export class Conditions {
  headers: HeaderCondition[] = [];
  geo: GeoCondition | null = null;
  percent: PercentCondition | null = null;
  body: BodyCondition[] = [];
}

export class Rule {
  constructor(
    readonly group: string,
    /** Index into FeatureGroupConfig.groups (for the per-group counter). */
    readonly groupIndex: i32,
    readonly conditions: Conditions,
  ) {}
}

/** A client-sent header allowed through at an ingress when `when` holds (removed otherwise). */
export class Override {
  constructor(readonly header: string, readonly slot: i32, readonly when: Conditions) {}
}

/** What one CIDR table entry says about the addresses it covers. */
export class Location {
  constructor(readonly country: string, readonly region: string) {}
}

export class GeoSettings {
  /** "" when the country comes only from the address table. */
  countryHeader: string = "";
  countrySlot: i32 = -1;
  regionHeader: string = "";
  regionSlot: i32 = -1;
  /** 0: the client is source.address; N: the N-th x-forwarded-for entry from the right. */
  trustedHops: i32 = 0;
  /** Prefix -> index into `locations`; null when no cidrs are configured. */
  table: CidrTable | null = null;
  locations: Location[] = [];
}

export const DEFAULT_GROUP_HEADER = "x-feature-group";
export const DEFAULT_VERSION_HEADER = "x-version";
export const DEFAULT_MAX_BODY_BYTES: i32 = 65536;
export const DEFAULT_MAX_BODY_DEPTH: i32 = 32;
export const DEFAULT_BODY_WAIT_MS: i32 = 1000;

export class FeatureGroupConfig {
  rules: Rule[] = [];
  /** Distinct group names of the rules, in first-use order. */
  groups: string[] = [];
  /** group -> version. */
  aliases: Map<string, string> = new Map<string, string>();
  geo: GeoSettings = new GeoSettings();
  groupHeader: string = DEFAULT_GROUP_HEADER;
  versionHeader: string = DEFAULT_VERSION_HEADER;
  maxBodyBytes: i32 = DEFAULT_MAX_BODY_BYTES;
  maxBodyDepth: i32 = DEFAULT_MAX_BODY_DEPTH;
  bodyWaitMs: i32 = DEFAULT_BODY_WAIT_MS;
  trustIncoming: bool = false;
  overrides: Override[] = [];
  /** Distinct body pointers of all rules. */
  pointers: JsonPointer[] = [];
  /** Distinct request header names read by conditions (lower case); a request caches them by slot. */
  headerNames: string[] = [];
  /** Some rule has a body condition. */
  get needsBody(): bool {
    return this.pointers.length > 0;
  }
}
