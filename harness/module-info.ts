// What Envoy's host (proxy-wasm-cpp-host) reads from a module before it runs it: the ABI version from the exported
// marker (src/bytecode_util.cc: the first marker in export order wins), and the imports with their types, which
// its V8 runtime links against the host functions it registered (src/v8/v8.cc link(): a missing function or a
// different type refuses the module). Node's WebAssembly API does not expose import types, so they are read from
// the binary here.

export type AbiVersion = "0.1.0" | "0.2.0" | "0.2.1";

const ABI_MARKERS: Record<string, AbiVersion> = {
  proxy_abi_version_0_1_0: "0.1.0",
  proxy_abi_version_0_2_0: "0.2.0",
  proxy_abi_version_0_2_1: "0.2.1",
};

/** A function type as the host prints it: "i32 i64 -> i32", "void -> void". */
export type Signature = string;

export interface ModuleImport { module: string; name: string; kind: "function" | "table" | "memory" | "global"; type?: Signature }
export interface ModuleExport { name: string; kind: "function" | "table" | "memory" | "global"; type?: Signature }

export interface ModuleInfo {
  /** null when the module exports no marker Envoy knows. */
  abi: AbiVersion | null;
  imports: ModuleImport[];
  exports: ModuleExport[];
}

const VALTYPES: Record<number, string> = { 0x7f: "i32", 0x7e: "i64", 0x7d: "f32", 0x7c: "f64", 0x70: "funcref", 0x6f: "anyref", 0x7b: "v128" };

class Reader {
  pos = 0;
  constructor(private readonly bytes: Uint8Array, private readonly end = bytes.length) {}
  byte(): number {
    if (this.pos >= this.end) throw new Error("Failed to parse corrupted Wasm module");
    return this.bytes[this.pos++];
  }
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result >>> 0;
      shift += 7;
      if (shift > 28) throw new Error("Failed to parse corrupted Wasm module");
    }
  }
  name(): string {
    const len = this.u32();
    if (this.pos + len > this.end) throw new Error("Failed to parse corrupted Wasm module");
    const s = new TextDecoder().decode(this.bytes.subarray(this.pos, this.pos + len));
    this.pos += len;
    return s;
  }
  limits(): void {
    const flags = this.byte();
    this.u32();
    if (flags & 1) this.u32();
  }
}

function printTypes(types: string[]): string {
  return types.length ? types.join(" ") : "void";
}

/** Reads the type, import and export sections; throws Envoy's message for a module that is not Wasm. */
export function inspectModule(bytes: Uint8Array): ModuleInfo {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new Error("Failed to parse corrupted Wasm module");
  }
  const types: Signature[] = [];
  const imports: ModuleImport[] = [];
  const exports: ModuleExport[] = [];
  const functionTypes: number[] = []; // type index of every function, imported ones first
  const top = new Reader(bytes);
  top.pos = 8;
  while (top.pos < bytes.length) {
    const id = top.byte();
    const size = top.u32();
    const start = top.pos;
    if (start + size > bytes.length) throw new Error("Failed to parse corrupted Wasm module");
    const r = new Reader(bytes, start + size);
    r.pos = start;
    if (id === 1) {
      for (let n = r.u32(), i = 0; i < n; i++) {
        if (r.byte() !== 0x60) throw new Error("Failed to parse corrupted Wasm module");
        const params = Array.from({ length: r.u32() }, () => VALTYPES[r.byte()] ?? "unknown");
        const results = Array.from({ length: r.u32() }, () => VALTYPES[r.byte()] ?? "unknown");
        types.push(`${printTypes(params)} -> ${printTypes(results)}`);
      }
    } else if (id === 2) {
      for (let n = r.u32(), i = 0; i < n; i++) {
        const module = r.name();
        const name = r.name();
        const kind = r.byte();
        if (kind === 0) {
          const t = r.u32();
          functionTypes.push(t);
          imports.push({ module, name, kind: "function", type: types[t] });
        } else if (kind === 1) {
          r.byte();
          r.limits();
          imports.push({ module, name, kind: "table" });
        } else if (kind === 2) {
          r.limits();
          imports.push({ module, name, kind: "memory" });
        } else {
          r.byte();
          r.byte();
          imports.push({ module, name, kind: "global" });
        }
      }
    } else if (id === 3) {
      for (let n = r.u32(), i = 0; i < n; i++) functionTypes.push(r.u32());
    } else if (id === 7) {
      for (let n = r.u32(), i = 0; i < n; i++) {
        const name = r.name();
        const kind = r.byte();
        const index = r.u32();
        const kinds = ["function", "table", "memory", "global"] as const;
        exports.push({ name, kind: kinds[kind] ?? "global", type: kind === 0 ? types[functionTypes[index]] : undefined });
      }
    }
    top.pos = start + size;
  }
  const marker = exports.find((e) => e.kind === "function" && e.name in ABI_MARKERS);
  return { abi: marker ? ABI_MARKERS[marker.name] : null, imports, exports };
}
