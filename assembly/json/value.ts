// The parsed document: one JsonValue per JSON value. Object members keep document order (and any
// duplicate keys) so a value can be re-serialised or checked for duplicates; lookups by key take
// the last occurrence, like JSON.parse and most JSON libraries.

export enum JsonKind {
  Null = 0,
  Bool = 1,
  Number = 2,
  String = 3,
  Array = 4,
  Object = 5,
}

export class JsonValue {
  readonly kind: JsonKind;
  private boolValue: bool = false;
  private numberValue: f64 = 0;
  /** String value, or the number's literal text exactly as written. */
  private text: string = "";
  private integer: bool = false;
  /** Array items, or object member values (parallel to `keys`); exact-size, built once. */
  private children: StaticArray<JsonValue> | null = null;
  private keys: StaticArray<string> | null = null;

  private constructor(kind: JsonKind) {
    this.kind = kind;
  }

  static makeNull(): JsonValue {
    return new JsonValue(JsonKind.Null);
  }

  static makeBool(value: bool): JsonValue {
    const v = new JsonValue(JsonKind.Bool);
    v.boolValue = value;
    return v;
  }

  /** `text` is the literal as it appeared; `integer` is true when it has no fraction or exponent. */
  static makeNumber(text: string, value: f64, integer: bool): JsonValue {
    const v = new JsonValue(JsonKind.Number);
    v.text = text;
    v.numberValue = value;
    v.integer = integer;
    return v;
  }

  static makeString(value: string): JsonValue {
    const v = new JsonValue(JsonKind.String);
    v.text = value;
    return v;
  }

  static makeArray(items: StaticArray<JsonValue>): JsonValue {
    const v = new JsonValue(JsonKind.Array);
    v.children = items;
    return v;
  }

  /** `keys[i]` names `values[i]`; both must have the same length. Keys may repeat. */
  static makeObject(keys: StaticArray<string>, values: StaticArray<JsonValue>): JsonValue {
    const v = new JsonValue(JsonKind.Object);
    v.children = values;
    v.keys = keys;
    return v;
  }

  isNull(): bool {
    return this.kind == JsonKind.Null;
  }
  isBool(): bool {
    return this.kind == JsonKind.Bool;
  }
  isNumber(): bool {
    return this.kind == JsonKind.Number;
  }
  isString(): bool {
    return this.kind == JsonKind.String;
  }
  isArray(): bool {
    return this.kind == JsonKind.Array;
  }
  isObject(): bool {
    return this.kind == JsonKind.Object;
  }

  /** The string value, or null for other kinds. */
  asString(): string | null {
    return this.kind == JsonKind.String ? this.text : null;
  }

  /** The number value (correctly rounded to f64; may be ±Infinity for huge literals), NaN for other kinds. */
  asNumber(): f64 {
    return this.kind == JsonKind.Number ? this.numberValue : NaN;
  }

  /** The boolean value; false for other kinds (check isBool first when that matters). */
  asBool(): bool {
    return this.kind == JsonKind.Bool && this.boolValue;
  }

  /** A number's literal text exactly as written (e.g. "12345678901234567890", "1.50", "-0"), or null. */
  numberText(): string | null {
    return this.kind == JsonKind.Number ? this.text : null;
  }

  /** True for a number written without fraction or exponent ("-12", not "12.0" or "1e2"). */
  isIntegerLiteral(): bool {
    return this.kind == JsonKind.Number && this.integer;
  }

  /** Number of array items or object members (duplicates included); 0 for scalars. */
  get length(): i32 {
    const c = this.children;
    return c ? c.length : 0;
  }

  /** Array item `index`, or null (out of range, or not an array). */
  at(index: i32): JsonValue | null {
    return this.kind == JsonKind.Array ? this.child(index) : null;
  }

  /** Key of object member `index` in document order, or null. */
  keyAt(index: i32): string | null {
    const k = this.keys;
    if (!k || index < 0 || index >= k.length) return null;
    return unchecked(k[index]);
  }

  /** Value of object member `index` in document order, or null. */
  valueAt(index: i32): JsonValue | null {
    return this.kind == JsonKind.Object ? this.child(index) : null;
  }

  private child(index: i32): JsonValue | null {
    const c = this.children;
    if (!c || index < 0 || index >= c.length) return null;
    return unchecked(c[index]);
  }

  /** Member `key` of an object (the last one when the key repeats), or null. */
  get(key: string): JsonValue | null {
    const k = this.keys;
    const c = this.children;
    if (!k || !c) return null;
    for (let i = k.length - 1; i >= 0; i--) {
      if (unchecked(k[i]) == key) return unchecked(c[i]);
    }
    return null;
  }

  has(key: string): bool {
    return this.get(key) != null;
  }

  /**
   * Follows a dotted claim path through nested objects ("org.tenant_id" = member "tenant_id" of
   * member "org"), like Envoy's jwt_authn claim_to_headers. Every segment is an object key taken
   * literally (no array indexing, no escaping, so keys containing '.' cannot be reached).
   * An empty path gives null.
   */
  getPath(dotted: string): JsonValue | null {
    if (dotted.length == 0) return null;
    let current: JsonValue = this;
    let start = 0;
    while (true) {
      let end = dotted.indexOf(".", start);
      if (end < 0) end = dotted.length;
      const next = current.get(dotted.substring(start, end));
      if (!next || end == dotted.length) return next;
      current = next;
      start = end + 1;
    }
  }
}
