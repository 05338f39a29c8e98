// Montgomery arithmetic modulo an odd n (RSA public-key operations), on radix-2^28 limbs held in
// u32 words, least significant first. The 28-bit radix leaves headroom in a u64 column
// accumulator: a whole column of products (at most k <= 220 of them, each < 2^56) is summed with
// plain adds and the carry is propagated once per column (product scanning), which in wasm is
// cheaper than a carry chain per 32x32 product. Multiplication is "separated operand scanning":
// full product (or square, with cross terms counted once) into a 2k-limb scratch, then a
// column-wise Montgomery reduction. R = 2^(28k). Not constant time: RSA verification handles
// public data only. All scratch space belongs to the modulus object: no allocation per operation.

export const LIMB_BITS: i32 = 28;
const MASK: u32 = (1 << 28) - 1;

/** Largest modulus accepted (k = 220 limbs keeps every column sum below 2^64). */
export const MONT_MAX_BITS: i32 = 6144;

/** Sum over j < count of a[j] * b[-j] (b walks downwards), 28-bit limbs. */
// @ts-ignore: decorator
@inline
function dotDown(acc: u64, pa: usize, pb: usize, count: i32): u64 {
  let s0: u64 = 0, s1: u64 = 0;
  // Two independent sums halve the add dependency chain.
  while (count >= 2) {
    s0 += <u64>load<u32>(pa) * <u64>load<u32>(pb);
    s1 += <u64>load<u32>(pa, 4) * <u64>load<u32>(pb - 4);
    pa += 8; pb -= 8; count -= 2;
  }
  if (count > 0) s0 += <u64>load<u32>(pa) * <u64>load<u32>(pb);
  return acc + s0 + s1;
}

export class MontModulus {
  /** Bit length of n. */
  readonly bits: i32;
  /** Byte length of n (big-endian encodings of residues have exactly this length). */
  readonly bytes: i32;
  /** Limb count; R = 2^(28k). */
  readonly k: i32;
  /** -1/n mod 2^28. */
  private n0inv: u32;
  private n: StaticArray<u32>;
  /** R^2 mod n, to enter the Montgomery domain with one multiplication. */
  private r2: StaticArray<u32>;
  /** Product scratch (2k limbs); the reduction stores its quotient digits over the low half. */
  private t: StaticArray<u32>;
  /** Accumulator and base scratch for exponentiation (k limbs each). */
  private x: StaticArray<u32>;
  private y: StaticArray<u32>;

  private constructor(bits: i32, k: i32) {
    this.bits = bits;
    this.bytes = (bits + 7) >> 3;
    this.k = k;
    this.n0inv = 0;
    this.n = new StaticArray<u32>(k);
    this.r2 = new StaticArray<u32>(k);
    this.t = new StaticArray<u32>(2 * k);
    this.x = new StaticArray<u32>(k);
    this.y = new StaticArray<u32>(k);
  }

  /**
   * Prepares the big-endian modulus (leading zero bytes allowed). Null unless n is odd, n > 1
   * and n has at most MONT_MAX_BITS bits.
   */
  static create(modulus: Uint8Array): MontModulus | null {
    let start = 0;
    const len = modulus.length;
    while (start < len && unchecked(modulus[start]) == 0) start++;
    if (start == len) return null;
    const bits = (len - start - 1) * 8 + (32 - clz<u32>(<u32>unchecked(modulus[start])));
    if (bits > MONT_MAX_BITS || bits < 2 || (unchecked(modulus[len - 1]) & 1) == 0) return null;
    const k = (bits + LIMB_BITS - 1) / LIMB_BITS;
    const m = new MontModulus(bits, k);
    m.loadBytes(changetype<usize>(m.n), modulus.dataStart + <usize>start, len - start);
    // Newton iteration for 1/n0 mod 2^32: n0 is its own inverse mod 8, each step doubles the bits.
    const n0 = unchecked(m.n[0]);
    let inv = n0;
    for (let i = 0; i < 4; i++) inv *= 2 - n0 * inv;
    m.n0inv = (0 - inv) & MASK;
    m.computeR2();
    return m;
  }

