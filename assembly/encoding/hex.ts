// Hex (base16) byte strings: used by tests, tools and key material given in hex.
import { hexDigit } from "../json/escape";

const DIGITS = "0123456789abcdef";

/** Decodes a hex string (either case, even length, no separators); null if malformed. */
export function hexDecode(s: string): Uint8Array | null {
  const n = s.length;
  if (n & 1) return null;
  const out = new Uint8Array(n >> 1);
  for (let i = 0, j = 0; i < n; i += 2, j++) {
    const hi = hexDigit(<u32>s.charCodeAt(i));
    const lo = hexDigit(<u32>s.charCodeAt(i + 1));
    if ((hi | lo) < 0) return null;
    unchecked(out[j] = <u8>((hi << 4) | lo));
  }
  return out;
}

/** Lower-case hex of the bytes. */
export function hexEncode(data: Uint8Array): string {
  const n = data.length;
  // Build UTF-16 code units directly: two per byte.
  const out = changetype<string>(__new(<usize>n << 2, idof<string>()));
  const p = changetype<usize>(out);
  const d = changetype<usize>(DIGITS);
  for (let i = 0; i < n; i++) {
    const b = <usize>unchecked(data[i]);
    store<u16>(p + (<usize>i << 2), load<u16>(d + ((b >> 4) << 1)));
    store<u16>(p + (<usize>i << 2) + 2, load<u16>(d + ((b & 15) << 1)));
  }
  return out;
}
