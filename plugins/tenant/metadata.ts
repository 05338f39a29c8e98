// jwt_authn_metadata mode: the payload Envoy's jwt_authn already verified, read from dynamic metadata.
//
// Why protobuf and not the map-valued property: Envoy hands a metadata Struct to Wasm as pairs whose values
// carry no type (a 4-byte string and a 1-byte bool look alike, an 8-byte string looks like a double), and a
// single null claim makes the whole read fail. The bare `metadata` property is the
// envoy.config.core.v3.Metadata message itself, where every google.protobuf.Value says what it is, so claims
// turn into header text exactly as jwt_authn's own claim_to_headers would.
import { JsonValue, formatJsonNumber } from "../../assembly/json";
import { ProtoReader, WIRE_BYTES, WIRE_FIXED64, WIRE_VARINT } from "./protobuf";

export const JWT_AUTHN_NAMESPACE = "envoy.filters.http.jwt_authn";
/** Nesting deeper than this in a payload is cut off (the value becomes null), never recursed into. */
const MAX_DEPTH: i32 = 32;

/**
 * The object stored under `key` in Metadata.filter_metadata["envoy.filters.http.jwt_authn"], or null when
 * absent, not an object, or the bytes are malformed.
 */
export function jwtPayloadFromMetadata(metadata: Uint8Array, key: string): JsonValue | null {
  // Metadata { map<string, Struct> filter_metadata = 1; }: map entries are messages { key = 1; value = 2 }.
  const r = new ProtoReader(metadata);
  while (r.next()) {
    if (r.field != 1 || r.wire != WIRE_BYTES) continue;
    const entry = r.nested();
    let name = "";
    let structStart: ProtoReader | null = null;
    while (entry.next()) {
      if (entry.wire != WIRE_BYTES) continue;
      if (entry.field == 1) name = entry.text();
      else if (entry.field == 2) structStart = entry.nested();
    }
    if (entry.failed) return null;
    if (name != JWT_AUTHN_NAMESPACE || structStart === null) continue;
    const fields = structFields(structStart, 0);
    if (fields === null) return null;
    const payload = fields.get(key);
    return payload !== null && payload.isObject() ? payload : null;
  }
  return null;
}

/** google.protobuf.Struct { map<string, Value> fields = 1; } as a JSON object. */
function structFields(r: ProtoReader, depth: i32): JsonValue | null {
  const keys = new Array<string>();
  const values = new Array<JsonValue>();
  while (r.next()) {
    if (r.field != 1 || r.wire != WIRE_BYTES) continue;
    const entry = r.nested();
    let name = "";
    let value: JsonValue = JsonValue.makeNull();
    while (entry.next()) {
      if (entry.field == 1 && entry.wire == WIRE_BYTES) name = entry.text();
      else if (entry.field == 2 && entry.wire == WIRE_BYTES) {
        const v = protoValue(entry.nested(), depth + 1);
        if (v === null) return null;
        value = v;
      }
    }
    if (entry.failed) return null;
    keys.push(name);
    values.push(value);
  }
  return r.failed ? null : JsonValue.makeObject(StaticArray.fromArray(keys), StaticArray.fromArray(values));
}

/**
 * google.protobuf.Value: null_value = 1, number_value = 2 (double), string_value = 3, bool_value = 4,
 * struct_value = 5, list_value = 6 (ListValue { repeated Value values = 1; }). An empty Value is null.
 */
function protoValue(r: ProtoReader, depth: i32): JsonValue | null {
  let out: JsonValue = JsonValue.makeNull();
  while (r.next()) {
    const f = r.field;
    if (f == 2 && r.wire == WIRE_FIXED64) {
      const d = reinterpret<f64>(r.scalar);
      out = JsonValue.makeNumber(formatJsonNumber(d), d, d == Math.floor(d) && isFinite(d));
    } else if (f == 3 && r.wire == WIRE_BYTES) {
      out = JsonValue.makeString(r.text());
    } else if (f == 4 && r.wire == WIRE_VARINT) {
      out = JsonValue.makeBool(r.scalar != 0);
    } else if (f == 1 && r.wire == WIRE_VARINT) {
      out = JsonValue.makeNull();
    } else if ((f == 5 || f == 6) && r.wire == WIRE_BYTES) {
      if (depth >= MAX_DEPTH) {
        out = JsonValue.makeNull();
        continue;
      }
      const inner = f == 5 ? structFields(r.nested(), depth) : listValues(r.nested(), depth);
      if (inner === null) return null;
      out = inner;
    }
  }
  return r.failed ? null : out;
}

function listValues(r: ProtoReader, depth: i32): JsonValue | null {
  const items = new Array<JsonValue>();
  while (r.next()) {
    if (r.field != 1 || r.wire != WIRE_BYTES) continue;
    const v = protoValue(r.nested(), depth + 1);
    if (v === null) return null;
    items.push(v);
  }
  return r.failed ? null : JsonValue.makeArray(StaticArray.fromArray(items));
}
