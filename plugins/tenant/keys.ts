// A provider's key set: the JOSE layer's parsed JwkSet (with its key policy), plus, for keys Envoy's
// verify_signature can check (RSA, EC), the DER SubjectPublicKeyInfo it needs, built once on first use.
import { JsonValue, parseJsonString } from "../../assembly/json";
import { JwkSet } from "../../assembly/jose/jwks";
import { Jwk, KeyType } from "../../assembly/jose/jwk";
import { base64urlDecode } from "../../assembly/encoding/base64url";
import { rsaSpki, ecSpki } from "./der";

export class KeySetHolder {
  /** DER per usable key (parallel to set.keys); built on first use by the host signature path. */
  private ders: Array<Uint8Array | null> | null = null;

  constructor(
    public readonly set: JwkSet | null,
    /** Why the whole set was refused ("" when usable). */
    public readonly error: string,
    /** The JWKS text, kept to derive DER keys from the raw members. */
    private readonly text: string,
  ) {}

  /** The DER public key of usable key `key` for Envoy's verify_signature; null for oct/OKP keys. */
  derFor(key: Jwk): Uint8Array | null {
    const set = this.set;
    if (set === null || (key.kty != KeyType.RSA && key.kty != KeyType.EC)) return null;
    if (this.ders === null) this.ders = buildDers(set, this.text);
    const ders = this.ders!;
    const index = set.keys.indexOf(key);
    return index >= 0 && index < ders.length ? ders[index] : null;
  }
}

export function parseKeySet(text: string): KeySetHolder {
  const result = JwkSet.parseString(text);
  return new KeySetHolder(result.set, result.error, text);
}

/**
 * The JWK objects of the document that became usable keys, in order: the set keeps usable keys in document
 * order and records the index of every key it skipped.
 */
function buildDers(set: JwkSet, text: string): Array<Uint8Array | null> {
  const out = new Array<Uint8Array | null>();
  const parsed = parseJsonString(text);
  if (!parsed.ok) return out;
  const doc = parsed.value!;
  const members = new Array<JsonValue>();
  const list = doc.get("keys");
  if (list === null) members.push(doc);
  else {
    for (let i = 0; i < list.length; i++) {
      let skipped = false;
      for (let r = 0; r < set.refused.length; r++) if (set.refused[r].index == i) skipped = true;
      const item = list.at(i);
      if (!skipped && item !== null) members.push(item);
    }
  }
  for (let i = 0; i < set.keys.length; i++) out.push(i < members.length ? derOf(set.keys[i], members[i]) : null);
  return out;
}

function member(jwk: JsonValue, name: string): Uint8Array | null {
  const v = jwk.get(name);
  if (v === null) return null;
  const s = v.asString();
  return s !== null ? base64urlDecode(s) : null;
}

function derOf(key: Jwk, jwk: JsonValue): Uint8Array | null {
  if (key.kty == KeyType.RSA) {
    const n = member(jwk, "n");
    const e = member(jwk, "e");
    return n !== null && e !== null ? rsaSpki(n, e) : null;
  }
  if (key.kty == KeyType.EC) {
    const crv = jwk.get("crv");
    const x = member(jwk, "x");
    const y = member(jwk, "y");
    if (crv === null || x === null || y === null || crv.asString() === null) return null;
    return ecSpki(crv.asString()!, x, y);
  }
  return null;
}
