// ECDSA on the NIST curves: field arithmetic, point arithmetic against known multiples of G,
// key validation, and RFC 6979 Appendix A.2.5-A.2.7 signatures (digests precomputed).
import { Curve, EcPublicKey, ecdsaVerify, curveP256, curveP384 } from "../../../assembly/crypto/ecdsa";
import { FieldP256 } from "../../../assembly/crypto/ec/p256";
import { FieldP521 } from "../../../assembly/crypto/ec/p521";
import { fadd, fsub, fneg, finv, fequal, fisZero, fromBytesBE, toBytesBE, constSmall } from "../../../assembly/crypto/ec/field";
import { ScalarField } from "../../../assembly/crypto/ec/scalar";
import { hexDecode, hexEncode } from "../../../assembly/encoding/hex";

function hex(s: string): Uint8Array {
  return hexDecode(s)!;
}
const toHex = hexEncode;

const P256_P = "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff";
const P256_N = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";
const P256_GX = "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296";
const P256_GY = "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5";

function fe256(f: FieldP256, h: string): StaticArray<u32> {
  const r = new StaticArray<u32>(9);
  expect(fromBytesBE<FieldP256>(f, changetype<usize>(r), hex(h).dataStart)).toBe(true);
  return r;
}
function hex256(f: FieldP256, a: StaticArray<u32>): string {
  const out = new Uint8Array(32);
  toBytesBE<FieldP256>(f, out.dataStart, changetype<usize>(a));
  return toHex(out);
}
// @ts-ignore: decorator
@inline function A(a: StaticArray<u32>): usize {
  return changetype<usize>(a);
}

// Module-level: AssemblyScript test callbacks cannot capture locals.
const f = new FieldP256();
const f521 = new FieldP521();

describe("P-256 field", () => {
  it("multiplies known values", () => {
    const pm1 = fe256(f, "ffffffff00000001000000000000000000000000fffffffffffffffffffffffe");
    const r = new StaticArray<u32>(9);
    f.mul(A(r), A(pm1), A(pm1)); // (-1)^2
    expect(hex256(f, r)).toBe("0000000000000000000000000000000000000000000000000000000000000001");
    const two255 = fe256(f, "8000000000000000000000000000000000000000000000000000000000000000");
    const two = fe256(f, "0000000000000000000000000000000000000000000000000000000000000002");
    f.mul(A(r), A(two255), A(two)); // 2^256 = 2^224 - 2^192 - 2^96 + 1 (mod p)
    expect(hex256(f, r)).toBe("00000000fffffffeffffffffffffffffffffffff000000000000000000000001");
  });
  it("adds and subtracts across p", () => {
    const pm1 = fe256(f, "ffffffff00000001000000000000000000000000fffffffffffffffffffffffe");
    const one = constSmall<FieldP256>(f, 1);
    const r = new StaticArray<u32>(9);
    fadd<FieldP256>(f, A(r), A(pm1), A(one));
    expect(fisZero<FieldP256>(f, A(r))).toBe(true);
    fsub<FieldP256>(f, A(r), A(one), A(pm1));
    expect(hex256(f, r)).toBe("0000000000000000000000000000000000000000000000000000000000000002");
    fneg<FieldP256>(f, A(r), A(one));
    expect(fequal<FieldP256>(f, A(r), A(pm1))).toBe(true);
  });
  it("inverts", () => {
    const x = fe256(f, P256_GX);
    const xi = new StaticArray<u32>(9), r = new StaticArray<u32>(9);
    finv<FieldP256>(f, A(xi), A(x));
    f.mul(A(r), A(x), A(xi));
    expect(hex256(f, r)).toBe("0000000000000000000000000000000000000000000000000000000000000001");
    const two = fe256(f, "0000000000000000000000000000000000000000000000000000000000000002");
    finv<FieldP256>(f, A(xi), A(two)); // (p + 1) / 2
    expect(hex256(f, xi)).toBe("7fffffff80000000800000000000000000000000800000000000000000000000");
  });
  it("rejects encodings >= p", () => {
    const r = new StaticArray<u32>(9);
    expect(fromBytesBE<FieldP256>(f, A(r), hex(P256_P).dataStart)).toBe(false);
    expect(fromBytesBE<FieldP256>(f, A(r), hex("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff").dataStart)).toBe(false);
  });
});

