// One JSON Web Key (RFC 7517, key types from RFC 7518 6 and RFC 8037) read into a verification key
// that is prepared once (RSA: Montgomery constants; EC/Ed25519: point tables; HMAC: keyed states).
//
// Policy: a key is refused, with a sentence naming the member, when it is weak or inconsistent:
//   - kty other than oct, RSA, EC, OKP; OKP other than Ed25519 (Ed448, X25519, X448 cannot verify here);
//   - use other than "sig", key_ops without "verify" (or with repeated values), alg that is not a JWS
//     algorithm or does not fit the key (kty, curve, HMAC key length);
//   - RSA: modulus under 2048 or over 4096 bits, even modulus, e = 1, even e, e over 32 bits, and moduli with
//     the ROCA fingerprint (CVE-2017-15361, weak primes from Infineon chips);
//   - EC: coordinates not exactly the curve's size, or a point not on the curve;
//   - oct: k shorter than the hash of its alg (no alg: shorter than 32 bytes, the HS256 minimum, RFC 7518 3.2).
// Private members (d, p, q, ...) of an RSA/EC/OKP key are ignored: only the public half is read, so the
// RFC 7515 example keys (which carry d) verify their tokens, as with Envoy's jwt_authn.

import { JsonValue } from "../json";
import { Curve, EcPublicKey, curveByteLength } from "../crypto/ecdsa";
import { Ed25519PublicKey } from "../crypto/ed25519";
import { JwsAlg, AlgFamily, algFromName, algFamily, algHashBytes } from "./alg";
import { HmacKey } from "../crypto/hmac";
import { HashAlg } from "../crypto/hash-alg";
import { base64urlDecode } from "../encoding/base64url";
import { RsaPublicKey } from "../crypto/rsa-key";
import { hasRocaFingerprint } from "./roca";

export enum KeyType { Unknown = 0, Oct = 1, RSA = 2, EC = 3, OKP = 4 }

export const MIN_RSA_BITS: i32 = 2048;
export const MAX_RSA_BITS: i32 = 4096;
/** Shortest HMAC key accepted when the JWK does not name its algorithm (RFC 7518 3.2 for HS256). */
export const MIN_HMAC_BYTES: i32 = 32;

/** A verification key. Exactly one of secret / rsa / ec / ed is set, matching kty. */
export class Jwk {
  /** The HMAC secret (oct keys). */
  secret: Uint8Array | null = null;
  /** Keyed HMAC states per hash (SHA-256/384/512), made on first use. */
  private macs: StaticArray<HmacKey | null> = new StaticArray<HmacKey | null>(3);
  rsa: RsaPublicKey | null = null;
  ec: EcPublicKey | null = null;
  ed: Ed25519PublicKey | null = null;
  /** RSA modulus bits, HMAC key bits, curve size in bits (521 for P-521, 256 for Ed25519). */
  bits: i32 = 0;
  /** Curve.P256/P384/P521 for EC keys, 0 otherwise. */
  curve: i32 = 0;

  constructor(
    readonly kty: KeyType,
    /** "kid", or null when absent. */
    readonly kid: string | null,
    /** The key's own "alg" (Unknown when absent: any algorithm that fits the key). */
    readonly alg: JwsAlg,
    readonly use: string | null,
    readonly keyOps: Array<string> | null,
  ) {}

  /** HMAC keys are shared secrets; every other type is a public key. */
  get symmetric(): bool {
    return this.kty == KeyType.Oct;
  }

  /** The prepared HMAC for `hash` (oct keys only; null otherwise). */
  hmacFor(hash: HashAlg): HmacKey | null {
    const secret = this.secret;
    if (secret === null || <u32>hash > 2) return null;
    let mac = unchecked(this.macs[hash]);
    if (mac === null) {
      mac = new HmacKey(hash, secret);
      unchecked(this.macs[hash] = mac);
    }
    return mac;
  }

