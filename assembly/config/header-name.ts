// Header names a configuration may give: RFC 9110 tokens of at most 256 characters, so a configured name is
// one Envoy can hold and a request can carry.

/** RFC 9110 tchar: letters, digits and !#$%&'*+-.^_`|~ */
export function isTokenChar(c: i32): bool {
  if ((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) return true;
  return c == 0x21 || c == 0x23 || c == 0x24 || c == 0x25 || c == 0x26 || c == 0x27 || c == 0x2a || c == 0x2b ||
    c == 0x2d || c == 0x2e || c == 0x5e || c == 0x5f || c == 0x60 || c == 0x7c || c == 0x7e;
}

/** A header name (1 to 256 token characters, any case), or with `allowPseudo` a pseudo-header such as ":authority". */
export function isHeaderName(name: string, allowPseudo: bool = false): bool {
  let start = 0;
  if (allowPseudo && name.length > 1 && name.charCodeAt(0) == 0x3a) start = 1;
  if (name.length == start || name.length > 256) return false;
  for (let i = start; i < name.length; i++) if (!isTokenChar(name.charCodeAt(i))) return false;
  return true;
}