describe("P-521 field", () => {
  it("folds 2^521 to 1", () => {
    const f = f521;
    const r = new StaticArray<u32>(18), a = new StaticArray<u32>(18), b = new StaticArray<u32>(18);
    // (2^520) * 2 = 2^521 = 1 (mod p)
    expect(fromBytesBE<FieldP521>(f, A(a), hex("01" + "00".repeat(65)).dataStart)).toBe(true);
    expect(fromBytesBE<FieldP521>(f, A(b), hex("00".repeat(65) + "02").dataStart)).toBe(true);
    f.mul(A(r), A(a), A(b));
    const out = new Uint8Array(66);
    toBytesBE<FieldP521>(f, out.dataStart, A(r));
    expect(toHex(out)).toBe("00".repeat(65) + "01");
  });
});

/** k*G in affine form as "x,y" hex, via the curve's double-scalar routine (Q = G). */
function mulG256(k: string): string {
  const c = curveP256();
  const sc = c.sc;
  const u1 = new StaticArray<u32>(8), u2 = new StaticArray<u32>(8);
  const kb = hex(k);
  sc.fromBytesBE(u1, kb.dataStart, kb.length);
  const table = c.keyTable(A(c.gx), A(c.gy));
  const x = new StaticArray<u32>(9), y = new StaticArray<u32>(9);
  if (!c.mulToAffine(u1, u2, table, A(x), A(y))) return "infinity";
  return hex256(c.f, x) + "," + hex256(c.f, y);
}

describe("P-256 points", () => {
  it("G is on the curve", () => {
    const c = curveP256();
    expect(c.isOnCurve(A(c.gx), A(c.gy))).toBe(true);
  });
  it("computes 1G, 2G, 3G", () => {
    expect(mulG256("01")).toBe(P256_GX + "," + P256_GY);
    expect(mulG256("02")).toBe(
      "7cf27b188d034f7e8a52380304b51ac3c08969e277f21b35a60b48fc47669978,07775510db8ed040293d9ac69f7430dbba7dade63ce982299e04b79d227873d1",
    );
    expect(mulG256("03")).toBe(
      "5ecbe4d1a6330a44c8f7ef951d4bf165e6c6b721efada985fb41661bc6e7fd6c,8734640c4998ff7e374b06ce1a64a2ecd82ab036384fb83d9a79b127a27d5032",
    );
  });
  it("computes (n-1)G = -G and 0G = infinity", () => {
    expect(mulG256("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550")).toBe(
      P256_GX + ",b01cbd1c01e58065711814b583f061e9d431cca994cea1313449bf97c840ae0a",
    );
    expect(mulG256("00")).toBe("infinity");
  });
  it("adds u1*G + u2*Q through the doubling case (Q = G, u1 = u2)", () => {
    const c = curveP256();
    const u = new StaticArray<u32>(8);
    u[0] = 1;
    const x = new StaticArray<u32>(9), y = new StaticArray<u32>(9);
    expect(c.mulToAffine(u, u, c.keyTable(A(c.gx), A(c.gy)), A(x), A(y))).toBe(true);
    expect(hex256(c.f, x)).toBe("7cf27b188d034f7e8a52380304b51ac3c08969e277f21b35a60b48fc47669978");
  });
});

// RFC 6979 A.2.5 key and signatures.
const K256_X = "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6";
const K256_Y = "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299";
const SHA256_SAMPLE = "af2bdbe1aa9b6ec1e2ade1d694f41fc71a831d0268e9891562113d8a62add1bf";
const SIG256_SAMPLE =
  "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8";
const SHA256_TEST = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const SIG256_TEST =
  "f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083";