  /**
   * Reads a big-endian integer of `len` bytes at `src` into limbs at `dst`. False if it does not
   * fit in k limbs (the limbs are then unspecified); it may still be >= n: see lessThanN.
   */
  loadBytes(dst: usize, src: usize, len: i32): bool {
    const k = this.k;
    memory.fill(dst, 0, <usize>k << 2);
    let fits = true;
    for (let i = 0; i < len; i++) {
      const v = <u32>load<u8>(src + <usize>(len - 1 - i));
      const bit = i << 3;
      const limb = bit / LIMB_BITS;
      const off = bit - limb * LIMB_BITS;
      if (limb >= k) {
        if (v != 0) fits = false;
        continue;
      }
      const p = dst + (<usize>limb << 2);
      store<u32>(p, load<u32>(p) | ((v << off) & MASK));
      if (off > LIMB_BITS - 8) {
        const spill = v >> (LIMB_BITS - off);
        if (limb + 1 < k) store<u32>(p + 4, spill);
        else if (spill != 0) fits = false;
      }
    }
    return fits;
  }

  /** Writes the k-limb value at `src` (< 2^(8 * bytes)) big-endian into `bytes` bytes at `dst`. */
  storeBytes(dst: usize, src: usize): void {
    const k = this.k;
    const len = this.bytes;
    for (let i = 0; i < len; i++) {
      const bit = i << 3;
      const limb = bit / LIMB_BITS;
      const off = bit - limb * LIMB_BITS;
      let v = load<u32>(src + (<usize>limb << 2)) >> off;
      if (off > LIMB_BITS - 8 && limb + 1 < k) v |= load<u32>(src + (<usize>limb << 2), 4) << (LIMB_BITS - off);
      store<u8>(dst + <usize>(len - 1 - i), <u8>v);
    }
  }

  /** a < n for a k-limb value at `a`. */
  lessThanN(a: usize): bool {
    const n = changetype<usize>(this.n);
    for (let i = this.k - 1; i >= 0; i--) {
      const x = load<u32>(a + (<usize>i << 2)), y = load<u32>(n + (<usize>i << 2));
      if (x != y) return x < y;
    }
    return false;
  }

  /** r = a - n over k limbs (the borrow out is dropped: callers know a >= n or a carry bit). */
  private subN(r: usize, a: usize): void {
    const n = changetype<usize>(this.n);
    let borrow: i32 = 0;
    for (let i = 0, k = this.k; i < k; i++) {
      const o = <usize>i << 2;
      const d = <i32>load<u32>(a + o) - <i32>load<u32>(n + o) - borrow;
      store<u32>(r + o, <u32>d & MASK);
      borrow = d >>> 31;
    }
  }

  /** r = 2a mod n for a < n. */
  private doubleMod(r: usize, a: usize): void {
    let carry: u32 = 0;
    for (let i = 0, k = this.k; i < k; i++) {
      const o = <usize>i << 2;
      const v = (load<u32>(a + o) << 1) | carry;
      store<u32>(r + o, v & MASK);
      carry = v >> LIMB_BITS;
    }
    if (carry != 0 || !this.lessThanN(r)) this.subN(r, r);
  }

  /**
   * Column-wise Montgomery reduction of the 2k-limb value in t (t < n * R): r = t / R mod n, fully
   * reduced. Quotient digits m[i] overwrite t[i], which column i no longer needs once read.
   */
  private reduce(r: usize): void {
    const k = this.k;
    const t = changetype<usize>(this.t);
    const n = changetype<usize>(this.n);
    const n0 = <u64>load<u32>(n);
    const n0inv = this.n0inv;
    let acc: u64 = 0;
    for (let i = 0; i < k; i++) {
      const ti = t + (<usize>i << 2);
      // Columns below k: t[i] + sum_{j<i} m[j] * n[i-j], then choose m[i] to clear the low 28 bits.
      acc = dotDown(acc + <u64>load<u32>(ti), t, n + (<usize>i << 2), i);
      const m = (<u32>acc * n0inv) & MASK;
      store<u32>(ti, m);
      acc = (acc + <u64>m * n0) >> LIMB_BITS;
    }
    for (let i = k; i < 2 * k; i++) {
      // Columns k..2k-1: t[i] + sum_{j=i-k+1}^{k-1} m[j] * n[i-j] gives limb i-k of the quotient.
      const j0 = i - k + 1;
      acc = dotDown(acc + <u64>load<u32>(t + (<usize>i << 2)), t + (<usize>j0 << 2), n + (<usize>(k - 1) << 2), k - j0);
      store<u32>(r + (<usize>(i - k) << 2), <u32>acc & MASK);
      acc >>= LIMB_BITS;
    }
    // (t + m n) / R < 2n: at most one subtraction, and a carry out of the top limb means >= n.
    if (acc != 0 || !this.lessThanN(r)) this.subN(r, r);
  }

