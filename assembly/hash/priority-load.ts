// Envoy's priority levels and panic mode for the hashing load balancers (LoadBalancerBase in
// load_balancer_impl.cc, used by MAGLEV and RING_HASH through ThreadAwareLoadBalancerBase): how much
// of the hash space each priority gets, and whether a priority builds its table from its healthy
// hosts or, in panic, from all of them. Same integer arithmetic in the same order as Envoy.
//
// Not modelled (the caller documents them): excluded hosts (EDS DRAINING, pending active health
// check) are counted as unhealthy hosts here, where Envoy leaves them out of the denominators; and
// ClusterLoadAssignment.policy.weighted_priority_health is taken as false (host counts, not weights).

/** Envoy's default overprovisioning factor (ClusterLoadAssignment.policy), in percent. */
export const DEFAULT_OVERPROVISIONING_FACTOR: u32 = 140;
/** Envoy's default common_lb_config.healthy_panic_threshold, in percent. */
export const DEFAULT_PANIC_THRESHOLD: u32 = 50;

/** One priority level's host counts. */
export class PriorityCounts {
  constructor(
    /** Every host of the level. */
    readonly hosts: u32,
    /** Hosts whose health is HEALTHY. */
    readonly healthy: u32,
    /** Hosts whose health is DEGRADED. */
    readonly degraded: u32,
  ) {}
}

/** The outcome for a priority set: loads (percent, adding up to 100) and panic flags per level. */
export class PriorityLoad {
  healthy: StaticArray<u32>;
  degraded: StaticArray<u32>;
  /** True when the level builds its table from all its hosts (panic) instead of its healthy ones. */
  panic: StaticArray<bool>;

  constructor(levels: i32) {
    this.healthy = new StaticArray<u32>(levels);
    this.degraded = new StaticArray<u32>(levels);
    this.panic = new StaticArray<bool>(levels);
  }

  get levels(): i32 {
    return this.healthy.length;
  }

  /**
   * The priority a request hash goes to (LoadBalancerBase::choosePriority): hash % 100 + 1 walks the
   * healthy loads, then the degraded loads. The level's table is its healthy (or panic) table either way.
   */
  choose(hash: u64): i32 {
    const point = <u32>(hash % 100) + 1;
    let total: u32 = 0;
    const n = this.healthy.length;
    for (let p = 0; p < n; p++) {
      total += unchecked(this.healthy[p]);
      if (point <= total) return p;
    }
    for (let p = 0; p < n; p++) {
      total += unchecked(this.degraded[p]);
      if (point <= total) return p;
    }
    return 0;
  }
}

/** What distributeLoad leaves: the first level with any availability (-1: none) and the load not assigned. */
class Distributed {
  constructor(readonly first: i32, readonly remaining: u32) {}
}

/** Assigns `total` in level order, each level at most its availability share (Envoy's distributeLoad). */
function distribute(load: StaticArray<u32>, availability: StaticArray<u32>, total: u32, normalizedTotal: u32): Distributed {
  let first = -1;
  for (let p = 0; p < availability.length; p++) {
    const a = unchecked(availability[p]);
    if (first < 0 && a > 0) first = p;
    const share = min<u32>(total, a * 100 / normalizedTotal);
    unchecked((load[p] = share));
    total -= share;
  }
  return new Distributed(first, total);
}

/** isHostSetInPanic: healthy plus degraded share below the threshold (an empty level always is). */
function inPanic(c: PriorityCounts, threshold: u32): bool {
  const count = c.hosts;
  const healthy = count == 0 ? 0.0 : 100.0 * <f64>c.healthy / <f64>count;
  const degraded = count == 0 ? 0.0 : 100.0 * <f64>c.degraded / <f64>count;
  return healthy + degraded < <f64>threshold;
}

/**
 * Envoy's per-priority loads and panic flags for levels 0..n-1 (a level with no hosts is still a level,
 * as Envoy keeps host sets for every priority up to the highest). `overprovisioningFactor` is
 * ClusterLoadAssignment.policy.overprovisioning_factor (percent, default 140); `panicThreshold` is
 * healthy_panic_threshold (percent, capped at 100; 0 disables panic).
 */
export function priorityLoad(levels: Array<PriorityCounts>, overprovisioningFactor: u32, panicThreshold: u32): PriorityLoad {
  const n = levels.length;
  const out = new PriorityLoad(n);
  if (n == 0) return out;
  const threshold = min<u32>(panicThreshold, 100);
  const health = new StaticArray<u32>(n);
  const degraded = new StaticArray<u32>(n);
  let sum: u64 = 0;
  for (let p = 0; p < n; p++) {
    const c = unchecked(levels[p]);
    if (c.hosts == 0) continue;
    const h = min<u64>(100, <u64>overprovisioningFactor * <u64>c.healthy / <u64>c.hosts);
    const d = min<u64>(100, <u64>overprovisioningFactor * <u64>c.degraded / <u64>c.hosts);
    unchecked((health[p] = <u32>h));
    unchecked((degraded[p] = <u32>d));
    sum += h + d;
  }
  const normalizedTotal = <u32>min<u64>(sum, 100);

  if (normalizedTotal > 0) {
    // Healthy availability first, what is left by degraded availability, rounding leftovers to the first
    // level that has any (healthy before degraded).
    const h = distribute(out.healthy, health, 100, normalizedTotal);
    const d = distribute(out.degraded, degraded, h.remaining, normalizedTotal);
    if (d.remaining != 0) {
      if (h.first >= 0) unchecked((out.healthy[h.first] += d.remaining));
      else unchecked((out.degraded[d.first] += d.remaining));
    }
  }

  // Panic is not computed when it is disabled and nothing is available: priority 0 gets the load
  // (it has no healthy host, so nothing is chosen).
  if (threshold == 0 && normalizedTotal == 0) {
    unchecked((out.healthy[0] = 100));
    return out;
  }
  let totalPanic = true;
  for (let p = 0; p < n; p++) {
    const panic = normalizedTotal == 100 ? false : inPanic(unchecked(levels[p]), threshold);
    unchecked((out.panic[p] = panic));
    totalPanic = totalPanic && panic;
  }
  if (totalPanic) loadInTotalPanic(levels, out);
  return out;
}

/** Every level in panic: the load follows host counts, regardless of health. */
function loadInTotalPanic(levels: Array<PriorityCounts>, out: PriorityLoad): void {
  const n = levels.length;
  let hosts: u64 = 0;
  for (let p = 0; p < n; p++) hosts += <u64>unchecked(levels[p]).hosts;
  for (let p = 0; p < n; p++) {
    unchecked((out.healthy[p] = 0));
    unchecked((out.degraded[p] = 0));
  }
  if (hosts == 0) {
    unchecked((out.healthy[0] = 100));
    return;
  }
  let left: u32 = 100;
  let firstNonEmpty = -1;
  for (let p = 0; p < n; p++) {
    const count = <u64>unchecked(levels[p]).hosts;
    if (firstNonEmpty < 0 && count != 0) firstNonEmpty = p;
    const share = <u32>(100 * count / hosts);
    unchecked((out.healthy[p] = share));
    left -= share;
  }
  unchecked((out.healthy[firstNonEmpty] += left));
}
