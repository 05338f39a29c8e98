// UTF-8 rules shared by the DOM parser and the streaming scanner (RFC 3629): which lead bytes are
// legal, how many continuation bytes follow, and the narrower range allowed for the first
// continuation byte. That narrower range is what rejects overlong forms (E0 80.., F0 80..),
// UTF-16 surrogates (ED A0..) and code points above U+10FFFF (F4 90.., F5..FF).

/**
 * Packed description of a multi-byte sequence started by `lead` (0x80..0xFF):
 * bits 0..7 = number of continuation bytes (1..3), bits 8..15 = lowest allowed first continuation
 * byte, bits 16..23 = highest. 0 when `lead` cannot start a sequence (continuation byte, C0/C1, F5..FF).
 */
export function utf8Lead(lead: u32): u32 {
  if (lead < 0xC2) return 0;
  if (lead < 0xE0) return 1 | (0x80 << 8) | (0xBF << 16);
  if (lead == 0xE0) return 2 | (0xA0 << 8) | (0xBF << 16);
  if (lead == 0xED) return 2 | (0x80 << 8) | (0x9F << 16);
  if (lead < 0xF0) return 2 | (0x80 << 8) | (0xBF << 16);
  if (lead == 0xF0) return 3 | (0x90 << 8) | (0xBF << 16);
  if (lead < 0xF4) return 3 | (0x80 << 8) | (0xBF << 16);
  if (lead == 0xF4) return 3 | (0x80 << 8) | (0x8F << 16);
  return 0;
}

/** Bits of the code point carried by a lead byte that starts a sequence of `1 + continuations` bytes. */
// @ts-ignore: decorator
@inline
export function utf8LeadBits(lead: u32, continuations: u32): u32 {
  return lead & (0x7F >> (continuations + 1));
}

/** Number of UTF-8 bytes needed for code point `cp` (which must be a valid scalar value). */
// @ts-ignore: decorator
@inline
export function utf8Width(cp: u32): i32 {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/** Writes code point `cp` as UTF-8 at `dst` (room for 4 bytes must be proven by the caller); returns bytes written. */
export function utf8Store(dst: usize, cp: u32): i32 {
  if (cp < 0x80) {
    store<u8>(dst, <u8>cp);
    return 1;
  }
  if (cp < 0x800) {
    store<u8>(dst, <u8>(0xC0 | (cp >> 6)));
    store<u8>(dst, <u8>(0x80 | (cp & 0x3F)), 1);
    return 2;
  }
  if (cp < 0x10000) {
    store<u8>(dst, <u8>(0xE0 | (cp >> 12)));
    store<u8>(dst, <u8>(0x80 | ((cp >> 6) & 0x3F)), 1);
    store<u8>(dst, <u8>(0x80 | (cp & 0x3F)), 2);
    return 3;
  }
  store<u8>(dst, <u8>(0xF0 | (cp >> 18)));
  store<u8>(dst, <u8>(0x80 | ((cp >> 12) & 0x3F)), 1);
  store<u8>(dst, <u8>(0x80 | ((cp >> 6) & 0x3F)), 2);
  store<u8>(dst, <u8>(0x80 | (cp & 0x3F)), 3);
  return 4;
}
