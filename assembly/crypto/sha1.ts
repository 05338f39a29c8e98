// SHA-1 (FIPS 180-4 §6.1). Not for JOSE: present only because RSA-PSS parameter sets (hash or
// MGF1 hash) may name it, and the PSS primitive is tested against all of them.

import { MdHash, MdSpec } from "./md-block";

export const SHA1_SIZE: i32 = 20;
export const SHA1_BLOCK: i32 = 64;

const W = new StaticArray<u32>(80);

/** Compresses one 64-byte block at `block` into the five-word state at `h`. */
function compress(h: usize, block: usize): void {
  const w = changetype<usize>(W);
  for (let i: usize = 0; i < 16; i++) store<u32>(w + (i << 2), bswap<u32>(load<u32>(block + (i << 2))));
  for (let i: usize = 16; i < 80; i++) {
    const x = load<u32>(w + ((i - 3) << 2)) ^ load<u32>(w + ((i - 8) << 2)) ^
      load<u32>(w + ((i - 14) << 2)) ^ load<u32>(w + ((i - 16) << 2));
    store<u32>(w + (i << 2), rotl<u32>(x, 1));
  }
  let a = load<u32>(h), b = load<u32>(h, 4), c = load<u32>(h, 8), d = load<u32>(h, 12), e = load<u32>(h, 16);
  for (let i: usize = 0; i < 80; i++) {
    let f: u32, k: u32;
    if (i < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
    else if (i < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
    else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc; }
    else { f = b ^ c ^ d; k = 0xca62c1d6; }
    const t = rotl<u32>(a, 5) + f + e + k + load<u32>(w + (i << 2));
    e = d; d = c; c = rotl<u32>(b, 30); b = a; a = t;
  }
  store<u32>(h, load<u32>(h) + a);
  store<u32>(h, load<u32>(h, 4) + b, 4);
  store<u32>(h, load<u32>(h, 8) + c, 8);
  store<u32>(h, load<u32>(h, 12) + d, 12);
  store<u32>(h, load<u32>(h, 16) + e, 16);
}

const IV: StaticArray<u32> = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0, 0, 0, 0];

export const SHA1_SPEC = new MdSpec(SHA1_SIZE, SHA1_BLOCK, 4, compress, changetype<usize>(IV));

export class Sha1 extends MdHash {
  constructor() {
    super(SHA1_SPEC);
  }
}
