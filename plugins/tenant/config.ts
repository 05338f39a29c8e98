// The tenant plugin's configuration: parsed and validated in one pure function, so Envoy (onConfigure), the
// harness and a command-line validator all refuse the same configurations with the same message, which names
// the offending field ("providers.main.remote_jwks.http_uri.cluster: required").
import { JsonValue, JsonLimits } from "../../assembly/json";
import { ConfigErrors, Fields, IntegerStyle, Wording, checkKeys, itemPath, parseConfigObject, isHeaderName } from "../../assembly/config";
import { parseDurationMs } from "./duration";
import { KeySetHolder, parseKeySet } from "./keys";

export enum LocationKind { Header = 0, Param = 1, Cookie = 2 }

export enum SignatureBackend { Auto = 0, Wasm = 1, Host = 2 }

/** One place a token may be: a header (with an optional value prefix), a query parameter or a cookie. */
export class TokenLocation {
  /** Indices of the providers that read this location. */
  providers: i32[] = [];
  constructor(public readonly kind: LocationKind, public readonly name: string, public readonly prefix: string) {}
}

export class ClaimHeader {
  constructor(public readonly header: string, public readonly claim: string) {}
}

export class RemoteJwks {
  uri: string = "";
  cluster: string = "";
  /** :authority and :path of the call-out, from the uri. */
  authority: string = "";
  path: string = "";
  timeoutMs: i64 = 0;
  cacheDurationMs: i64 = DEFAULT_CACHE_DURATION_MS;
  /** Smallest gap between two refetches caused by a token whose kid the set does not have. */
  unknownKidRefetchMs: i64 = DEFAULT_UNKNOWN_KID_REFETCH_MS;
}

export class Provider {
  name: string = "";
  /** "" accepts any issuer (as Envoy does when issuer is unset). */
  issuer: string = "";
  audiences: string[] = [];
  /** The parsed local_jwks (null for remote providers). */
  localKeys: KeySetHolder | null = null;
  remote: RemoteJwks | null = null;
  forward: bool = true;
  clockSkewSeconds: i64 = DEFAULT_CLOCK_SKEW_SECONDS;
  claimToHeaders: ClaimHeader[] = [];
  /** Indices into TenantConfig.locations. */
  locations: i32[] = [];
  constructor(public readonly index: i32) {}
}

export class TenantConfig {
  providers: Provider[] = [];
  /** Every distinct token location of every provider, in configuration order. */
  locations: TokenLocation[] = [];
  /** Every header any claim_to_headers names (lower case, once each): removed from every request first. */
  strippedHeaders: string[] = [];
  allowMissing: bool = false;
  /** jwt_authn_metadata.key; "" when the plugin verifies tokens itself. */
  metadataKey: string = "";
  metadataClaims: ClaimHeader[] = [];
  cacheSize: i32 = DEFAULT_CACHE_SIZE;
  cacheMaxTokenBytes: i32 = DEFAULT_CACHE_MAX_TOKEN_BYTES;
  signatureBackend: SignatureBackend = SignatureBackend.Auto;
  /** Whether any location is a query parameter / a cookie (the request walk reads :path / Cookie only then). */
  hasParamLocations: bool = false;
  hasCookieLocations: bool = false;
}

export class ConfigResult {
  constructor(public readonly config: TenantConfig | null, public readonly error: string) {}
}

export const DEFAULT_CLOCK_SKEW_SECONDS: i64 = 60;
/** Envoy's jwt_authn default for remote_jwks.cache_duration (10 minutes). */
export const DEFAULT_CACHE_DURATION_MS: i64 = 600_000;
export const DEFAULT_UNKNOWN_KID_REFETCH_MS: i64 = 10_000;
export const DEFAULT_CACHE_SIZE: i32 = 1024;
/** Longer tokens are verified every time, never cached (Envoy's jwt_max_token_size default). */
export const DEFAULT_CACHE_MAX_TOKEN_BYTES: i32 = 4096;
/** Bounds that keep a configuration (and per-request work) small. */
export const MAX_PROVIDERS: i32 = 32;
export const MAX_LIST: i32 = 64;
export const MAX_CACHE_SIZE: i32 = 1_000_000;
const MAX_TIMEOUT_MS: i64 = 60_000;
const MAX_DURATION_MS: i64 = 30 * 24 * 3600 * 1000;
const MAX_CONFIG_BYTES: i32 = 1 << 20;

/** "" when the configuration is acceptable, else the single error line (field path first). */
export function validate(bytes: Uint8Array): string {
  return parseConfig(bytes).error;
}

