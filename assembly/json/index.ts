// Waymark's JSON module. All input is treated as hostile: every limit is checked, nothing traps.
//
//   parseJson(bytes, limits?) / parseJsonString(text, limits?) -> JsonParseResult
//       strict RFC 8259 into a JsonValue tree; result.ok, .value, .error, .offset, .message
//   JsonValue: kind, isX(), asString() / asNumber() / asBool(), numberText(), isIntegerLiteral(),
//       length, at(i), keyAt(i), valueAt(i), get(key) (last duplicate wins), getPath("a.b")
//   parseJsonPointer(text) / resolveJsonPointer(root, pointer): RFC 6901
//   new JsonPointerSet(pointers, limits?) once, then per body new JsonPointerScanner(set):
//       feed(chunk, start?, end?, endOfStream?) -> ScanState; status(i), kind(i), value(i),
//       failure(), errorMessage(). Stops at the decision; first duplicate key wins.
//   quoteJsonString(s), JsonObjectWriter, stringifyJson(value), formatJsonNumber(x): output
export * from "./value";
export * from "./limits";
export * from "./errors";
export * from "./parse";
export * from "./pointer";
export * from "./pointer-set";
export * from "./stream";
export * from "./write";
