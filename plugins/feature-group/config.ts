// The feature-group configuration: parsed and checked by one pure function, so Envoy (onConfigure), the harness
// and a command-line validator refuse the same configurations with the same single line naming the field
// ("rules[1].body.pointer: invalid escape in JSON pointer ...").
import { JsonValue, JsonLimits, parseJsonPointer, JsonPointer } from "../../assembly/json";
import { CidrTableBuilder, CidrPrefix, parseCidr, MAX_PREFIXES } from "../../assembly/net/cidr";
import { xxh64String } from "../../assembly/hash/xxh64";
import { ConfigErrors, Fields, IntegerStyle, Wording, memberPath, itemPath, parseConfigObject, isHeaderName } from "../../assembly/config";
import {
  FeatureGroupConfig, Rule, Conditions, HeaderCondition, HeaderMatch, GeoCondition, PercentCondition, BodyCondition,
  BodyTest, Override, Location, DEFAULT_GROUP_HEADER, DEFAULT_VERSION_HEADER, DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_BODY_DEPTH, DEFAULT_BODY_WAIT_MS,
} from "./model";

/** Bounds that keep a configuration, and the work per request, small. */
export const MAX_RULES: i32 = 256;
export const MAX_CONDITIONS: i32 = 16;
export const MAX_OVERRIDES: i32 = 16;
export const MAX_ALIASES: i32 = 1024;
export const MAX_LIST: i32 = 256;
/** One scanner follows every body pointer; it tracks at most 64. */
export const MAX_POINTERS: i32 = 64;
export const MAX_CIDRS: i32 = 500_000;
/** Envoy's default per-connection buffer limit is 1 MiB; a larger body bound would end in 413s. */
export const MAX_BODY_BYTES: i32 = 1 << 20;
export const MAX_BODY_DEPTH: i32 = 256;
export const MAX_BODY_WAIT_MS: i32 = 60_000;
export const MAX_TRUSTED_HOPS: i32 = 16;
export const MAX_NAME_LENGTH: i32 = 64;
/** Room for a large address table (about 60 bytes per entry). */
const MAX_CONFIG_BYTES: i32 = 32 << 20;

export class ConfigResult {
  constructor(readonly config: FeatureGroupConfig | null, readonly error: string) {}
}

/** "" when the configuration is acceptable, else the one error line (field path first). */
export function validate(bytes: Uint8Array): string {
  return parseConfig(bytes).error;
}

const TOP_KEYS = ["rules", "aliases", "geo", "group_header", "version_header", "max_body_bytes", "max_body_depth",
  "body_wait_ms", "trust_incoming", "overrides"];
const RULE_KEYS = ["group", "geo", "body", "header", "percent"];
const WHEN_KEYS = ["geo", "header", "percent", "body"];

/** This plugin's wording of the shared readers' messages. */
const WORDING = new Wording(IntegerStyle.IntegerFrom);

export function parseConfig(bytes: Uint8Array): ConfigResult {
  const limits = new JsonLimits();
  limits.maxInputBytes = MAX_CONFIG_BYTES;
  limits.maxMembers = MAX_CIDRS;
  limits.rejectDuplicateKeys = true;
  const errors = new ConfigErrors(WORDING);
  const root = parseConfigObject(bytes, limits, errors);
  if (root === null) return new ConfigResult(null, errors.message);
  const top = Fields.of(root, "", errors, TOP_KEYS);
  if (top === null) return new ConfigResult(null, errors.message);
  const c = new FeatureGroupConfig();

  c.groupHeader = headerName(top, "group_header", DEFAULT_GROUP_HEADER, false);
  c.versionHeader = headerName(top, "version_header", DEFAULT_VERSION_HEADER, false);
  if (!errors.failed && c.groupHeader == c.versionHeader) errors.fail("version_header", "must differ from group_header");
  c.maxBodyBytes = <i32>top.integer("max_body_bytes", DEFAULT_MAX_BODY_BYTES, 1, MAX_BODY_BYTES);
  c.maxBodyDepth = <i32>top.integer("max_body_depth", DEFAULT_MAX_BODY_DEPTH, 1, MAX_BODY_DEPTH);
  c.bodyWaitMs = <i32>top.integer("body_wait_ms", DEFAULT_BODY_WAIT_MS, 1, MAX_BODY_WAIT_MS);
  c.trustIncoming = top.bool("trust_incoming", false);
  readGeoSettings(top, c, errors);
  readRules(top, c, errors);
  readAliases(top, c, errors);
  readOverrides(top, c, errors);
  if (errors.failed) return new ConfigResult(null, errors.message);
  return new ConfigResult(c, "");
}

