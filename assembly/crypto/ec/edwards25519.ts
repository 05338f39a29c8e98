// edwards25519 (RFC 8032 5.1): -x^2 + y^2 = 1 + d x^2 y^2, for Ed25519 verification.
// Extended coordinates (X:Y:Z:T), x = X/Z, y = Y/Z, T = XY/Z; the a = -1 formulas of
// Hisil-Wong-Carter-Dawson 2008, which are complete on this curve (no exceptional cases, the
// neutral element and small-order points included).
//
// [S]B + [k](-A) uses the same scheme as weierstrass.ts: each scalar cut into CHUNKS pieces
// sharing one run of doublings, width-w NAF digits, and tables of odd multiples of
// 2^(chunkLen*j) P for the base point (built on first use) and for each prepared key. Table
// entries are affine in "Niels" form (y + x, y - x, 2d*x*y), so an addition costs 7M.
// Variable-time: only public values (keys, signatures, messages) pass through here.

import { Field25519, ED25519_BX, ED25519_BY, ED25519_D, ED25519_L, ED25519_SQRTM1, ED25519_SQRT_EXP } from "./fe25519";
import { fneg, fequal, fisZero, fisOdd, finv, fpow, fromBytes, toBytes, constFromWords } from "./field";
import { addr, limbsCopy, limbsSetSmall } from "./limbs";
import { ScalarField, wnaf } from "./scalar";

/** Pieces a scalar is cut into, and NAF widths for the base point's and a key's tables (as in weierstrass.ts). */
const CHUNKS: i32 = 8;
const W_B: i32 = 7;
const W_A: i32 = 5;
/** Limbs per element. */
const N: i32 = 9;
/** Bytes per element. */
const E: usize = 36;

export class Edwards25519 {
  readonly f: Field25519;
  readonly sc: ScalarField;
  readonly d: StaticArray<u32>;
  readonly d2: StaticArray<u32>;
  readonly sqrtm1: StaticArray<u32>;
  readonly chunkLen: i32;
  private bTable: StaticArray<u32> | null = null;

  // Accumulator (extended X, Y, Z, T).
  private readonly ax: StaticArray<u32> = new StaticArray<u32>(N);
  private readonly ay: StaticArray<u32> = new StaticArray<u32>(N);
  private readonly az: StaticArray<u32> = new StaticArray<u32>(N);
  private readonly aT: StaticArray<u32> = new StaticArray<u32>(N);
  private readonly t0: StaticArray<u32> = new StaticArray<u32>(N);
  private readonly t1: StaticArray<u32> = new StaticArray<u32>(N);
  private readonly t2: StaticArray<u32> = new StaticArray<u32>(N);
  private readonly t3: StaticArray<u32> = new StaticArray<u32>(N);
  private readonly t4: StaticArray<u32> = new StaticArray<u32>(N);
  private readonly t5: StaticArray<u32> = new StaticArray<u32>(N);
  private readonly digitsB: StaticArray<i8>;
  private readonly digitsA: StaticArray<i8>;
  private readonly s: StaticArray<u32> = new StaticArray<u32>(8);
  private readonly k: StaticArray<u32> = new StaticArray<u32>(8);
  private readonly enc: StaticArray<u8> = new StaticArray<u8>(32);

  constructor() {
    const f = new Field25519();
    const d = constFromWords<Field25519>(f, ED25519_D);
    const d2 = new StaticArray<u32>(N);
    f.add(addr(d2), addr(d), addr(d));
    const sc = new ScalarField(8, ED25519_L);
    const chunkLen = (sc.bits + 1 + CHUNKS - 1) / CHUNKS;
    this.f = f;
    this.sc = sc;
    this.d = d;
    this.d2 = d2;
    this.sqrtm1 = constFromWords<Field25519>(f, ED25519_SQRTM1);
    this.chunkLen = chunkLen;
    this.digitsB = new StaticArray<i8>(CHUNKS * chunkLen);
    this.digitsA = new StaticArray<i8>(CHUNKS * chunkLen);
  }