/** This plugin's wording of the shared readers' messages. */
const WORDING = new Wording(IntegerStyle.IntegerLiteral);

export function parseConfig(bytes: Uint8Array): ConfigResult {
  const limits = new JsonLimits();
  limits.maxInputBytes = MAX_CONFIG_BYTES;
  limits.rejectDuplicateKeys = true;
  const errors = new ConfigErrors(WORDING);
  const root = parseConfigObject(bytes, limits, errors);
  if (root === null) return new ConfigResult(null, errors.message);
  const config = new TenantConfig();
  const top = new Fields(root, "", errors);
  checkKeys(root, "", ["providers", "allow_missing", "jwt_authn_metadata", "jwt_cache_config", "signature_backend"], errors);
  config.allowMissing = top.bool("allow_missing", false);

  const metadata = root.get("jwt_authn_metadata");
  const providers = root.get("providers");
  if (metadata !== null) {
    readMetadataMode(metadata, config, errors);
    if (providers !== null) errors.fail("jwt_authn_metadata", "cannot be combined with providers (the payload is already verified)");
  } else if (providers === null) {
    errors.fail("providers", "required (or jwt_authn_metadata)");
  } else {
    readProviders(providers, config, errors);
  }
  readCache(top, config);
  // The choices are in SignatureBackend order.
  const backend = top.choice("signature_backend", ["auto", "wasm", "host"], 0, "must be \"auto\", \"wasm\" or \"host\"");
  if (backend >= 0) config.signatureBackend = <SignatureBackend>backend;
  if (errors.failed) return new ConfigResult(null, errors.message);
  collectStrippedHeaders(config);
  const clash = strippedTokenHeader(config);
  if (clash.length > 0) return new ConfigResult(null, clash);
  return new ConfigResult(config, "");
}

function readMetadataMode(v: JsonValue, config: TenantConfig, errors: ConfigErrors): void {
  const f = Fields.of(v, "jwt_authn_metadata", errors, ["key", "claim_to_headers"]);
  if (f === null) return;
  config.metadataKey = f.string("key", "", true);
  if (config.metadataKey.length == 0 && !errors.failed) errors.fail(f.at("key"), "must not be empty");
  config.metadataClaims = readClaimHeaders(f, "claim_to_headers");
  if (config.metadataClaims.length == 0 && !errors.failed) errors.fail(f.at("claim_to_headers"), "required (at least one entry)");
}

function readCache(top: Fields, config: TenantConfig): void {
  const f = top.object("jwt_cache_config", ["jwt_cache_size", "jwt_max_token_size"]);
  if (f === null) return;
  config.cacheSize = <i32>f.integer("jwt_cache_size", DEFAULT_CACHE_SIZE, 0, MAX_CACHE_SIZE);
  config.cacheMaxTokenBytes = <i32>f.integer("jwt_max_token_size", DEFAULT_CACHE_MAX_TOKEN_BYTES, 1, 65536);
}

function readProviders(v: JsonValue, config: TenantConfig, errors: ConfigErrors): void {
  if (!v.isObject()) { errors.fail("providers", "must be an object (provider name -> provider)"); return; }
  if (v.length == 0) { errors.fail("providers", "must name at least one provider"); return; }
  if (v.length > MAX_PROVIDERS) { errors.fail("providers", "at most " + MAX_PROVIDERS.toString() + " providers"); return; }
  for (let i = 0; i < v.length && !errors.failed; i++) {
    const name = v.keyAt(i)!;
    const path = "providers." + name;
    if (name.length == 0) { errors.fail("providers", "a provider name must not be empty"); return; }
    const p = new Provider(i);
    p.name = name;
    readProvider(v.valueAt(i)!, p, path, config, errors);
    config.providers.push(p);
  }
}

function readProvider(v: JsonValue, p: Provider, path: string, config: TenantConfig, errors: ConfigErrors): void {
  const f = Fields.of(v, path, errors, ["issuer", "audiences", "local_jwks", "remote_jwks", "from_headers", "from_params",
    "from_cookies", "forward", "clock_skew_seconds", "claim_to_headers"]);
  if (f === null) return;
  p.issuer = f.string("issuer");
  p.audiences = f.stringList("audiences", MAX_LIST);
  const local = f.get("local_jwks");
  const remote = f.get("remote_jwks");
  if (local !== null && remote !== null) errors.fail(path, "local_jwks and remote_jwks are exclusive: give one");
  else if (local === null && remote === null) errors.fail(path, "one of local_jwks or remote_jwks is required");
  else if (local !== null) p.localKeys = readLocalJwks(local, f.at("local_jwks"), errors);
  else p.remote = readRemoteJwks(remote!, f.at("remote_jwks"), errors);
  p.forward = f.bool("forward", true);
  p.clockSkewSeconds = f.integer("clock_skew_seconds", DEFAULT_CLOCK_SKEW_SECONDS, 0, 86400);
  p.claimToHeaders = readClaimHeaders(f, "claim_to_headers");
  readLocations(f, p, config);
}

