// Why a Maglev table or hash ring could not be built. The builders return an empty structure
// carrying one of these instead of trapping; lookups on it answer -1 (no host).

export enum HashError {
  None = 0,
  /** Maglev table size is not a prime number (Envoy rejects the config the same way). */
  TableSizeNotPrime = 1,
  /** Maglev table size above MAGLEV_MAX_TABLE_SIZE. */
  TableSizeTooLarge = 2,
  /** weights/localities arrays do not have one entry per host, or a locality index is out of range. */
  LengthMismatch = 3,
  /** Sum of host (or locality) weights above 2^32-1, which Envoy's config validation forbids. */
  WeightSumTooLarge = 4,
  /** A normalized weight that is not a finite number in (0, 1]. */
  InvalidWeight = 5,
  /** minimum_ring_size > maximum_ring_size, or maximum_ring_size above RING_MAX_SIZE_LIMIT. */
  RingSizeBounds = 6,
  /** The weights would put more entries on the ring than the maximum size allows. */
  RingTooLarge = 7,
}