  /** r = a * b / R mod n for a, b < n (r may alias a or b). */
  mul(r: usize, a: usize, b: usize): void {
    const k = this.k;
    const t = changetype<usize>(this.t);
    let acc: u64 = 0;
    for (let i = 0; i < 2 * k - 1; i++) {
      const jlo = i < k ? 0 : i - k + 1;
      const jhi = i < k ? i : k - 1;
      acc = dotDown(acc, a + (<usize>jlo << 2), b + (<usize>(i - jlo) << 2), jhi - jlo + 1);
      store<u32>(t + (<usize>i << 2), <u32>acc & MASK);
      acc >>= LIMB_BITS;
    }
    store<u32>(t + (<usize>(2 * k - 1) << 2), <u32>acc);
    this.reduce(r);
  }

  /** r = a^2 / R mod n for a < n (r may alias a). Cross products are computed once and doubled. */
  sqr(r: usize, a: usize): void {
    const k = this.k;
    const t = changetype<usize>(this.t);
    let acc: u64 = 0;
    for (let i = 0; i < 2 * k - 1; i++) {
      const jlo = i < k ? 0 : i - k + 1;
      const jhi = (i - 1) >> 1; // pairs j < i - j
      let cross: u64 = 0;
      if (jhi >= jlo) cross = dotDown(0, a + (<usize>jlo << 2), a + (<usize>(i - jlo) << 2), jhi - jlo + 1);
      acc += cross << 1;
      if ((i & 1) == 0) {
        const d = <u64>load<u32>(a + (<usize>(i >> 1) << 2));
        acc += d * d;
      }
      store<u32>(t + (<usize>i << 2), <u32>acc & MASK);
      acc >>= LIMB_BITS;
    }
    store<u32>(t + (<usize>(2 * k - 1) << 2), <u32>acc);
    this.reduce(r);
  }

  /** R^2 mod n: 2R mod n by doubling, then raised to the 28k-th power inside the Montgomery domain. */
  private computeR2(): void {
    const k = this.k;
    const x = changetype<usize>(this.r2);
    // 2^(bits-1) < n (n is odd, so not a power of two), doubled up to 2^(28k+1) = 2R.
    memory.fill(x, 0, <usize>k << 2);
    const top = this.bits - 1;
    store<u32>(x + (<usize>(top / LIMB_BITS) << 2), <u32>1 << <u32>(top % LIMB_BITS));
    for (let i = top; i < LIMB_BITS * k + 1; i++) this.doubleMod(x, x);
    // x is now the Montgomery form of 2; (2)^(28k) = R, whose Montgomery form is R^2 mod n.
    const e = <u32>(LIMB_BITS * k);
    for (let b = 30 - <i32>clz<u32>(e); b >= 0; b--) {
      this.sqr(x, x);
      if ((e >> b) & 1) this.doubleMod(x, x);
    }
  }

  /**
   * out (bytes long, big-endian) = base^e mod n, where base is `bytes` big-endian bytes at `src`
   * and e is a big-endian exponent with at least one set bit. False (out untouched) if base >= n.
   */
  powBytes(out: usize, src: usize, e: Uint8Array): bool {
    const x = changetype<usize>(this.x), y = changetype<usize>(this.y);
    if (!this.loadBytes(y, src, this.bytes) || !this.lessThanN(y)) return false;
    this.mul(y, y, changetype<usize>(this.r2)); // Montgomery form of the base
    memory.copy(x, y, <usize>this.k << 2);
    // Left to right over e's bits after its leading one.
    let i = 0;
    const len = e.length;
    while (i < len && unchecked(e[i]) == 0) i++;
    if (i == len) return false;
    let bit = 30 - <i32>clz<u32>(<u32>unchecked(e[i]));
    for (; i < len; i++) {
      const byte = <u32>unchecked(e[i]);
      for (; bit >= 0; bit--) {
        this.sqr(x, x);
        if ((byte >> <u32>bit) & 1) this.mul(x, x, y);
      }
      bit = 7;
    }
    // Leave the Montgomery domain: reduce x itself (x * 1 / R).
    const t = changetype<usize>(this.t);
    const k = <usize>this.k;
    memory.copy(t, x, k << 2);
    memory.fill(t + (k << 2), 0, k << 2);
    this.reduce(x);
    this.storeBytes(out, x);
    return true;
  }
}
