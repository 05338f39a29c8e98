// Typed reads of configuration fields with one error slot: the first problem wins and is reported as
// "<field path>: <what is wrong>", so a refused configuration names the field a person has to fix.
import { JsonValue } from "../../assembly/json";

export class ConfigErrors {
  message: string = "";

  fail(path: string, what: string): void {
    if (this.message.length == 0) this.message = path + ": " + what;
  }

  get failed(): bool {
    return this.message.length > 0;
  }
}

/** "a.b" for a member of "a"; "b" at the top level. */
export function member(path: string, key: string): string {
  return path.length == 0 ? key : path + "." + key;
}

/** "a[3]" */
export function item(path: string, index: i32): string {
  return path + "[" + index.toString() + "]";
}

/** Refuses members other than `allowed`, so a misspelt field is an error rather than a silent default. */
export function onlyKeys(obj: JsonValue, path: string, allowed: string[], errors: ConfigErrors): void {
  for (let i = 0; i < obj.length; i++) {
    const key = obj.keyAt(i)!;
    if (!allowed.includes(key)) {
      errors.fail(member(path, key), "unknown field (allowed: " + allowed.join(", ") + ")");
      return;
    }
  }
}

/** An object member that must be an object when present; null when absent or wrong (error recorded). */
export function readObject(obj: JsonValue, key: string, path: string, errors: ConfigErrors): JsonValue | null {
  const v = obj.get(key);
  if (v === null) return null;
  if (!v.isObject()) {
    errors.fail(member(path, key), "must be an object");
    return null;
  }
  return v;
}

/** A string member; `fallback` when absent. Strings are bounded so nothing unbounded ends up in a header. */
export function readString(obj: JsonValue, key: string, path: string, fallback: string, maxLength: i32, errors: ConfigErrors): string {
  const v = obj.get(key);
  if (v === null) return fallback;
  const s = v.asString();
  if (s === null) {
    errors.fail(member(path, key), "must be a string");
    return fallback;
  }
  if (s.length > maxLength) {
    errors.fail(member(path, key), "longer than " + maxLength.toString() + " characters");
    return fallback;
  }
  return s;
}

export function readBool(obj: JsonValue, key: string, path: string, fallback: bool, errors: ConfigErrors): bool {
  const v = obj.get(key);
  if (v === null) return fallback;
  if (!v.isBool()) {
    errors.fail(member(path, key), "must be true or false");
    return fallback;
  }
  return v.asBool();
}

/** A whole number in [min, max]; `fallback` when absent. */
export function readInteger(obj: JsonValue, key: string, path: string, fallback: i64, min: i64, max: i64, errors: ConfigErrors): i64 {
  const v = obj.get(key);
  if (v === null) return fallback;
  const n = v.asNumber();
  if (!v.isNumber() || n != Math.floor(n) || !isFinite(n)) {
    errors.fail(member(path, key), "must be a whole number");
    return fallback;
  }
  if (n < <f64>min || n > <f64>max) {
    errors.fail(member(path, key), "must be between " + min.toString() + " and " + max.toString());
    return fallback;
  }
  return <i64>n;
}

/** One of `choices`; `fallback` (returned as an index into choices) when absent, -1 on error. */
export function readChoice(obj: JsonValue, key: string, path: string, choices: string[], fallback: i32, errors: ConfigErrors): i32 {
  const v = obj.get(key);
  if (v === null) return fallback;
  const s = v.asString();
  const at = s === null ? -1 : choices.indexOf(s);
  if (at < 0) {
    errors.fail(member(path, key), "must be one of \"" + choices.join("\", \"") + "\"");
    return -1;
  }
  return at;
}

/** An HTTP header name as Envoy stores it: lower case token characters; the name is lower-cased first. */
export function readHeaderName(obj: JsonValue, key: string, path: string, fallback: string, errors: ConfigErrors): string {
  const name = readString(obj, key, path, fallback, 256, errors).toLowerCase();
  if (errors.failed) return fallback;
  if (!isHeaderName(name)) {
    errors.fail(member(path, key), "must be a header name (letters, digits and -_.!#$%&'*+^`|~, not empty)");
    return fallback;
  }
  return name;
}

export function isHeaderName(name: string): bool {
  if (name.length == 0) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const ok = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || "-_.!#$%&'*+^`|~".includes(String.fromCharCode(c));
    if (!ok) return false;
  }
  return true;
}

/** Letters, digits, '-' and '_' only: safe inside IDs, metric names and header values. */
export function isToken(s: string, maxLength: i32): bool {
  if (s.length == 0 || s.length > maxLength) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ok = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c == 0x2d || c == 0x5f;
    if (!ok) return false;
  }
  return true;
}
