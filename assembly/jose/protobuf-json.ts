// Compact JSON of an object/array claim as Envoy produces it (ProtobufUtil::MessageToJsonString on the
// payload's google.protobuf.Struct / ListValue). PENDING: exact protobuf formatting (number form,
// escaping, member order) is being checked against protobuf's JSON writer; for now members keep
// document order and numbers use formatJsonNumber.

import { JsonValue, stringifyJson, formatJsonNumber } from "../json";

function protobufNumber(v: JsonValue): string {
  return formatJsonNumber(v.asNumber());
}

/** JSON text of an object or array claim; null for other kinds. */
export function protobufJsonText(value: JsonValue): string | null {
  if (!value.isObject() && !value.isArray()) return null;
  return stringifyJson(value, protobufNumber);
}
