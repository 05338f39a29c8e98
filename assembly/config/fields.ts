// Reading a plugin's JSON configuration field by field. Every problem is reported as one line,
// "<field path>: <what is wrong>" ("pods[2].weight: must be between 1 and 4294967295"), so a refused
// configuration names the field a person has to fix. Only the first problem is kept: after it the readers
// return their fallbacks, so parsing can run on without a check after every call, and the result is refused.
import { JsonValue, JsonLimits, parseJson } from "../json";
import { nearestName } from "./suggest";

/** How integer fields are checked and worded (each plugin kept the wording its tests and operators know). */
export enum IntegerStyle {
  /** Any number without a fractional part: "must be a whole number", then "must be between <min> and <max>". */
  WholeNumber = 0,
  /** Only a literal without fraction or exponent ("1.0" is refused): "must be an integer", then "must be between ...". */
  IntegerLiteral = 1,
  /** Any number without a fractional part, one line for every problem: "must be an integer from <min> to <max>". */
  IntegerFrom = 2,
}

/** The phrases in which the plugins' messages differ; everything else is worded the same for all. */
export class Wording {
  constructor(readonly integers: IntegerStyle = IntegerStyle.WholeNumber) {}
}

/** The error slot shared by all readers of one configuration: the first error wins. */
export class ConfigErrors {
  message: string = "";

  constructor(readonly wording: Wording = new Wording()) {}

  fail(path: string, what: string): void {
    if (this.message.length == 0) this.message = path + ": " + what;
  }

  get failed(): bool {
    return this.message.length > 0;
  }
}

/** "a.b" for member b of a; "b" at the top level (path ""). */
export function memberPath(path: string, key: string): string {
  return path.length == 0 ? key : path + "." + key;
}

/** "a[3]" */
export function itemPath(path: string, index: i32): string {
  return path + "[" + index.toString() + "]";
}

/**
 * The top-level JSON object of a configuration, or null after recording why not: empty input, invalid JSON
 * (within `limits`), or not an object. All of these are reported against the field name "configuration".
 */
export function parseConfigObject(bytes: Uint8Array, limits: JsonLimits, errors: ConfigErrors): JsonValue | null {
  if (bytes.length == 0) {
    errors.fail("configuration", "required (a JSON object)");
    return null;
  }
  const parsed = parseJson(bytes, limits);
  if (!parsed.ok) {
    errors.fail("configuration", "invalid JSON: " + parsed.message);
    return null;
  }
  const root = parsed.value!;
  if (!root.isObject()) {
    errors.fail("configuration", "must be a JSON object");
    return null;
  }
  return root;
}

/**
 * Records an error for the first member of `obj` not in `allowed` (so a misspelt field is not a silent default):
 * "unknown field (did you mean <name>?)" when an allowed name is a near miss, else the allowed names.
 */
export function checkKeys(obj: JsonValue, path: string, allowed: string[], errors: ConfigErrors): bool {
  for (let i = 0; i < obj.length; i++) {
    const key = obj.keyAt(i)!;
    if (!allowed.includes(key)) {
      const meant = nearestName(key, allowed);
      errors.fail(memberPath(path, key), meant !== null ? "unknown field (did you mean " + meant + "?)" :
        "unknown field (allowed: " + allowed.join(", ") + ")");
      return false;
    }
  }
  return true;
}

/** One JSON object being read; `path` names it in messages ("" for the top level). */
export class Fields {
  constructor(readonly value: JsonValue, readonly path: string, readonly errors: ConfigErrors) {}

  /**
   * Fields over `value` when it is an object whose keys are all in `allowed` (any keys when null); else null,
   * after recording "must be an object" at `path` ("configuration" for the top level) or the unknown field.
   */
  static of(value: JsonValue, path: string, errors: ConfigErrors, allowed: string[] | null): Fields | null {
    if (!value.isObject()) {
      errors.fail(path.length > 0 ? path : "configuration", "must be an object");
      return null;
    }
    if (allowed !== null && !checkKeys(value, path, allowed, errors)) return null;
    return new Fields(value, path, errors);
  }

  /** The path of member `key`. */
  at(key: string): string {
    return memberPath(this.path, key);
  }

  has(key: string): bool {
    return this.value.get(key) !== null;
  }

  get(key: string): JsonValue | null {
    return this.value.get(key);
  }

  /** A member that is an object when present (keys limited to `allowed` unless null); null when absent or wrong. */
  object(key: string, allowed: string[] | null): Fields | null {
    const v = this.value.get(key);
    if (v === null) return null;
    return Fields.of(v, this.at(key), this.errors, allowed);
  }

