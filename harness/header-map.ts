// A header map with Envoy's semantics: names are lower-cased, get returns the first value of a repeated header,
// replace removes every value and appends one, values are bytes (held here as latin1 strings, one char a byte).
/** Headers for a stream: a record, or pairs in order; a Uint8Array value is sent as raw bytes (need not be UTF-8). */
export type HeaderInput = Record<string, string | string[]> | ReadonlyArray<readonly [string, string | Uint8Array]>;

/** UTF-8 text -> the latin1 string whose chars are its bytes (how the map stores values). */
function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}
export const toWire = (s: string): string => (isAscii(s) ? s : Buffer.from(s, "utf8").toString("latin1"));
/** The inverse of toWire. */
export const fromWire = (s: string): string => (isAscii(s) ? s : Buffer.from(s, "latin1").toString("utf8"));

export class HeaderMap {
  private entries: Array<[string, string]> = [];

  static from(input: HeaderInput | undefined): HeaderMap {
    const map = new HeaderMap();
    if (!input) return map;
    const list: ReadonlyArray<readonly [string, string | Uint8Array]> = Array.isArray(input)
      ? (input as ReadonlyArray<readonly [string, string | Uint8Array]>)
      : Object.entries(input as Record<string, string | string[]>).flatMap(([k, v]) =>
          (Array.isArray(v) ? v : [v]).map((x) => [k, x] as const));
    for (const [k, v] of list) map.add(toWire(k), typeof v === "string" ? toWire(v) : Buffer.from(v).toString("latin1"));
    return map;
  }

  /** Wire-level access (latin1 strings). */
  get(key: string): string | undefined {
    const k = key.toLowerCase();
    return this.entries.find(([name]) => name === k)?.[1];
  }
  add(key: string, value: string): void {
    this.entries.push([key.toLowerCase(), value]);
  }
  replace(key: string, value: string): void {
    this.remove(key);
    this.add(key, value);
  }
  remove(key: string): void {
    const k = key.toLowerCase();
    this.entries = this.entries.filter(([name]) => name !== k);
  }
  setAll(pairs: Array<[string, string]>): void {
    this.entries = [];
    for (const [k, v] of pairs) this.add(k, v);
  }
  wirePairs(): Array<[string, string]> {
    return this.entries.map(([k, v]) => [k, v]);
  }
  get size(): number {
    return this.entries.length;
  }
  /** Names and values in bytes, summed: what Envoy's proxy_get_header_map_size answers. */
  get byteSize(): number {
    let n = 0;
    for (const [k, v] of this.entries) n += k.length + v.length;
    return n;
  }

  /** Test-facing views, decoded as UTF-8. */
  pairs(): Array<[string, string]> {
    return this.entries.map(([k, v]) => [fromWire(k), fromWire(v)]);
  }
  value(name: string): string | undefined {
    const v = this.get(toWire(name));
    return v === undefined ? undefined : fromWire(v);
  }
  values(name: string): string[] {
    const k = toWire(name).toLowerCase();
    return this.entries.filter(([n]) => n === k).map(([, v]) => fromWire(v));
  }
  has(name: string): boolean {
    return this.get(toWire(name)) !== undefined;
  }
  /** A plain object; repeated headers are joined with "," as a reader would see them. */
  toObject(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of this.pairs()) out[k] = k in out ? `${out[k]},${v}` : v;
    return out;
  }
}