// ---- names ----

/** A header-name field, lower-cased (Envoy stores header names in lower case). */
function headerName(f: Fields, key: string, fallback: string, allowPseudo: bool): string {
  const name = f.string(key, fallback, fallback.length == 0);
  if (f.errors.failed) return "";
  if (!isHeaderName(name, allowPseudo)) {
    f.errors.fail(f.at(key), "must be a header name (letters, digits and !#$%&'*+-.^_`|~)");
    return "";
  }
  return name.toLowerCase();
}

/** Group names become header values and metric names: letters, digits, '-' and '_'; versions may add '.'. */
function isName(s: string, allowDot: bool): bool {
  if (s.length == 0 || s.length > MAX_NAME_LENGTH) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ok = (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) || c == 0x2d || c == 0x5f || (allowDot && c == 0x2e);
    if (!ok) return false;
  }
  return true;
}

function nameRule(allowDot: bool): string {
  return "must be 1 to " + MAX_NAME_LENGTH.toString() + " letters, digits, '-' or '_'" + (allowDot ? " or '.'" : "");
}

/** Two ASCII letters, upper-cased; "" when not a country code. */
export function countryCode(s: string): string {
  if (s.length != 2) return "";
  const a = s.charCodeAt(0) | 0x20;
  const b = s.charCodeAt(1) | 0x20;
  if (a < 0x61 || a > 0x7a || b < 0x61 || b > 0x7a) return "";
  // Already upper case (the usual spelling): no new string.
  return (s.charCodeAt(0) & 0x20) == 0 && (s.charCodeAt(1) & 0x20) == 0 ? s : s.toUpperCase();
}

function slotFor(c: FeatureGroupConfig, name: string): i32 {
  const i = c.headerNames.indexOf(name);
  if (i >= 0) return i;
  c.headerNames.push(name);
  return c.headerNames.length - 1;
}

// ---- geo settings and the address table ----

function readGeoSettings(top: Fields, c: FeatureGroupConfig, errors: ConfigErrors): void {
  const f = top.object("geo", ["country_header", "region_header", "xff_num_trusted_hops", "cidrs"]);
  if (f === null) return;
  const g = c.geo;
  if (f.has("country_header")) {
    g.countryHeader = headerName(f, "country_header", "", false);
    if (!errors.failed) g.countrySlot = slotFor(c, g.countryHeader);
  }
  if (f.has("region_header")) {
    g.regionHeader = headerName(f, "region_header", "", false);
    if (!errors.failed) g.regionSlot = slotFor(c, g.regionHeader);
  }
  g.trustedHops = <i32>f.integer("xff_num_trusted_hops", 0, 0, MAX_TRUSTED_HOPS);
  const cidrs = f.array("cidrs", MAX_CIDRS);
  if (errors.failed || cidrs.length == 0) return;
  const builder = new CidrTableBuilder();
  const prefix = new CidrPrefix();
  const locationIndex = new Map<string, i32>();
  for (let i = 0; i < cidrs.length; i++) {
    const path = itemPath("geo.cidrs", i);
    const e = Fields.of(unchecked(cidrs[i]), path, errors, ["prefix", "country", "region"]);
    if (e === null) return;
    const text = e.string("prefix", "", true);
    const countryText = e.string("country", "", true);
    const region = e.string("region", "");
    if (errors.failed) return;
    const problem = parseCidr(text, prefix);
    if (problem.length > 0) {
      errors.fail(e.at("prefix"), problem + " (\"" + text + "\")");
      return;
    }
    const country = countryCode(countryText);
    if (country.length == 0) {
      errors.fail(e.at("country"), "must be a two-letter country code");
      return;
    }
    if (e.has("region") && !isName(region, true)) {
      errors.fail(e.at("region"), nameRule(true));
      return;
    }
    // Few distinct locations, many prefixes: look the location up without building strings when possible.
    const upperRegion = region.length > 0 ? region.toUpperCase() : "";
    const key = upperRegion.length > 0 ? country + "/" + upperRegion : country;
    let location: i32;
    if (locationIndex.has(key)) {
      location = locationIndex.get(key);
    } else {
      location = g.locations.length;
      g.locations.push(new Location(country, upperRegion));
      locationIndex.set(key, location);
    }
    if (!builder.add(prefix, <u32>location)) {
      errors.fail("geo.cidrs", "at most " + MAX_PREFIXES.toString() + " entries");
      return;
    }
  }
  const built = builder.build();
  if (built.table === null) {
    errors.fail(itemPath("geo.cidrs", built.duplicateSecond) + ".prefix", "same prefix as " + itemPath("geo.cidrs", built.duplicateFirst));
    return;
  }
  g.table = built.table;
}

