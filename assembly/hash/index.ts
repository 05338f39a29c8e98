// Public surface of the hash module: Envoy-exact hashing for consistent host choice.
// Typical use (a plugin mirroring a MAGLEV cluster):
//   const table = buildMaglev(podKeys);                 // once per host-set change
//   const h = new RequestHash(); h.addHeader(values);  // per request, as the route's hash_policy
//   const pod = table.chooseHost(h.value);              // index into podKeys, -1 when empty

export { xxh64, xxh64Range, xxh64Raw, xxh64String } from "./xxh64";
export { murmur2, murmur2Raw, murmur2String, MURMUR2_STD_SEED } from "./murmur2";
export { HashError } from "./hash-error";
export { hostHashKey, hostAddressString, canonicalIp, encodeKeys } from "./host-key";
export { HostWeights, hostWeights, localityHostWeights, normalizedHostWeights } from "./host-weights";
export { MaglevTable, buildMaglev, buildMaglevFrom, isPrime, MAGLEV_DEFAULT_TABLE_SIZE, MAGLEV_MAX_TABLE_SIZE } from "./maglev";
export {
  HashRing, RingHashFunction, buildRing, buildRingFrom,
  RING_DEFAULT_MIN_SIZE, RING_DEFAULT_MAX_SIZE, RING_MAX_SIZE_LIMIT,
} from "./ring-hash";
export { RequestHash, headerValuesHash, headerValuesHashBytes, cookieValue, queryParameterValue } from "./request-hash";
export {
  PriorityCounts, PriorityLoad, priorityLoad, DEFAULT_OVERPROVISIONING_FACTOR, DEFAULT_PANIC_THRESHOLD,
} from "./priority-load";
