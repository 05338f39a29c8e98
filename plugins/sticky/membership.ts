// Reading the live endpoints of an Envoy cluster from the admin's endpoint dump:
//   GET /config_dump?include_eds&mask=static_endpoint_configs,dynamic_endpoint_configs&name_regex=^<name>$
// lists, for the cluster (a bootstrap cluster under static_endpoint_configs, a CDS one under
// dynamic_endpoint_configs), every host Envoy currently has, by priority and in order, with its address,
// hostname, weight, endpoint metadata (the envoy.lb hash_key) and health as Envoy's load balancer sees it
// (EDS status, active health checks and outlier detection folded into HEALTHY / DEGRADED / UNHEALTHY), and
// the overprovisioning factor. /clusters?format=json&filter=... is cheaper but carries no hash_key.
import { JsonLimits, JsonValue, parseJson } from "../../assembly/json";
import { ConfigErrors, Fields, Wording, itemPath } from "../../assembly/config";
import { hostAddressString, hostHashKey, DEFAULT_OVERPROVISIONING_FACTOR } from "../../assembly/hash";
import { StickyConfig, Pod, Health, MAX_PODS, metricLabel } from "./config";

/** Priorities beyond this are refused (Envoy keeps one host set per level up to the highest). */
export const MAX_PRIORITY: i32 = 127;

/** The admin path that dumps the endpoints Envoy has for the cluster the dump names `name`. */
export function endpointDumpPath(name: string): string {
  return "/config_dump?include_eds&mask=static_endpoint_configs,dynamic_endpoint_configs&name_regex=" +
    percentEncode("^" + regexLiteral(name) + "$");
}

/** `text` as an RE2 literal: every character that is not a letter, digit or '_' escaped. */
function regexLiteral(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isWordChar(c)) out += "\\";
    out += String.fromCharCode(c);
  }
  return out;
}

/** RFC 3986 percent-encoding of everything but unreserved characters (as UTF-8 bytes). */
function percentEncode(text: string): string {
  const bytes = Uint8Array.wrap(String.UTF8.encode(text));
  const hex = "0123456789ABCDEF";
  let out = "";
  for (let i = 0; i < bytes.length; i++) {
    const b = <i32>bytes[i];
    if (isWordChar(b) || b == 0x2d || b == 0x2e || b == 0x7e) {
      out += String.fromCharCode(b);
    } else {
      out += "%" + hex.charAt(b >> 4) + hex.charAt(b & 15);
    }
  }
  return out;
}

function isWordChar(c: i32): bool {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c == 0x5f;
}

export class Membership {
  constructor(
    /** The pods, grouped by priority (ascending), in the dump's order within a priority. */
    readonly pods: Pod[] | null,
    /** ClusterLoadAssignment.policy.overprovisioning_factor (percent). */
    readonly overprovisioningFactor: u32,
    /** Why the dump could not be used ("" when it could), naming the JSON path. */
    readonly error: string,
  ) {}
}

function failed(error: string): Membership {
  return new Membership(null, 0, error);
}

/** The dump's messages say "must be …" like the configuration's; paths are JSON paths into the dump. */
const WORDING = new Wording();

/** Parses an endpoint dump for the cluster `config.membership` names; bounded by max_response_bytes and MAX_PODS. */
export function parseMembership(body: Uint8Array, config: StickyConfig): Membership {
  const limits = new JsonLimits();
  limits.maxInputBytes = config.membership.maxResponseBytes;
  limits.maxMembers = MAX_PODS;
  const parsed = parseJson(body, limits);
  if (!parsed.ok) return failed("not JSON: " + parsed.message);
  const errors = new ConfigErrors(WORDING);
  const root = Fields.of(parsed.value!, "", errors, null);
  if (root === null) return failed(errors.message);
  const name = config.membership.edsServiceName;
  let found: JsonValue | null = null;
  let foundAt = "";
  let matches = 0;
  const configs = root.array("configs", 64);
  for (let c = 0; c < configs.length && !errors.failed; c++) {
    const dump = Fields.of(configs[c], itemPath("configs", c), errors, null);
    if (dump === null) break;
    for (let k = 0; k < 2 && !errors.failed; k++) {
      const field = k == 0 ? "static_endpoint_configs" : "dynamic_endpoint_configs";
      const entries = dump.array(field, MAX_PODS);
      for (let e = 0; e < entries.length && !errors.failed; e++) {
        const entry = Fields.of(entries[e], itemPath(dump.at(field), e), errors, null);
        if (entry === null) break;
        const assignment = entry.object("endpoint_config", null);
        if (assignment === null) continue;
        if (assignment.string("cluster_name") != name) continue;
        matches++;
        found = assignment.value;
        foundAt = assignment.path;
      }
    }
  }
  if (errors.failed) return failed(errors.message);
  if (matches == 0) {
    return failed("the admin lists no endpoints for \"" + name + "\" (no such cluster, or it is still warming; a cluster with " +
      "eds_cluster_config.service_name is listed under that name: give it as membership.eds_service_name)");
  }
  if (matches > 1) return failed(matches.toString() + " clusters are listed under \"" + name + "\": name one by its EDS service name");
  return readAssignment(new Fields(found!, foundAt, errors), config);
}

