// Ed25519: the field of edwards25519, point decoding, and RFC 8032 7.1 test vectors.
import { Ed25519PublicKey, ed25519Verify, ed25519VerifyWithKey } from "../../../assembly/crypto/ed25519";
import { Field25519, ED25519_BX, ED25519_BY } from "../../../assembly/crypto/ec/fe25519";
import { Edwards25519 } from "../../../assembly/crypto/ec/edwards25519";
import { constFromWords, constSmall, fequal, finv, fromBytes, toBytes } from "../../../assembly/crypto/ec/field";
import { hexDecode, hexEncode } from "../../../assembly/encoding/hex";

function hex(s: string): Uint8Array {
  return hexDecode(s)!;
}
// @ts-ignore: decorator
@inline function A(a: StaticArray<u32>): usize {
  return changetype<usize>(a);
}

// Module-level: AssemblyScript test callbacks cannot capture locals.
const f = new Field25519();
const ed = new Edwards25519();

function feHex(a: StaticArray<u32>): string {
  const out = new Uint8Array(32);
  toBytes<Field25519>(f, out.dataStart, A(a), true);
  return hexEncode(out);
}

describe("edwards25519 field", () => {
  it("reduces 2^255 to 19", () => {
    const a = new StaticArray<u32>(9), b = new StaticArray<u32>(9), r = new StaticArray<u32>(9);
    // 2^254 * 2 (little-endian encodings)
    expect(fromBytes<Field25519>(f, A(a), hex("00".repeat(31) + "40").dataStart, 32, true)).toBe(true);
    expect(fromBytes<Field25519>(f, A(b), hex("02" + "00".repeat(31)).dataStart, 32, true)).toBe(true);
    f.mul(A(r), A(a), A(b));
    expect(feHex(r)).toBe("13" + "00".repeat(31));
  });
  it("inverts", () => {
    const x = constFromWords<Field25519>(f, ED25519_BX);
    const xi = new StaticArray<u32>(9), r = new StaticArray<u32>(9);
    finv<Field25519>(f, A(xi), A(x));
    f.mul(A(r), A(x), A(xi));
    expect(fequal<Field25519>(f, A(r), A(f.one))).toBe(true);
    // 1/2 = (p + 1) / 2
    finv<Field25519>(f, A(xi), A(constSmall<Field25519>(f, 2)));
    expect(feHex(xi)).toBe("f7" + "ff".repeat(30) + "3f");
  });
  it("rejects encodings >= p", () => {
    const r = new StaticArray<u32>(9);
    expect(fromBytes<Field25519>(f, A(r), hex("ed" + "ff".repeat(30) + "7f").dataStart, 32, true)).toBe(false);
    expect(fromBytes<Field25519>(f, A(r), hex("ec" + "ff".repeat(30) + "7f").dataStart, 32, true)).toBe(true);
  });
});

describe("edwards25519 point decoding", () => {
  it("recovers the base point's x (square root, sign)", () => {
    const x = new StaticArray<u32>(9), y = new StaticArray<u32>(9);
    // B encodes as y = 4/5 with a clear sign bit (x is even).
    expect(ed.decompress(A(x), A(y), hex("58" + "66".repeat(31)).dataStart)).toBe(true);
    expect(fequal<Field25519>(f, A(x), A(constFromWords<Field25519>(f, ED25519_BX)))).toBe(true);
    expect(fequal<Field25519>(f, A(y), A(constFromWords<Field25519>(f, ED25519_BY)))).toBe(true);
  });
  it("rejects y >= p, y without a square root, and x = 0 with the sign bit set", () => {
    const x = new StaticArray<u32>(9), y = new StaticArray<u32>(9);
    expect(ed.decompress(A(x), A(y), hex("ed" + "ff".repeat(30) + "7f").dataStart)).toBe(false);
    expect(ed.decompress(A(x), A(y), hex("02" + "00".repeat(31)).dataStart)).toBe(false);
    expect(ed.decompress(A(x), A(y), hex("01" + "00".repeat(30) + "80").dataStart)).toBe(false);
    expect(ed.decompress(A(x), A(y), hex("01" + "00".repeat(31)).dataStart)).toBe(true);
  });
});

// RFC 8032 7.1: TEST 1, TEST 2, TEST 3, TEST SHA(abc).
const PK1 = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
const SIG1 = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";
const PK2 = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";
const SIG2 = "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00";
const PK3 = "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025";
const SIG3 = "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a";
const PK_ABC = "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf";
const MSG_ABC = "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";
const SIG_ABC = "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704";
/** L, little-endian. */
const L_LE = "edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010";

describe("Ed25519 (RFC 8032 7.1)", () => {
  it("verifies TEST 1 (empty message)", () => {
    expect(ed25519Verify(hex(PK1), new Uint8Array(0), hex(SIG1))).toBe(true);
  });
  it("verifies TEST 2 and TEST 3", () => {
    expect(ed25519Verify(hex(PK2), hex("72"), hex(SIG2))).toBe(true);
    expect(ed25519Verify(hex(PK3), hex("af82"), hex(SIG3))).toBe(true);
  });
  it("verifies TEST SHA(abc) with a prepared key, repeatedly", () => {
    const key = Ed25519PublicKey.fromBytes(hex(PK_ABC))!;
    for (let i = 0; i < 3; i++) expect(ed25519VerifyWithKey(key, hex(MSG_ABC), hex(SIG_ABC))).toBe(true);
  });
  it("rejects another message, key, or a modified R or S", () => {
    expect(ed25519Verify(hex(PK2), hex("73"), hex(SIG2))).toBe(false);
    expect(ed25519Verify(hex(PK3), hex("72"), hex(SIG2))).toBe(false);
    const sig = hex(SIG3);
    sig[3] ^= 4;
    expect(ed25519Verify(hex(PK3), hex("af82"), sig)).toBe(false);
    const sig2 = hex(SIG3);
    sig2[40] ^= 1;
    expect(ed25519Verify(hex(PK3), hex("af82"), sig2)).toBe(false);
  });
  it("rejects S >= L and S + L (malleability)", () => {
    expect(ed25519Verify(hex(PK1), new Uint8Array(0), hex(SIG1.slice(0, 64) + L_LE))).toBe(false);
    // S + L: same value mod L, different encoding.
    const s = hex(SIG1.slice(64));
    const l = hex(L_LE);
    let carry: u32 = 0;
    for (let i = 0; i < 32; i++) {
      const v = <u32>s[i] + <u32>l[i] + carry;
      s[i] = <u8>v;
      carry = v >> 8;
    }
    expect(ed25519Verify(hex(PK1), new Uint8Array(0), hex(SIG1.slice(0, 64) + hexEncode(s)))).toBe(false);
  });
  it("rejects wrong lengths and undecodable keys", () => {
    expect(ed25519Verify(hex(PK1), new Uint8Array(0), hex(SIG1 + "00"))).toBe(false);
    expect(ed25519Verify(hex(PK1), new Uint8Array(0), hex(SIG1.slice(2)))).toBe(false);
    expect(ed25519Verify(hex(PK1.slice(2)), new Uint8Array(0), hex(SIG1))).toBe(false);
    expect(Ed25519PublicKey.fromBytes(hex("ed" + "ff".repeat(30) + "7f"))).toBeNull();
    expect(Ed25519PublicKey.fromBytes(hex("02" + "00".repeat(31)))).toBeNull();
    expect(Ed25519PublicKey.fromBytes(new Uint8Array(31))).toBeNull();
  });
});