  /**
   * Decodes a point (RFC 8032 5.1.3) into Montgomery-form affine x, y. False if y >= p, if
   * x^2 = (y^2 - 1)/(d y^2 + 1) has no root, or for x = 0 with the sign bit set.
   */
  decompress(x: usize, y: usize, src: usize): bool {
    const f = this.f;
    const buf = changetype<usize>(this.enc);
    memory.copy(buf, src, 32);
    const sign = load<u8>(buf, 31) >> 7;
    store<u8>(buf, load<u8>(buf, 31) & 0x7f, 31);
    if (!fromBytes<Field25519>(f, y, buf, 32, true)) return false;
    const u = addr(this.t0), v = addr(this.t1), v3 = addr(this.t2), t = addr(this.t3);
    f.sqr(u, y);
    f.mul(v, u, addr(this.d));
    f.add(v, v, addr(f.one));
    f.sub(u, u, addr(f.one));
    // x = u v^3 (u v^7)^((p-5)/8)
    f.sqr(v3, v);
    f.mul(v3, v3, v);
    f.sqr(t, v3);
    f.mul(t, t, v);
    f.mul(t, t, u);
    fpow<Field25519>(f, t, t, ED25519_SQRT_EXP);
    f.mul(t, t, v3);
    f.mul(x, t, u);
    // v x^2 must be u (x is a root) or -u (then x * sqrt(-1) is).
    const vx2 = addr(this.t4);
    f.sqr(vx2, x);
    f.mul(vx2, vx2, v);
    if (!fequal<Field25519>(f, vx2, u)) {
      fneg<Field25519>(f, u, u);
      if (!fequal<Field25519>(f, vx2, u)) return false;
      f.mul(x, x, addr(this.sqrtm1));
    }
    if (fisZero<Field25519>(f, x)) return sign == 0;
    if (<u8>fisOdd<Field25519>(f, x) != sign) fneg<Field25519>(f, x, x);
    return true;
  }

  // ---- formulas (points: X, Y, Z, T addresses)

  /** P = 2P; T is computed only when wanted (an addition follows). 4S + 3M (+1M). */
  private dbl(x: usize, y: usize, z: usize, t: usize, wantT: bool): void {
    const f = this.f;
    const a = addr(this.t0), b = addr(this.t1), c = addr(this.t2), h = addr(this.t3), e = addr(this.t4), g = addr(this.t5);
    f.sqr(a, x);
    f.sqr(b, y);
    f.sqr(c, z);
    f.add(c, c, c);
    // With a = -1 and every intermediate negated (a projective scaling by -1):
    // H = A + B, E = H - (X + Y)^2, G = A - B, F = C + G.
    f.add(h, a, b);
    f.add(e, x, y);
    f.sqr(e, e);
    f.sub(e, h, e);
    f.sub(g, a, b);
    f.add(c, c, g); // F
    f.mul(x, e, c);
    f.mul(y, g, h);
    f.mul(z, c, g);
    if (wantT) f.mul(t, e, h);
  }

  /** Accumulator += (or -=, when negate) a Niels entry (y+x, y-x, 2dxy). 7M (+1M for T). */
  private addNiels(entry: usize, negate: bool, wantT: bool): void {
    const f = this.f;
    const x = addr(this.ax), y = addr(this.ay), z = addr(this.az), t = addr(this.aT);
    const a = addr(this.t0), b = addr(this.t1), c = addr(this.t2), dd = addr(this.t3), e = addr(this.t4), h = addr(this.t5);
    const ypx = negate ? entry + E : entry;
    const ymx = negate ? entry : entry + E;
    f.sub(a, y, x);
    f.mul(a, a, ymx);
    f.add(b, y, x);
    f.mul(b, b, ypx);
    f.mul(c, t, entry + 2 * E);
    f.add(dd, z, z);
    f.sub(e, b, a);
    f.add(h, b, a);
    // F = D - C, G = D + C (swapped for the negated point, whose 2dxy changes sign).
    const ff = a, g = b;
    if (negate) {
      f.add(ff, dd, c);
      f.sub(g, dd, c);
    } else {
      f.sub(ff, dd, c);
      f.add(g, dd, c);
    }
    f.mul(x, e, ff);
    f.mul(y, g, h);
    f.mul(z, ff, g);
    if (wantT) f.mul(t, e, h);
  }