function readLocalJwks(v: JsonValue, path: string, errors: ConfigErrors): KeySetHolder | null {
  const f = Fields.of(v, path, errors, ["inline_string"]);
  if (f === null) return null;
  const text = f.string("inline_string", "", true);
  if (errors.failed) return null;
  const keys = parseKeySet(text);
  if (keys.error.length > 0) { errors.fail(f.at("inline_string"), keys.error); return null; }
  return keys;
}

function readRemoteJwks(v: JsonValue, path: string, errors: ConfigErrors): RemoteJwks | null {
  const f = Fields.of(v, path, errors, ["http_uri", "cache_duration", "unknown_kid_refetch_interval"]);
  if (f === null) return null;
  const r = new RemoteJwks();
  if (!f.has("http_uri")) { errors.fail(f.at("http_uri"), "required"); return null; }
  const http = f.object("http_uri", ["uri", "cluster", "timeout"]);
  if (http === null) return null;
  r.uri = http.string("uri", "", true);
  r.cluster = http.string("cluster", "", true);
  if (!errors.failed && r.cluster.length == 0) errors.fail(http.at("cluster"), "must not be empty");
  if (!errors.failed && !splitUri(r)) errors.fail(http.at("uri"), "must be an absolute http:// or https:// URI with a host");
  r.timeoutMs = readDuration(http, "timeout", -1, MAX_TIMEOUT_MS);
  if (!errors.failed && r.timeoutMs < 0) errors.fail(http.at("timeout"), "required (a duration such as \"2s\")");
  if (!errors.failed && r.timeoutMs == 0) errors.fail(http.at("timeout"), "must be greater than zero");
  r.cacheDurationMs = readDuration(f, "cache_duration", DEFAULT_CACHE_DURATION_MS, MAX_DURATION_MS);
  if (!errors.failed && r.cacheDurationMs < 1000) errors.fail(f.at("cache_duration"), "must be at least 1s");
  r.unknownKidRefetchMs = readDuration(f, "unknown_kid_refetch_interval", DEFAULT_UNKNOWN_KID_REFETCH_MS, MAX_DURATION_MS);
  return r;
}

/** Fills authority and path from the uri; false when it is not http(s)://host[/path]. */
function splitUri(r: RemoteJwks): bool {
  const uri = r.uri;
  let rest: string;
  if (uri.startsWith("http://")) rest = uri.substring(7);
  else if (uri.startsWith("https://")) rest = uri.substring(8);
  else return false;
  const slash = rest.indexOf("/");
  const authority = slash < 0 ? rest : rest.substring(0, slash);
  if (authority.length == 0 || authority.includes("@") || hasSpaceOrControl(authority)) return false;
  r.authority = authority;
  r.path = slash < 0 ? "/" : rest.substring(slash);
  return !hasSpaceOrControl(r.path);
}

function hasSpaceOrControl(s: string): bool {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) <= 0x20 || s.charCodeAt(i) == 0x7f) return true;
  return false;
}

function readLocations(f: Fields, p: Provider, config: TenantConfig): void {
  const errors = f.errors;
  if (!f.has("from_headers") && !f.has("from_params") && !f.has("from_cookies")) {
    // Envoy's defaults when no location is given: the Authorization bearer token and the access_token parameter.
    addLocation(config, p, LocationKind.Header, "authorization", "Bearer ");
    addLocation(config, p, LocationKind.Param, "access_token", "");
    return;
  }
  const headers = f.array("from_headers", MAX_LIST);
  for (let i = 0; i < headers.length && !errors.failed; i++) {
    const item = unchecked(headers[i]);
    const ipath = itemPath(f.at("from_headers"), i);
    if (!item.isObject()) { errors.fail(ipath, "must be an object {name, value_prefix}"); return; }
    const h = Fields.of(item, ipath, errors, ["name", "value_prefix"]);
    if (h === null) return;
    const name = h.string("name", "", true);
    const prefix = h.string("value_prefix");
    if (errors.failed) return;
    if (!isHeaderName(name)) { errors.fail(h.at("name"), "must be a header name"); return; }
    addLocation(config, p, LocationKind.Header, name.toLowerCase(), prefix);
  }
  const paramNames = f.stringList("from_params", MAX_LIST);
  for (let i = 0; i < paramNames.length; i++) addLocation(config, p, LocationKind.Param, paramNames[i], "");
  const cookieNames = f.stringList("from_cookies", MAX_LIST);
  for (let i = 0; i < cookieNames.length; i++) addLocation(config, p, LocationKind.Cookie, cookieNames[i], "");
}

