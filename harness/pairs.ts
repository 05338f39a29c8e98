// The ABI map encoding with the limits Envoy's host enforces (1024 pairs, 1 MiB, exact framing).
export type Pair = [string, string];

export const MAX_PAIRS = 1024;
export const MAX_PAIRS_BYTES = 1 << 20;

const utf8 = new TextEncoder();

export function encodePairs(pairs: ReadonlyArray<readonly [string | Uint8Array, string | Uint8Array]>): Uint8Array {
  const bytes = pairs.map(([k, v]) => [typeof k === "string" ? utf8.encode(k) : k, typeof v === "string" ? utf8.encode(v) : v]);
  let size = 4;
  for (const [k, v] of bytes) size += 8 + k.length + v.length + 2;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, bytes.length, true);
  let data = 4 + 8 * bytes.length;
  bytes.forEach(([k, v], i) => {
    view.setUint32(4 + 8 * i, k.length, true);
    view.setUint32(8 + 8 * i, v.length, true);
    out.set(k, data);
    data += k.length + 1;
    out.set(v, data);
    data += v.length + 1;
  });
  return out;
}

/** Decodes a map the module sent; returns null for anything Envoy would reject (framing, limits, missing NULs). */
export function decodePairs(buf: Uint8Array): Array<[Uint8Array, Uint8Array]> | null {
  if (buf.length === 0) return [];
  if (buf.length < 4 || buf.length > MAX_PAIRS_BYTES) return null;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const n = view.getUint32(0, true);
  if (n > MAX_PAIRS || 4 + 8 * n > buf.length) return null;
  const out: Array<[Uint8Array, Uint8Array]> = [];
  let data = 4 + 8 * n;
  for (let i = 0; i < n; i++) {
    const kl = view.getUint32(4 + 8 * i, true);
    const vl = view.getUint32(8 + 8 * i, true);
    if (data + kl + vl + 2 > buf.length) return null;
    const k = buf.subarray(data, data + kl);
    if (buf[data + kl] !== 0) return null;
    data += kl + 1;
    const v = buf.subarray(data, data + vl);
    if (buf[data + vl] !== 0) return null;
    data += vl + 1;
    out.push([k, v]);
  }
  return data === buf.length ? out : null;
}
