// Strict base64url: RFC 4648 §10 known answers (unpadded), round trips at every length,
// and each rejection rule (padding, foreign characters, length 1 mod 4, non-canonical trailing bits).
import {
  base64urlDecode, base64urlDecodeRange, base64urlEncode, base64urlDecodedLength,
} from "../../../assembly/encoding/base64url";
import { hexDecode, hexEncode } from "../../../assembly/encoding/hex";

function ascii(s: string): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode(s));
}
function dec(s: string): string {
  const r = base64urlDecode(s);
  return r === null ? "null" : String.UTF8.decode(r.buffer);
}
function rejected(s: string): bool {
  const viaString = base64urlDecode(s) === null;
  const b = ascii("." + s + ".");
  const viaBytes = base64urlDecodeRange(b, 1, b.length - 1) === null;
  expect(viaBytes).toBe(viaString);
  return viaString;
}

describe("base64url", () => {
  it("RFC 4648 §10 vectors without padding", () => {
    const plain = ["", "f", "fo", "foo", "foob", "fooba", "foobar"];
    const coded = ["", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy"];
    for (let i = 0; i < plain.length; i++) {
      expect(base64urlEncode(ascii(plain[i]))).toBe(coded[i]);
      expect(dec(coded[i])).toBe(plain[i]);
    }
  });
  it("uses - and _ (the URL alphabet)", () => {
    const b = changetype<Uint8Array>(hexDecode("fbff"));
    expect(base64urlEncode(b)).toBe("-_8");
    expect(hexEncode(changetype<Uint8Array>(base64urlDecode("-_8")))).toBe("fbff");
    expect(hexEncode(changetype<Uint8Array>(base64urlDecode("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8")))).toBe(
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  });
  it("round-trips every length 0..300 with all byte values", () => {
    for (let n = 0; n <= 300; n++) {
      const b = new Uint8Array(n);
      for (let i = 0; i < n; i++) b[i] = <u8>(i * 131 + n);
      const s = base64urlEncode(b);
      expect(base64urlDecodedLength(s.length)).toBe(n);
      const back = base64urlDecode(s);
      expect(back !== null).toBe(true);
      expect(hexEncode(changetype<Uint8Array>(back))).toBe(hexEncode(b));
    }
  });
  it("decodes a range of a byte array in place", () => {
    const token = ascii("eyJhbGciOiJIUzI1NiJ9.e30.x");
    const hdr = base64urlDecodeRange(token, 0, 20);
    expect(String.UTF8.decode(changetype<Uint8Array>(hdr).buffer)).toBe('{"alg":"HS256"}');
    expect(String.UTF8.decode(changetype<Uint8Array>(base64urlDecodeRange(token, 21, 24)).buffer)).toBe("{}");
  });
  it("rejects padding", () => {
    expect(rejected("Zg==")).toBe(true);
    expect(rejected("Zm8=")).toBe(true);
    expect(rejected("Zm9v====")).toBe(true);
  });
  it("rejects characters outside the URL alphabet", () => {
    expect(rejected("Zm9+")).toBe(true);
    expect(rejected("Zm9/")).toBe(true);
    expect(rejected("Zm9v Yg")).toBe(true);
    expect(rejected("Zm9v\nYg")).toBe(true);
    expect(rejected("Zm9.")).toBe(true);
    expect(rejected("Zm9\0")).toBe(true);
    expect(base64urlDecode("Zm9\u0141") === null).toBe(true); // low byte 0x41 is 'A': the high byte must count
    expect(base64urlDecode("Zm9\u{1F600}") === null).toBe(true);
    const b = ascii("Zm9vYg");
    b[5] = 0xe7; // high-bit byte
    expect(base64urlDecodeRange(b, 0, 6) === null).toBe(true);
  });
  it("rejects a length of 1 mod 4", () => {
    expect(rejected("Z")).toBe(true);
    expect(rejected("Zm9vY")).toBe(true);
    expect(base64urlDecodedLength(5)).toBe(-1);
  });
  it("rejects non-zero unused trailing bits", () => {
    expect(rejected("Zh")).toBe(true); // 'h' = 33: low 4 bits not zero
    expect(rejected("Zg")).toBe(false); // 'g' = 32
    expect(rejected("Zw")).toBe(false); // 'w' = 48
    expect(rejected("Zm9")).toBe(true); // '9' = 61: low 2 bits not zero ("fo" is Zm8)
    expect(rejected("Zm-")).toBe(true); // '-' = 62
    expect(rejected("Zm8")).toBe(false); // '8' = 60
    expect(rejected("Zm9vZm9")).toBe(true); // the rule applies after full quanta too
  });
  it("rejects ranges outside the array", () => {
    const b = ascii("Zm9v");
    expect(base64urlDecodeRange(b, -1, 3) === null).toBe(true);
    expect(base64urlDecodeRange(b, 0, 5) === null).toBe(true);
    expect(base64urlDecodeRange(b, 3, 2) === null).toBe(true);
    expect(base64urlDecodeRange(b, 2, 2)!.length).toBe(0);
  });
});

describe("hex", () => {
  it("decodes either case, rejects odd length and non-digits", () => {
    expect(hexEncode(changetype<Uint8Array>(hexDecode("00fFa0")))).toBe("00ffa0");
    expect(hexDecode("abc") === null).toBe(true);
    expect(hexDecode("0g") === null).toBe(true);
    expect(hexDecode("")!.length).toBe(0);
  });
});
