// Short Weierstrass curves y^2 = x^3 - 3x + b (the NIST P-curves) for signature verification:
// Jacobian coordinates (x = X/Z^2, y = Y/Z^3), generic over the field class F.
//
// u1*G + u2*Q uses precomputed tables for both points ("fixed base" for the key too, since a
// verifier sees the same key many times). A scalar is cut into CHUNKS pieces of `chunkLen` bits,
// k = sum k_j 2^(chunkLen*j), so k*P = sum k_j (2^(chunkLen*j) P): with a table of odd multiples of
// each 2^(chunkLen*j) P, all pieces share one run of chunkLen doublings, and the additions come
// from width-w NAF digits of k (one per w+1 bits on average). Tables hold affine points so each
// addition is a mixed (Jacobian + affine) one.
//
// All of this is variable-time: it only ever handles public data (keys, signatures, digests).

import { FieldBase, fneg, fisZero, fequal, finv, constFromWords, fromBytesBE } from "./field";
import { addr, limbsCopy } from "./limbs";
import { ScalarField, wnaf } from "./scalar";

/** Pieces a scalar is cut into (see above). */
const CHUNKS: i32 = 8;
/** NAF width for the base point's table (shared by all keys: larger). */
const W_G: i32 = 7;
/** NAF width for a key's table (one per key: smaller). */
const W_Q: i32 = 5;

export class Weierstrass<F extends FieldBase> {
  readonly n: i32;
  /** Bytes of a coordinate and of a signature half. */
  readonly bytes: i32;
  readonly b: StaticArray<u32>;
  readonly gx: StaticArray<u32>;
  readonly gy: StaticArray<u32>;
  /** Bits per scalar piece: every NAF digit position (bits(n) + 1 of them) falls in a piece. */
  readonly chunkLen: i32;
  private gTable: StaticArray<u32> | null = null;

  // Accumulator (Jacobian X, Y, Z) and its "point at infinity" flag.
  private readonly ax: StaticArray<u32>;
  private readonly ay: StaticArray<u32>;
  private readonly az: StaticArray<u32>;
  private accInf: bool = true;
  // Formula temporaries.
  private readonly t0: StaticArray<u32>;
  private readonly t1: StaticArray<u32>;
  private readonly t2: StaticArray<u32>;
  private readonly t3: StaticArray<u32>;
  private readonly t4: StaticArray<u32>;
  private readonly t5: StaticArray<u32>;
  private readonly t6: StaticArray<u32>;
  // Scalars and their NAF digits.
  private readonly digitsG: StaticArray<i8>;
  private readonly digitsQ: StaticArray<i8>;
  private readonly sr: StaticArray<u32>;
  private readonly ss: StaticArray<u32>;
  private readonly se: StaticArray<u32>;
  private readonly sw: StaticArray<u32>;
  private readonly u1: StaticArray<u32>;
  private readonly u2: StaticArray<u32>;
  private readonly rBytes: StaticArray<u8>;

  constructor(readonly f: F, readonly sc: ScalarField, bWords: StaticArray<u32>, gxWords: StaticArray<u32>, gyWords: StaticArray<u32>) {
    const n = f.n;
    this.n = n;
    this.bytes = f.bytes;
    this.b = constFromWords<F>(f, bWords);
    this.gx = constFromWords<F>(f, gxWords);
    this.gy = constFromWords<F>(f, gyWords);
    const chunkLen = (sc.bits + 1 + CHUNKS - 1) / CHUNKS;
    this.chunkLen = chunkLen;
    this.ax = new StaticArray<u32>(n);
    this.ay = new StaticArray<u32>(n);
    this.az = new StaticArray<u32>(n);
    this.t0 = new StaticArray<u32>(n);
    this.t1 = new StaticArray<u32>(n);
    this.t2 = new StaticArray<u32>(n);
    this.t3 = new StaticArray<u32>(n);
    this.t4 = new StaticArray<u32>(n);
    this.t5 = new StaticArray<u32>(n);
    this.t6 = new StaticArray<u32>(n);
    this.digitsG = new StaticArray<i8>(CHUNKS * chunkLen);
    this.digitsQ = new StaticArray<i8>(CHUNKS * chunkLen);
    const words = sc.words;
    this.sr = new StaticArray<u32>(words);
    this.ss = new StaticArray<u32>(words);
    this.se = new StaticArray<u32>(words);
    this.sw = new StaticArray<u32>(words);
    this.u1 = new StaticArray<u32>(words);
    this.u2 = new StaticArray<u32>(words);
    this.rBytes = new StaticArray<u8>(f.bytes);
  }