  /** P1 += P2, both extended (9M), for table building. */
  private addExtended(p1: usize, p2: usize): void {
    const f = this.f;
    const x1 = p1, y1 = p1 + E, z1 = p1 + 2 * E, t1 = p1 + 3 * E;
    const x2 = p2, y2 = p2 + E, z2 = p2 + 2 * E, t2 = p2 + 3 * E;
    const a = addr(this.t0), b = addr(this.t1), c = addr(this.t2), dd = addr(this.t3), e = addr(this.t4), h = addr(this.t5);
    f.sub(a, y1, x1);
    f.sub(e, y2, x2);
    f.mul(a, a, e);
    f.add(b, y1, x1);
    f.add(e, y2, x2);
    f.mul(b, b, e);
    f.mul(c, t1, t2);
    f.mul(c, c, addr(this.d2));
    f.mul(dd, z1, z2);
    f.add(dd, dd, dd);
    f.sub(e, b, a);
    f.add(h, b, a);
    f.sub(a, dd, c); // F
    f.add(b, dd, c); // G
    f.mul(x1, e, a);
    f.mul(y1, b, h);
    f.mul(z1, a, b);
    f.mul(t1, e, h);
  }

  // ---- tables

  /**
   * Niels table for the affine point (x, y): for piece j and odd m < 2^(w-1), the entry for
   * m * 2^(chunkLen*j) * P, three elements each.
   */
  buildTable(px: usize, py: usize, w: i32): StaticArray<u32> {
    const f = this.f;
    const per = 1 << (w - 2);
    const count = CHUNKS * per;
    const ext = new StaticArray<u32>(count * 4 * N);
    const base = new StaticArray<u32>(4 * N), twice = new StaticArray<u32>(4 * N);
    const bp = addr(base), tp = addr(twice);
    limbsCopy(bp, px, N);
    limbsCopy(bp + E, py, N);
    limbsCopy(bp + 2 * E, addr(f.one), N);
    f.mul(bp + 3 * E, px, py);
    for (let j = 0; j < CHUNKS; j++) {
      if (j > 0) {
        for (let i = 0; i < this.chunkLen; i++) this.dbl(bp, bp + E, bp + 2 * E, bp + 3 * E, true);
      }
      memory.copy(tp, bp, 4 * E);
      this.dbl(tp, tp + E, tp + 2 * E, tp + 3 * E, true);
      let cur = addr(ext) + <usize>(j * per) * 4 * E;
      memory.copy(cur, bp, 4 * E);
      for (let m = 1; m < per; m++) {
        const next = cur + 4 * E;
        memory.copy(next, cur, 4 * E);
        this.addExtended(next, tp);
        cur = next;
      }
    }
    // One inversion for all Z (Montgomery's trick), then (y + x, y - x, 2d x y).
    const out = new StaticArray<u32>(count * 3 * N);
    const prefix = new StaticArray<u32>(count * N);
    const ep = addr(ext), pp = addr(prefix), op = addr(out);
    limbsCopy(pp, ep + 2 * E, N);
    for (let i = 1; i < count; i++) f.mul(pp + <usize>i * E, pp + <usize>(i - 1) * E, ep + (<usize>i * 4 + 2) * E);
    const inv = addr(this.ax), zi = addr(this.ay), x = addr(this.az), y = addr(this.aT);
    finv<Field25519>(f, inv, pp + <usize>(count - 1) * E);
    for (let i = count - 1; i >= 0; i--) {
      const pt = ep + <usize>i * 4 * E;
      if (i > 0) {
        f.mul(zi, inv, pp + <usize>(i - 1) * E);
        f.mul(inv, inv, pt + 2 * E);
      } else {
        limbsCopy(zi, inv, N);
      }
      f.mul(x, pt, zi);
      f.mul(y, pt + E, zi);
      const dst = op + <usize>i * 3 * E;
      f.add(dst, y, x);
      f.sub(dst + E, y, x);
      f.mul(dst + 2 * E, x, y);
      f.mul(dst + 2 * E, dst + 2 * E, addr(this.d2));
    }
    return out;
  }

