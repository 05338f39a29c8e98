// The JOSE protected header of a compact JWS, read and judged once per distinct header text.
// Rules: strict base64url; a JSON object without duplicate members; "kid" a string when present;
// "alg" a string, never "none" in any case, one this verifier supports; "b64" absent or true
// (false: RFC 7797 unencoded payload, refused); no "crit" (no extension is understood).
//
// Tokens of one issuer carry the same header bytes (alg, typ, kid) again and again, so the outcome
// is kept for the last few distinct header texts: a repeated header costs a byte comparison instead
// of a decode and a JSON parse. The outcome depends on the bytes alone, so this is exact.

import { JsonValue, JsonLimits, parseJson } from "../json";
import { base64urlDecodeRange } from "../encoding/base64url";
import { JoseError } from "./errors";
import { JwsAlg, algFromName } from "./alg";

/** What the header says, or why it is refused. */
export class JoseHeader {
  constructor(
    readonly error: JoseError,
    /** "" when the header is acceptable. */
    readonly detail: string,
    /** The parsed header object (null when it could not be parsed). Shared: never modify it. */
    readonly value: JsonValue | null,
    /** alg as written ("" when unreadable). */
    readonly algText: string,
    readonly alg: JwsAlg,
    readonly kid: string | null,
  ) {}
}

/**
 * JSON limits for JOSE documents (headers, claims, key sets): duplicate members refused (RFC 7515 4,
 * RFC 7519 4), nesting bounded by `maxDepth`; sizes are bounded by the token or key-set bound first.
 */
export function strictJsonLimits(maxDepth: i32): JsonLimits {
  const l = new JsonLimits();
  l.maxDepth = maxDepth;
  l.rejectDuplicateKeys = true;
  return l;
}

const LIMITS = strictJsonLimits(8);

function refuse(error: JoseError, detail: string, value: JsonValue | null = null, algText: string = "", kid: string | null = null): JoseHeader {
  return new JoseHeader(error, detail, value, algText, JwsAlg.Unknown, kid);
}

/** Reads the header from token[0, end) (its base64url text). */
export function readHeader(token: Uint8Array, end: i32): JoseHeader {
  if (end == 0) return refuse(JoseError.Malformed, "header part is empty");
  const bytes = base64urlDecodeRange(token, 0, end);
  if (bytes === null) return refuse(JoseError.Malformed, "header is not valid base64url");
  const parsed = parseJson(bytes, LIMITS);
  if (!parsed.ok) return refuse(JoseError.Malformed, "header is not valid JSON: " + parsed.message);
  const header = parsed.value!;
  if (!header.isObject()) return refuse(JoseError.Malformed, "header is not a JSON object");

  // kid first, so every later refusal can report it.
  let kid: string | null = null;
  const kidValue = header.get("kid");
  if (kidValue !== null) {
    kid = kidValue.asString();
    if (kid === null) return refuse(JoseError.Malformed, "header kid is not a string", header);
  }

  const algValue = header.get("alg");
  if (algValue === null) return refuse(JoseError.Malformed, "header has no alg", header, "", kid);
  const algText = algValue.asString();
  if (algText === null) return refuse(JoseError.Malformed, "header alg is not a string", header, "", kid);
  if (algText.length == 4 && algText.toLowerCase() == "none") {
    return refuse(JoseError.AlgNone, "alg '" + algText + "' (unsecured JWS) is never accepted", header, algText, kid);
  }
  const alg = algFromName(algText);
  if (alg == JwsAlg.Unknown) return refuse(JoseError.AlgNotAllowed, "alg '" + algText + "' is not supported", header, algText, kid);

  const b64 = header.get("b64");
  if (b64 !== null) {
    if (!b64.isBool()) return refuse(JoseError.Malformed, "header b64 is not a boolean", header, algText, kid);
    if (!b64.asBool()) return refuse(JoseError.B64False, "unencoded payload (b64: false) is not supported", header, algText, kid);
  }
  if (header.has("crit")) {
    return refuse(JoseError.CritUnsupported, "header crit names extensions this verifier does not understand", header, algText, kid);
  }
  return new JoseHeader(JoseError.None, "", header, algText, alg, kid);
}

/** Distinct header texts remembered, and the longest one worth remembering. */
const CACHE_ENTRIES = 4;
const CACHE_MAX_BYTES = 1024;

const cachedText = new StaticArray<Uint8Array | null>(CACHE_ENTRIES);
const cachedHeader = new StaticArray<JoseHeader | null>(CACHE_ENTRIES);
let cacheNext = 0;

/** readHeader, answered from the recent-header cache when token[0, end) was seen lately. */
export function headerOf(token: Uint8Array, end: i32): JoseHeader {
  for (let i = 0; i < CACHE_ENTRIES; i++) {
    const text = unchecked(cachedText[i]);
    if (text !== null && text.length == end && memory.compare(text.dataStart, token.dataStart, <usize>end) == 0) {
      return unchecked(cachedHeader[i])!;
    }
  }
  const header = readHeader(token, end);
  if (end <= CACHE_MAX_BYTES) {
    unchecked(cachedText[cacheNext] = token.slice(0, end));
    unchecked(cachedHeader[cacheNext] = header);
    cacheNext = (cacheNext + 1) % CACHE_ENTRIES;
  }
  return header;
}
