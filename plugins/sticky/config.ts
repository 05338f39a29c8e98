// The sticky plugin's configuration, parsed and validated by one pure function, so Envoy (onConfigure), the
// harness and a command-line validator refuse the same configurations with the same message, which names
// the field ("pods[2].weight: must be between 1 and 4294967295").
import { JsonLimits, JsonPointer, JsonPointerSet, parseJsonPointer } from "../../assembly/json";
import {
  isPrime, MAGLEV_DEFAULT_TABLE_SIZE, MAGLEV_MAX_TABLE_SIZE, RING_DEFAULT_MIN_SIZE, RING_DEFAULT_MAX_SIZE, DEFAULT_PANIC_THRESHOLD,
} from "../../assembly/hash";
import { ConfigErrors, Fields, Wording, checkKeys, itemPath, parseConfigObject, isHeaderName } from "../../assembly/config";
import { PathTemplate, parsePathTemplate } from "./path-template";
import { canonicalAddress } from "./address";

export enum SourceKind { Header = 0, Cookie = 1, Query = 2, Path = 3, Body = 4 }

export const SOURCE_NAMES: string[] = ["header", "cookie", "query", "path", "body"];

/** One place the key may come from. */
export class KeySource {
  /** For Header/Cookie/Query: the name; for Path and Body: the template or pointer as written. */
  name: string = "";
  template: PathTemplate | null = null;
  pointer: JsonPointer | null = null;
  /** Body sources: position of this pointer in the request's body scanner. */
  bodyIndex: i32 = -1;
  constructor(readonly kind: SourceKind) {}
}

export enum Mode { Pick = 0, Native = 1 }
export enum Algorithm { Maglev = 0, RingHash = 1 }
export enum OnMissing { Continue = 0, Reject = 1 }

/** An endpoint's health as Envoy's load balancer sees it (EDS status, health checks and outlier detection together). */
export enum Health { Healthy = 0, Degraded = 1, Unhealthy = 2 }

export class Pod {
  /** Canonical "ip:port" (what Envoy prints and what x-envoy-original-dst-host carries). */
  address: string = "";
  /** The address as configured, also accepted when naming the pod to the ID generator. */
  written: string = "";
  hostname: string = "";
  weight: u32 = 1;
  hashKey: string = "";
  /** Envoy's host key: hash_key, else hostname (use_hostname_for_hashing), else address. */
  hostKey: string = "";
  /** Metric-safe label: the hostname, else the address with '.', ':', '[' and ']' as '_'. */
  label: string = "";
  /** The endpoint's priority level (configured pods are all priority 0). */
  priority: i32 = 0;
  health: Health = Health.Healthy;
}

/** Live membership: the pod table follows the current endpoints of an Envoy cluster, read from the admin. */
export class MembershipConfig {
  /** The cluster whose endpoints are mirrored ("" when no membership section is configured). */
  cluster: string = "";
  /** A cluster reaching this Envoy's own admin interface. */
  adminCluster: string = "";
  /** The name the admin's endpoint dump lists the cluster under: its EDS service_name when set, else its name. */
  edsServiceName: string = "";
  refreshMs: i32 = DEFAULT_REFRESH_MS;
  timeoutMs: i32 = DEFAULT_FETCH_TIMEOUT_MS;
  maxResponseBytes: i32 = DEFAULT_MAX_RESPONSE_BYTES;
  /** The cluster's common_lb_config.healthy_panic_threshold, in percent. */
  panicThreshold: u32 = DEFAULT_PANIC_THRESHOLD;

  get enabled(): bool {
    return this.cluster.length > 0;
  }
}

export class IdConfig {
  path: string = DEFAULT_ID_PATH;
  prefix: string = "";
  podHeader: string = DEFAULT_ID_POD_HEADER;
  maxAttempts: i32 = DEFAULT_ID_MAX_ATTEMPTS;
}

export class DcConfig {
  /** "" when no data-centre section is configured. */
  local: string = "";
  peerNames: string[] = [];
  peerClusters: string[] = [];
  header: string = DEFAULT_DC_HEADER;
  hopHeader: string = DEFAULT_DC_HOP_HEADER;
  /** "" (off) or a header that receives the peer's cluster name, for a route using cluster_header. */
  clusterHeader: string = "";

