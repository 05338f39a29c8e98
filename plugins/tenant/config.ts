// The tenant plugin's configuration: parsed and validated in one pure function, so Envoy (onConfigure), the
// harness and a command-line validator all refuse the same configurations with the same message, which names
// the offending field ("providers.main.remote_jwks.http_uri.cluster: required").
import { JsonValue, JsonKind, JsonLimits, parseJson } from "../../assembly/json";
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

/** Mutable error slot shared by the readers below: the first error wins. */
class Errors {
  message: string = "";
  fail(path: string, what: string): void {
    if (this.message.length == 0) this.message = path + ": " + what;
  }
  get failed(): bool { return this.message.length > 0; }
}

export function parseConfig(bytes: Uint8Array): ConfigResult {
  const limits = new JsonLimits();
  limits.maxInputBytes = MAX_CONFIG_BYTES;
  limits.rejectDuplicateKeys = true;
  if (bytes.length == 0) return new ConfigResult(null, "configuration: required (a JSON object)");
  const parsed = parseJson(bytes, limits);
  if (!parsed.ok) return new ConfigResult(null, "configuration: invalid JSON: " + parsed.message);
  const root = parsed.value!;
  const errors = new Errors();
  const config = new TenantConfig();
  if (!root.isObject()) {
    errors.fail("configuration", "must be a JSON object");
    return new ConfigResult(null, errors.message);
  }
  onlyKeys(root, "", ["providers", "allow_missing", "jwt_authn_metadata", "jwt_cache_config", "signature_backend"], errors);
  config.allowMissing = readBool(root, "allow_missing", "allow_missing", false, errors);

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
  readCache(root.get("jwt_cache_config"), config, errors);
  const backend = root.get("signature_backend");
  if (backend !== null) {
    const b = backend.asString();
    if (b == "auto") config.signatureBackend = SignatureBackend.Auto;
    else if (b == "wasm") config.signatureBackend = SignatureBackend.Wasm;
    else if (b == "host") config.signatureBackend = SignatureBackend.Host;
    else errors.fail("signature_backend", "must be \"auto\", \"wasm\" or \"host\"");
  }
  if (errors.failed) return new ConfigResult(null, errors.message);
  collectStrippedHeaders(config);
  const clash = strippedTokenHeader(config);
  if (clash.length > 0) return new ConfigResult(null, clash);
  return new ConfigResult(config, "");
}

function readMetadataMode(v: JsonValue, config: TenantConfig, errors: Errors): void {
  const path = "jwt_authn_metadata";
  if (!v.isObject()) { errors.fail(path, "must be an object"); return; }
  onlyKeys(v, path, ["key", "claim_to_headers"], errors);
  config.metadataKey = readString(v, "key", path + ".key", true, errors);
  if (config.metadataKey.length == 0 && !errors.failed) errors.fail(path + ".key", "must not be empty");
  config.metadataClaims = readClaimHeaders(v.get("claim_to_headers"), path + ".claim_to_headers", errors);
  if (config.metadataClaims.length == 0 && !errors.failed) errors.fail(path + ".claim_to_headers", "required (at least one entry)");
}

function readCache(v: JsonValue | null, config: TenantConfig, errors: Errors): void {
  if (v === null) return;
  const path = "jwt_cache_config";
  if (!v.isObject()) { errors.fail(path, "must be an object"); return; }
  onlyKeys(v, path, ["jwt_cache_size", "jwt_max_token_size"], errors);
  config.cacheSize = <i32>readInteger(v, "jwt_cache_size", path + ".jwt_cache_size", DEFAULT_CACHE_SIZE, 0, MAX_CACHE_SIZE, errors);
  config.cacheMaxTokenBytes = <i32>readInteger(v, "jwt_max_token_size", path + ".jwt_max_token_size", DEFAULT_CACHE_MAX_TOKEN_BYTES, 1, 65536, errors);
}