function addLocation(config: TenantConfig, p: Provider, kind: LocationKind, name: string, prefix: string): void {
  let index = -1;
  for (let i = 0; i < config.locations.length; i++) {
    const l = config.locations[i];
    if (l.kind == kind && l.name == name && l.prefix == prefix) { index = i; break; }
  }
  if (index < 0) {
    index = config.locations.length;
    config.locations.push(new TokenLocation(kind, name, prefix));
    if (kind == LocationKind.Param) config.hasParamLocations = true;
    if (kind == LocationKind.Cookie) config.hasCookieLocations = true;
  }
  const location = config.locations[index];
  if (!location.providers.includes(p.index)) location.providers.push(p.index);
  if (!p.locations.includes(index)) p.locations.push(index);
}

function readClaimHeaders(f: Fields, key: string): ClaimHeader[] {
  const errors = f.errors;
  const out = new Array<ClaimHeader>();
  const items = f.array(key, MAX_LIST);
  for (let i = 0; i < items.length && !errors.failed; i++) {
    const item = unchecked(items[i]);
    const ipath = itemPath(f.at(key), i);
    if (!item.isObject()) { errors.fail(ipath, "must be an object {header_name, claim_name}"); return out; }
    const c = Fields.of(item, ipath, errors, ["header_name", "claim_name"]);
    if (c === null) return out;
    const header = c.string("header_name", "", true);
    const claim = c.string("claim_name", "", true);
    if (errors.failed) return out;
    if (!isHeaderName(header)) { errors.fail(c.at("header_name"), "must be a header name (not a pseudo-header)"); return out; }
    if (isProtectedHeader(header.toLowerCase())) { errors.fail(c.at("header_name"), "must not name a header Envoy owns (" + header + ")"); return out; }
    if (claim.length == 0) { errors.fail(c.at("claim_name"), "must not be empty"); return out; }
    out.push(new ClaimHeader(header.toLowerCase(), claim));
  }
  return out;
}

/** Headers that decide routing or framing: a claim must never overwrite (and the plugin never strips) them. */
function isProtectedHeader(name: string): bool {
  return name == "host" || name == "content-length" || name == "transfer-encoding" || name == "connection" ||
    name == "authorization" || name == "cookie" || name == "te" || name == "upgrade";
}

function collectStrippedHeaders(config: TenantConfig): void {
  const out = config.strippedHeaders;
  for (let i = 0; i < config.providers.length; i++) {
    const claims = config.providers[i].claimToHeaders;
    for (let j = 0; j < claims.length; j++) if (!out.includes(claims[j].header)) out.push(claims[j].header);
  }
  for (let j = 0; j < config.metadataClaims.length; j++) {
    if (!out.includes(config.metadataClaims[j].header)) out.push(config.metadataClaims[j].header);
  }
}

/** A header that is both an identity header (stripped first) and a token location would never hold a token. */
function strippedTokenHeader(config: TenantConfig): string {
  for (let i = 0; i < config.providers.length; i++) {
    const p = config.providers[i];
    for (let j = 0; j < p.claimToHeaders.length; j++) {
      const header = p.claimToHeaders[j].header;
      for (let l = 0; l < config.locations.length; l++) {
        const location = config.locations[l];
        if (location.kind == LocationKind.Header && location.name == header) {
          return "providers." + p.name + ".claim_to_headers[" + j.toString() + "].header_name: '" + header +
            "' is also a from_headers token location";
        }
      }
    }
  }
  return "";
}

/** A duration member such as "2s" (see duration.ts), in milliseconds; `fallback` when absent or wrong. */
function readDuration(f: Fields, key: string, fallback: i64, max: i64): i64 {
  const v = f.get(key);
  if (v === null) return fallback;
  const s = v.asString();
  if (s === null) { f.errors.fail(f.at(key), "must be a duration string such as \"2s\""); return fallback; }
  const ms = parseDurationMs(s, max);
  if (ms < 0) { f.errors.fail(f.at(key), "must be a duration such as \"2s\" or \"0.5s\" (at most " + (max / 1000).toString() + "s)"); return fallback; }
  return ms;
}
