// Path templates such as "/api/carts/{cart}/items": the key is the path segment where "{name}" stands.
// A template matches the whole path (query string removed) segment by segment: literal segments must
// be equal, "*" matches any one non-empty segment, "{name}" matches one non-empty segment and captures
// it as the key. Segments are compared and captured as sent (no percent-decoding), like Envoy's
// header and query hash policies, which hash raw bytes too.

export class PathTemplate {
  constructor(
    readonly text: string,
    /** Literal segments; "" where "*" or the capture stands. */
    readonly literals: Array<string>,
    /** Per segment: 0 literal, 1 any segment, 2 the capture. */
    readonly kinds: Array<i32>,
  ) {}

  /** The captured segment of `path` (":path", query allowed), or null when the path does not match. */
  match(path: string): string | null {
    let end = path.indexOf("?");
    if (end < 0) end = path.length;
    if (end == 0 || path.charCodeAt(0) != 0x2f) return null;
    const n = this.kinds.length;
    let start = 1;
    let captured: string | null = null;
    for (let s = 0; s < n; s++) {
      if (start > end) return null;
      let stop = path.indexOf("/", start);
      if (stop < 0 || stop > end) stop = end;
      const kind = unchecked(this.kinds[s]);
      const length = stop - start;
      if (kind == 0) {
        const literal = unchecked(this.literals[s]);
        if (length != literal.length || path.substring(start, stop) != literal) return null;
      } else {
        if (length == 0) return null;
        if (kind == 2) captured = path.substring(start, stop);
      }
      start = stop + 1;
    }
    // Every segment used and nothing left over (a trailing "/" is a further, empty segment).
    return start == end + 1 ? captured : null;
  }
}

export class PathTemplateResult {
  constructor(readonly template: PathTemplate | null, readonly error: string) {}
}

/** Parses a template: starts with "/", exactly one "{name}" segment, no empty segments, no query. */
export function parsePathTemplate(text: string): PathTemplateResult {
  if (text.length == 0 || text.charCodeAt(0) != 0x2f) return new PathTemplateResult(null, "must start with \"/\"");
  if (text.includes("?") || text.includes("#")) return new PathTemplateResult(null, "must not contain a query or fragment");
  const parts = text.substring(1).split("/");
  const literals = new Array<string>();
  const kinds = new Array<i32>();
  let captures = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = unchecked(parts[i]);
    if (part.length == 0) return new PathTemplateResult(null, "has an empty segment");
    const open = part.indexOf("{");
    const close = part.indexOf("}");
    if (open < 0 && close < 0) {
      if (part == "*") {
        literals.push("");
        kinds.push(1);
      } else {
        literals.push(part);
        kinds.push(0);
      }
      continue;
    }
    // A capture must be a whole segment: "{cart}", not "cart-{id}".
    if (open != 0 || close != part.length - 1 || part.length < 3 || part.lastIndexOf("{") != 0 || part.indexOf("}") != close) {
      return new PathTemplateResult(null, "a \"{name}\" must be a whole segment");
    }
    captures++;
    literals.push("");
    kinds.push(2);
  }
  if (captures != 1) return new PathTemplateResult(null, "must contain exactly one \"{name}\" segment");
  return new PathTemplateResult(new PathTemplate(text, literals, kinds), "");
}