  /** y^2 == x^3 - 3x + b for Montgomery-form x, y. */
  isOnCurve(x: usize, y: usize): bool {
    const f = this.f;
    const l = addr(this.t0), rhs = addr(this.t1);
    f.sqr(l, y);
    f.sqr(rhs, x);
    f.mul(rhs, rhs, x);
    f.sub(rhs, rhs, x);
    f.sub(rhs, rhs, x);
    f.sub(rhs, rhs, x);
    f.add(rhs, rhs, addr(this.b));
    return fequal<F>(f, l, rhs);
  }

  // ---- point formulas on Jacobian points stored as X, Y, Z at p, p + e, p + 2e (e = 4n bytes)

  /** P = 2P (a = -3; "dbl-2001-b", 3M + 5S). P must not be the point at infinity. */
  private dbl(x: usize, y: usize, z: usize): void {
    const f = this.f;
    const delta = addr(this.t0), gamma = addr(this.t1), beta = addr(this.t2), alpha = addr(this.t3), t = addr(this.t4);
    f.sqr(delta, z);
    f.sqr(gamma, y);
    f.mul(beta, x, gamma);
    f.sub(alpha, x, delta);
    f.add(t, x, delta);
    f.mul(alpha, alpha, t);
    f.add(t, alpha, alpha);
    f.add(alpha, t, alpha);
    // Z3 = (Y + Z)^2 - gamma - delta
    f.add(t, y, z);
    f.sqr(t, t);
    f.sub(t, t, gamma);
    f.sub(z, t, delta);
    // X3 = alpha^2 - 8 beta
    f.add(beta, beta, beta);
    f.add(beta, beta, beta);
    f.sqr(t, alpha);
    f.sub(t, t, beta);
    f.sub(x, t, beta);
    // Y3 = alpha (4 beta - X3) - 8 gamma^2
    f.sub(beta, beta, x);
    f.mul(beta, alpha, beta);
    f.sqr(gamma, gamma);
    f.add(gamma, gamma, gamma);
    f.add(gamma, gamma, gamma);
    f.add(gamma, gamma, gamma);
    f.sub(y, beta, gamma);
  }

  /**
   * Accumulator += affine (x2, y2), or (x2, -y2) when `negate` (8M + 3S), with the exceptional
   * cases: the accumulator at infinity, equal points (doubling) and opposite points (infinity).
   * Negation is folded in: with R' = S2 + Y1 = -R, R^2 is unchanged and Y3 = R'(X3 - X1 H^2) - Y1 H^3.
   */
  private addAffine(x2: usize, y2: usize, negate: bool): void {
    const f = this.f;
    const n = this.n;
    const x = addr(this.ax), y = addr(this.ay), z = addr(this.az);
    if (this.accInf) {
      limbsCopy(x, x2, n);
      if (negate) fneg<F>(f, y, y2);
      else limbsCopy(y, y2, n);
      limbsCopy(z, addr(f.one), n);
      this.accInf = false;
      return;
    }
    const h = addr(this.t5), r = addr(this.t6), t0 = addr(this.t0), t1 = addr(this.t1), t2 = addr(this.t2);
    f.sqr(t0, z);
    f.mul(t1, t0, z);
    f.mul(t0, t0, x2);
    f.mul(t1, t1, y2);
    f.sub(h, t0, x);
    if (negate) f.add(r, t1, y);
    else f.sub(r, t1, y);
    if (fisZero<F>(f, h)) {
      if (fisZero<F>(f, r)) this.dbl(x, y, z);
      else this.accInf = true;
      return;
    }
    f.mul(z, z, h);
    f.sqr(t0, h);
    f.mul(t1, t0, h);
    f.mul(t0, x, t0);
    // X3 = R^2 - H^3 - 2 X1 H^2
    f.sqr(t2, r);
    f.sub(t2, t2, t1);
    f.sub(t2, t2, t0);
    f.sub(x, t2, t0);
    // Y3 = R (X1 H^2 - X3) - Y1 H^3
    if (negate) f.sub(t0, x, t0);
    else f.sub(t0, t0, x);
    f.mul(t0, r, t0);
    f.mul(t1, y, t1);
    f.sub(y, t0, t1);
  }

