// Montgomery arithmetic modulo an odd n (RSA public-key operations), on radix-2^28 limbs held in
// u32 words, least significant first. Products of limbs are < 2^56, so a u64 accumulator takes a
// whole column of them (k <= 220 limbs: at most 224 terms) with plain adds, and carries are
// propagated once per column (product scanning); in wasm that beats a carry chain per 32x32
// product. Columns are computed two at a time: both share each a[j] load, and the b limb of one
// is the next one's, so a pair costs one load per product instead of two (measured ~30% faster).
// Multiplication is "separated operand scanning": the full product (or square, cross terms counted
// once) goes into a 2k-limb scratch, then a column-wise Montgomery reduction. R = 2^(28k).
// Not constant time: RSA verification handles public data only. All scratch space belongs to the
// modulus object: no allocation per operation.

export const LIMB_BITS: i32 = 28;
const MASK: u32 = (1 << 28) - 1;

/** Largest modulus accepted (k = 220 limbs keeps every column sum below 2^64). */
export const MONT_MAX_BITS: i32 = 6144;

/** Sum over j < count of a[j] * b[-j] (a walks up from pa, b walks down from pb): one column. */
// @ts-ignore: decorator
@inline
function dot(pa: usize, pb: usize, count: i32): u64 {
  let s0: u64 = 0, s1: u64 = 0;
  while (count >= 2) {
    s0 += <u64>load<u32>(pa) * <u64>load<u32>(pb);
    s1 += <u64>load<u32>(pa, 4) * <u64>load<u32>(pb - 4);
    pa += 8; pb -= 8; count -= 2;
  }
  if (count > 0) s0 += <u64>load<u32>(pa) * <u64>load<u32>(pb);
  return s0 + s1;
}

/** Second result of dot2. */
let dot2Next: u64 = 0;

/**
 * Two adjacent columns over j < count (count >= 1): returns sum a[j] * b[-j] and leaves
 * sum a[j] * b[1-j] in dot2Next. Each step loads one a limb and one new b limb; the other b limb
 * is the previous step's. b is addressed from the low end of each pair, so constant load offsets
 * stay non-negative (wasm offsets are unsigned).
 */
// @ts-ignore: decorator
@inline
function dot2(pa: usize, pb: usize, count: i32): u64 {
  let a0: u64 = 0, a1: u64 = 0, b0: u64 = 0, b1: u64 = 0;
  let prev = <u64>load<u32>(pb, 4);
  pb -= 4;
  while (count >= 2) {
    const x0 = <u64>load<u32>(pa), x1 = <u64>load<u32>(pa, 4);
    const c0 = <u64>load<u32>(pb, 4), c1 = <u64>load<u32>(pb);
    a0 += x0 * c0;
    b0 += x0 * prev;
    a1 += x1 * c1;
    b1 += x1 * c0;
    prev = c1;
    pa += 8; pb -= 8; count -= 2;
  }
  if (count > 0) {
    const x0 = <u64>load<u32>(pa);
    a0 += x0 * <u64>load<u32>(pb, 4);
    b0 += x0 * prev;
  }
  dot2Next = b0 + b1;
  return a0 + a1;
}

/** Index of the first non-zero byte of a big-endian integer (its length when it is zero). */
export function firstNonZero(bytes: Uint8Array): i32 {
  let i = 0;
  const len = bytes.length;
  while (i < len && unchecked(bytes[i]) == 0) i++;
  return i;
}