function readProviders(v: JsonValue, config: TenantConfig, errors: Errors): void {
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

function readProvider(v: JsonValue, p: Provider, path: string, config: TenantConfig, errors: Errors): void {
  if (!v.isObject()) { errors.fail(path, "must be an object"); return; }
  onlyKeys(v, path, ["issuer", "audiences", "local_jwks", "remote_jwks", "from_headers", "from_params", "from_cookies",
    "forward", "clock_skew_seconds", "claim_to_headers"], errors);
  p.issuer = readString(v, "issuer", path + ".issuer", false, errors);
  p.audiences = readStringList(v.get("audiences"), path + ".audiences", errors);
  const local = v.get("local_jwks");
  const remote = v.get("remote_jwks");
  if (local !== null && remote !== null) errors.fail(path, "local_jwks and remote_jwks are exclusive: give one");
  else if (local === null && remote === null) errors.fail(path, "one of local_jwks or remote_jwks is required");
  else if (local !== null) p.localKeys = readLocalJwks(local, path + ".local_jwks", errors);
  else p.remote = readRemoteJwks(remote!, path + ".remote_jwks", errors);
  p.forward = readBool(v, "forward", path + ".forward", true, errors);
  p.clockSkewSeconds = readInteger(v, "clock_skew_seconds", path + ".clock_skew_seconds", DEFAULT_CLOCK_SKEW_SECONDS, 0, 86400, errors);
  p.claimToHeaders = readClaimHeaders(v.get("claim_to_headers"), path + ".claim_to_headers", errors);
  readLocations(v, p, path, config, errors);
}

function readLocalJwks(v: JsonValue, path: string, errors: Errors): KeySetHolder | null {
  if (!v.isObject()) { errors.fail(path, "must be an object"); return null; }
  onlyKeys(v, path, ["inline_string"], errors);
  const text = readString(v, "inline_string", path + ".inline_string", true, errors);
  if (errors.failed) return null;
  const keys = parseKeySet(text);
  if (keys.error.length > 0) { errors.fail(path + ".inline_string", keys.error); return null; }
  return keys;
}

function readRemoteJwks(v: JsonValue, path: string, errors: Errors): RemoteJwks | null {
  if (!v.isObject()) { errors.fail(path, "must be an object"); return null; }
  onlyKeys(v, path, ["http_uri", "cache_duration", "unknown_kid_refetch_interval"], errors);
  const r = new RemoteJwks();
  const http = v.get("http_uri");
  const hpath = path + ".http_uri";
  if (http === null) { errors.fail(hpath, "required"); return null; }
  if (!http.isObject()) { errors.fail(hpath, "must be an object"); return null; }
  onlyKeys(http, hpath, ["uri", "cluster", "timeout"], errors);
  r.uri = readString(http, "uri", hpath + ".uri", true, errors);
  r.cluster = readString(http, "cluster", hpath + ".cluster", true, errors);
  if (!errors.failed && r.cluster.length == 0) errors.fail(hpath + ".cluster", "must not be empty");
  if (!errors.failed && !splitUri(r)) errors.fail(hpath + ".uri", "must be an absolute http:// or https:// URI with a host");
  r.timeoutMs = readDuration(http, "timeout", hpath + ".timeout", -1, MAX_TIMEOUT_MS, errors);
  if (!errors.failed && r.timeoutMs < 0) errors.fail(hpath + ".timeout", "required (a duration such as \"2s\")");
  if (!errors.failed && r.timeoutMs == 0) errors.fail(hpath + ".timeout", "must be greater than zero");
  r.cacheDurationMs = readDuration(v, "cache_duration", path + ".cache_duration", DEFAULT_CACHE_DURATION_MS, MAX_DURATION_MS, errors);
  if (!errors.failed && r.cacheDurationMs < 1000) errors.fail(path + ".cache_duration", "must be at least 1s");
  r.unknownKidRefetchMs = readDuration(v, "unknown_kid_refetch_interval", path + ".unknown_kid_refetch_interval",
    DEFAULT_UNKNOWN_KID_REFETCH_MS, MAX_DURATION_MS, errors);
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

function readLocations(v: JsonValue, p: Provider, path: string, config: TenantConfig, errors: Errors): void {
  const headers = v.get("from_headers");
  const params = v.get("from_params");
  const cookies = v.get("from_cookies");
  if (headers === null && params === null && cookies === null) {
    // Envoy's defaults when no location is given: the Authorization bearer token and the access_token parameter.
    addLocation(config, p, LocationKind.Header, "authorization", "Bearer ");
    addLocation(config, p, LocationKind.Param, "access_token", "");
    return;
  }
  if (headers !== null) {
    const hpath = path + ".from_headers";
    if (!headers.isArray()) { errors.fail(hpath, "must be an array"); return; }
    if (headers.length > MAX_LIST) { errors.fail(hpath, "at most " + MAX_LIST.toString() + " entries"); return; }
    for (let i = 0; i < headers.length && !errors.failed; i++) {
      const item = headers.at(i)!;
      const ipath = hpath + "[" + i.toString() + "]";
      if (!item.isObject()) { errors.fail(ipath, "must be an object {name, value_prefix}"); return; }
      onlyKeys(item, ipath, ["name", "value_prefix"], errors);
      const name = readString(item, "name", ipath + ".name", true, errors);
      const prefix = readString(item, "value_prefix", ipath + ".value_prefix", false, errors);
      if (errors.failed) return;
      if (!isHeaderName(name)) { errors.fail(ipath + ".name", "must be a header name"); return; }
      addLocation(config, p, LocationKind.Header, name.toLowerCase(), prefix);
    }
  }
  const paramNames = readStringList(params, path + ".from_params", errors);
  for (let i = 0; i < paramNames.length; i++) addLocation(config, p, LocationKind.Param, paramNames[i], "");
  const cookieNames = readStringList(cookies, path + ".from_cookies", errors);
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

function readClaimHeaders(v: JsonValue | null, path: string, errors: Errors): ClaimHeader[] {
  const out = new Array<ClaimHeader>();
  if (v === null) return out;
  if (!v.isArray()) { errors.fail(path, "must be an array"); return out; }
  if (v.length > MAX_LIST) { errors.fail(path, "at most " + MAX_LIST.toString() + " entries"); return out; }
  for (let i = 0; i < v.length && !errors.failed; i++) {
    const item = v.at(i)!;
    const ipath = path + "[" + i.toString() + "]";
    if (!item.isObject()) { errors.fail(ipath, "must be an object {header_name, claim_name}"); return out; }
    onlyKeys(item, ipath, ["header_name", "claim_name"], errors);
    const header = readString(item, "header_name", ipath + ".header_name", true, errors);
    const claim = readString(item, "claim_name", ipath + ".claim_name", true, errors);
    if (errors.failed) return out;
    if (!isHeaderName(header)) { errors.fail(ipath + ".header_name", "must be a header name (not a pseudo-header)"); return out; }
    if (isProtectedHeader(header.toLowerCase())) { errors.fail(ipath + ".header_name", "must not name a header Envoy owns (" + header + ")"); return out; }
    if (claim.length == 0) { errors.fail(ipath + ".claim_name", "must not be empty"); return out; }
    out.push(new ClaimHeader(header.toLowerCase(), claim));
  }
  return out;
}

/** RFC 7230 token characters; pseudo-headers (":path") are not names a client or claim may set. */
export function isHeaderName(name: string): bool {
  if (name.length == 0 || name.length > 256) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const alnum = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    if (!alnum && "!#$%&'*+-.^_`|~".indexOf(String.fromCharCode(c)) < 0) return false;
  }
  return true;
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

// ---- typed readers: each reports the field path on a type mismatch ----

function onlyKeys(v: JsonValue, path: string, allowed: string[], errors: Errors): void {
  for (let i = 0; i < v.length; i++) {
    const key = v.keyAt(i)!;
    if (!allowed.includes(key)) {
      errors.fail(path.length ? path + "." + key : key, "unknown field (expected one of: " + allowed.join(", ") + ")");
      return;
    }
  }
}

function readString(v: JsonValue, key: string, path: string, required: bool, errors: Errors): string {
  const x = v.get(key);
  if (x === null) {
    if (required) errors.fail(path, "required");
    return "";
  }
  const s = x.asString();
  if (s === null) { errors.fail(path, "must be a string"); return ""; }
  return s;
}

function readBool(v: JsonValue, key: string, path: string, fallback: bool, errors: Errors): bool {
  const x = v.get(key);
  if (x === null) return fallback;
  if (x.kind != JsonKind.Bool) { errors.fail(path, "must be true or false"); return fallback; }
  return x.asBool();
}

function readInteger(v: JsonValue, key: string, path: string, fallback: i64, min: i64, max: i64, errors: Errors): i64 {
  const x = v.get(key);
  if (x === null) return fallback;
  if (!x.isIntegerLiteral()) { errors.fail(path, "must be an integer"); return fallback; }
  const n = x.asNumber();
  if (n < <f64>min || n > <f64>max) {
    errors.fail(path, "must be between " + min.toString() + " and " + max.toString());
    return fallback;
  }
  return <i64>n;
}

function readDuration(v: JsonValue, key: string, path: string, fallback: i64, max: i64, errors: Errors): i64 {
  const x = v.get(key);
  if (x === null) return fallback;
  const s = x.asString();
  if (s === null) { errors.fail(path, "must be a duration string such as \"2s\""); return fallback; }
  const ms = parseDurationMs(s, max);
  if (ms < 0) { errors.fail(path, "must be a duration such as \"2s\" or \"0.5s\" (at most " + (max / 1000).toString() + "s)"); return fallback; }
  return ms;
}

function readStringList(v: JsonValue | null, path: string, errors: Errors): string[] {
  const out = new Array<string>();
  if (v === null) return out;
  if (!v.isArray()) { errors.fail(path, "must be an array of strings"); return out; }
  if (v.length > MAX_LIST) { errors.fail(path, "at most " + MAX_LIST.toString() + " entries"); return out; }
  for (let i = 0; i < v.length; i++) {
    const s = v.at(i)!.asString();
    if (s === null || s.length == 0) {
      errors.fail(path + "[" + i.toString() + "]", "must be a non-empty string");
      return out;
    }
    out.push(s);
  }
  return out;
}