function hasRegionSource(c: FeatureGroupConfig): bool {
  if (c.geo.regionHeader.length > 0) return true;
  const locations = c.geo.locations;
  for (let i = 0; i < locations.length; i++) if (unchecked(locations[i]).region.length > 0) return true;
  return false;
}

// ---- rules and their conditions ----

function readRules(top: Fields, c: FeatureGroupConfig, errors: ConfigErrors): void {
  const rules = top.array("rules", MAX_RULES);
  for (let i = 0; i < rules.length && !errors.failed; i++) {
    const path = itemPath("rules", i);
    const f = Fields.of(unchecked(rules[i]), path, errors, RULE_KEYS);
    if (f === null) return;
    const group = f.string("group", "", true);
    if (errors.failed) return;
    if (!isName(group, false)) {
      errors.fail(f.at("group"), nameRule(false));
      return;
    }
    let groupIndex = c.groups.indexOf(group);
    if (groupIndex < 0) {
      groupIndex = c.groups.length;
      c.groups.push(group);
    }
    const conditions = readConditions(f, c, group, true);
    c.rules.push(new Rule(group, groupIndex, conditions));
  }
}

/** The conditions of a rule (body allowed) or of an override's `when` (decided on headers alone). */
function readConditions(f: Fields, c: FeatureGroupConfig, defaultSalt: string, allowBody: bool): Conditions {
  const errors = f.errors;
  const out = new Conditions();
  const headers = f.objectOrList("header", MAX_CONDITIONS);
  for (let i = 0; i < headers.length && !errors.failed; i++) {
    const h = readHeaderCondition(unchecked(headers[i]), f.get("header")!.isObject() ? f.at("header") : itemPath(f.at("header"), i), c, errors);
    if (h !== null) out.headers.push(h);
  }
  const geo = f.get("geo");
  if (geo !== null && !errors.failed) out.geo = readGeoCondition(geo, f.at("geo"), c, errors);
  const percent = f.get("percent");
  if (percent !== null && !errors.failed) out.percent = readPercentCondition(percent, f.at("percent"), c, defaultSalt, errors);
  if (f.has("body") && !errors.failed) {
    if (!allowBody) {
      errors.fail(f.at("body"), "not supported here (overrides are decided on the request headers)");
      return out;
    }
    const bodies = f.objectOrList("body", MAX_CONDITIONS);
    for (let i = 0; i < bodies.length && !errors.failed; i++) {
      const b = readBodyCondition(unchecked(bodies[i]), f.get("body")!.isObject() ? f.at("body") : itemPath(f.at("body"), i), c, errors);
      if (b !== null) out.body.push(b);
    }
  }
  return out;
}

function readHeaderCondition(v: JsonValue, path: string, c: FeatureGroupConfig, errors: ConfigErrors): HeaderCondition | null {
  const f = Fields.of(v, path, errors, ["name", "equals", "prefix", "present"]);
  if (f === null) return null;
  const name = headerName(f, "name", "", true);
  const tests = (f.has("equals") ? 1 : 0) + (f.has("prefix") ? 1 : 0) + (f.has("present") ? 1 : 0);
  if (errors.failed) return null;
  if (tests != 1) {
    errors.fail(path, "needs exactly one of equals, prefix, present");
    return null;
  }
  const slot = slotFor(c, name);
  if (f.has("equals")) return new HeaderCondition(slot, HeaderMatch.Equals, f.string("equals", ""));
  if (f.has("prefix")) {
    const prefix = f.string("prefix", "");
    if (prefix.length == 0 && !errors.failed) errors.fail(f.at("prefix"), "must not be empty (use present: true)");
    return new HeaderCondition(slot, HeaderMatch.Prefix, prefix);
  }
  return new HeaderCondition(slot, f.bool("present", true) ? HeaderMatch.Present : HeaderMatch.Absent, "");
}