  /** True when a JWS with algorithm `alg` may be verified with this key (the only way algorithm confusion is ruled out). */
  allows(alg: JwsAlg): bool {
    if (alg == JwsAlg.Unknown) return false;
    if (this.alg != JwsAlg.Unknown && this.alg != alg) return false;
    return fits(this.kty, this.curve, this.bits >> 3, alg);
  }
}

/** Whether `alg` fits a key of type `kty` (curve for EC, key length in bytes for oct). */
function fits(kty: KeyType, curve: i32, octBytes: i32, alg: JwsAlg): bool {
  const family = algFamily(alg);
  if (kty == KeyType.Oct) return family == AlgFamily.Hmac && octBytes >= algHashBytes(alg);
  if (kty == KeyType.RSA) return family == AlgFamily.RsaPkcs1 || family == AlgFamily.RsaPss;
  if (kty == KeyType.EC) return family == AlgFamily.Ecdsa && curveForAlg(alg) == curve;
  if (kty == KeyType.OKP) return family == AlgFamily.EdDSA;
  return false;
}

function curveForAlg(alg: JwsAlg): i32 {
  if (alg == JwsAlg.ES256) return Curve.P256;
  if (alg == JwsAlg.ES384) return Curve.P384;
  if (alg == JwsAlg.ES512) return Curve.P521;
  return 0;
}

export class JwkResult {
  constructor(
    /** The prepared key, or null when refused. */
    readonly key: Jwk | null,
    /** Why the key was refused ("" when ok), e.g. "RSA modulus is 1024 bits; at least 2048 required". */
    readonly error: string,
    /** The key's kid when it could be read (also on refusal, so a token naming it gets a precise reason). */
    readonly kid: string | null,
    readonly kty: KeyType,
  ) {}

  get ok(): bool {
    return this.key !== null;
  }
}

function refuse(message: string, kid: string | null, kty: KeyType): JwkResult {
  return new JwkResult(null, message, kid, kty);
}

function quote(s: string): string {
  return "'" + (s.length > 40 ? s.substring(0, 40) + "..." : s) + "'";
}

/** Reads and checks one JWK (a parsed JSON object) and prepares its verification key. */
export function parseJwk(value: JsonValue): JwkResult {
  if (!value.isObject()) return refuse("JWK must be a JSON object", null, KeyType.Unknown);

  // kid first, so every later refusal can name the key.
  let kid: string | null = null;
  const kidValue = value.get("kid");
  if (kidValue !== null) {
    kid = kidValue.asString();
    if (kid === null) return refuse("kid must be a string", null, KeyType.Unknown);
  }

  const ktyValue = value.get("kty");
  if (ktyValue === null) return refuse("kty is required", kid, KeyType.Unknown);
  const ktyText = ktyValue.asString();
  if (ktyText === null) return refuse("kty must be a string", kid, KeyType.Unknown);
  let kty = KeyType.Unknown;
  if (ktyText == "oct") kty = KeyType.Oct;
  else if (ktyText == "RSA") kty = KeyType.RSA;
  else if (ktyText == "EC") kty = KeyType.EC;
  else if (ktyText == "OKP") kty = KeyType.OKP;
  else return refuse("kty " + quote(ktyText) + " is not supported (oct, RSA, EC, OKP)", kid, KeyType.Unknown);

  let use: string | null = null;
  const useValue = value.get("use");
  if (useValue !== null) {
    use = useValue.asString();
    if (use === null) return refuse("use must be a string", kid, kty);
    if (use != "sig") return refuse("use is " + quote(use!) + "; only \"sig\" keys verify signatures", kid, kty);
  }

  let keyOps: Array<string> | null = null;
  const opsValue = value.get("key_ops");
  if (opsValue !== null) {
    if (!opsValue.isArray()) return refuse("key_ops must be an array of strings", kid, kty);
    const ops = new Array<string>();
    let verify = false;
    for (let i = 0, n = opsValue.length; i < n; i++) {
      const op = opsValue.at(i)!.asString();
      if (op === null) return refuse("key_ops must be an array of strings", kid, kty);
      if (ops.includes(op)) return refuse("key_ops repeats " + quote(op), kid, kty);
      if (op == "verify") verify = true;
      ops.push(op);
    }
    if (!verify) return refuse("key_ops does not include \"verify\"", kid, kty);
    keyOps = ops;
  }

  let alg = JwsAlg.Unknown;
  const algValue = value.get("alg");
  if (algValue !== null) {
    const algText = algValue.asString();
    if (algText === null) return refuse("alg must be a string", kid, kty);
    alg = algFromName(algText);
    if (alg == JwsAlg.Unknown) return refuse("alg " + quote(algText) + " is not a supported JWS algorithm", kid, kty);
  }

  const key = new Jwk(kty, kid, alg, use, keyOps);
  let problem: string;
  if (kty == KeyType.Oct) problem = readOct(value, key);
  else if (kty == KeyType.RSA) problem = readRsa(value, key);
  else if (kty == KeyType.EC) problem = readEc(value, key);
  else problem = readOkp(value, key);
  if (problem.length > 0) return refuse(problem, kid, kty);

  if (alg != JwsAlg.Unknown && !key.allows(alg)) {
    return refuse("alg " + quote(algValue!.asString()!) + " does not fit " + describeKey(key), kid, kty);
  }
  return new JwkResult(key, "", kid, kty);
}

