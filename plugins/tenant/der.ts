// The few DER structures Envoy's verify_signature foreign function needs: a SubjectPublicKeyInfo for an RSA
// or EC public key (from a JWK's raw numbers), and an ECDSA signature as SEQUENCE { r, s } (JOSE sends r||s).

const TAG_INTEGER: u8 = 0x02;
const TAG_BIT_STRING: u8 = 0x03;
const TAG_SEQUENCE: u8 = 0x30;

// Object identifiers, DER-encoded with their tag and length.
const OID_RSA_ENCRYPTION: u8[] = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const ASN1_NULL: u8[] = [0x05, 0x00];
const OID_EC_PUBLIC_KEY: u8[] = [0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_P256: u8[] = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const OID_P384: u8[] = [0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22];
const OID_P521: u8[] = [0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23];

/** Tag, definite length, content. */
export function derTlv(tag: u8, content: Uint8Array): Uint8Array {
  const n = content.length;
  const lengthBytes = n < 0x80 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 4;
  const out = new Uint8Array(1 + lengthBytes + n);
  out[0] = tag;
  if (n < 0x80) out[1] = <u8>n;
  else {
    out[1] = <u8>(0x80 | (lengthBytes - 1));
    for (let i = 0; i < lengthBytes - 1; i++) out[lengthBytes - i] = <u8>(n >> (8 * i));
  }
  out.set(content, 1 + lengthBytes);
  return out;
}

/** A non-negative INTEGER from big-endian magnitude bytes: leading zeros dropped, a 0x00 added before a high bit. */
export function derUnsignedInteger(magnitude: Uint8Array): Uint8Array {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] == 0) start++;
  const body = magnitude.subarray(start);
  const pad = body.length == 0 || (body[0] & 0x80) != 0 ? 1 : 0;
  const content = new Uint8Array(body.length + pad);
  content.set(body, pad);
  return derTlv(TAG_INTEGER, content);
}

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (let i = 0; i < parts.length; i++) n += parts[i].length;
  const out = new Uint8Array(n);
  let at = 0;
  for (let i = 0; i < parts.length; i++) {
    out.set(parts[i], at);
    at += parts[i].length;
  }
  return out;
}

function fromList(bytes: u8[]): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i];
  return out;
}

/** A BIT STRING with no unused bits around `bytes`. */
function bitString(bytes: Uint8Array): Uint8Array {
  const content = new Uint8Array(bytes.length + 1);
  content.set(bytes, 1);
  return derTlv(TAG_BIT_STRING, content);
}

/** SubjectPublicKeyInfo of an RSA key (rsaEncryption, RSAPublicKey { n, e }). */
export function rsaSpki(n: Uint8Array, e: Uint8Array): Uint8Array {
  const algorithm = derTlv(TAG_SEQUENCE, concat([fromList(OID_RSA_ENCRYPTION), fromList(ASN1_NULL)]));
  const key = derTlv(TAG_SEQUENCE, concat([derUnsignedInteger(n), derUnsignedInteger(e)]));
  return derTlv(TAG_SEQUENCE, concat([algorithm, bitString(key)]));
}

/** SubjectPublicKeyInfo of an EC key on "P-256", "P-384" or "P-521" (uncompressed point); null for other curves. */
export function ecSpki(curve: string, x: Uint8Array, y: Uint8Array): Uint8Array | null {
  let oid: u8[];
  if (curve == "P-256") oid = OID_P256;
  else if (curve == "P-384") oid = OID_P384;
  else if (curve == "P-521") oid = OID_P521;
  else return null;
  const algorithm = derTlv(TAG_SEQUENCE, concat([fromList(OID_EC_PUBLIC_KEY), fromList(oid)]));
  const point = new Uint8Array(1 + x.length + y.length);
  point[0] = 0x04;
  point.set(x, 1);
  point.set(y, 1 + x.length);
  return derTlv(TAG_SEQUENCE, concat([algorithm, bitString(point)]));
}

/** ECDSA-Sig-Value { r, s } from JOSE's fixed-width r||s; null when the length is odd or zero. */
export function ecdsaJoseToDer(signature: Uint8Array): Uint8Array | null {
  const n = signature.length;
  if (n == 0 || (n & 1) != 0) return null;
  const half = n >> 1;
  return derTlv(TAG_SEQUENCE, concat([derUnsignedInteger(signature.subarray(0, half)), derUnsignedInteger(signature.subarray(half))]));
}