function readGeoCondition(v: JsonValue, path: string, c: FeatureGroupConfig, errors: ConfigErrors): GeoCondition | null {
  const f = Fields.of(v, path, errors, ["countries", "regions"]);
  if (f === null) return null;
  const g = new GeoCondition();
  const countries = f.array("countries", MAX_LIST);
  for (let i = 0; i < countries.length && !errors.failed; i++) {
    const s = unchecked(countries[i]).asString();
    const code = s !== null ? countryCode(s) : "";
    if (code.length == 0) errors.fail(itemPath(f.at("countries"), i), "must be a two-letter country code");
    else g.countries.push(code);
  }
  const regions = f.array("regions", MAX_LIST);
  for (let i = 0; i < regions.length && !errors.failed; i++) {
    const s = unchecked(regions[i]).asString();
    if (s === null || !isName(s, true)) errors.fail(itemPath(f.at("regions"), i), nameRule(true));
    else g.regions.push(s.toUpperCase());
  }
  if (errors.failed) return null;
  if (g.countries.length + g.regions.length == 0) {
    errors.fail(path, "needs countries or regions");
    return null;
  }
  if (c.geo.countryHeader.length == 0 && c.geo.table === null) {
    errors.fail(path, "needs a country source: geo.country_header or geo.cidrs");
    return null;
  }
  if (g.regions.length > 0 && !hasRegionSource(c)) {
    errors.fail(f.at("regions"), "needs a region source: geo.region_header or a region in geo.cidrs");
    return null;
  }
  return g;
}

function readPercentCondition(v: JsonValue, path: string, c: FeatureGroupConfig, defaultSalt: string, errors: ConfigErrors): PercentCondition | null {
  const f = Fields.of(v, path, errors, ["value", "key", "salt"]);
  if (f === null) return null;
  const p = new PercentCondition();
  if (!f.has("value")) {
    errors.fail(f.at("value"), "required");
    return null;
  }
  const value = f.number("value");
  if (errors.failed) return null;
  const hundredths = Math.round(value * 100);
  if (value < 0 || value > 100 || Math.abs(value * 100 - hundredths) > 1e-6) {
    errors.fail(f.at("value"), "must be a number from 0 to 100 with at most two decimals");
    return null;
  }
  p.threshold = <u32>hundredths;
  const keyValue = f.get("key");
  if (keyValue === null) {
    errors.fail(f.at("key"), "required ({\"header\": name} or {\"cookie\": name})");
    return null;
  }
  const key = Fields.of(keyValue, f.at("key"), errors, ["header", "cookie"]);
  if (key === null) return null;
  if (key.has("header") == key.has("cookie")) {
    errors.fail(f.at("key"), "needs exactly one of header, cookie");
    return null;
  }
  if (key.has("header")) {
    const name = headerName(key, "header", "", true);
    if (errors.failed) return null;
    p.headerSlot = slotFor(c, name);
  } else {
    const cookie = key.string("cookie", "", true);
    if (errors.failed) return null;
    if (!isHeaderName(cookie, false)) {
      errors.fail(key.at("cookie"), "must be a cookie name");
      return null;
    }
    p.cookie = cookie;
  }
  const salt = f.string("salt", defaultSalt);
  if (!errors.failed && salt.length == 0) errors.fail(f.at("salt"), "must not be empty");
  p.seed = xxh64String(salt);
  return p;
}

function isScalar(v: JsonValue): bool {
  return !v.isObject() && !v.isArray();
}

