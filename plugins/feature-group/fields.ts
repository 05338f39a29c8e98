// Reading one JSON configuration object field by field, with the path of each field for error messages
// ("rules[2].percent.value: must be a number from 0 to 100"). The first error wins; later reads return
// defaults so parsing can run on without checks after every call.
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

export function childPath(path: string, key: string): string {
  return path.length > 0 ? path + "." + key : key;
}

export function itemPath(path: string, index: i32): string {
  return path + "[" + index.toString() + "]";
}

/** One JSON object being read; `path` names it in messages ("" for the top level). */
export class Fields {
  constructor(readonly object: JsonValue, readonly path: string, readonly errors: ConfigErrors) {}

  /** Fields over `value` when it is an object with only `allowed` keys; null (after an error) otherwise. */
  static of(value: JsonValue, path: string, errors: ConfigErrors, allowed: string[]): Fields | null {
    if (!value.isObject()) {
      errors.fail(path.length > 0 ? path : "configuration", "must be an object");
      return null;
    }
    for (let i = 0; i < value.length; i++) {
      const key = value.keyAt(i)!;
      if (!allowed.includes(key)) {
        errors.fail(childPath(path, key), "unknown field (known: " + allowed.join(", ") + ")");
        return null;
      }
    }
    return new Fields(value, path, errors);
  }

  at(key: string): string {
    return childPath(this.path, key);
  }

  has(key: string): bool {
    return this.object.get(key) !== null;
  }

  get(key: string): JsonValue | null {
    return this.object.get(key);
  }

  /** A string field; `fallback` when absent, "" after an error. */
  string(key: string, fallback: string, required: bool = false): string {
    const v = this.object.get(key);
    if (v === null) {
      if (required) this.errors.fail(this.at(key), "required");
      return fallback;
    }
    const s = v.asString();
    if (s === null) {
      this.errors.fail(this.at(key), "must be a string");
      return "";
    }
    return s;
  }

  bool(key: string, fallback: bool): bool {
    const v = this.object.get(key);
    if (v === null) return fallback;
    if (!v.isBool()) {
      this.errors.fail(this.at(key), "must be true or false");
      return fallback;
    }
    return v.asBool();
  }

  /** An integer field within [min, max]. */
  integer(key: string, fallback: i32, min: i32, max: i32): i32 {
    const v = this.object.get(key);
    if (v === null) return fallback;
    const n = v.asNumber();
    if (!v.isNumber() || n != Math.floor(n) || n < <f64>min || n > <f64>max) {
      this.errors.fail(this.at(key), "must be an integer from " + min.toString() + " to " + max.toString());
      return fallback;
    }
    return <i32>n;
  }

  /** A number field (NaN when absent). */
  number(key: string): f64 {
    const v = this.object.get(key);
    if (v === null) return NaN;
    if (!v.isNumber() || !isFinite(v.asNumber())) {
      this.errors.fail(this.at(key), "must be a number");
      return NaN;
    }
    return v.asNumber();
  }

  /** An array field of at most `max` items (empty when absent or after an error). */
  array(key: string, max: i32): JsonValue[] {
    const v = this.object.get(key);
    if (v === null) return [];
    if (!v.isArray()) {
      this.errors.fail(this.at(key), "must be an array");
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

  /** A field that is one object or an array of them (at most `max`), as a list. */
  objectOrList(key: string, max: i32): JsonValue[] {
    const v = this.object.get(key);
    if (v === null) return [];
    if (v.isObject()) return [v];
    if (!v.isArray()) {
      this.errors.fail(this.at(key), "must be an object or an array of objects");
      return [];
    }
    return this.array(key, max);
  }
}
