// HMAC-SHA-256/384/512: the seven RFC 4231 test cases (case 5 truncated to 128 bits), the
// prepared-key path, tag truncation rules; constant-time comparison.
import { HashAlg } from "../../../assembly/crypto/hash-alg";
import { hmac, HmacKey } from "../../../assembly/crypto/hmac";
import { constantTimeEqual } from "../../../assembly/crypto/constant-time";
import { hexDecode, hexEncode } from "../../../assembly/encoding/hex";

function h(s: string): Uint8Array {
  return changetype<Uint8Array>(hexDecode(s));
}

class Case {
  constructor(public key: string, public msg: string, public s256: string, public s384: string, public s512: string) {}
}

const CASES: Case[] = [
  new Case(
    "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
    "4869205468657265",
    "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
    "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6",
    "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
  ),
  new Case(
    "4a656665",
    "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649",
    "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
  ),
  new Case(
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
    "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
    "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b2a5ab39dc13814b94e3ab6e101a34f27",
    "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb",
  ),
  new Case(
    "0102030405060708090a0b0c0d0e0f10111213141516171819",
    "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
    "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
    "3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e6801dd23c4a7d679ccf8a386c674cffb",
    "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3dba91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd",
  ),
  new Case(
    "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c",
    "546573742057697468205472756e636174696f6e",
    "a3b6167473100ee06e0c796c2955552bfa6f7c0a6a8aef8b93f860aab0cd20c5",
    "3abf34c3503b2a23a46efc619baef897f4c8e42c934ce55ccbae9740fcbc1af4ca62269e2a37cd88ba926341efe4aeea",
    "415fad6271580a531d4179bc891d87a650188707922a4fbb36663a1eb16da008711c5b50ddd0fc235084eb9d3364a1454fb2ef67cd1d29fe6773068ea266e96b",
  ),
  new Case(
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374",
    "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
    "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952",
    "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598",
  ),
  new Case(
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d73697a65206b657920616e642061206c6172676572207468616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565647320746f20626520686173686564206265666f7265206265696e6720757365642062792074686520484d414320616c676f726974686d2e",
    "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
    "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5a678cc31e799176d3860e6110c46523e",
    "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58",
  ),
];

describe("HMAC RFC 4231", () => {
  it("test cases 1-4, 6, 7 (full tags)", () => {
    for (let i = 0; i < CASES.length; i++) {
      if (i == 4) continue;
      const c = CASES[i];
      expect(hexEncode(hmac(HashAlg.SHA256, h(c.key), h(c.msg)))).toBe(c.s256);
      expect(hexEncode(hmac(HashAlg.SHA384, h(c.key), h(c.msg)))).toBe(c.s384);
      expect(hexEncode(hmac(HashAlg.SHA512, h(c.key), h(c.msg)))).toBe(c.s512);
    }
  });
  it("test case 5 (truncated to 128 bits)", () => {
    const c = CASES[4];
    expect(hexEncode(hmac(HashAlg.SHA256, h(c.key), h(c.msg)).subarray(0, 16))).toBe(c.s256.slice(0, 32));
    expect(hexEncode(hmac(HashAlg.SHA384, h(c.key), h(c.msg)).subarray(0, 16))).toBe(c.s384.slice(0, 32));
    expect(hexEncode(hmac(HashAlg.SHA512, h(c.key), h(c.msg)).subarray(0, 16))).toBe(c.s512.slice(0, 32));
    const k = new HmacKey(HashAlg.SHA512, h(c.key));
    expect(k.verify(h(c.msg), 0, 1 << 30, h(c.s512.slice(0, 32)))).toBe(true);
  });
  it("a prepared key gives the same MAC every time and verifies ranges in place", () => {
    const c = CASES[1];
    const k = new HmacKey(HashAlg.SHA256, h(c.key));
    const msg = h("ffff" + c.msg + "ee");
    for (let i = 0; i < 3; i++) {
      expect(hexEncode(k.mac(msg, 2, msg.length - 1))).toBe(c.s256);
      expect(k.verify(msg, 2, msg.length - 1, h(c.s256))).toBe(true);
    }
  });
  it("rejects wrong, empty and over-long tags", () => {
    const c = CASES[0];
    const k = new HmacKey(HashAlg.SHA384, h(c.key));
    const tag = h(c.s384);
    tag[47] ^= 1;
    expect(k.verify(h(c.msg), 0, 8, tag)).toBe(false);
    expect(k.verify(h(c.msg), 0, 8, new Uint8Array(0))).toBe(false);
    expect(k.verify(h(c.msg), 0, 8, h(c.s384 + "00"))).toBe(false);
  });
  it("an unknown algorithm value yields no MAC and never verifies", () => {
    const k = new HmacKey(<HashAlg>7, h("00"));
    expect(k.mac(h("00")).length).toBe(0);
    expect(k.verify(h("00"), 0, 1, h("00"))).toBe(false);
  });
});

describe("constantTimeEqual", () => {
  it("equal and unequal contents, every position", () => {
    const a = new Uint8Array(37);
    for (let i = 0; i < 37; i++) a[i] = <u8>(i * 7);
    const b = a.slice();
    expect(constantTimeEqual(a, b)).toBe(true);
    for (let i = 0; i < 37; i++) {
      b[i] ^= 0x80;
      expect(constantTimeEqual(a, b)).toBe(false);
      b[i] ^= 0x80;
    }
  });
  it("length mismatch and empty", () => {
    expect(constantTimeEqual(new Uint8Array(3), new Uint8Array(4))).toBe(false);
    expect(constantTimeEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });
});
