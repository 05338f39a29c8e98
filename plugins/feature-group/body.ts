// Body conditions against the streaming scanner: each is true, false, or not yet known; a scanner error
// (malformed, too deep, too large, cut short) turns every still-unknown condition false and says why.
import { JsonPointerScanner, PointerStatus, ScanState, ScanFailure, JsonValue, JsonKind } from "../../assembly/json";
import { BodyCondition, BodyTest } from "./model";
import { REASON_BODY_MALFORMED, REASON_BODY_TOO_DEEP, REASON_BODY_TOO_LARGE, REASON_BODY_TRUNCATED } from "./reasons";

export enum Truth {
  False = 0,
  True = 1,
  /** The scanner has not got that far yet. */
  Unknown = 2,
  /** False because the body could not be read that far (see failureReason). */
  Unreadable = 3,
}

/**
 * True for JSON media types: application/json and application/<anything>+json, parameters (charset) ignored,
 * case-insensitive. Bodies of other types are never scanned.
 */
export function isJsonContentType(value: string | null): bool {
  if (value === null) return false;
  let end = value.indexOf(";");
  if (end < 0) end = value.length;
  const type = value.substring(0, end).trim().toLowerCase();
  if (type == "application/json") return true;
  return type.startsWith("application/") && type.endsWith("+json") && type.length > 17;
}

/** REASON_* bit for a scanner that stopped with an error. */
export function failureReason(scanner: JsonPointerScanner): u32 {
  switch (scanner.failure()) {
    case ScanFailure.TooDeep: return REASON_BODY_TOO_DEEP;
    case ScanFailure.TooLarge: return REASON_BODY_TOO_LARGE;
    case ScanFailure.Truncated: return REASON_BODY_TRUNCATED;
    default: return REASON_BODY_MALFORMED;
  }
}

function sameScalar(a: JsonValue, b: JsonValue): bool {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case JsonKind.String: return a.asString()! == b.asString()!;
    case JsonKind.Number: return a.asNumber() == b.asNumber();
    case JsonKind.Bool: return a.asBool() == b.asBool();
    case JsonKind.Null: return true;
  }
  return false;
}

/** One body condition as far as the scanner knows. Unknown only while the scanner is still in progress. */
export function bodyConditionTruth(b: BodyCondition, scanner: JsonPointerScanner): Truth {
  const status = scanner.status(b.pointer);
  if (status == PointerStatus.Pending) {
    return scanner.state == ScanState.InProgress ? Truth.Unknown : Truth.Unreadable;
  }
  const found = status == PointerStatus.Found;
  if (b.test == BodyTest.Exists) return found == b.exists ? Truth.True : Truth.False;
  if (!found) return Truth.False;
  const value = scanner.value(b.pointer);
  if (value === null) return Truth.False; // an object or array: only `exists` looks at those
  if (b.test == BodyTest.Range) {
    if (!value.isNumber()) return Truth.False;
    const n = value.asNumber();
    return n >= b.min && n <= b.max ? Truth.True : Truth.False;
  }
  const values = b.values;
  for (let i = 0; i < values.length; i++) {
    if (sameScalar(value, unchecked(values[i]))) return Truth.True;
  }
  return Truth.False;
}

/**
 * All body conditions of a rule: False as soon as one is false, True when all are true; otherwise Unreadable
 * when the scanner failed before some condition could be decided, else Unknown.
 */
export function bodyConditionsTruth(conditions: BodyCondition[], scanner: JsonPointerScanner): Truth {
  let result = Truth.True;
  for (let i = 0; i < conditions.length; i++) {
    const t = bodyConditionTruth(unchecked(conditions[i]), scanner);
    if (t == Truth.False) return Truth.False;
    if (t != Truth.True) result = t;
  }
  return result;
}
