// A JSON Web Key Set (RFC 7517 5), parsed and prepared once, then used for many verifications.
//
// Policy (Wycheproof json_web_key_test.json):
//   - the whole set is refused when it is not {"keys": [...]} (or one bare JWK), is too large, has two
//     keys with the same kid, or mixes symmetric (oct) and asymmetric keys: these are configuration
//     mistakes or tampering, and no token should verify against such a set;
//   - a single key that fails its own checks (weak, wrong use, unsupported type, ...) is skipped and
//     recorded in `refused`: identity providers publish encryption keys and retired algorithms next to
//     the signing keys, and one of those must not take the others down. A token whose kid names a
//     refused key gets reason bad_key with that key's refusal sentence;
//   - a set in which no key is usable is refused (nothing could ever verify, so say so at load time).
// Lookup for a token (jws.ts): keys whose kid equals the token's kid; when none has it (or the token has
// no kid) keys without a kid, as Envoy's jwt_authn does; then only keys that allow the token's alg.

import { JsonValue, parseJson } from "../json";
import { strictJsonLimits } from "./header";
import { Jwk, JwkResult, KeyType, parseJwk } from "./jwk";

export class JwksLimits {
  /** Largest JWKS document accepted. */
  maxBytes: i32 = 256 * 1024;
  /** Most keys in one set (bounds the work a token without kid can cause). */
  maxKeys: i32 = 100;
}

/** A key of the set that was skipped, and why. */
export class RefusedKey {
  constructor(
    /** Position in the "keys" array. */
    readonly index: i32,
    readonly kid: string | null,
    readonly reason: string,
  ) {}

  /** "key 2 (kid 'abc'): RSA modulus is 1024 bits; at least 2048 required". */
  describe(): string {
    const k = this.kid;
    return "key " + this.index.toString() + (k !== null ? " (kid '" + k + "')" : "") + ": " + this.reason;
  }
}

export class JwkSet {
  constructor(
    /** Usable keys, in document order. */
    readonly keys: Array<Jwk>,
    /** Keys that were skipped (see the policy above). */
    readonly refused: Array<RefusedKey>,
    /** True when the document was one bare JWK rather than {"keys": [...]}. */
    readonly single: bool,
  ) {}

  /** One line per refused key, for logs. */
  warnings(): Array<string> {
    const out = new Array<string>();
    for (let i = 0; i < this.refused.length; i++) out.push(unchecked(this.refused[i]).describe());
    return out;
  }

  get size(): i32 {
    return this.keys.length;
  }

  /** The refused key carrying `kid`, or null. */
  refusedWithKid(kid: string): RefusedKey | null {
    for (let i = 0; i < this.refused.length; i++) {
      const r = unchecked(this.refused[i]);
      const k = r.kid;
      if (k !== null && k == kid) return r;
    }
    return null;
  }

  /** True when some usable key has exactly this kid. */
  hasKid(kid: string): bool {
    for (let i = 0; i < this.keys.length; i++) {
      const k = unchecked(this.keys[i]).kid;
      if (k !== null && k == kid) return true;
    }
    return false;
  }

  /** A set holding one already-parsed key. */
  static ofKey(key: Jwk): JwkSet {
    const keys = new Array<Jwk>();
    keys.push(key);
    return new JwkSet(keys, new Array<RefusedKey>(), true);
  }

  /** Parses a JWKS ({"keys": [...]}) or a single JWK (an object with "kty") from UTF-8 JSON. */
  static parse(bytes: Uint8Array, limits: JwksLimits = new JwksLimits()): JwksResult {
    if (bytes.length > limits.maxBytes) {
      return JwksResult.failure("key set is " + bytes.length.toString() + " bytes; at most " + limits.maxBytes.toString() + " accepted");
    }
    const jsonLimits = strictJsonLimits(8);
    jsonLimits.maxInputBytes = limits.maxBytes;
    const parsed = parseJson(bytes, jsonLimits);
    if (!parsed.ok) return JwksResult.failure("key set is not valid JSON: " + parsed.message);
    return JwkSet.fromValue(parsed.value!, limits);
  }

  static parseString(text: string, limits: JwksLimits = new JwksLimits()): JwksResult {
    return JwkSet.parse(Uint8Array.wrap(String.UTF8.encode(text)), limits);
  }

  /** Same as parse, from an already parsed document. */
  static fromValue(doc: JsonValue, limits: JwksLimits = new JwksLimits()): JwksResult {
    if (!doc.isObject()) return JwksResult.failure("key set must be a JSON object");
    const keysValue = doc.get("keys");
    if (keysValue === null) {
      if (!doc.has("kty")) return JwksResult.failure("neither a JWKS (no \"keys\") nor a JWK (no \"kty\")");
      const one = parseJwk(doc);
      if (!one.ok) return JwksResult.failure(one.error);
      return JwksResult.success(JwkSet.ofKey(one.key!));
    }
    if (!keysValue.isArray()) return JwksResult.failure("keys must be an array");
    const count = keysValue.length;
    if (count > limits.maxKeys) {
      return JwksResult.failure("key set has " + count.toString() + " keys; at most " + limits.maxKeys.toString() + " accepted");
    }
    const keys = new Array<Jwk>();
    const refused = new Array<RefusedKey>();
    const kids = new Set<string>();
    let symmetric = -1, asymmetric = -1;
    for (let i = 0; i < count; i++) {
      const result: JwkResult = parseJwk(keysValue.at(i)!);
      const kid = result.kid;
      if (kid !== null) {
        if (kids.has(kid)) return JwksResult.failure("kid '" + kid + "' appears more than once");
        kids.add(kid);
      }
      // Mixing is judged on every recognised key, usable or not: a shared secret published next to
      // public keys is a mistake either way.
      if (result.kty == KeyType.Oct) symmetric = i;
      else if (result.kty != KeyType.Unknown) asymmetric = i;
      if (symmetric >= 0 && asymmetric >= 0) {
        return JwksResult.failure("key set mixes symmetric (oct, key " + symmetric.toString() +
          ") and asymmetric keys (key " + asymmetric.toString() + ")");
      }
      if (result.ok) keys.push(result.key!);
      else refused.push(new RefusedKey(i, kid, result.error));
    }
    const set = new JwkSet(keys, refused, false);
    if (keys.length == 0) {
      if (refused.length == 0) return JwksResult.failure("key set has no keys");
      return JwksResult.failure("key set has no usable key: " + set.warnings().join("; "));
    }
    return JwksResult.success(set);
  }
}

export class JwksResult {
  constructor(
    readonly set: JwkSet | null,
    /** Why the whole set was refused ("" when ok). */
    readonly error: string,
  ) {}

  get ok(): bool {
    return this.set !== null;
  }

  static success(set: JwkSet): JwksResult {
    return new JwksResult(set, "");
  }

  static failure(error: string): JwksResult {
    return new JwksResult(null, error);
  }
}