function readAssignment(assignment: Fields, config: StickyConfig): Membership {
  const errors = assignment.errors;
  let factor = DEFAULT_OVERPROVISIONING_FACTOR;
  const policy = assignment.object("policy", null);
  if (policy !== null) factor = <u32>policy.integer("overprovisioning_factor", DEFAULT_OVERPROVISIONING_FACTOR, 1, u32.MAX_VALUE);
  const localities = assignment.array("endpoints", MAX_PODS);
  const found = new Array<Pod>();
  let highest = 0;
  for (let l = 0; l < localities.length && !errors.failed; l++) {
    const locality = Fields.of(localities[l], itemPath(assignment.at("endpoints"), l), errors, null);
    if (locality === null) break;
    const priority = <i32>locality.integer("priority", 0, 0, MAX_PRIORITY);
    highest = max(highest, priority);
    const hosts = locality.array("lb_endpoints", MAX_PODS);
    for (let h = 0; h < hosts.length && !errors.failed; h++) {
      if (found.length >= MAX_PODS) {
        errors.fail(assignment.at("endpoints"), "more than " + MAX_PODS.toString() + " endpoints");
        break;
      }
      const host = Fields.of(hosts[h], itemPath(locality.at("lb_endpoints"), h), errors, null);
      if (host === null) break;
      const pod = readHost(host, config);
      if (pod === null) break;
      pod.priority = priority;
      found.push(pod);
    }
  }
  if (errors.failed) return failed(errors.message);
  // Envoy keeps hosts level by level; the dump already lists them so, this keeps it true whatever the order.
  const pods = new Array<Pod>();
  for (let p = 0; p <= highest; p++) {
    for (let i = 0; i < found.length; i++) if (found[i].priority == p) pods.push(found[i]);
  }
  return new Membership(pods, factor, "");
}

function readHost(host: Fields, config: StickyConfig): Pod | null {
  const errors = host.errors;
  const endpoint = host.object("endpoint", null);
  if (endpoint === null) {
    if (!errors.failed) errors.fail(host.at("endpoint"), "required");
    return null;
  }
  const address = endpoint.object("address", null);
  const socket = address !== null ? address.object("socket_address", null) : null;
  if (socket === null) {
    if (!errors.failed) errors.fail(endpoint.at("address"), "has no socket_address (pipes and internal addresses cannot be picked)");
    return null;
  }
  const ip = socket.string("address", "", true, 64);
  const port = <i32>socket.integer("port_value", 0, 0, 65535);
  if (errors.failed) return null;
  const text = hostAddressString(ip, port);
  if (text === null) {
    errors.fail(socket.at("address"), "\"" + ip + "\" is not an IP address");
    return null;
  }
  const pod = new Pod();
  pod.address = changetype<string>(text);
  pod.hostname = endpoint.string("hostname", "", false, 256);
  pod.weight = <u32>host.integer("load_balancing_weight", 1, 1, <i64>u32.MAX_VALUE);
  pod.health = readHealth(host);
  pod.hashKey = readHashKey(host);
  if (errors.failed) return null;
  pod.hostKey = hostHashKey(pod.hashKey, pod.hostname, pod.address, config.useHostnameForHashing);
  pod.label = metricLabel(pod);
  return pod;
}

/** The dump's health_status is the host's coarse health: HEALTHY, DEGRADED or UNHEALTHY (UNKNOWN when absent counts as healthy). */
function readHealth(host: Fields): Health {
  const v = host.get("health_status");
  const s = v !== null ? v.asString() : null;
  if (s === null || s == "HEALTHY" || s == "UNKNOWN") return Health.Healthy;
  if (s == "DEGRADED") return Health.Degraded;
  return Health.Unhealthy;
}

/** metadata.filter_metadata["envoy.lb"].hash_key when it is a string (Envoy reads any other value as ""). */
function readHashKey(host: Fields): string {
  const metadata = host.get("metadata");
  if (metadata === null) return "";
  const filter = metadata.get("filter_metadata");
  const lb = filter !== null ? filter.get("envoy.lb") : null;
  const key = lb !== null ? lb.get("hash_key") : null;
  const s = key !== null ? key.asString() : null;
  return s !== null ? s : "";
}
