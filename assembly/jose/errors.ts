// Why a token or a key was refused. The codes are stable strings: they appear in 401 bodies, in
// logs and in `waymark jws verify` output, so tests and operators may match on them. A longer
// English `detail` (naming the member or the limit) travels next to the code and may change.

export enum JoseError {
  None = 0,
  /** Not a compact JWS (part count, empty parts, bad base64url, header/payload not the right JSON). */
  Malformed = 1,
  /** Token longer than the configured bound (default 16 KiB), checked before any other work. */
  TooLarge = 2,
  /** Header alg is "none" in any letter case (unsecured JWS is never accepted). */
  AlgNone = 3,
  /** Header alg is unknown/unsupported, or no key allows it (kty, curve, key size, the key's own alg). */
  AlgNotAllowed = 4,
  /** Header has a "crit" member: no extension is understood, so any crit is refused (RFC 7515 4.1.11). */
  CritUnsupported = 5,
  /** Header has "b64": false (RFC 7797 unencoded payload), which this verifier does not support. */
  B64False = 6,
  /** Header kid names no key of the set. */
  UnknownKid = 7,
  /** The key (or key set) was refused when loaded: weak, inconsistent or not a verification key. */
  BadKey = 8,
  /** Signature does not verify (includes a signature of the wrong length). */
  BadSignature = 9,
  /** JWT exp is not after now - clock skew. */
  Expired = 10,
  /** JWT nbf is after now + clock skew. */
  NotYetValid = 11,
  /** JWT iat is after now + clock skew. */
  IssuedInFuture = 12,
  /** JWT iss is missing or differs from the configured issuer. */
  Issuer = 13,
  /** JWT aud is missing or names none of the configured audiences. */
  Audience = 14,
  /** A registered JWT claim has the wrong type (exp/nbf/iat not a number, iss not a string, aud not string(s)). */
  BadClaim = 15,
}

/** The stable code for `error` ("" for None). */
export function reasonCode(error: JoseError): string {
  switch (error) {
    case JoseError.None: return "";
    case JoseError.Malformed: return "malformed";
    case JoseError.TooLarge: return "too_large";
    case JoseError.AlgNone: return "alg_none";
    case JoseError.AlgNotAllowed: return "alg_not_allowed";
    case JoseError.CritUnsupported: return "crit_unsupported";
    case JoseError.B64False: return "b64_false";
    case JoseError.UnknownKid: return "unknown_kid";
    case JoseError.BadKey: return "bad_key";
    case JoseError.BadSignature: return "bad_signature";
    case JoseError.Expired: return "expired";
    case JoseError.NotYetValid: return "not_yet_valid";
    case JoseError.IssuedInFuture: return "issued_in_future";
    case JoseError.Issuer: return "issuer";
    case JoseError.Audience: return "audience";
    case JoseError.BadClaim: return "bad_claim";
  }
  return "malformed";
}