  get enabled(): bool {
    return this.local.length > 0;
  }

  /** Index of a peer data centre, or -1. */
  peer(name: string): i32 {
    return this.peerNames.indexOf(name);
  }
}

export class StickyConfig {
  sources: KeySource[] = [];
  /** Number of body sources (pointers the body scanner follows). */
  bodySources: i32 = 0;
  /** The body sources' pointers, compiled once for the per-request scanners; null without body sources. */
  bodyPointers: JsonPointerSet | null = null;
  mode: Mode = Mode.Pick;
  keyHeader: string = DEFAULT_KEY_HEADER;
  originalDstHeader: string = DEFAULT_ORIGINAL_DST_HEADER;
  algorithm: Algorithm = Algorithm.Maglev;
  tableSize: u32 = MAGLEV_DEFAULT_TABLE_SIZE;
  minRingSize: u64 = RING_DEFAULT_MIN_SIZE;
  maxRingSize: u64 = RING_DEFAULT_MAX_SIZE;
  /** 0 XX_HASH, 1 MURMUR_HASH_2 (RingHashFunction values). */
  hashFunction: i32 = 0;
  useHostnameForHashing: bool = false;
  pods: Pod[] = [];
  membership: MembershipConfig = new MembershipConfig();
  id: IdConfig = new IdConfig();
  dc: DcConfig = new DcConfig();
  onMissing: OnMissing = OnMissing.Continue;
  maxBodyBytes: i32 = DEFAULT_MAX_BODY_BYTES;
  bodyTimeoutMs: i32 = DEFAULT_BODY_TIMEOUT_MS;
  maxKeyLength: i32 = DEFAULT_MAX_KEY_LENGTH;
}

export class ConfigResult {
  constructor(readonly config: StickyConfig | null, readonly error: string) {}
}

export const DEFAULT_KEY_HEADER = "x-sticky-key";
export const DEFAULT_ORIGINAL_DST_HEADER = "x-envoy-original-dst-host";
export const DEFAULT_ID_PATH = "/.waymark/id";
export const DEFAULT_ID_POD_HEADER = "x-waymark-pod";
/** About 2-3 ms of hashing at most; a pod owning 1/2000 of the table still fails only with probability e^-32. */
export const DEFAULT_ID_MAX_ATTEMPTS: i32 = 1 << 16;
export const MAX_ID_ATTEMPTS: i32 = 1 << 24;
export const DEFAULT_DC_HEADER = "x-waymark-dc";
export const DEFAULT_DC_HOP_HEADER = "x-waymark-dc-hop";
export const DEFAULT_MAX_BODY_BYTES: i32 = 65536;
/** Envoy's default per-request buffer limit: a larger bound could never be reached. */
export const MAX_BODY_BYTES: i32 = 1 << 20;
export const DEFAULT_BODY_TIMEOUT_MS: i32 = 5000;
export const MAX_BODY_TIMEOUT_MS: i32 = 300_000;
export const DEFAULT_MAX_KEY_LENGTH: i32 = 1024;
export const MAX_KEY_LENGTH: i32 = 16384;
export const MAX_SOURCES: i32 = 16;
export const MAX_PODS: i32 = 10000;
export const MAX_PEERS: i32 = 64;
/** Refresh twice a second: a change is picked up within about 0.5 s plus one admin round trip. */
export const DEFAULT_REFRESH_MS: i32 = 500;
export const MIN_REFRESH_MS: i32 = 50;
export const MAX_REFRESH_MS: i32 = 600_000;
export const DEFAULT_FETCH_TIMEOUT_MS: i32 = 1000;
export const MAX_FETCH_TIMEOUT_MS: i32 = 60_000;
/** The dump takes about 360 bytes per endpoint (more with metadata): the default fits about 11,000 endpoints. */
export const DEFAULT_MAX_RESPONSE_BYTES: i32 = 4 << 20;
export const MIN_RESPONSE_BYTES: i32 = 1024;
export const MAX_RESPONSE_BYTES: i32 = 64 << 20;
const MAX_NAME: i32 = 256;
const MAX_CONFIG_BYTES: i32 = 4 << 20;

/** "" when the configuration is acceptable, else the single error line (field path first). */
export function validate(bytes: Uint8Array): string {
  return parseConfig(bytes).error;
}