  /**
   * A string member: `fallback` when absent (after recording "required" if it is), when not a string, or when
   * longer than `maxLength` characters.
   */
  string(key: string, fallback: string = "", required: bool = false, maxLength: i32 = i32.MAX_VALUE): string {
    const v = this.value.get(key);
    if (v === null) {
      if (required) this.errors.fail(this.at(key), "required");
      return fallback;
    }
    const s = v.asString();
    if (s === null) {
      this.errors.fail(this.at(key), "must be a string");
      return fallback;
    }
    if (s.length > maxLength) {
      this.errors.fail(this.at(key), "longer than " + maxLength.toString() + " characters");
      return fallback;
    }
    return s;
  }

  bool(key: string, fallback: bool): bool {
    const v = this.value.get(key);
    if (v === null) return fallback;
    if (!v.isBool()) {
      this.errors.fail(this.at(key), "must be true or false");
      return fallback;
    }
    return v.asBool();
  }

  /** An integer member in [min, max] (checked and worded as the errors' IntegerStyle says); `fallback` when absent or wrong. */
  integer(key: string, fallback: i64, min: i64, max: i64): i64 {
    const v = this.value.get(key);
    if (v === null) return fallback;
    const n = v.asNumber();
    const style = this.errors.wording.integers;
    const range = "between " + min.toString() + " and " + max.toString();
    if (style == IntegerStyle.IntegerFrom) {
      if (!v.isNumber() || n != Math.floor(n) || n < <f64>min || n > <f64>max) {
        this.errors.fail(this.at(key), "must be an integer from " + min.toString() + " to " + max.toString());
        return fallback;
      }
      return <i64>n;
    }
    if (style == IntegerStyle.IntegerLiteral) {
      if (!v.isIntegerLiteral()) {
        this.errors.fail(this.at(key), "must be an integer");
        return fallback;
      }
    } else if (!v.isNumber() || n != Math.floor(n) || !isFinite(n)) {
      this.errors.fail(this.at(key), "must be a whole number");
      return fallback;
    }
    if (n < <f64>min || n > <f64>max) {
      this.errors.fail(this.at(key), "must be " + range);
      return fallback;
    }
    return <i64>n;
  }

  /** A finite number member; NaN when absent or wrong. */
  number(key: string): f64 {
    const v = this.value.get(key);
    if (v === null) return NaN;
    if (!v.isNumber() || !isFinite(v.asNumber())) {
      this.errors.fail(this.at(key), "must be a number");
      return NaN;
    }
    return v.asNumber();
  }

  /** The index in `choices` of a string member; `fallback` when absent, -1 when it is none of them. */
  choice(key: string, choices: string[], fallback: i32, message: string = ""): i32 {
    const v = this.value.get(key);
    if (v === null) return fallback;
    const s = v.asString();
    const at = s === null ? -1 : choices.indexOf(s);
    if (at < 0) {
      this.errors.fail(this.at(key), message.length > 0 ? message : "must be one of \"" + choices.join("\", \"") + "\"");
      return -1;
    }
    return at;
  }

  /** The items of an array member of at most `max` items (empty when absent or wrong). */
  array(key: string, max: i32, notArray: string = "must be an array"): JsonValue[] {
    const v = this.value.get(key);
    if (v === null) return [];
    if (!v.isArray()) {
      this.errors.fail(this.at(key), notArray);
      return [];
    }
    const n = v.length;
    if (n > max) {
      this.errors.fail(this.at(key), "at most " + max.toString() + " entries");
      return [];
    }
    const items = new Array<JsonValue>(n);
    for (let i = 0; i < n; i++) unchecked((items[i] = v.at(i)!));
    return items;
  }

  /** A member that is one object or an array of them (at most `max`), as a list. */
  objectOrList(key: string, max: i32): JsonValue[] {
    const v = this.value.get(key);
    if (v === null) return [];
    if (v.isObject()) return [v];
    if (!v.isArray()) {
      this.errors.fail(this.at(key), "must be an object or an array of objects");
      return [];
    }
    return this.array(key, max);
  }

  /** An array of at most `max` non-empty strings (empty when absent or wrong). */
  stringList(key: string, max: i32): string[] {
    const items = this.array(key, max, "must be an array of strings");
    const out = new Array<string>();
    for (let i = 0; i < items.length; i++) {
      const s = unchecked(items[i]).asString();
      if (s === null || s.length == 0) {
        this.errors.fail(itemPath(this.at(key), i), "must be a non-empty string");
        return [];
      }
      out.push(s);
    }
    return out;
  }
}
