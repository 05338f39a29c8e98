// Strict base64url (RFC 4648 §5 alphabet, RFC 7515 §2 rules: no padding). Rejected: '=', '+',
// '/', whitespace or any other character outside A-Z a-z 0-9 - _, a length of 1 mod 4, and
// non-zero unused low bits in the last character (so every byte string has exactly one encoding).

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** 6-bit value of each byte, or 0xFF: 256 entries so any byte indexes it without a bounds check. */
const DECODE = new StaticArray<u8>(256);
DECODE.fill(0xff);
for (let i = 0; i < 64; i++) DECODE[ALPHABET.charCodeAt(i)] = <u8>i;

/** Bytes produced by `len` base64url characters, or -1 if no valid encoding has that length. */
export function base64urlDecodedLength(len: i32): i32 {
  if (len < 0 || (len & 3) == 1) return -1;
  return (len >> 2) * 3 + (((len & 3) * 3) >> 2);
}

/** Characters needed for `len` bytes (no padding). */
export function base64urlEncodedLength(len: i32): i32 {
  return (len / 3) * 4 + (((len % 3) * 4 + 2) / 3);
}

/**
 * Decodes `n` characters at `src` (T = u8 for bytes, u16 for string code units) into `dst`
 * (base64urlDecodedLength(n) bytes). False if any rule is broken.
 */
// @ts-ignore: decorator
@inline
function decodeCore<T>(src: usize, n: usize, dst: usize): bool {
  const t = changetype<usize>(DECODE);
  const step: usize = sizeof<T>();
  // Characters above 0xFF (UTF-16 only) are folded into `bad`; DECODE is indexed by the low byte.
  let bad: u32 = 0;
  const full = n & ~(<usize>3);
  let i: usize = 0;
  for (; i < full; i += 4) {
    const p = src + i * step;
    const c0 = <u32>load<T>(p), c1 = <u32>load<T>(p + step), c2 = <u32>load<T>(p + 2 * step), c3 = <u32>load<T>(p + 3 * step);
    if (sizeof<T>() > 1) bad |= (c0 | c1 | c2 | c3) >>> 8;
    const a = <u32>load<u8>(t + (c0 & 0xff)), b = <u32>load<u8>(t + (c1 & 0xff));
    const c = <u32>load<u8>(t + (c2 & 0xff)), d = <u32>load<u8>(t + (c3 & 0xff));
    bad |= (a | b | c | d) & 0xc0;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    store<u8>(dst, <u8>(v >>> 16));
    store<u8>(dst, <u8>(v >>> 8), 1);
    store<u8>(dst, <u8>v, 2);
    dst += 3;
  }
  const rest = n - full;
  if (rest == 1) return false;
  if (rest >= 2) {
    const p = src + i * step;
    const c0 = <u32>load<T>(p), c1 = <u32>load<T>(p + step);
    const c2 = rest == 3 ? <u32>load<T>(p + 2 * step) : <u32>0x41; // 'A' stands in for the absent character
    if (sizeof<T>() > 1) bad |= (c0 | c1 | c2) >>> 8;
    const a = <u32>load<u8>(t + (c0 & 0xff)), b = <u32>load<u8>(t + (c1 & 0xff)), c = <u32>load<u8>(t + (c2 & 0xff));
    bad |= (a | b | c) & 0xc0;
    const v = (a << 18) | (b << 12) | (c << 6);
    store<u8>(dst, <u8>(v >>> 16));
    if (rest == 3) {
      store<u8>(dst, <u8>(v >>> 8), 1);
      bad |= v & 0xff; // canonical: the 2 unused bits of the third character are zero
    } else {
      bad |= v & 0xffff; // canonical: the 4 unused bits of the second character are zero
    }
  }
  return bad == 0;
}

/** Decodes a base64url string; null if it breaks any rule above. */
export function base64urlDecode(s: string): Uint8Array | null {
  const n = s.length;
  const m = base64urlDecodedLength(n);
  if (m < 0) return null;
  const out = new Uint8Array(m);
  return decodeCore<u16>(changetype<usize>(s), <usize>n, out.dataStart) ? out : null;
}

/**
 * Decodes the ASCII bytes src[start, end) (a JWS part inside the token); null if the range is
 * outside the array or the text breaks any rule above.
 */
export function base64urlDecodeRange(src: Uint8Array, start: i32, end: i32): Uint8Array | null {
  if (start < 0 || end < start || end > src.length) return null;
  const n = end - start;
  const m = base64urlDecodedLength(n);
  if (m < 0) return null;
  const out = new Uint8Array(m);
  return decodeCore<u8>(src.dataStart + <usize>start, <usize>n, out.dataStart) ? out : null;
}

/** Encodes bytes as base64url without padding. */
export function base64urlEncode(data: Uint8Array): string {
  const n = data.length;
  const m = base64urlEncodedLength(n);
  const out = changetype<string>(__new(<usize>m << 1, idof<string>()));
  const a = changetype<usize>(ALPHABET);
  let src = data.dataStart;
  let dst = changetype<usize>(out);
  const end = src + <usize>n;
  for (; src + 3 <= end; src += 3) {
    const v = (<u32>load<u8>(src) << 16) | (<u32>load<u8>(src, 1) << 8) | <u32>load<u8>(src, 2);
    store<u16>(dst, load<u16>(a + (<usize>(v >>> 18) << 1)));
    store<u16>(dst, load<u16>(a + (<usize>((v >>> 12) & 63) << 1)), 2);
    store<u16>(dst, load<u16>(a + (<usize>((v >>> 6) & 63) << 1)), 4);
    store<u16>(dst, load<u16>(a + (<usize>(v & 63) << 1)), 6);
    dst += 8;
  }
  const rest = end - src;
  if (rest > 0) {
    const v = (<u32>load<u8>(src) << 16) | (rest == 2 ? <u32>load<u8>(src, 1) << 8 : 0);
    store<u16>(dst, load<u16>(a + (<usize>(v >>> 18) << 1)));
    store<u16>(dst, load<u16>(a + (<usize>((v >>> 12) & 63) << 1)), 2);
    if (rest == 2) store<u16>(dst, load<u16>(a + (<usize>((v >>> 6) & 63) << 1)), 4);
  }
  return out;
}