/** This plugin's wording of the shared readers' messages (the defaults). */
const WORDING = new Wording();

export function parseConfig(bytes: Uint8Array): ConfigResult {
  const limits = new JsonLimits();
  limits.maxInputBytes = MAX_CONFIG_BYTES;
  limits.maxMembers = MAX_PODS;
  limits.rejectDuplicateKeys = true;
  const errors = new ConfigErrors(WORDING);
  const root = parseConfigObject(bytes, limits, errors);
  if (root === null) return new ConfigResult(null, errors.message);
  const config = new StickyConfig();
  const top = new Fields(root, "", errors);
  checkKeys(root, "", ["key", "mode", "key_header", "original_dst_header", "algorithm", "table_size", "ring_hash",
    "use_hostname_for_hashing", "pods", "membership", "id", "dc", "on_missing", "max_body_bytes", "body_timeout_ms", "max_key_length"], errors);
  readSources(top, config, errors);
  const mode = top.choice("mode", ["pick", "native"], 0);
  if (mode >= 0) config.mode = <Mode>mode;
  config.keyHeader = headerName(top, "key_header", DEFAULT_KEY_HEADER);
  config.originalDstHeader = headerName(top, "original_dst_header", DEFAULT_ORIGINAL_DST_HEADER);
  const algorithm = top.choice("algorithm", ["maglev", "ring_hash"], 0);
  if (algorithm >= 0) config.algorithm = <Algorithm>algorithm;
  readTableSize(top, config, errors);
  readRingHash(top, config, errors);
  config.useHostnameForHashing = top.bool("use_hostname_for_hashing", false);
  readMembership(top, config, errors);
  readPods(top, config, errors);
  readId(top, config, errors);
  readDc(top, config, errors);
  const onMissing = top.choice("on_missing", ["continue", "reject"], 0);
  if (onMissing >= 0) config.onMissing = <OnMissing>onMissing;
  config.maxBodyBytes = <i32>top.integer("max_body_bytes", DEFAULT_MAX_BODY_BYTES, 1, MAX_BODY_BYTES);
  config.bodyTimeoutMs = <i32>top.integer("body_timeout_ms", DEFAULT_BODY_TIMEOUT_MS, 10, MAX_BODY_TIMEOUT_MS);
  config.maxKeyLength = <i32>top.integer("max_key_length", DEFAULT_MAX_KEY_LENGTH, 1, MAX_KEY_LENGTH);
  if (!errors.failed && config.keyHeader == config.originalDstHeader) {
    errors.fail("original_dst_header", "must differ from key_header");
  }
  if (errors.failed) return new ConfigResult(null, errors.message);
  if (config.bodySources > 0) config.bodyPointers = compileBodyPointers(config);
  return new ConfigResult(config, "");
}

function compileBodyPointers(config: StickyConfig): JsonPointerSet {
  const pointers = new Array<JsonPointer>();
  for (let i = 0; i < config.sources.length; i++) {
    const p = config.sources[i].pointer;
    if (p !== null) pointers.push(p);
  }
  const limits = new JsonLimits();
  limits.maxInputBytes = config.maxBodyBytes;
  // A key longer than max_key_length is no key; the scanner refuses to capture one.
  limits.maxStringLength = config.maxKeyLength;
  return new JsonPointerSet(pointers, limits);
}

/** A header-name field, lower-cased first (Envoy stores header names in lower case); `fallback` when absent. */
function headerName(f: Fields, key: string, fallback: string): string {
  const name = f.string(key, fallback, false, MAX_NAME).toLowerCase();
  if (f.errors.failed) return fallback;
  if (!isHeaderName(name)) {
    f.errors.fail(f.at(key), "must be a header name (letters, digits and -_.!#$%&'*+^`|~, not empty)");
    return fallback;
  }
  return name;
}

/** Letters, digits, '-' and '_' only: safe inside IDs, metric names and header values. */
function isToken(s: string, maxLength: i32): bool {
  if (s.length == 0 || s.length > maxLength) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ok = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c == 0x2d || c == 0x5f;
    if (!ok) return false;
  }
  return true;
}

