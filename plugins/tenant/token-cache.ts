// Verified tokens, so the common case (the same token again) costs a hash and a string compare, not a
// signature check. Bounded: at most `capacity` entries, the oldest insertion evicted first; an entry lives
// until its token's exp (+ the provider's clock skew), at most MAX_TTL_SECONDS for tokens without exp.
// Keyed by XXH64 of the token; the full token is kept and compared, so a colliding token never hits.
import { HeaderPair } from "../../assembly/sdk";
import { xxh64Raw } from "../../assembly/hash/xxh64";

/** Tokens without exp are re-verified at least this often. */
export const MAX_TTL_SECONDS: i64 = 300;

export class CachedToken {
  constructor(
    public readonly token: Uint8Array,
    public readonly hash: u64,
    /** Host time (seconds) from which the token is no longer accepted: exp + clock skew. */
    public readonly expiresAt: f64,
    /** Index of the provider that accepted it. */
    public readonly provider: i32,
    /** claim_to_headers results, ready to add. */
    public readonly headers: HeaderPair[],
  ) {}
}

export class TokenCache {
  private readonly map: Map<u64, CachedToken> = new Map<u64, CachedToken>();
  /** Insertion ring: slot i holds the i-th most recent insertion modulo capacity. */
  private readonly ring: Array<CachedToken | null>;
  private next: i32 = 0;

  constructor(public readonly capacity: i32, public readonly maxTokenLength: i32) {
    this.ring = new Array<CachedToken | null>(capacity > 0 ? capacity : 0);
    for (let i = 0; i < this.ring.length; i++) this.ring[i] = null;
  }

  get enabled(): bool { return this.capacity > 0; }
  get size(): i32 { return this.map.size; }

  /** The key of the token at [ptr, ptr + length). */
  hashOf(ptr: usize, length: i32): u64 {
    return xxh64Raw(ptr, <usize>length);
  }

  /** The entry for the token at [ptr, ptr + length) if present and still valid at `nowSeconds` (an expired one is dropped). */
  lookup(ptr: usize, length: i32, hash: u64, nowSeconds: i64): CachedToken | null {
    if (!this.map.has(hash)) return null;
    const entry = this.map.get(hash);
    const token = entry.token;
    if (token.length != length || memory.compare(token.dataStart, ptr, <usize>length) != 0) return null;
    if (<f64>nowSeconds >= entry.expiresAt) {
      this.map.delete(hash);
      return null;
    }
    return entry;
  }

  insert(entry: CachedToken): void {
    if (this.capacity <= 0 || entry.token.length > this.maxTokenLength) return;
    const victim = unchecked(this.ring[this.next]);
    if (victim !== null && this.map.has(victim.hash) && this.map.get(victim.hash) === victim) this.map.delete(victim.hash);
    unchecked((this.ring[this.next] = entry));
    this.next = this.next + 1 == this.capacity ? 0 : this.next + 1;
    this.map.set(entry.hash, entry);
  }

  /** Forgets everything (the key set changed: a token verified with a key now gone must be checked again). */
  clear(): void {
    this.map.clear();
    for (let i = 0; i < this.ring.length; i++) unchecked((this.ring[i] = null));
    this.next = 0;
  }
}