  private baseTable(): StaticArray<u32> {
    let t = this.bTable;
    if (t === null) {
      const bx = constFromWords<Field25519>(this.f, ED25519_BX);
      const by = constFromWords<Field25519>(this.f, ED25519_BY);
      t = this.buildTable(addr(bx), addr(by), W_B);
      this.bTable = t;
    }
    return t;
  }

  /** Table of -A for a decoded key A (affine, Montgomery form): verification adds [k](-A). */
  keyTable(x: usize, y: usize): StaticArray<u32> {
    const nx = new StaticArray<u32>(N);
    fneg<Field25519>(this.f, addr(nx), x);
    return this.buildTable(addr(nx), y, W_A);
  }

  // ---- verification

  /** Accumulator = [s]B + [k]P, P given by its table. */
  private mulDouble(s: StaticArray<u32>, k: StaticArray<u32>, pTable: StaticArray<u32>): void {
    const f = this.f;
    const db = this.digitsB, da = this.digitsA;
    wnaf(db, s, 8, W_B);
    wnaf(da, k, 8, W_A);
    const bt = addr(this.baseTable()), pt = addr(pTable);
    const perB = 1 << (W_B - 2), perA = 1 << (W_A - 2);
    const x = addr(this.ax), y = addr(this.ay), z = addr(this.az), t = addr(this.aT);
    // Start at the neutral element (0, 1, 1, 0).
    limbsSetSmall(x, N, 0);
    limbsCopy(y, addr(f.one), N);
    limbsCopy(z, addr(f.one), N);
    limbsSetSmall(t, N, 0);
    let started = false;
    const len = this.chunkLen;
    for (let i = len - 1; i >= 0; i--) {
      let any = false;
      for (let j = 0; j < CHUNKS; j++) {
        const idx = j * len + i;
        if (unchecked(db[idx]) != 0 || unchecked(da[idx]) != 0) any = true;
      }
      if (started) this.dbl(x, y, z, t, any);
      if (!any) continue;
      started = true;
      for (let j = 0; j < CHUNKS; j++) {
        const idx = j * len + i;
        const a = <i32>unchecked(db[idx]);
        if (a != 0) this.addNiels(bt + <usize>(j * perB + ((a < 0 ? -a : a) >> 1)) * 3 * E, a < 0, true);
        const b = <i32>unchecked(da[idx]);
        if (b != 0) this.addNiels(pt + <usize>(j * perA + ((b < 0 ? -b : b) >> 1)) * 3 * E, b < 0, true);
      }
    }
  }

  /** Encodes the accumulator (RFC 8032 5.1.2) into `enc`. */
  private encodeAcc(): void {
    const f = this.f;
    const zi = addr(this.t0), x = addr(this.t1), y = addr(this.t2);
    finv<Field25519>(f, zi, addr(this.az));
    f.mul(x, addr(this.ax), zi);
    f.mul(y, addr(this.ay), zi);
    const buf = changetype<usize>(this.enc);
    toBytes<Field25519>(f, buf, y, true);
    if (fisOdd<Field25519>(f, x)) store<u8>(buf, load<u8>(buf, 31) | 0x80, 31);
  }

  /** S (little-endian, at src) as a scalar, if canonical (S < L). */
  scalarS(src: usize): bool {
    const sc = this.sc;
    return sc.fromBytes(this.s, src, 32, true) && sc.isReduced(this.s);
  }

  /** k = (64-byte little-endian hash at src) mod L. */
  scalarK(src: usize): void {
    this.sc.reduceWide64LE(this.k, src);
  }

  /**
   * With S and k loaded: does encode([S]B - [k]A) equal the 32 bytes of R at r? `negATable` is
   * the key's table (of -A). This is RFC 8032's check without the cofactor, comparing encodings.
   */
  checkR(negATable: StaticArray<u32>, r: usize): bool {
    this.mulDouble(this.s, this.k, negATable);
    this.encodeAcc();
    return memory.compare(changetype<usize>(this.enc), r, 32) == 0;
  }
}