function readSources(top: Fields, config: StickyConfig, errors: ConfigErrors): void {
  const list = top.get("key");
  if (list === null) {
    errors.fail("key", "required (a list of sources such as [{\"header\": \"x-cart-id\"}])");
    return;
  }
  if (!list.isArray() || list.length == 0) {
    errors.fail("key", "must be a non-empty list of sources");
    return;
  }
  if (list.length > MAX_SOURCES) {
    errors.fail("key", "at most " + MAX_SOURCES.toString() + " sources");
    return;
  }
  for (let i = 0; i < list.length && !errors.failed; i++) {
    const path = itemPath("key", i);
    const entry = list.at(i)!;
    if (!entry.isObject() || entry.length != 1) {
      errors.fail(path, "must be an object with exactly one of \"" + SOURCE_NAMES.join("\", \"") + "\"");
      return;
    }
    const kindName = entry.keyAt(0)!;
    const kind = SOURCE_NAMES.indexOf(kindName);
    const f = new Fields(entry, path, errors);
    if (kind < 0) {
      errors.fail(f.at(kindName), "unknown source (use one of \"" + SOURCE_NAMES.join("\", \"") + "\")");
      return;
    }
    const source = new KeySource(<SourceKind>kind);
    const fieldPath = f.at(kindName);
    if (kind == SourceKind.Header) {
      source.name = headerName(f, kindName, "");
    } else {
      const text = f.string(kindName, "", false, MAX_NAME);
      if (errors.failed) return;
      source.name = text;
      if (kind == SourceKind.Cookie || kind == SourceKind.Query) {
        if (text.length == 0) errors.fail(fieldPath, "must not be empty");
      } else if (kind == SourceKind.Path) {
        const t = parsePathTemplate(text);
        if (t.template === null) errors.fail(fieldPath, t.error);
        source.template = t.template;
      } else {
        const p = parseJsonPointer(text);
        if (p.pointer === null) errors.fail(fieldPath, p.error);
        else if (p.pointer!.tokens.length == 0) errors.fail(fieldPath, "must name a member, not the whole body");
        source.pointer = p.pointer;
        source.bodyIndex = config.bodySources++;
      }
    }
    config.sources.push(source);
  }
}

function readTableSize(top: Fields, config: StickyConfig, errors: ConfigErrors): void {
  const size = top.integer("table_size", MAGLEV_DEFAULT_TABLE_SIZE, 2, MAGLEV_MAX_TABLE_SIZE);
  if (errors.failed) return;
  if (!isPrime(<u32>size)) {
    errors.fail("table_size", size.toString() + " is not a prime number (Maglev needs a prime; the default is 65537)");
    return;
  }
  config.tableSize = <u32>size;
}

function readRingHash(top: Fields, config: StickyConfig, errors: ConfigErrors): void {
  const ring = top.object("ring_hash", ["minimum_ring_size", "maximum_ring_size", "hash_function"]);
  if (ring === null) return;
  config.minRingSize = <u64>ring.integer("minimum_ring_size", <i64>RING_DEFAULT_MIN_SIZE, 1, <i64>RING_DEFAULT_MAX_SIZE);
  config.maxRingSize = <u64>ring.integer("maximum_ring_size", <i64>RING_DEFAULT_MAX_SIZE, 1, <i64>RING_DEFAULT_MAX_SIZE);
  const fn = ring.choice("hash_function", ["XX_HASH", "MURMUR_HASH_2"], 0);
  if (fn >= 0) config.hashFunction = fn;
  if (!errors.failed && config.minRingSize > config.maxRingSize) {
    errors.fail("ring_hash.minimum_ring_size", "must not exceed maximum_ring_size (" + config.maxRingSize.toString() + ")");
  }
}