const SHA512_SAMPLE =
  "39a5e04aaff7455d9850c605364f514c11324ce64016960d23d5dc57d3ffd8f49a739468ab8049bf18eef820cdb1ad6c9015f838556bc7fad4138b23fdf986c7";
const SIG256_SHA512_SAMPLE =
  "8496a60b5e9b47c825488827e0495b0e3fa109ec4568fd3f8d1097678eb97f002362ab1adbe2b8adf9cb9edab740ea6049c028114f2460f96554f61fae3302fe";

function key256(): EcPublicKey {
  return EcPublicKey.fromCoordinates(Curve.P256, hex(K256_X), hex(K256_Y))!;
}

describe("ECDSA P-256 (RFC 6979 A.2.5)", () => {
  it("verifies SHA-256 'sample' (a high-S signature) and 'test'", () => {
    const key = key256();
    expect(ecdsaVerify(key, hex(SHA256_SAMPLE), hex(SIG256_SAMPLE))).toBe(true);
    expect(ecdsaVerify(key, hex(SHA256_TEST), hex(SIG256_TEST))).toBe(true);
  });
  it("truncates a longer digest to bits(n) (SHA-512 'sample')", () => {
    expect(ecdsaVerify(key256(), hex(SHA512_SAMPLE), hex(SIG256_SHA512_SAMPLE))).toBe(true);
  });
  it("rejects a different digest or a modified signature", () => {
    const key = key256();
    expect(ecdsaVerify(key, hex(SHA256_TEST), hex(SIG256_SAMPLE))).toBe(false);
    const sig = hex(SIG256_SAMPLE);
    sig[40] ^= 1;
    expect(ecdsaVerify(key, hex(SHA256_SAMPLE), sig)).toBe(false);
  });
  it("rejects r or s out of range and wrong lengths", () => {
    const key = key256();
    const d = hex(SHA256_SAMPLE);
    const zero = "00".repeat(32);
    const s = SIG256_SAMPLE.slice(64);
    const r = SIG256_SAMPLE.slice(0, 64);
    expect(ecdsaVerify(key, d, hex(zero + s))).toBe(false);
    expect(ecdsaVerify(key, d, hex(r + zero))).toBe(false);
    expect(ecdsaVerify(key, d, hex(P256_N + s))).toBe(false);
    expect(ecdsaVerify(key, d, hex(r + P256_N))).toBe(false);
    expect(ecdsaVerify(key, d, hex(SIG256_SAMPLE + "00"))).toBe(false);
    expect(ecdsaVerify(key, d, hex(SIG256_SAMPLE.slice(2)))).toBe(false);
    expect(ecdsaVerify(key, d, new Uint8Array(0))).toBe(false);
  });
  it("validates keys: on the curve, coordinates < p, full length", () => {
    expect(EcPublicKey.fromCoordinates(Curve.P256, hex(K256_X), hex(K256_Y))).not.toBeNull();
    const badY = K256_Y.slice(0, 62) + "00";
    expect(EcPublicKey.fromCoordinates(Curve.P256, hex(K256_X), hex(badY))).toBeNull();
    expect(EcPublicKey.fromCoordinates(Curve.P256, hex(P256_P), hex(K256_Y))).toBeNull();
    expect(EcPublicKey.fromCoordinates(Curve.P256, hex(K256_X.slice(2)), hex(K256_Y))).toBeNull();
    expect(EcPublicKey.fromCoordinates(Curve.P256, new Uint8Array(32), new Uint8Array(32))).toBeNull();
    expect(EcPublicKey.fromCoordinates(99, hex(K256_X), hex(K256_Y))).toBeNull();
    expect(EcPublicKey.fromCoordinates(Curve.P384, hex(K256_X), hex(K256_Y))).toBeNull();
  });
});

