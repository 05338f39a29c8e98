// Standard base64 (RFC 4648 section 4: '+', '/', '=' padding), encode only: Envoy's Base64::encode,
// used for object and array claims in claim_to_headers. Strict base64url lives in encoding/base64url.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

export function base64StdEncode(data: Uint8Array): string {
  const n = data.length;
  const out = new StaticArray<u16>(((n + 2) / 3) * 4);
  const a = changetype<usize>(ALPHABET);
  let o = 0;
  let i = 0;
  for (; i + 3 <= n; i += 3) {
    const v = (<u32>unchecked(data[i]) << 16) | (<u32>unchecked(data[i + 1]) << 8) | <u32>unchecked(data[i + 2]);
    unchecked(out[o++] = load<u16>(a + (<usize>(v >>> 18) << 1)));
    unchecked(out[o++] = load<u16>(a + (<usize>((v >>> 12) & 63) << 1)));
    unchecked(out[o++] = load<u16>(a + (<usize>((v >>> 6) & 63) << 1)));
    unchecked(out[o++] = load<u16>(a + (<usize>(v & 63) << 1)));
  }
  const rest = n - i;
  if (rest > 0) {
    const v = (<u32>unchecked(data[i]) << 16) | (rest == 2 ? <u32>unchecked(data[i + 1]) << 8 : 0);
    unchecked(out[o++] = load<u16>(a + (<usize>(v >>> 18) << 1)));
    unchecked(out[o++] = load<u16>(a + (<usize>((v >>> 12) & 63) << 1)));
    unchecked(out[o++] = rest == 2 ? load<u16>(a + (<usize>((v >>> 6) & 63) << 1)) : 0x3D);
    unchecked(out[o++] = 0x3D);
  }
  return String.UTF16.decodeUnsafe(changetype<usize>(out), <usize>o << 1);
}