  /**
   * Jacobian P1 += P2 ("add-1998-cmo-2", 12M + 4S), for table building: the caller guarantees
   * neither is at infinity and P1 != -P2 (multiples of a point of large prime order).
   */
  private addJacobian(x1: usize, y1: usize, z1: usize, x2: usize, y2: usize, z2: usize): void {
    const f = this.f;
    const z1z1 = addr(this.t0), z2z2 = addr(this.t1), u1 = addr(this.t2), u2 = addr(this.t3);
    const s1 = addr(this.t4), s2 = addr(this.t5), t = addr(this.t6);
    f.sqr(z1z1, z1);
    f.sqr(z2z2, z2);
    f.mul(u1, x1, z2z2);
    f.mul(u2, x2, z1z1);
    f.mul(s1, y1, z2);
    f.mul(s1, s1, z2z2);
    f.mul(s2, y2, z1);
    f.mul(s2, s2, z1z1);
    const h = u2, r = s2;
    f.sub(h, u2, u1);
    f.sub(r, s2, s1);
    if (fisZero<F>(f, h)) {
      // Only reachable for P1 == P2 here.
      this.dbl(x1, y1, z1);
      return;
    }
    f.mul(z1, z1, z2);
    f.mul(z1, z1, h);
    const h2 = z1z1, h3 = z2z2;
    f.sqr(h2, h);
    f.mul(h3, h2, h);
    f.mul(u1, u1, h2);
    f.sqr(t, r);
    f.sub(t, t, h3);
    f.sub(t, t, u1);
    f.sub(x1, t, u1);
    f.sub(u1, u1, x1);
    f.mul(u1, r, u1);
    f.mul(s1, s1, h3);
    f.sub(y1, u1, s1);
  }

  // ---- tables

  /** Entries per piece for NAF width w: the odd multiples 1, 3, .., 2^(w-1) - 1. */
  private static perChunk(w: i32): i32 {
    return 1 << (w - 2);
  }

  /**
   * Affine table for the point (x, y) (Montgomery form, on the curve): for each piece j and odd
   * m < 2^(w-1), m * 2^(chunkLen*j) * P as x then y, each n limbs.
   */
  buildTable(px: usize, py: usize, w: i32): StaticArray<u32> {
    const f = this.f;
    const n = this.n;
    const e = (<usize>n) << 2;
    const per = Weierstrass.perChunk(w);
    const count = CHUNKS * per;
    // Jacobian multiples first (X, Y, Z per entry), then one shared inversion.
    const jac = new StaticArray<u32>(count * 3 * n);
    const base = new StaticArray<u32>(3 * n);
    const twice = new StaticArray<u32>(3 * n);
    const bp = addr(base), tp = addr(twice);
    limbsCopy(bp, px, n);
    limbsCopy(bp + e, py, n);
    limbsCopy(bp + 2 * e, addr(f.one), n);
    for (let j = 0; j < CHUNKS; j++) {
      if (j > 0) {
        for (let i = 0; i < this.chunkLen; i++) this.dbl(bp, bp + e, bp + 2 * e);
      }
      memory.copy(tp, bp, 3 * e);
      this.dbl(tp, tp + e, tp + 2 * e);
      let cur = addr(jac) + <usize>(j * per) * 3 * e;
      memory.copy(cur, bp, 3 * e);
      for (let k = 1; k < per; k++) {
        const next = cur + 3 * e;
        memory.copy(next, cur, 3 * e);
        this.addJacobian(next, next + e, next + 2 * e, tp, tp + e, tp + 2 * e);
        cur = next;
      }
    }
    return this.toAffine(jac, count);
  }