function describeKey(key: Jwk): string {
  if (key.kty == KeyType.Oct) return "an HMAC key of " + (key.bits >> 3).toString() + " bytes";
  if (key.kty == KeyType.RSA) return "an RSA key";
  if (key.kty == KeyType.EC) return "an EC key on " + curveName(key.curve);
  return "an Ed25519 key";
}

function curveName(curve: i32): string {
  if (curve == Curve.P256) return "P-256";
  if (curve == Curve.P384) return "P-384";
  return "P-521";
}

/** Base64url member `name`; null with `problem` set when absent or not valid base64url. */
class Member {
  bytes: Uint8Array | null = null;
  problem: string = "";
}

function readMember(value: JsonValue, name: string): Member {
  const m = new Member();
  const v = value.get(name);
  if (v === null) {
    m.problem = name + " is required";
    return m;
  }
  const text = v.asString();
  if (text === null) {
    m.problem = name + " must be a base64url string";
    return m;
  }
  const bytes = base64urlDecode(text);
  if (bytes === null) m.problem = name + " is not valid base64url (no padding, URL-safe alphabet, canonical)";
  m.bytes = bytes;
  return m;
}

/** The "crv" member; `problem` set when absent or not a string. */
class Crv {
  text: string = "";
  problem: string = "";
}

function readCrv(value: JsonValue): Crv {
  const c = new Crv();
  const v = value.get("crv");
  if (v === null) c.problem = "crv is required";
  else if (!v.isString()) c.problem = "crv must be a string";
  else c.text = v.asString()!;
  return c;
}

function readOct(value: JsonValue, key: Jwk): string {
  const k = readMember(value, "k");
  if (k.problem.length > 0) return k.problem;
  const bytes = k.bytes!;
  const need = key.alg != JwsAlg.Unknown ? algHashBytes(key.alg) : MIN_HMAC_BYTES;
  if (bytes.length < need) {
    const what = key.alg != JwsAlg.Unknown ? "its alg" : "HS256 (no alg given)";
    return "HMAC key k is " + bytes.length.toString() + " bytes; " + what + " needs at least " + need.toString();
  }
  key.bits = bytes.length << 3;
  key.secret = bytes;
  return "";
}

/** Index of the first non-zero byte (RFC 7518 asks for no leading zeros, but some producers add one). */
function firstNonZero(bytes: Uint8Array): i32 {
  let i = 0;
  while (i < bytes.length && unchecked(bytes[i]) == 0) i++;
  return i;
}

