// ECDSA and Ed25519 exports for tests and benchmarks (dist/tools/crypto.js).
// Prepared keys cannot cross the JS boundary as objects, so they live in a table here and
// JS holds their index ("handle").
import { Curve, EcPublicKey, ecdsaVerify } from "../../assembly/crypto/ecdsa";
import { Ed25519PublicKey, ed25519Verify, ed25519VerifyWithKey } from "../../assembly/crypto/ed25519";
import { FieldBase, fadd, fsub, finv, fromBytesBE, toBytesBE } from "../../assembly/crypto/ec/field";
import { FieldP256 } from "../../assembly/crypto/ec/p256";
import { FieldP384 } from "../../assembly/crypto/ec/p384";
import { FieldP521 } from "../../assembly/crypto/ec/p521";
import { Field25519 } from "../../assembly/crypto/ec/fe25519";
import { HashAlg, digest } from "../../assembly/crypto/hash-alg";
import { curveP256, curveP384, curveP521 } from "../../assembly/crypto/ecdsa";
import { ScalarField } from "../../assembly/crypto/ec/scalar";

const ecKeys = new Array<EcPublicKey>();

/** Validates and prepares an ECDSA public key; returns its handle, or -1 if invalid. */
export function ecKeyLoad(curve: i32, x: Uint8Array, y: Uint8Array): i32 {
  const key = EcPublicKey.fromCoordinates(curve, x, y);
  if (key === null) return -1;
  ecKeys.push(key);
  return ecKeys.length - 1;
}

/** ecdsaVerify with a prepared key (false for an unknown handle). */
export function ecdsaVerifyDigest(handle: i32, digest: Uint8Array, sig: Uint8Array): bool {
  if (handle < 0 || handle >= ecKeys.length) return false;
  return ecdsaVerify(unchecked(ecKeys[handle]), digest, sig);
}

/**
 * JWS ES256 / ES384 / ES512 over a signing input: hashes msg in wasm with the SHA-2 the curve's
 * algorithm uses (P-256: SHA-256, P-384: SHA-384, P-521: SHA-512), then ecdsaVerify.
 */
export function ecdsaVerifyMessage(handle: i32, msg: Uint8Array, sig: Uint8Array): bool {
  if (handle < 0 || handle >= ecKeys.length) return false;
  const key = unchecked(ecKeys[handle]);
  const alg = key.curve == Curve.P256 ? HashAlg.SHA256 : key.curve == Curve.P384 ? HashAlg.SHA384 : HashAlg.SHA512;
  return ecdsaVerify(key, digest(alg, msg), sig);
}

/** One-shot: prepare the key (x, y big-endian, full coordinate length) and verify. */
export function ecdsaVerifyCoordinates(curve: i32, x: Uint8Array, y: Uint8Array, digest: Uint8Array, sig: Uint8Array): bool {
  const key = EcPublicKey.fromCoordinates(curve, x, y);
  return key !== null && ecdsaVerify(key, digest, sig);
}

/** Forgets every prepared key. */
export function ecKeysClear(): void {
  ecKeys.length = 0;
}

let f256: FieldP256 | null = null;
let f384: FieldP384 | null = null;
let f521: FieldP521 | null = null;
let f25519: Field25519 | null = null;

function fieldOp<F extends FieldBase>(f: F, op: i32, a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(f.bytes);
  const x = new StaticArray<u32>(f.n), y = new StaticArray<u32>(f.n), z = new StaticArray<u32>(f.n);
  const px = changetype<usize>(x), py = changetype<usize>(y), pz = changetype<usize>(z);
  if (a.length != f.bytes || b.length != f.bytes) return out;
  if (!fromBytesBE<F>(f, px, a.dataStart) || !fromBytesBE<F>(f, py, b.dataStart)) return out;
  if (op == 0) f.mul(pz, px, py);
  else if (op == 1) fadd<F>(f, pz, px, py);
  else if (op == 2) fsub<F>(f, pz, px, py);
  else if (op == 3) finv<F>(f, pz, px);
  else f.sqr(pz, px);
  toBytesBE<F>(f, out.dataStart, pz);
  return out;
}

/**
 * Test hook for the field arithmetic: op 0 = a*b, 1 = a+b, 2 = a-b, 3 = 1/a, 4 = a^2 modulo the
 * field's p; field 1-3 = Curve.P256..P521, 4 = edwards25519 (big-endian, full length; inputs >= p
 * give all zeros).
 */
export function ecTestFieldOp(field: i32, op: i32, a: Uint8Array, b: Uint8Array): Uint8Array {
  if (field == Curve.P256) {
    if (f256 === null) f256 = new FieldP256();
    return fieldOp<FieldP256>(f256!, op, a, b);
  }
  if (field == Curve.P384) {
    if (f384 === null) f384 = new FieldP384();
    return fieldOp<FieldP384>(f384!, op, a, b);
  }
  if (field == Curve.P521) {
    if (f521 === null) f521 = new FieldP521();
    return fieldOp<FieldP521>(f521!, op, a, b);
  }
  if (f25519 === null) f25519 = new Field25519();
  return fieldOp<Field25519>(f25519!, op, a, b);
}

const edKeys = new Array<Ed25519PublicKey>();

/** Decodes and prepares an Ed25519 public key (32 bytes); returns its handle, or -1 if invalid. */
export function edKeyLoad(pk: Uint8Array): i32 {
  const key = Ed25519PublicKey.fromBytes(pk);
  if (key === null) return -1;
  edKeys.push(key);
  return edKeys.length - 1;
}

/** ed25519VerifyWithKey with a prepared key (false for an unknown handle). */
export function ed25519VerifyHandle(handle: i32, msg: Uint8Array, sig: Uint8Array): bool {
  if (handle < 0 || handle >= edKeys.length) return false;
  return ed25519VerifyWithKey(unchecked(edKeys[handle]), msg, sig);
}

/** One-shot Ed25519 verification with the 32-byte public key. */
export function ed25519VerifyBytes(pk: Uint8Array, msg: Uint8Array, sig: Uint8Array): bool {
  return ed25519Verify(pk, msg, sig);
}

/** Forgets every prepared Ed25519 key. */
export function edKeysClear(): void {
  edKeys.length = 0;
}

/**
 * Test hook for the scalar inversion: a^-1 mod n of the curve (big-endian, signature-half length),
 * or an empty array when there is none (a = 0 or a >= n).
 */
export function ecTestScalarInvert(curve: i32, a: Uint8Array): Uint8Array {
  const sc: ScalarField = curve == Curve.P256 ? curveP256().sc : curve == Curve.P384 ? curveP384().sc : curveP521().sc;
  const len = sc.byteLength;
  const x = new StaticArray<u32>(sc.words), y = new StaticArray<u32>(sc.words);
  if (!sc.fromBytesBE(x, a.dataStart, a.length) || !sc.isReduced(x) || !sc.invert(y, x)) return new Uint8Array(0);
  const out = new Uint8Array(len);
  sc.toBytesBE(out.dataStart, len, y);
  return out;
}
