// SHA-256 (FIPS 180-4 §6.2) and SHA-224 (§6.3: other initial state, truncated output; needed only
// for RSA-PSS parameter sets outside JOSE). Incremental (Sha256) and one-shot (sha256, sha256Range) forms.
// Ranges are hashed in place, so callers (JWS signing input, HMAC, Ed25519 R || A || M) never
// concatenate. Out-of-range start/end are clamped to the array, never trapped on.

import { MdHash, MdSpec } from "./md-block";

export const SHA256_SIZE: i32 = 32;
export const SHA224_SIZE: i32 = 28;
export const SHA256_BLOCK: i32 = 64;

// Round constants: first 32 bits of the fractional parts of the cube roots of the first 64 primes.
const K: StaticArray<u32> = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

// Message schedule scratch, shared by all instances (wasm is single-threaded, compress is not re-entrant).
const W = new StaticArray<u32>(64);

const IV256: StaticArray<u32> = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
const IV224: StaticArray<u32> = [0xc1059ed8, 0x367cd507, 0x3070dd17, 0xf70e5939, 0xffc00b31, 0x68581511, 0x64f98fa7, 0xbefa4fa4];

/** Compresses one 64-byte block at `block` into the eight-word state at `h`. */
function compress(h: usize, block: usize): void {
  const w = changetype<usize>(W);
  const k = changetype<usize>(K);
  for (let i: usize = 0; i < 16; i++) store<u32>(w + (i << 2), bswap<u32>(load<u32>(block + (i << 2))));
  for (let i: usize = 16; i < 64; i++) {
    const x = load<u32>(w + ((i - 15) << 2));
    const y = load<u32>(w + ((i - 2) << 2));
    const s0 = rotr<u32>(x, 7) ^ rotr<u32>(x, 18) ^ (x >>> 3);
    const s1 = rotr<u32>(y, 17) ^ rotr<u32>(y, 19) ^ (y >>> 10);
    store<u32>(w + (i << 2), load<u32>(w + ((i - 16) << 2)) + s0 + load<u32>(w + ((i - 7) << 2)) + s1);
  }
  let a = load<u32>(h), b = load<u32>(h, 4), c = load<u32>(h, 8), d = load<u32>(h, 12);
  let e = load<u32>(h, 16), f = load<u32>(h, 20), g = load<u32>(h, 24), hh = load<u32>(h, 28);
  for (let i: usize = 0; i < 64; i++) {
    const t1 = hh + (rotr<u32>(e, 6) ^ rotr<u32>(e, 11) ^ rotr<u32>(e, 25)) + ((e & f) ^ (~e & g)) +
      load<u32>(k + (i << 2)) + load<u32>(w + (i << 2));
    const t2 = (rotr<u32>(a, 2) ^ rotr<u32>(a, 13) ^ rotr<u32>(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    hh = g; g = f; f = e; e = d + t1;
    d = c; c = b; b = a; a = t1 + t2;
  }
  store<u32>(h, load<u32>(h) + a);
  store<u32>(h, load<u32>(h, 4) + b, 4);
  store<u32>(h, load<u32>(h, 8) + c, 8);
  store<u32>(h, load<u32>(h, 12) + d, 12);
  store<u32>(h, load<u32>(h, 16) + e, 16);
  store<u32>(h, load<u32>(h, 20) + f, 20);
  store<u32>(h, load<u32>(h, 24) + g, 24);
  store<u32>(h, load<u32>(h, 28) + hh, 28);
}

export const SHA256_SPEC = new MdSpec(SHA256_SIZE, SHA256_BLOCK, 4, compress, changetype<usize>(IV256));
export const SHA224_SPEC = new MdSpec(SHA224_SIZE, SHA256_BLOCK, 4, compress, changetype<usize>(IV224));

/** Incremental SHA-256, or SHA-224 when constructed with `is224 = true`. */
export class Sha256 extends MdHash {
  constructor(is224: bool = false) {
    super(is224 ? SHA224_SPEC : SHA256_SPEC);
  }
}

// One shared hasher for the one-shot functions (no allocation beyond the result).
const shared = new Sha256();

/** SHA-256 of the whole array. */
export function sha256(data: Uint8Array): Uint8Array {
  return sha256Range(data, 0, data.length);
}

/** SHA-256 of data[start, end) without copying (range clamped to the array). */
export function sha256Range(data: Uint8Array, start: i32, end: i32): Uint8Array {
  shared.reset().update(data, start, end);
  return shared.digest();
}
