// The Wasm floor of bench/cost.bench.ts: the smallest module Envoy runs as an HTTP filter that sees every
// request, written byte by byte here (no toolchain), so its cost is Envoy's and V8's alone.
//
// Envoy's host calls only the callbacks a module exports (proxy-wasm-cpp-host skips a missing one and acts as
// if it had returned Continue / true). What an HTTP plugin needs, and so what this module exports:
//   proxy_abi_version_0_2_1   the ABI marker (Envoy refuses a module without one)
//   memory, malloc            every module has them; the host allocates the buffers it hands over with malloc
//   proxy_on_vm_start, proxy_on_configure   once per VM / plugin (a plugin reads its configuration there)
//   proxy_on_context_create   per request: the plugin learns about the stream (where per-request state starts)
//   proxy_on_request_headers  per request: where a routing plugin does its work
//   proxy_on_delete           per request: where per-request state is freed
// and nothing else: no response, body, trailer, on_done or on_log callback, none of which a plugin that acts
// on request headers needs. None of them makes a host call.

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function name(s: string): number[] {
  const bytes = [...Buffer.from(s, "utf8")];
  return [...uleb(bytes.length), ...bytes];
}

function vector(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

const I32 = 0x7f;
const FUNC_TYPE = 0x60;
const END = 0x0b;

interface Fn { name: string; params: number; results: number; body: number[] }

/** i32.const v; end (or just end for no result). */
const returns = (v: number | null): number[] => (v === null ? [END] : [0x41, ...uleb(v), END]);

/** The floor module's bytes. */
export function floorModule(): Uint8Array {
  const fns: Fn[] = [
    { name: "proxy_abi_version_0_2_1", params: 0, results: 0, body: returns(null) },
    // The host never hands this module a buffer (it asks for nothing); a fixed area past the first 1 KiB is
    // enough should it ever be asked.
    { name: "malloc", params: 1, results: 1, body: returns(1024) },
    { name: "proxy_on_vm_start", params: 2, results: 1, body: returns(1) },
    { name: "proxy_on_configure", params: 2, results: 1, body: returns(1) },
    { name: "proxy_on_context_create", params: 2, results: 0, body: returns(null) },
    { name: "proxy_on_request_headers", params: 3, results: 1, body: returns(0) }, // 0 = Continue
    { name: "proxy_on_delete", params: 1, results: 0, body: returns(null) },
  ];
  // One type per distinct (params, results) shape.
  const shapes: string[] = [];
  const typeOf = fns.map((f) => {
    const key = `${f.params}:${f.results}`;
    if (!shapes.includes(key)) shapes.push(key);
    return shapes.indexOf(key);
  });
  const types = shapes.map((key) => {
    const [p, r] = key.split(":").map(Number);
    return [FUNC_TYPE, ...uleb(p), ...Array(p).fill(I32), ...uleb(r), ...Array(r).fill(I32)];
  });
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
    ...section(1, vector(types)),
    ...section(3, vector(typeOf.map((t) => uleb(t)))),
    ...section(5, vector([[0x00, ...uleb(2)]])), // memory: min 2 pages, no max
    ...section(7, vector([
      [...name("memory"), 0x02, 0x00],
      ...fns.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]),
    ])),
    ...section(10, vector(fns.map((f) => {
      const body = [0x00 /* no locals */, ...f.body];
      return [...uleb(body.length), ...body];
    }))),
  ];
  return Uint8Array.from(bytes);
}

/** The callbacks the floor exports (for the report). */
export const FLOOR_EXPORTS = ["proxy_on_context_create", "proxy_on_request_headers", "proxy_on_delete"];
