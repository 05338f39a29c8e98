// Just enough protobuf wire format for Envoy's foreign-function arguments and its dynamic-metadata bytes:
// varints, length-delimited fields and fixed64. The reader never trusts a length: a malformed message makes
// `failed` true and every later read returns nothing.

export const WIRE_VARINT: u32 = 0;
export const WIRE_FIXED64: u32 = 1;
export const WIRE_BYTES: u32 = 2;
export const WIRE_FIXED32: u32 = 5;

/** Length-delimited fields only (all Envoy's foreign-function arguments need), written in one exact-size buffer. */
export class ProtoWriter {
  private fields: u32[] = [];
  private parts: Uint8Array[] = [];

  /** A length-delimited field (bytes, string, or embedded message); proto3 skips empty ones. */
  bytesField(field: u32, data: Uint8Array): ProtoWriter {
    if (data.length == 0) return this;
    this.fields.push(field);
    this.parts.push(data);
    return this;
  }

  stringField(field: u32, s: string): ProtoWriter {
    return this.bytesField(field, Uint8Array.wrap(String.UTF8.encode(s)));
  }

  finish(): Uint8Array {
    let size = 0;
    for (let i = 0; i < this.parts.length; i++) {
      const n = <u64>this.parts[i].length;
      size += varintLength((<u64>this.fields[i] << 3) | WIRE_BYTES) + varintLength(n) + <i32>n;
    }
    const out = new Uint8Array(size);
    let at = 0;
    for (let i = 0; i < this.parts.length; i++) {
      const part = this.parts[i];
      at = writeVarint(out, at, (<u64>this.fields[i] << 3) | WIRE_BYTES);
      at = writeVarint(out, at, <u64>part.length);
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
}

function varintLength(v: u64): i32 {
  let n = 1;
  while (v >= 0x80) { v >>= 7; n++; }
  return n;
}

function writeVarint(out: Uint8Array, at: i32, v: u64): i32 {
  while (v >= 0x80) {
    out[at++] = <u8>(v | 0x80);
    v >>= 7;
  }
  out[at++] = <u8>v;
  return at;
}

export class ProtoReader {
  private pos: i32;
  private limit: i32;
  failed: bool = false;
  /** The last field read by next(). */
  field: u32 = 0;
  wire: u32 = 0;
  /** Its value: varint (or fixed64 bits) ... */
  scalar: u64 = 0;
  /** ... or the bounds of its bytes within `data`. */
  start: i32 = 0;
  end: i32 = 0;

  constructor(private readonly data: Uint8Array, from: i32 = 0, limit: i32 = -1) {
    this.pos = from;
    this.limit = limit < 0 ? data.length : limit;
  }

  private readVarint(): u64 {
    let result: u64 = 0;
    for (let shift: u64 = 0; shift < 64; shift += 7) {
      if (this.pos >= this.limit) { this.failed = true; return 0; }
      const b = <u64>unchecked(this.data[this.pos++]);
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) return result;
    }
    this.failed = true;
    return 0;
  }

  /** Moves to the next field; false at the end of the message or on malformed input. */
  next(): bool {
    if (this.failed || this.pos >= this.limit) return false;
    const key = this.readVarint();
    if (this.failed) return false;
    this.field = <u32>(key >> 3);
    this.wire = <u32>(key & 7);
    if (this.field == 0) { this.failed = true; return false; }
    if (this.wire == WIRE_VARINT) {
      this.scalar = this.readVarint();
    } else if (this.wire == WIRE_FIXED64) {
      if (this.pos + 8 > this.limit) { this.failed = true; return false; }
      this.scalar = load<u64>(this.data.dataStart + <usize>this.pos);
      this.pos += 8;
    } else if (this.wire == WIRE_FIXED32) {
      if (this.pos + 4 > this.limit) { this.failed = true; return false; }
      this.scalar = <u64>load<u32>(this.data.dataStart + <usize>this.pos);
      this.pos += 4;
    } else if (this.wire == WIRE_BYTES) {
      const n = this.readVarint();
      if (this.failed || n > <u64>(this.limit - this.pos)) { this.failed = true; return false; }
      this.start = this.pos;
      this.end = this.pos + <i32>n;
      this.pos = this.end;
    } else {
      this.failed = true; // groups are not used by any message read here
      return false;
    }
    return !this.failed;
  }

  /** A reader over the current length-delimited field's bytes. */
  nested(): ProtoReader {
    return new ProtoReader(this.data, this.start, this.end);
  }

  text(): string {
    return String.UTF8.decodeUnsafe(this.data.dataStart + <usize>this.start, <usize>(this.end - this.start));
  }
}
