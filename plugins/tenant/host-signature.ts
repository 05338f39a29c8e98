// Signature checks through Envoy's `verify_signature` foreign function (BoringSSL inside Envoy), for RSA
// PKCS#1 v1.5 and ECDSA. Arguments and result are the protobuf messages of Envoy's
// source/extensions/common/wasm/ext/verify_signature.proto:
//   VerifySignatureArguments { string hash_function = 1; bytes public_key = 2 (DER SubjectPublicKeyInfo);
//                              bytes signature = 3; bytes text = 4; string public_key_pem = 5; }
//   VerifySignatureResult    { bool result = 1; string error = 2; }
import { callForeignFunction, Status } from "../../assembly/sdk";
import { ProtoWriter, ProtoReader, WIRE_VARINT } from "./protobuf";

export const VERIFY_SIGNATURE = "verify_signature";

export enum HostVerdict {
  Valid = 0,
  Invalid = 1,
  /** The host has no such function (not Envoy, or built without it). */
  Unavailable = 2,
  /** The host refused the arguments (a key it cannot import) or answered something unreadable. */
  Error = 3,
}

export function encodeVerifyArguments(hash: string, publicKeyDer: Uint8Array, signature: Uint8Array, text: Uint8Array): Uint8Array {
  return new ProtoWriter()
    .stringField(1, hash)
    .bytesField(2, publicKeyDer)
    .bytesField(3, signature)
    .bytesField(4, text)
    .finish();
}

/** The `result` field of a VerifySignatureResult; -1 when the bytes are not one. */
export function decodeVerifyResult(bytes: Uint8Array): i32 {
  const r = new ProtoReader(bytes);
  let result = 0;
  while (r.next()) {
    if (r.field == 1 && r.wire == WIRE_VARINT) result = r.scalar != 0 ? 1 : 0;
  }
  return r.failed ? -1 : result;
}

/** Asks the host; `signature` must already be in the form BoringSSL expects (DER for ECDSA). */
export function hostVerify(hash: string, publicKeyDer: Uint8Array, signature: Uint8Array, text: Uint8Array): HostVerdict {
  const result = callForeignFunction(VERIFY_SIGNATURE, encodeVerifyArguments(hash, publicKeyDer, signature, text));
  if (result.status == Status.NotFound) return HostVerdict.Unavailable;
  if (result.status != Status.Ok) return HostVerdict.Error;
  const valid = decodeVerifyResult(result.data);
  if (valid < 0) return HostVerdict.Error;
  return valid == 1 ? HostVerdict.Valid : HostVerdict.Invalid;
}

/** Whether the host registers verify_signature: an empty argument list is refused (BadArgument) when it does. */
export function hostOffersVerifySignature(): bool {
  return callForeignFunction(VERIFY_SIGNATURE, new Uint8Array(0)).status != Status.NotFound;
}
