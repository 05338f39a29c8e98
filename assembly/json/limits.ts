// Bounds applied to attacker-controlled JSON by both the DOM parser and the streaming scanner.
// Exceeding any of them is reported as an error; nothing grows without bound.

export class JsonLimits {
  /** Deepest allowed nesting of arrays/objects; the outermost container is depth 1. */
  maxDepth: i32 = 64;
  /** Largest accepted input (parser: the whole document; scanner: all bytes fed before the decision). */
  maxInputBytes: i32 = 1 << 20;
  /**
   * Longest string (object keys included), counted in UTF-8 bytes after unescaping; also the
   * longest number literal. The scanner applies it only to values it captures for a pointer.
   */
  maxStringLength: i32 = 64 * 1024;
  /** Most members of one object / items of one array. */
  maxMembers: i32 = 10000;
  /**
   * Parser only: fail on a repeated object key (JOSE headers, RFC 7515 section 4). When false the
   * last occurrence wins for JsonValue.get. The streaming scanner cannot see past its decision and
   * always takes the first occurrence.
   */
  rejectDuplicateKeys: bool = false;

  /** All limits at once (tests, tools, and plugins that take them from their configuration). */
  static of(maxDepth: i32, maxInputBytes: i32, maxStringLength: i32, maxMembers: i32, rejectDuplicateKeys: bool = false): JsonLimits {
    const l = new JsonLimits();
    l.maxDepth = maxDepth;
    l.maxInputBytes = maxInputBytes;
    l.maxStringLength = maxStringLength;
    l.maxMembers = maxMembers;
    l.rejectDuplicateKeys = rejectDuplicateKeys;
    return l;
  }
}
