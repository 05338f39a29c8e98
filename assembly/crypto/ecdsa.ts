// ECDSA signature verification on the NIST curves (JWS ES256 / ES384 / ES512), signatures in
// IEEE P1363 form (r || s, each as long as a coordinate), as JWS carries them.
// The primitive takes the message digest, so the hash choice stays with the caller (JWS: SHA-256
// for ES256, SHA-384 for ES384, SHA-512 for ES512). High-S signatures are accepted (FIPS 186-4
// does not restrict s; RFC 7515 A.3's own example is high-S).
//
// A key is validated and prepared once (EcPublicKey.fromCoordinates): coordinates below p, point
// on the curve, plus a table of its multiples that makes each verification cheaper. Preparing costs
// about one verification and a few KB (P-256: 4.6 KB, P-384: 7 KB, P-521: 9 KB per key).
// The base point's table (18-37 KB per curve) is built on first use of the curve.

import { Weierstrass } from "./ec/weierstrass";
import { ScalarField } from "./ec/scalar";
import { FieldP256, P256_B, P256_GX, P256_GY, P256_N } from "./ec/p256";
import { FieldP384, P384_B, P384_GX, P384_GY, P384_N } from "./ec/p384";
import { FieldP521, P521_B, P521_GX, P521_GY, P521_N } from "./ec/p521";
import { fromBytesBE } from "./ec/field";

/** Curve identifiers (values are stable: they cross the JS boundary in tools). */
export enum Curve {
  P256 = 1,
  P384 = 2,
  P521 = 3,
}

// Curve contexts, created on first use (curveP256() etc. are exported for tests and tools).
let p256: Weierstrass<FieldP256> | null = null;
let p384: Weierstrass<FieldP384> | null = null;
let p521: Weierstrass<FieldP521> | null = null;

export function curveP256(): Weierstrass<FieldP256> {
  let c = p256;
  if (c === null) {
    c = new Weierstrass<FieldP256>(new FieldP256(), new ScalarField(8, P256_N), P256_B, P256_GX, P256_GY);
    p256 = c;
  }
  return c;
}

export function curveP384(): Weierstrass<FieldP384> {
  let c = p384;
  if (c === null) {
    c = new Weierstrass<FieldP384>(new FieldP384(), new ScalarField(12, P384_N), P384_B, P384_GX, P384_GY);
    p384 = c;
  }
  return c;
}

export function curveP521(): Weierstrass<FieldP521> {
  let c = p521;
  if (c === null) {
    c = new Weierstrass<FieldP521>(new FieldP521(), new ScalarField(17, P521_N), P521_B, P521_GX, P521_GY);
    p521 = c;
  }
  return c;
}

/** Coordinate (and signature half) length in bytes for a curve; 0 for an unknown curve. */
export function curveByteLength(curve: i32): i32 {
  if (curve == Curve.P256) return 32;
  if (curve == Curve.P384) return 48;
  if (curve == Curve.P521) return 66;
  return 0;
}

/** Validates (x, y) on curve C and returns its table, or null. */
function prepare<F>(c: Weierstrass<F>, x: Uint8Array, y: Uint8Array): StaticArray<u32> | null {
  const n = c.n;
  const px = new StaticArray<u32>(n), py = new StaticArray<u32>(n);
  const ax = changetype<usize>(px), ay = changetype<usize>(py);
  if (!fromBytesBE<F>(c.f, ax, x.dataStart) || !fromBytesBE<F>(c.f, ay, y.dataStart)) return null;
  if (!c.isOnCurve(ax, ay)) return null;
  return c.keyTable(ax, ay);
}

/** A validated ECDSA public key, ready for repeated verification. */
export class EcPublicKey {
  private constructor(readonly curve: i32, readonly table: StaticArray<u32>) {}

  /**
   * Key from affine coordinates as big-endian bytes, each exactly curveByteLength(curve) long
   * (as JWK "x"/"y" carry them). Null unless both are below p and the point is on the curve
   * (all three curves have cofactor 1, so that also rules out small-order points; the point at
   * infinity has no affine coordinates).
   */
  static fromCoordinates(curve: i32, x: Uint8Array, y: Uint8Array): EcPublicKey | null {
    const len = curveByteLength(curve);
    if (len == 0 || x.length != len || y.length != len) return null;
    let table: StaticArray<u32> | null = null;
    if (curve == Curve.P256) table = prepare<FieldP256>(curveP256(), x, y);
    else if (curve == Curve.P384) table = prepare<FieldP384>(curveP384(), x, y);
    else table = prepare<FieldP521>(curveP521(), x, y);
    if (table === null) return null;
    return new EcPublicKey(curve, table);
  }
}

/**
 * Verifies an ECDSA signature (r || s, 2 * curveByteLength bytes) over a message digest.
 * The digest may be any length: its leftmost bits(n) bits are used (FIPS 186-4 6.4).
 * False on any malformed input (wrong length, r or s zero or >= n, ...).
 */
export function ecdsaVerify(key: EcPublicKey, digest: Uint8Array, sig: Uint8Array): bool {
  const curve = key.curve;
  if (curve == Curve.P256) return curveP256().verify(key.table, digest, sig);
  if (curve == Curve.P384) return curveP384().verify(key.table, digest, sig);
  if (curve == Curve.P521) return curveP521().verify(key.table, digest, sig);
  return false;
}