function readBodyCondition(v: JsonValue, path: string, c: FeatureGroupConfig, errors: ConfigErrors): BodyCondition | null {
  const f = Fields.of(v, path, errors, ["pointer", "equals", "in", "exists", "min", "max"]);
  if (f === null) return null;
  const text = f.string("pointer", "", true);
  if (errors.failed) return null;
  const parsed = parseJsonPointer(text);
  if (!parsed.ok) {
    errors.fail(f.at("pointer"), parsed.error);
    return null;
  }
  const pointer = parsed.pointer!;
  if (pointer.tokens.length > c.maxBodyDepth) {
    errors.fail(f.at("pointer"), "deeper than max_body_depth (" + c.maxBodyDepth.toString() + ")");
    return null;
  }
  const b = new BodyCondition();
  b.pointer = pointerIndex(c, pointer);
  if (b.pointer < 0) {
    errors.fail(f.at("pointer"), "more than " + MAX_POINTERS.toString() + " distinct body pointers in all rules");
    return null;
  }
  const range = f.has("min") || f.has("max");
  const tests = (f.has("equals") ? 1 : 0) + (f.has("in") ? 1 : 0) + (f.has("exists") ? 1 : 0) + (range ? 1 : 0);
  if (tests != 1) {
    errors.fail(path, "needs exactly one of equals, in, exists, or a range (min and/or max)");
    return null;
  }
  if (f.has("equals")) {
    const value = f.get("equals")!;
    if (!isScalar(value)) {
      errors.fail(f.at("equals"), "must be a string, number, true, false or null");
      return null;
    }
    b.test = BodyTest.Equals;
    b.values.push(value);
  } else if (f.has("in")) {
    const items = f.array("in", MAX_LIST);
    if (errors.failed) return null;
    if (items.length == 0) {
      errors.fail(f.at("in"), "must not be empty");
      return null;
    }
    for (let i = 0; i < items.length; i++) {
      if (!isScalar(unchecked(items[i]))) {
        errors.fail(itemPath(f.at("in"), i), "must be a string, number, true, false or null");
        return null;
      }
      b.values.push(unchecked(items[i]));
    }
    b.test = BodyTest.In;
  } else if (f.has("exists")) {
    b.test = BodyTest.Exists;
    b.exists = f.bool("exists", true);
  } else {
    b.test = BodyTest.Range;
    const min = f.number("min");
    const max = f.number("max");
    if (errors.failed) return null;
    if (!isNaN(min)) b.min = min;
    if (!isNaN(max)) b.max = max;
    if (b.min > b.max) {
      errors.fail(f.at("min"), "must not be greater than max");
      return null;
    }
  }
  return b;
}

/** Index of an equal pointer already in use, else a new one; -1 past MAX_POINTERS. */
function pointerIndex(c: FeatureGroupConfig, pointer: JsonPointer): i32 {
  for (let i = 0; i < c.pointers.length; i++) {
    if (unchecked(c.pointers[i]).text == pointer.text) return i;
  }
  if (c.pointers.length >= MAX_POINTERS) return -1;
  c.pointers.push(pointer);
  return c.pointers.length - 1;
}

// ---- aliases and overrides ----

function readAliases(top: Fields, c: FeatureGroupConfig, errors: ConfigErrors): void {
  const v = top.get("aliases");
  if (v === null || errors.failed) return;
  if (!v.isObject()) {
    errors.fail("aliases", "must be an object of group: version");
    return;
  }
  if (v.length > MAX_ALIASES) {
    errors.fail("aliases", "at most " + MAX_ALIASES.toString() + " entries");
    return;
  }
  for (let i = 0; i < v.length; i++) {
    const group = v.keyAt(i)!;
    const path = memberPath("aliases", group);
    if (!isName(group, false)) {
      errors.fail(path, "the group name " + nameRule(false));
      return;
    }
    const version = v.valueAt(i)!.asString();
    if (version === null || !isName(version, true)) {
      errors.fail(path, "the version " + nameRule(true));
      return;
    }
    c.aliases.set(group, version);
  }
}

function readOverrides(top: Fields, c: FeatureGroupConfig, errors: ConfigErrors): void {
  const list = top.array("overrides", MAX_OVERRIDES);
  for (let i = 0; i < list.length && !errors.failed; i++) {
    const path = itemPath("overrides", i);
    const f = Fields.of(unchecked(list[i]), path, errors, ["header", "when"]);
    if (f === null) return;
    const header = headerName(f, "header", "", false);
    if (errors.failed) return;
    for (let k = 0; k < c.overrides.length; k++) {
      if (unchecked(c.overrides[k]).header == header) {
        errors.fail(f.at("header"), "already named by " + itemPath("overrides", k));
        return;
      }
    }
    const when = f.get("when");
    if (when === null) {
      errors.fail(f.at("when"), "required (the condition under which a client may send " + header + ")");
      return;
    }
    const w = Fields.of(when, f.at("when"), errors, WHEN_KEYS);
    if (w === null) return;
    const conditions = readConditions(w, c, header, false);
    if (errors.failed) return;
    if (conditions.headers.length == 0 && conditions.geo === null && conditions.percent === null) {
      errors.fail(f.at("when"), "needs at least one condition (header, geo or percent)");
      return;
    }
    c.overrides.push(new Override(header, slotFor(c, header), conditions));
  }
}