/** Limb i of the value at p, widened. */
// @ts-ignore: decorator
@inline
function limb(p: usize, i: i32): u64 {
  return <u64>load<u32>(p + (<usize>i << 2));
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
  // Buffers are allocated once (kept alive here); the fields below hold their addresses.
  private buffers: StaticArray<StaticArray<u32>> = new StaticArray<StaticArray<u32>>(6);
  private n: usize;
  /** R^2 mod n, to enter the Montgomery domain with one multiplication. */
  private r2: usize;
  /** Product scratch (2k limbs); the reduction stores its quotient digits over the low half. */
  private t: usize;
  /** Accumulator and Montgomery-form base for exponentiation. */
  private x: usize;
  private y: usize;
  /** The base in normal form. */
  private z: usize;

  private constructor(bits: i32, k: i32) {
    this.bits = bits;
    this.bytes = (bits + 7) >> 3;
    this.k = k;
    this.n0inv = 0;
    this.n = this.keep(0, k);
    this.r2 = this.keep(1, k);
    this.t = this.keep(2, 2 * k);
    this.x = this.keep(3, k);
    this.y = this.keep(4, k);
    this.z = this.keep(5, k);
  }

  private keep(slot: i32, limbs: i32): usize {
    const a = new StaticArray<u32>(limbs);
    unchecked(this.buffers[slot] = a);
    return changetype<usize>(a);
  }

  /** A zeroed k-limb value, for callers of mul/sqr/loadBytes (pass changetype<usize>(value)). */
  newValue(): StaticArray<u32> {
    return new StaticArray<u32>(this.k);
  }

  /**
   * Prepares the big-endian modulus (leading zero bytes allowed). Null unless n is odd, n > 1
   * and n has at most MONT_MAX_BITS bits.
   */
  static create(modulus: Uint8Array): MontModulus | null {
    const start = firstNonZero(modulus);
    const len = modulus.length;
    if (start == len) return null;
    const bits = (len - start - 1) * 8 + (32 - clz<u32>(<u32>unchecked(modulus[start])));
    if (bits > MONT_MAX_BITS || bits < 2 || (unchecked(modulus[len - 1]) & 1) == 0) return null;
    const k = (bits + LIMB_BITS - 1) / LIMB_BITS;
    const m = new MontModulus(bits, k);
    m.loadBytes(m.n, modulus.dataStart + <usize>start, len - start);
    // Newton iteration for 1/n0 mod 2^32: n0 is its own inverse mod 8, each step doubles the bits.
    const n0 = load<u32>(m.n);
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
    const n = this.n;
    for (let i = this.k - 1; i >= 0; i--) {
      const x = load<u32>(a + (<usize>i << 2)), y = load<u32>(n + (<usize>i << 2));
      if (x != y) return x < y;
    }
    return false;
  }

  /** r = a - n over k limbs (the borrow out is dropped: callers know a >= n or a carry bit). */
  private subN(r: usize, a: usize): void {
    const n = this.n;
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
    const t = this.t;
    const n = this.n;
    const n0 = limb(n, 0), n1 = k > 1 ? limb(n, 1) : 0;
    const n0inv = this.n0inv;
    let carry: u64 = 0;
    // Columns below k: t[i] + sum_{j<i} m[j] n[i-j] + m[i] n[0], with m[i] chosen to clear the
    // low 28 bits. In a pair (i, i+1) the shared part excludes m[i], known only mid-pair.
    let i = 0;
    for (; i + 1 < k; i += 2) {
      let a: u64 = 0, b: u64 = 0;
      if (i > 0) {
        a = dot2(t, n + (<usize>i << 2), i);
        b = dot2Next;
      }
      a += carry + limb(t, i);
      const mi = (<u32>a * n0inv) & MASK;
      store<u32>(t + (<usize>i << 2), mi);
      a += <u64>mi * n0;
      b += (a >> LIMB_BITS) + limb(t, i + 1) + <u64>mi * n1;
      const mj = (<u32>b * n0inv) & MASK;
      store<u32>(t + (<usize>(i + 1) << 2), mj);
      carry = (b + <u64>mj * n0) >> LIMB_BITS;
    }
    if (i < k) {
      const a = dot(t, n + (<usize>i << 2), i) + carry + limb(t, i);
      const mi = (<u32>a * n0inv) & MASK;
      store<u32>(t + (<usize>i << 2), mi);
      carry = (a + <u64>mi * n0) >> LIMB_BITS;
      i++;
    }
    // Columns k..2k-1: t[i] + sum_{j=i-k+1}^{k-1} m[j] n[i-j] is limb i-k of the quotient. In a
    // pair, column i has one more term (j = i-k+1) than column i+1.
    for (; i + 1 < 2 * k; i += 2) {
      const j0 = i - k + 1;
      let a = limb(t, j0) * limb(n, k - 1) + carry + limb(t, i);
      let b = limb(t, i + 1);
      if (j0 + 1 < k) {
        a += dot2(t + (<usize>(j0 + 1) << 2), n + (<usize>(k - 2) << 2), k - 1 - j0);
        b += dot2Next;
      }
      store<u32>(r + (<usize>(i - k) << 2), <u32>a & MASK);
      b += a >> LIMB_BITS;
      store<u32>(r + (<usize>(i + 1 - k) << 2), <u32>b & MASK);
      carry = b >> LIMB_BITS;
    }
    if (i < 2 * k) {
      // Odd k: the top column 2k-1 has no products left.
      const a = carry + limb(t, i);
      store<u32>(r + (<usize>(i - k) << 2), <u32>a & MASK);
      carry = a >> LIMB_BITS;
    }
    // (t + m n) / R < 2n: at most one subtraction, and a carry out of the top limb means >= n.
    if (carry != 0 || !this.lessThanN(r)) this.subN(r, r);
  }

  /** r = a * b / R mod n for a, b < n (r may alias a or b). */
  mul(r: usize, a: usize, b: usize): void {
    const k = this.k;
    const t = this.t;
    let carry: u64 = 0;
    // Column i sums a[j] b[i-j] over max(0, i-k+1) <= j <= min(i, k-1). Pairs (i, i+1), i even,
    // share j from max(0, i-k+2) to min(i, k-1); column i may add j = i-k+1 at the bottom and
    // column i+1 may add j = i+1 at the top.
    let i = 0;
    for (; i + 1 < 2 * k - 1; i += 2) {
      const lo = i + 2 > k ? i - k + 2 : 0;
      const hi = i < k ? i : k - 1;
      let x: u64 = carry, y: u64 = 0;
      if (hi >= lo) {
        x += dot2(a + (<usize>lo << 2), b + (<usize>(i - lo) << 2), hi - lo + 1);
        y = dot2Next;
      }
      if (i + 1 >= k) x += limb(a, i - k + 1) * limb(b, k - 1);
      if (i + 1 < k) y += limb(a, i + 1) * limb(b, 0);
      store<u32>(t + (<usize>i << 2), <u32>x & MASK);
      y += x >> LIMB_BITS;
      store<u32>(t + (<usize>(i + 1) << 2), <u32>y & MASK);
      carry = y >> LIMB_BITS;
    }
    // The last column, 2k-2, is odd one out: a[k-1] b[k-1].
    const x = carry + limb(a, k - 1) * limb(b, k - 1);
    store<u32>(t + (<usize>(2 * k - 2) << 2), <u32>x & MASK);
    store<u32>(t + (<usize>(2 * k - 1) << 2), <u32>(x >> LIMB_BITS));
    this.reduce(r);
  }

  /** r = a^2 / R mod n for a < n (r may alias a). Cross products are computed once and doubled. */
  sqr(r: usize, a: usize): void {
    const k = this.k;
    const t = this.t;
    let carry: u64 = 0;
    // Column i: 2 * sum a[j] a[i-j] over max(0, i-k+1) <= j < i-j, plus a[i/2]^2 for even i.
    // Pairs (i, i+1), i even, share j from max(0, i-k+2) to i/2 - 1; column i may add
    // j = i-k+1 and column i+1 adds j = i/2 (partner i/2 + 1).
    let i = 0;
    for (; i + 1 < 2 * k - 1; i += 2) {
      const h = i >> 1;
      const lo = i + 2 > k ? i - k + 2 : 0;
      let x: u64 = 0, y: u64 = limb(a, h) * limb(a, h + 1);
      if (h > lo) {
        x = dot2(a + (<usize>lo << 2), a + (<usize>(i - lo) << 2), h - lo);
        y += dot2Next;
      }
      if (i + 1 >= k) x += limb(a, i - k + 1) * limb(a, k - 1);
      const d = limb(a, h);
      x = (x << 1) + d * d + carry;
      store<u32>(t + (<usize>i << 2), <u32>x & MASK);
      y = (y << 1) + (x >> LIMB_BITS);
      store<u32>(t + (<usize>(i + 1) << 2), <u32>y & MASK);
      carry = y >> LIMB_BITS;
    }
    const d = limb(a, k - 1);
    const x = carry + d * d;
    store<u32>(t + (<usize>(2 * k - 2) << 2), <u32>x & MASK);
    store<u32>(t + (<usize>(2 * k - 1) << 2), <u32>(x >> LIMB_BITS));
    this.reduce(r);
  }

  /** R^2 mod n: 2R mod n by doubling, then raised to the 28k-th power inside the Montgomery domain. */
  private computeR2(): void {
    const k = this.k;
    const x = this.r2;
    // 2^(bits-1) < n (n is odd, so not a power of two), doubled up to 2^(28k+1) = 2R.
    memory.fill(x, 0, <usize>k << 2);
    const top = this.bits - 1;
    store<u32>(x + (<usize>(top / LIMB_BITS) << 2), <u32>1 << <u32>(top % LIMB_BITS));
    for (let i = top; i < LIMB_BITS * k + 1; i++) this.doubleMod(x, x);
    // x is now the Montgomery form of 2; 2^(28k) = R, whose Montgomery form is R^2 mod n.
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
    const x = this.x, y = this.y, z = this.z;
    if (!this.loadBytes(z, src, this.bytes) || !this.lessThanN(z)) return false;
    let i = firstNonZero(e);
    const len = e.length;
    if (i == len) return false;
    this.mul(y, z, this.r2); // Montgomery form of the base
    memory.copy(x, y, <usize>this.k << 2);
    // Left to right over e's bits after its leading one. A final multiplication by the base in
    // normal form (x R * base / R) leaves the Montgomery domain for free when e is odd.
    let normal = false;
    let bit = 30 - <i32>clz<u32>(<u32>unchecked(e[i]));
    for (; i < len; i++) {
      const byte = <u32>unchecked(e[i]);
      for (; bit >= 0; bit--) {
        this.sqr(x, x);
        if ((byte >> <u32>bit) & 1) {
          if (bit == 0 && i == len - 1) {
            this.mul(x, x, z);
            normal = true;
          } else {
            this.mul(x, x, y);
          }
        }
      }
      bit = 7;
    }
    if (!normal) {
      // Leave the Montgomery domain: reduce x itself (x * 1 / R).
      const t = this.t;
      const k = <usize>this.k;
      memory.copy(t, x, k << 2);
      memory.fill(t + (k << 2), 0, k << 2);
      this.reduce(x);
    }
    this.storeBytes(out, x);
    return true;
  }
}
