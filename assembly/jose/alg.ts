// JWS algorithm identifiers (RFC 7518 3.1, RFC 8037 3.1) and what each one needs from a key.
// Names are matched exactly (they are case-sensitive); "none" in any case is handled by the caller.

export enum JwsAlg {
  Unknown = 0,
  HS256 = 1, HS384 = 2, HS512 = 3,
  RS256 = 4, RS384 = 5, RS512 = 6,
  PS256 = 7, PS384 = 8, PS512 = 9,
  ES256 = 10, ES384 = 11, ES512 = 12,
  /** "EdDSA" (RFC 8037) and its fully-specified name "Ed25519" (RFC 9864); only Ed25519 keys. */
  EdDSA = 13,
}

export enum AlgFamily { None = 0, Hmac = 1, RsaPkcs1 = 2, RsaPss = 3, Ecdsa = 4, EdDSA = 5 }

/** The algorithm named `name`, or Unknown. */
export function algFromName(name: string): JwsAlg {
  if (name.length == 5) {
    const a = name.charCodeAt(0), b = name.charCodeAt(1);
    let family: i32 = -1;
    if (a == 0x48 && b == 0x53) family = 0; // HS
    else if (a == 0x52 && b == 0x53) family = 1; // RS
    else if (a == 0x50 && b == 0x53) family = 2; // PS
    else if (a == 0x45 && b == 0x53) family = 3; // ES
    if (family < 0) return name == "EdDSA" ? JwsAlg.EdDSA : JwsAlg.Unknown;
    const bits = name.substring(2);
    let size: i32 = -1;
    if (bits == "256") size = 0;
    else if (bits == "384") size = 1;
    else if (bits == "512") size = 2;
    if (size < 0) return JwsAlg.Unknown;
    return <JwsAlg>(1 + family * 3 + size);
  }
  if (name == "Ed25519") return JwsAlg.EdDSA;
  return JwsAlg.Unknown;
}

/** Canonical name ("EdDSA" for EdDSA). */
export function algName(alg: JwsAlg): string {
  switch (alg) {
    case JwsAlg.HS256: return "HS256";
    case JwsAlg.HS384: return "HS384";
    case JwsAlg.HS512: return "HS512";
    case JwsAlg.RS256: return "RS256";
    case JwsAlg.RS384: return "RS384";
    case JwsAlg.RS512: return "RS512";
    case JwsAlg.PS256: return "PS256";
    case JwsAlg.PS384: return "PS384";
    case JwsAlg.PS512: return "PS512";
    case JwsAlg.ES256: return "ES256";
    case JwsAlg.ES384: return "ES384";
    case JwsAlg.ES512: return "ES512";
    case JwsAlg.EdDSA: return "EdDSA";
  }
  return "";
}

export function algFamily(alg: JwsAlg): AlgFamily {
  if (alg >= JwsAlg.HS256 && alg <= JwsAlg.HS512) return AlgFamily.Hmac;
  if (alg >= JwsAlg.RS256 && alg <= JwsAlg.RS512) return AlgFamily.RsaPkcs1;
  if (alg >= JwsAlg.PS256 && alg <= JwsAlg.PS512) return AlgFamily.RsaPss;
  if (alg >= JwsAlg.ES256 && alg <= JwsAlg.ES512) return AlgFamily.Ecdsa;
  if (alg == JwsAlg.EdDSA) return AlgFamily.EdDSA;
  return AlgFamily.None;
}

/** Digest length in bytes of the algorithm's hash (32, 48, 64); 0 for EdDSA (hash is part of the scheme). */
export function algHashBytes(alg: JwsAlg): i32 {
  if (alg == JwsAlg.EdDSA || alg == JwsAlg.Unknown) return 0;
  const size = (<i32>alg - 1) % 3;
  return size == 0 ? 32 : size == 1 ? 48 : 64;
}