function readPods(top: Fields, config: StickyConfig, errors: ConfigErrors): void {
  const list = top.get("pods");
  // With membership the live endpoints replace the list; given, it only serves until the first fetch.
  const needed = config.mode == Mode.Pick && !config.membership.enabled;
  if (list === null) {
    if (needed) errors.fail("pods", "required in pick mode without membership (a list such as [{\"address\": \"10.0.0.5:8080\"}])");
    return;
  }
  if (!list.isArray()) {
    errors.fail("pods", "must be a list");
    return;
  }
  if (list.length == 0 && needed) {
    errors.fail("pods", "must name at least one pod in pick mode");
    return;
  }
  if (list.length > MAX_PODS) {
    errors.fail("pods", "at most " + MAX_PODS.toString() + " pods");
    return;
  }
  let weightSum: u64 = 0;
  const keys = new Set<string>();
  const addresses = new Set<string>();
  const labels = new Set<string>();
  for (let i = 0; i < list.length && !errors.failed; i++) {
    const path = itemPath("pods", i);
    const entry = list.at(i)!;
    if (!entry.isObject()) {
      errors.fail(path, "must be an object such as {\"address\": \"10.0.0.5:8080\"}");
      return;
    }
    checkKeys(entry, path, ["address", "hostname", "weight", "hash_key"], errors);
    const f = new Fields(entry, path, errors);
    const pod = new Pod();
    const written = f.string("address", "", false, MAX_NAME);
    if (errors.failed) return;
    if (!f.has("address")) {
      errors.fail(f.at("address"), "required (\"ip:port\")");
      return;
    }
    const address = canonicalAddress(written);
    if (address === null) {
      errors.fail(f.at("address"), "\"" + written + "\" is not \"ip:port\" (IPv4, or [IPv6], and a port 1-65535)");
      return;
    }
    pod.address = address;
    pod.written = written;
    pod.hostname = f.string("hostname", "", false, MAX_NAME);
    pod.hashKey = f.string("hash_key", "", false, MAX_NAME);
    const weight = f.get("weight");
    if (weight !== null && weight.isNumber() && weight.asNumber() == 0) {
      errors.fail(f.at("weight"), "must not be 0 (remove the pod instead)");
      return;
    }
    pod.weight = <u32>f.integer("weight", 1, 1, <i64>u32.MAX_VALUE);
    if (errors.failed) return;
    weightSum += <u64>pod.weight;
    if (addresses.has(pod.address)) {
      errors.fail(f.at("address"), "duplicate pod " + pod.address);
      return;
    }
    addresses.add(pod.address);
    if (pod.hashKey.length > 0) {
      pod.hostKey = pod.hashKey;
    } else if (config.useHostnameForHashing) {
      if (pod.hostname.length == 0) {
        errors.fail(f.at("hostname"), "required when use_hostname_for_hashing is true (or give hash_key)");
        return;
      }
      pod.hostKey = pod.hostname;
    } else {
      pod.hostKey = pod.address;
    }
    // Envoy orders hosts with equal keys unpredictably, so a shared key would make the choice unknowable.
    if (keys.has(pod.hostKey)) {
      errors.fail(path, "host key \"" + pod.hostKey + "\" is used by an earlier pod (hash_key, hostname or address must be unique)");
      return;
    }
    keys.add(pod.hostKey);
    pod.label = metricLabel(pod);
    if (labels.has(pod.label)) pod.label += "_" + i.toString();
    labels.add(pod.label);
    config.pods.push(pod);
  }
  if (!errors.failed && weightSum > <u64>u32.MAX_VALUE) errors.fail("pods", "the weights add up to more than 4294967295");
}

/** The metric-safe label of a pod: its hostname, else its address, with anything but letters, digits and '-' as '_'. */
export function metricLabel(pod: Pod): string {
  let s = pod.hostname.length > 0 ? pod.hostname : pod.address;
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const keep = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c == 0x2d;
    out += keep ? String.fromCharCode(c) : "_";
  }
  return out;
}

function readMembership(top: Fields, config: StickyConfig, errors: ConfigErrors): void {
  const m = top.object("membership", ["cluster", "admin_cluster", "eds_service_name", "refresh_ms", "timeout_ms", "max_response_bytes", "healthy_panic_threshold"]);
  if (m === null) return;
  const membership = config.membership;
  const cluster = m.string("cluster", "", false, MAX_NAME);
  if (!errors.failed && cluster.length == 0) {
    errors.fail("membership.cluster", "required: the Envoy cluster whose current endpoints the pod table follows");
    return;
  }
  const admin = m.string("admin_cluster", "", false, MAX_NAME);
  if (!errors.failed && admin.length == 0) {
    errors.fail("membership.admin_cluster", "required: an Envoy cluster reaching this Envoy's admin interface (a STATIC cluster at the admin address)");
    return;
  }
  if (!errors.failed && admin == cluster) {
    errors.fail("membership.admin_cluster", "must differ from membership.cluster (it reaches the admin, not the pods)");
    return;
  }
  const service = m.string("eds_service_name", cluster, false, MAX_NAME);
  if (!errors.failed && service.length == 0) {
    errors.fail("membership.eds_service_name", "must not be empty (leave it out to use membership.cluster)");
    return;
  }
  membership.refreshMs = <i32>m.integer("refresh_ms", DEFAULT_REFRESH_MS, MIN_REFRESH_MS, MAX_REFRESH_MS);
  membership.timeoutMs = <i32>m.integer("timeout_ms", DEFAULT_FETCH_TIMEOUT_MS, 10, MAX_FETCH_TIMEOUT_MS);
  membership.maxResponseBytes = <i32>m.integer("max_response_bytes", DEFAULT_MAX_RESPONSE_BYTES, MIN_RESPONSE_BYTES, MAX_RESPONSE_BYTES);
  membership.panicThreshold = <u32>m.integer("healthy_panic_threshold", DEFAULT_PANIC_THRESHOLD, 0, 100);
  if (errors.failed) return;
  membership.cluster = cluster;
  membership.adminCluster = admin;
  membership.edsServiceName = service;
}

