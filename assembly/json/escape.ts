// JSON string escapes (RFC 8259 section 7), shared by the parser and the streaming scanner.

/** What the two-character escape backslash + `c` stands for, or -1 (for 'u', which takes four hex
 *  digits, and for anything that is not an escape). */
export function shortEscape(c: u32): i32 {
  if (c == 0x22 || c == 0x5C || c == 0x2F) return <i32>c; // \" \\ \/
  if (c == 0x62) return 0x08; // \b
  if (c == 0x66) return 0x0C; // \f
  if (c == 0x6E) return 0x0A; // \n
  if (c == 0x72) return 0x0D; // \r
  if (c == 0x74) return 0x09; // \t
  return -1;
}

/** Value of an ASCII hex digit, or -1. */
// @ts-ignore: decorator
@inline
export function hexDigit(c: u32): i32 {
  if (c - 0x30 < 10) return <i32>(c - 0x30);
  const l = c | 0x20; // ASCII letters only: fold to lower case
  if (l - 0x61 < 6) return <i32>(l - 0x61 + 10);
  return -1;
}
