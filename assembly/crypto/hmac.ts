// HMAC (RFC 2104) over SHA-256/384/512. HmacKey absorbs the padded key once, so each MAC of a
// token costs two compressions fewer than keying from scratch (HS256 verifies many tokens per key).
import { HashAlg, Hasher, blockSize, digestSize, isHashAlg } from "./hash-alg";
import { constantTimeEqualRaw } from "./constant-time";

export class HmacKey {
  readonly alg: HashAlg;
  private inner: Hasher;
  private outer: Hasher;
  private work: Hasher;
  /** Inner digest scratch (64 bytes: the largest digest). */
  private tmp: StaticArray<u8> = new StaticArray<u8>(64);

  /** Keys of any length (longer than a block are hashed first, RFC 2104 §2). Unknown alg: every MAC is empty. */
  constructor(alg: HashAlg, key: Uint8Array) {
    this.alg = alg;
    this.inner = new Hasher(alg);
    this.outer = new Hasher(alg);
    this.work = new Hasher(alg);
    const bs = blockSize(alg);
    const pad = new Uint8Array(bs);
    if (key.length > bs) {
      this.work.reset().update(key).finishRaw(pad.dataStart);
    } else {
      memory.copy(pad.dataStart, key.dataStart, <usize>key.length);
    }
    for (let i = 0; i < bs; i++) unchecked(pad[i] ^= 0x36);
    this.inner.update(pad);
    for (let i = 0; i < bs; i++) unchecked(pad[i] ^= 0x36 ^ 0x5c);
    this.outer.update(pad);
  }

  get size(): i32 {
    return digestSize(this.alg);
  }

  /** Writes the full MAC of msg[start, end) (clamped) to `out` (size bytes must be writable). */
  macRaw(msg: Uint8Array, start: i32, end: i32, out: usize): void {
    const t = changetype<usize>(this.tmp);
    const w = this.work;
    w.copyFrom(this.inner).update(msg, start, end).finishRaw(t);
    w.copyFrom(this.outer).updateRaw(t, <usize>this.size).finishRaw(out);
  }

  /** MAC of msg[start, end) (clamped to the array). */
  mac(msg: Uint8Array, start: i32 = 0, end: i32 = msg.length): Uint8Array {
    const out = new Uint8Array(this.size);
    if (isHashAlg(this.alg)) this.macRaw(msg, start, end, out.dataStart);
    return out;
  }

  /**
   * Checks `tag` against the MAC of msg[start, end) in constant time. A tag of any length from 1 to
   * the digest size is compared with that many leading MAC bytes (RFC 2104 §5 truncation); JWS
   * callers must require the full length themselves. Empty or over-long tags are rejected.
   */
  verify(msg: Uint8Array, start: i32, end: i32, tag: Uint8Array): bool {
    const n = tag.length;
    if (!isHashAlg(this.alg) || n < 1 || n > this.size) return false;
    // The scratch may receive the MAC too: macRaw has absorbed the inner digest before writing `out`.
    const out = changetype<usize>(this.tmp);
    this.macRaw(msg, start, end, out);
    return constantTimeEqualRaw(out, tag.dataStart, <usize>n);
  }
}

/** One-shot HMAC of the whole message (empty for an unknown algorithm). */
export function hmac(alg: HashAlg, key: Uint8Array, msg: Uint8Array): Uint8Array {
  return new HmacKey(alg, key).mac(msg);
}