  /** Batch conversion of `count` Jacobian points to affine (Montgomery's trick: one inversion). */
  private toAffine(jac: StaticArray<u32>, count: i32): StaticArray<u32> {
    const f = this.f;
    const n = this.n;
    const e = (<usize>n) << 2;
    const out = new StaticArray<u32>(count * 2 * n);
    const prefix = new StaticArray<u32>(count * n);
    const jp = addr(jac), pp = addr(prefix), op = addr(out);
    limbsCopy(pp, jp + 2 * e, n);
    for (let i = 1; i < count; i++) f.mul(pp + <usize>i * e, pp + <usize>(i - 1) * e, jp + (<usize>i * 3 + 2) * e);
    const inv = addr(this.t5), zi = addr(this.t6), t = addr(this.t4);
    finv<F>(f, inv, pp + <usize>(count - 1) * e);
    for (let i = count - 1; i >= 0; i--) {
      const pt = jp + <usize>i * 3 * e;
      if (i > 0) {
        f.mul(zi, inv, pp + <usize>(i - 1) * e);
        f.mul(inv, inv, pt + 2 * e);
      } else {
        limbsCopy(zi, inv, n);
      }
      const dst = op + <usize>i * 2 * e;
      f.sqr(t, zi);
      f.mul(dst, pt, t);
      f.mul(t, t, zi);
      f.mul(dst + e, pt + e, t);
    }
    return out;
  }

  private baseTable(): StaticArray<u32> {
    let t = this.gTable;
    if (t === null) {
      t = this.buildTable(addr(this.gx), addr(this.gy), W_G);
      this.gTable = t;
    }
    return t;
  }

  /** Table for a public key (x, y) already checked to be on the curve. */
  keyTable(x: usize, y: usize): StaticArray<u32> {
    return this.buildTable(x, y, W_Q);
  }

  /** Adds digit * (table entry for piece j) to the accumulator. */
  private addDigit(table: usize, w: i32, j: i32, digit: i32): void {
    const e = (<usize>this.n) << 2;
    const idx = j * Weierstrass.perChunk(w) + ((digit < 0 ? -digit : digit) >> 1);
    const x = table + <usize>idx * 2 * e;
    this.addAffine(x, x + e, digit < 0);
  }

  /** Accumulator = u1*G + u2*Q (u1, u2 < n), Q given by its table. */
  private mulDouble(u1: StaticArray<u32>, u2: StaticArray<u32>, qTable: StaticArray<u32>): void {
    const words = this.sc.words;
    const dg = this.digitsG, dq = this.digitsQ;
    wnaf(dg, u1, words, W_G);
    wnaf(dq, u2, words, W_Q);
    const gt = addr(this.baseTable()), qt = addr(qTable);
    const len = this.chunkLen;
    this.accInf = true;
    for (let i = len - 1; i >= 0; i--) {
      if (!this.accInf) this.dbl(addr(this.ax), addr(this.ay), addr(this.az));
      for (let j = 0; j < CHUNKS; j++) {
        const idx = j * len + i;
        const a = <i32>unchecked(dg[idx]);
        if (a != 0) this.addDigit(gt, W_G, j, a);
        const b = <i32>unchecked(dq[idx]);
        if (b != 0) this.addDigit(qt, W_Q, j, b);
      }
    }
  }

