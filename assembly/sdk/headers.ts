// Header maps of the current stream (request/response headers and trailers) and of HTTP call-out responses.
import {
  proxy_get_header_map_value, proxy_add_header_map_value, proxy_replace_header_map_value,
  proxy_remove_header_map_value, proxy_get_header_map_pairs, proxy_set_header_map_pairs, proxy_get_header_map_size,
} from "./imports";
import { MapType, Status } from "./enums";
import { RET_PTR, RET_SIZE, RET_EXTRA, takeHostString, takeHostBytes, clearResultSlots, keyScratch, valueScratch } from "./memory";
import { HeaderPair, encodePairs, decodePairs } from "./pairs";
import { requestSnapshot } from "./header-snapshot";

export class HeaderMap {
  constructor(public readonly mapType: MapType) {}

  /** The first value of the header (the host returns only the first of a repeated header), or null. */
  get(name: string): string | null {
    if (this.mapType == MapType.RequestHeaders && requestSnapshot.load()) {
      return requestSnapshot.applyChanges(name, this.bufferValue(name));
    }
    const key = keyScratch.write(name);
    clearResultSlots();
    const status = proxy_get_header_map_value(this.mapType, key, keyScratch.length, RET_PTR, RET_SIZE);
    if (status != Status.Ok) return null;
    return takeHostString();
  }

  /** As get, as the raw bytes: header values need not be UTF-8, and hashing must see what Envoy sees. */
  getBytes(name: string): Uint8Array | null {
    if (this.mapType == MapType.RequestHeaders && requestSnapshot.load()) {
      const s = requestSnapshot;
      if (s.changed(name)) {
        const v = s.applyChanges(name, this.bufferValue(name));
        return v !== null ? Uint8Array.wrap(String.UTF8.encode(v)) : null;
      }
      const f = s.findInBuffer(name);
      if (f === null) return null;
      const out = new Uint8Array(f.len);
      memory.copy(out.dataStart, f.ptr, f.len);
      return out;
    }
    const key = keyScratch.write(name);
    clearResultSlots();
    const status = proxy_get_header_map_value(this.mapType, key, keyScratch.length, RET_PTR, RET_SIZE);
    if (status != Status.Ok) return null;
    return takeHostBytes();
  }

  add(name: string, value: string): Status {
    const k = keyScratch.write(name);
    const v = valueScratch.write(value);
    const status = <Status>proxy_add_header_map_value(this.mapType, k, keyScratch.length, v, valueScratch.length);
    if (this.mapType == MapType.RequestHeaders && status == Status.Ok) requestSnapshot.noteAdded(name, value);
    return status;
  }

  /** Sets the header to this single value (adds it when absent). */
  replace(name: string, value: string): Status {
    const k = keyScratch.write(name);
    const v = valueScratch.write(value);
    const status = <Status>proxy_replace_header_map_value(this.mapType, k, keyScratch.length, v, valueScratch.length);
    if (this.mapType == MapType.RequestHeaders && status == Status.Ok) requestSnapshot.noteReplaced(name, value);
    return status;
  }

  /** Removes every value of the header. */
  remove(name: string): Status {
    // A header the snapshot shows absent needs no call: Envoy would find nothing to remove.
    if (this.mapType == MapType.RequestHeaders && requestSnapshot.load() && requestSnapshot.findInBuffer(name) === null &&
      !requestSnapshot.changed(name)) return Status.Ok;
    const k = keyScratch.write(name);
    const status = <Status>proxy_remove_header_map_value(this.mapType, k, keyScratch.length);
    if (this.mapType == MapType.RequestHeaders && status == Status.Ok) requestSnapshot.noteRemoved(name);
    return status;
  }

  /** The first value of `name` in the request snapshot's buffer, decoded (null when absent). */
  private bufferValue(name: string): string | null {
    const f = requestSnapshot.findInBuffer(name);
    return f === null ? null : f.len > 0 ? String.UTF8.decodeUnsafe(f.ptr, f.len) : "";
  }

  /** All pairs in order, repeated headers included. */
  pairs(): HeaderPair[] {
    clearResultSlots();
    const status = proxy_get_header_map_pairs(this.mapType, RET_PTR, RET_SIZE);
    if (status != Status.Ok) return [];
    const bytes = takeHostBytes();
    const pairs = decodePairs(bytes.dataStart, <usize>bytes.length);
    return pairs !== null ? pairs : [];
  }

  /** Every value of a header, in order (repeated headers are separate entries, not comma-joined). */
  values(name: string): string[] {
    const all = this.pairs();
    const out = new Array<string>();
    for (let i = 0; i < all.length; i++) {
      if (unchecked(all[i]).key == name) out.push(unchecked(all[i]).value);
    }
    return out;
  }

  setPairs(pairs: HeaderPair[]): Status {
    if (this.mapType == MapType.RequestHeaders) requestSnapshot.reset();
    const buf = encodePairs(pairs);
    return <Status>proxy_set_header_map_pairs(this.mapType, changetype<usize>(buf), buf.byteLength);
  }

  size(): i32 {
    store<u32>(RET_EXTRA, 0);
    if (proxy_get_header_map_size(this.mapType, RET_EXTRA) != Status.Ok) return 0;
    return <i32>load<u32>(RET_EXTRA);
  }
}

export const requestHeaders = new HeaderMap(MapType.RequestHeaders);
export const requestTrailers = new HeaderMap(MapType.RequestTrailers);
export const responseHeaders = new HeaderMap(MapType.ResponseHeaders);
export const responseTrailers = new HeaderMap(MapType.ResponseTrailers);
export const callResponseHeaders = new HeaderMap(MapType.HttpCallResponseHeaders);
export const callResponseTrailers = new HeaderMap(MapType.HttpCallResponseTrailers);
