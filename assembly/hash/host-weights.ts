// Envoy's weight normalisation for the hashing load balancers (normalizeHostWeights and
// normalizeLocalityWeights in thread_aware_lb_impl.cc), computed with the same IEEE double
// operations in the same order, so Maglev targets and ring scales round exactly as Envoy's do.

import { HashError } from "./hash-error";

/** Normalised weights of a host list, plus the order in which Envoy walks the hosts. */
export class HostWeights {
  /** Per host (index into the caller's host list): normalised weight, 0 when the host is left out. */
  weights: Float64Array;
  /** Host indices in Envoy's iteration order (flat: list order; locality-weighted: by locality). */
  order: Int32Array;
  /** Smallest normalised weight, starting from 1.0 as Envoy does. */
  min: f64 = 1.0;
  /** Largest normalised weight, starting from 0.0 as Envoy does. */
  max: f64 = 0.0;
  error: HashError = HashError.None;

  constructor(hostCount: i32, included: i32) {
    this.weights = new Float64Array(hostCount);
    this.order = new Int32Array(included);
  }
}

function failed(hostCount: i32, error: HashError): HostWeights {
  const w = new HostWeights(hostCount, 0);
  w.error = error;
  return w;
}

/**
 * Flat (no locality weighting) normalisation: w_i = weight_i / sum(weights).
 * `weights` null means every host has weight 1. A weight of 0 leaves the host out (use it for
 * unhealthy hosts: Envoy only builds from healthy hosts unless the priority is in panic).
 */
export function hostWeights(hostCount: i32, weights: Uint32Array | null = null): HostWeights {
  if (hostCount < 0) return failed(0, HashError.LengthMismatch);
  if (weights !== null && weights.length != hostCount) return failed(hostCount, HashError.LengthMismatch);
  let sum: u64 = 0;
  let included = 0;
  for (let i = 0; i < hostCount; i++) {
    const w: u32 = weights === null ? 1 : unchecked(weights[i]);
    if (w == 0) continue;
    sum += <u64>w;
    included++;
  }
  if (sum > <u64>u32.MAX_VALUE) return failed(hostCount, HashError.WeightSumTooLarge);
  const out = new HostWeights(hostCount, included);
  let k = 0;
  for (let i = 0; i < hostCount; i++) {
    const w: u32 = weights === null ? 1 : unchecked(weights[i]);
    if (w == 0) continue;
    // Envoy: host->weight() * normalized_locality_weight / sum, with a locality weight of 1.0.
    const n = (<f64>w * 1.0) / <f64>sum;
    unchecked((out.weights[i] = n));
    unchecked((out.order[k++] = i));
    if (n < out.min) out.min = n;
    if (n > out.max) out.max = n;
  }
  return out;
}

/**
 * Locality-weighted normalisation (locality_weighted_lb_config set):
 * w_i = weight_i * (lw_L / sum(lw)) / sum(weights of hosts in L), for host i in locality L.
 * `hostLocality[i]` is the locality index of host i (-1 leaves the host out); localities with weight
 * 0 are left out; when every locality weight is 0 no host is included (Envoy builds nothing).
 * Hosts are walked locality by locality, then in list order, as Envoy's hosts_per_locality are.
 */
export function localityHostWeights(hostWeightsIn: Uint32Array | null, hostLocality: Int32Array, localityWeights: Uint32Array): HostWeights {
  const hostCount = hostLocality.length;
  const localities = localityWeights.length;
  if (hostWeightsIn !== null && hostWeightsIn.length != hostCount) return failed(hostCount, HashError.LengthMismatch);
  let localitySum: u64 = 0;
  for (let l = 0; l < localities; l++) localitySum += <u64>unchecked(localityWeights[l]);
  if (localitySum > <u64>u32.MAX_VALUE) return failed(hostCount, HashError.WeightSumTooLarge);
  const hostSums = new StaticArray<u64>(localities);
  let included = 0;
  for (let i = 0; i < hostCount; i++) {
    const l = unchecked(hostLocality[i]);
    if (l < 0) continue;
    if (l >= localities) return failed(hostCount, HashError.LengthMismatch);
    const w: u32 = hostWeightsIn === null ? 1 : unchecked(hostWeightsIn[i]);
    if (w == 0) continue;
    unchecked((hostSums[l] += <u64>w));
    if (unchecked(localityWeights[l]) != 0) included++;
  }
  for (let l = 0; l < localities; l++) {
    if (unchecked(hostSums[l]) > <u64>u32.MAX_VALUE) return failed(hostCount, HashError.WeightSumTooLarge);
  }
  if (localitySum == 0) return new HostWeights(hostCount, 0);
  const out = new HostWeights(hostCount, included);
  let k = 0;
  for (let l = 0; l < localities; l++) {
    const lw = unchecked(localityWeights[l]);
    if (lw == 0) continue;
    const localityShare = <f64>lw / <f64>localitySum;
    const sum = <f64>unchecked(hostSums[l]);
    for (let i = 0; i < hostCount; i++) {
      if (unchecked(hostLocality[i]) != l) continue;
      const w: u32 = hostWeightsIn === null ? 1 : unchecked(hostWeightsIn[i]);
      if (w == 0) continue;
      const n = (<f64>w * localityShare) / sum;
      unchecked((out.weights[i] = n));
      unchecked((out.order[k++] = i));
      if (n < out.min) out.min = n;
      if (n > out.max) out.max = n;
    }
  }
  return out;
}

/**
 * Weights already normalised by the caller (e.g. mirrored from another Envoy setup): entries <= 0
 * leave the host out; others must be finite and <= 1. Hosts are walked in list order.
 */
export function normalizedHostWeights(normalized: Float64Array): HostWeights {
  const hostCount = normalized.length;
  let included = 0;
  for (let i = 0; i < hostCount; i++) {
    const n = unchecked(normalized[i]);
    if (n > 0) {
      if (!(n <= 1.0)) return failed(hostCount, HashError.InvalidWeight);
      included++;
    } else if (n != n) {
      return failed(hostCount, HashError.InvalidWeight);
    }
  }
  const out = new HostWeights(hostCount, included);
  let k = 0;
  for (let i = 0; i < hostCount; i++) {
    const n = unchecked(normalized[i]);
    if (!(n > 0)) continue;
    unchecked((out.weights[i] = n));
    unchecked((out.order[k++] = i));
    if (n < out.min) out.min = n;
    if (n > out.max) out.max = n;
  }
  return out;
}