  /**
   * Affine u1*G + u2*Q (Montgomery form) into (x, y); false for the point at infinity.
   * For tests and tools: verification itself avoids the inversion.
   */
  mulToAffine(u1: StaticArray<u32>, u2: StaticArray<u32>, qTable: StaticArray<u32>, x: usize, y: usize): bool {
    this.mulDouble(u1, u2, qTable);
    if (this.accInf) return false;
    const f = this.f;
    const zi = addr(this.t0), t = addr(this.t1);
    finv<F>(f, zi, addr(this.az));
    f.sqr(t, zi);
    f.mul(x, addr(this.ax), t);
    f.mul(t, t, zi);
    f.mul(y, addr(this.ay), t);
    return true;
  }

  /**
   * ECDSA verification (SEC 1 4.1.4 / FIPS 186-4 6.4) against a key table: sig = r || s, each
   * exactly `bytes` long (IEEE P1363); the digest is truncated to bits(n) bits.
   */
  verify(qTable: StaticArray<u32>, digest: Uint8Array, sig: Uint8Array): bool {
    const sc = this.sc;
    const len = this.bytes;
    if (sig.length != 2 * len) return false;
    const r = this.sr, s = this.ss, e = this.se, w = this.sw, u1 = this.u1, u2 = this.u2;
    if (!sc.fromBytesBE(r, sig.dataStart, len) || !sc.fromBytesBE(s, sig.dataStart + <usize>len, len)) return false;
    if (sc.isZero(r) || !sc.isReduced(r) || sc.isZero(s) || !sc.isReduced(s)) return false;
    this.digestToScalar(e, digest);
    if (!sc.invert(w, s)) return false;
    sc.mulMod(u1, e, w);
    sc.mulMod(u2, r, w);
    this.mulDouble(u1, u2, qTable);
    if (this.accInf) return false;
    // x(R) mod n == r  <=>  X == r' Z^2 for r' in {r, r + n} below p (no inversion needed).
    const f = this.f;
    const z2 = addr(this.t0);
    f.sqr(z2, addr(this.az));
    if (this.matchesX(r, z2)) return true;
    // r + n is a candidate only while it is below p (it always fits in `len` bytes when it is).
    let carry: u64 = 0;
    for (let i = 0; i < sc.words; i++) {
      const v = <u64>unchecked(r[i]) + <u64>unchecked(sc.n[i]) + carry;
      unchecked((r[i] = <u32>v));
      carry = v >> 32;
    }
    return carry == 0 && this.matchesX(r, z2);
  }

  /** Is the accumulator's X equal to c * Z^2, c a scalar read as a field element (false if c >= p)? */
  private matchesX(c: StaticArray<u32>, z2: usize): bool {
    const f = this.f;
    const buf = changetype<usize>(this.rBytes);
    this.sc.toBytesBE(buf, this.bytes, c);
    const cand = addr(this.t1);
    if (!fromBytesBE<F>(f, cand, buf)) return false;
    f.mul(cand, cand, z2);
    return fequal<F>(f, cand, addr(this.ax));
  }

  /** e = leftmost bits(n) bits of the digest, reduced mod n. */
  private digestToScalar(e: StaticArray<u32>, digest: Uint8Array): void {
    const sc = this.sc;
    const nbits = sc.bits;
    const dlen = digest.length;
    const maxBytes = (nbits + 7) >> 3;
    if (dlen * 8 > nbits) {
      sc.fromBytesBE(e, digest.dataStart, maxBytes);
      const extra = maxBytes * 8 - nbits;
      if (extra > 0) shiftRightSmall(e, sc.words, extra);
    } else {
      sc.fromBytesBE(e, digest.dataStart, dlen);
    }
    sc.reduceOnce(e);
  }
}

/** a >>= k for 0 < k < 32. */
function shiftRightSmall(a: StaticArray<u32>, words: i32, k: i32): void {
  for (let i = 0; i < words - 1; i++) unchecked((a[i] = (a[i] >>> k) | (a[i + 1] << (32 - k))));
  unchecked((a[words - 1] = a[words - 1] >>> k));
}