function readId(top: Fields, config: StickyConfig, errors: ConfigErrors): void {
  const id = top.object("id", ["path", "prefix", "pod_header", "max_attempts"]);
  if (id === null) return;
  const p = id.string("path", DEFAULT_ID_PATH, false, MAX_NAME);
  if (!errors.failed && (!p.startsWith("/") || p.includes("?") || p.includes("#"))) {
    errors.fail("id.path", "must start with \"/\" and have no query or fragment");
  }
  config.id.path = p;
  const prefix = id.string("prefix", "", false, 64);
  if (!errors.failed && !isIdText(prefix)) {
    errors.fail("id.prefix", "may contain only letters, digits and - _ ~ . (it is sent in headers, cookies and paths)");
  }
  config.id.prefix = prefix;
  config.id.podHeader = headerName(id, "pod_header", DEFAULT_ID_POD_HEADER);
  config.id.maxAttempts = <i32>id.integer("max_attempts", DEFAULT_ID_MAX_ATTEMPTS, 1, MAX_ID_ATTEMPTS);
}

/** Characters an ID may hold untouched in a header, a cookie, a query parameter and a path segment. */
function isIdText(s: string): bool {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ok = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c == 0x2d || c == 0x5f || c == 0x7e || c == 0x2e;
    if (!ok) return false;
  }
  return true;
}

function readDc(top: Fields, config: StickyConfig, errors: ConfigErrors): void {
  const dc = top.object("dc", ["local", "peers", "header", "hop_header", "cluster_header"]);
  if (dc === null) return;
  const local = dc.string("local", "", false, 64);
  if (errors.failed) return;
  if (!isToken(local, 64)) {
    errors.fail("dc.local", "required: the local data centre's name (letters, digits, - and _)");
    return;
  }
  config.dc.local = local;
  const peerFields = dc.object("peers", null);
  if (peerFields !== null) {
    const peers = peerFields.value;
    if (peers.length > MAX_PEERS) errors.fail("dc.peers", "at most " + MAX_PEERS.toString() + " peers");
    for (let i = 0; i < peers.length && !errors.failed; i++) {
      const name = peers.keyAt(i)!;
      const peerPath = "dc.peers." + name;
      if (!isToken(name, 64)) {
        errors.fail(peerPath, "a data centre name may contain only letters, digits, - and _");
        return;
      }
      if (name == local) {
        errors.fail(peerPath, "the local data centre cannot be its own peer");
        return;
      }
      const cluster = peers.valueAt(i)!.asString();
      if (cluster === null || cluster.length == 0 || cluster.length > MAX_NAME) {
        errors.fail(peerPath, "must be the name of the Envoy cluster that reaches that data centre's gateway");
        return;
      }
      config.dc.peerNames.push(name);
      config.dc.peerClusters.push(cluster);
    }
  }
  config.dc.header = headerName(dc, "header", DEFAULT_DC_HEADER);
  config.dc.hopHeader = headerName(dc, "hop_header", DEFAULT_DC_HOP_HEADER);
  if (dc.has("cluster_header")) config.dc.clusterHeader = headerName(dc, "cluster_header", "");
  if (!errors.failed && config.dc.header == config.dc.hopHeader) errors.fail("dc.hop_header", "must differ from dc.header");
}