describe("ECDSA P-384 (RFC 6979 A.2.6)", () => {
  it("computes 2G", () => {
    const c = curveP384();
    const u1 = new StaticArray<u32>(12), u2 = new StaticArray<u32>(12);
    u1[0] = 2;
    const x = new StaticArray<u32>(14), y = new StaticArray<u32>(14);
    expect(c.mulToAffine(u1, u2, c.keyTable(A(c.gx), A(c.gy)), A(x), A(y))).toBe(true);
    const out = new Uint8Array(48);
    toBytesBE(c.f, out.dataStart, A(x));
    expect(toHex(out)).toBe("08d999057ba3d2d969260045c55b97f089025959a6f434d651d207d19fb96e9e4fe0e86ebe0e64f85b96a9c75295df61");
  });
  it("verifies SHA-384 'sample'", () => {
    const key = EcPublicKey.fromCoordinates(
      Curve.P384,
      hex("ec3a4e415b4e19a4568618029f427fa5da9a8bc4ae92e02e06aae5286b300c64def8f0ea9055866064a254515480bc13"),
      hex("8015d9b72d7d57244ea8ef9ac0c621896708a59367f9dfb9f54ca84b3f1c9db1288b231c3ae0d4fe7344fd2533264720"),
    )!;
    const digest = hex("9a9083505bc92276aec4be312696ef7bf3bf603f4bbd381196a029f340585312313bca4a9b5b890efee42c77b1ee25fe");
    const sig = hex(
      "94edbb92a5ecb8aad4736e56c691916b3f88140666ce9fa73d64c4ea95ad133c81a648152e44acf96e36dd1e80fabe46" +
        "99ef4aeb15f178cea1fe40db2603138f130e740a19624526203b6351d0a3a94fa329c145786e679e7b82c71a38628ac8",
    );
    expect(ecdsaVerify(key, digest, sig)).toBe(true);
    sig[0] ^= 0x80;
    expect(ecdsaVerify(key, digest, sig)).toBe(false);
  });
});

describe("ECDSA P-521 (RFC 6979 A.2.7)", () => {
  it("verifies SHA-512 'sample' (66-byte halves, 521-bit n)", () => {
    const key = EcPublicKey.fromCoordinates(
      Curve.P521,
      hex("01894550d0785932e00eaa23b694f213f8c3121f86dc97a04e5a7167db4e5bcd371123d46e45db6b5d5370a7f20fb633155d38ffa16d2bd761dcac474b9a2f5023a4"),
      hex("00493101c962cd4d2fddf782285e64584139c2f91b47f87ff82354d6630f746a28a0db25741b5b34a828008b22acc23f924faafbd4d33f81ea66956dfeaa2bfdfcf5"),
    )!;
    const sig = hex(
      "00c328fafcbd79dd77850370c46325d987cb525569fb63c5d3bc53950e6d4c5f174e25a1ee9017b5d450606add152b534931d7d4e8455cc91f9b15bf05ec36e377fa" +
        "00617cce7cf5064806c467f678d3b4080d6f1cc50af26ca209417308281b68af282623eaa63e5b5c0723d8b8c37ff0777b1a20f8ccb1dccc43997f1ee0e44da4a67a",
    );
    expect(ecdsaVerify(key, hex(SHA512_SAMPLE), sig)).toBe(true);
    expect(ecdsaVerify(key, hex(SHA256_SAMPLE), sig)).toBe(false);
  });
});

describe("scalar arithmetic", () => {
  it("inverts modulo n", () => {
    const sc = new ScalarField(8, [0xffffffff, 0x00000000, 0xffffffff, 0xffffffff, 0xbce6faad, 0xa7179e84, 0xf3b9cac2, 0xfc632551]);
    const a = new StaticArray<u32>(8), inv = new StaticArray<u32>(8), r = new StaticArray<u32>(8);
    const two = hex("02");
    sc.fromBytesBE(a, two.dataStart, 1);
    expect(sc.invert(inv, a)).toBe(true);
    sc.mulMod(r, a, inv);
    expect(r[0]).toBe(1);
    for (let i = 1; i < 8; i++) expect(r[i]).toBe(0);
    const zero = new StaticArray<u32>(8);
    expect(sc.invert(inv, zero)).toBe(false);
  });
});
