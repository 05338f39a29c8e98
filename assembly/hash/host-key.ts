// The string Envoy hashes to place a host on a Maglev table or hash ring
// (ThreadAwareLoadBalancerBase::HashingLoadBalancer::hashKey).

export { hostAddressString, canonicalIp } from "./host-address";

/**
 * Envoy's host key rule:
 * 1. endpoint metadata filter_metadata["envoy.lb"]["hash_key"] when it is a non-empty string
 *    (pass "" when absent or not a string: Envoy reads a non-string value as "");
 * 2. else the hostname when consistent_hashing_lb_config.use_hostname_for_hashing is set
 *    (even when the hostname is empty, as Envoy does in release builds);
 * 3. else the address string, see hostAddressString ("10.0.0.1:8080", "[::1]:8080").
 */
export function hostHashKey(metadataHashKey: string, hostname: string, address: string, useHostnameForHashing: bool): string {
  if (metadataHashKey.length > 0) return metadataHashKey;
  return useHostnameForHashing ? hostname : address;
}

/** UTF-8 bytes of each key (the bytes Envoy hashes and sorts). */
export function encodeKeys(keys: Array<string>): Array<Uint8Array> {
  const out = new Array<Uint8Array>(keys.length);
  for (let i = 0; i < keys.length; i++) {
    unchecked((out[i] = Uint8Array.wrap(String.UTF8.encode(unchecked(keys[i])))));
  }
  return out;
}