function readRsa(value: JsonValue, key: Jwk): string {
  const n = readMember(value, "n");
  if (n.problem.length > 0) return n.problem;
  const e = readMember(value, "e");
  if (e.problem.length > 0) return e.problem;
  let nBytes = n.bytes!, eBytes = e.bytes!;
  const nz = firstNonZero(nBytes);
  if (nz > 0) nBytes = nBytes.slice(nz);
  const ez = firstNonZero(eBytes);
  if (ez > 0) eBytes = eBytes.slice(ez);
  if (nBytes.length == 0) return "RSA modulus n is zero";
  const bits = (nBytes.length << 3) - (clz<u32>(<u32>unchecked(nBytes[0])) - 24);
  if (bits < MIN_RSA_BITS) return "RSA modulus is " + bits.toString() + " bits; at least " + MIN_RSA_BITS.toString() + " required";
  if (bits > MAX_RSA_BITS) return "RSA modulus is " + bits.toString() + " bits; at most " + MAX_RSA_BITS.toString() + " supported";
  if ((unchecked(nBytes[nBytes.length - 1]) & 1) == 0) return "RSA modulus n is even";
  if (eBytes.length == 0) return "RSA public exponent e is zero";
  if (eBytes.length > 4) return "RSA public exponent e is longer than 32 bits";
  if (eBytes.length == 1 && unchecked(eBytes[0]) == 1) return "RSA public exponent e is 1";
  if ((unchecked(eBytes[eBytes.length - 1]) & 1) == 0) return "RSA public exponent e is even";
  if (hasRocaFingerprint(nBytes)) return "RSA modulus has the ROCA fingerprint (CVE-2017-15361): the key is factorable";
  const prepared = RsaPublicKey.create(nBytes, eBytes);
  if (prepared === null) return "RSA key (n, e) is not usable";
  key.bits = bits;
  key.rsa = prepared;
  return "";
}

function readEc(value: JsonValue, key: Jwk): string {
  const crvMember = readCrv(value);
  if (crvMember.problem.length > 0) return crvMember.problem;
  const crv = crvMember.text;
  let curve: i32 = 0;
  if (crv == "P-256") curve = Curve.P256;
  else if (crv == "P-384") curve = Curve.P384;
  else if (crv == "P-521") curve = Curve.P521;
  else return "crv " + quote(crv) + " is not supported for EC keys (P-256, P-384, P-521)";
  const size = curveByteLength(curve);
  const x = readMember(value, "x");
  if (x.problem.length > 0) return x.problem;
  const y = readMember(value, "y");
  if (y.problem.length > 0) return y.problem;
  if (x.bytes!.length != size) return "x is " + x.bytes!.length.toString() + " bytes; " + crv + " needs exactly " + size.toString();
  if (y.bytes!.length != size) return "y is " + y.bytes!.length.toString() + " bytes; " + crv + " needs exactly " + size.toString();
  const prepared = EcPublicKey.fromCoordinates(curve, x.bytes!, y.bytes!);
  if (prepared === null) return "point (x, y) is not on " + crv;
  key.curve = curve;
  key.bits = curve == Curve.P521 ? 521 : size << 3;
  key.ec = prepared;
  return "";
}

function readOkp(value: JsonValue, key: Jwk): string {
  const crvMember = readCrv(value);
  if (crvMember.problem.length > 0) return crvMember.problem;
  const crv = crvMember.text;
  if (crv == "X25519" || crv == "X448") return "crv " + quote(crv) + " is a key-agreement curve, not a signature curve";
  if (crv != "Ed25519") return "crv " + quote(crv) + " is not supported for OKP keys (Ed25519)";
  const x = readMember(value, "x");
  if (x.problem.length > 0) return x.problem;
  if (x.bytes!.length != 32) return "x is " + x.bytes!.length.toString() + " bytes; Ed25519 needs exactly 32";
  const prepared = Ed25519PublicKey.fromBytes(x.bytes!);
  if (prepared === null) return "x is not a valid Ed25519 public key";
  key.bits = 256;
  key.ed = prepared;
  return "";
}
