// SHA-1, SHA-224, SHA-256/384/512 known answers (FIPS 180-4 examples / NIST CSHA vectors): empty, "abc", the
// 448-bit and 896-bit messages, one million 'a'; plus incremental updates split at every offset.
import { sha256, sha256Range, Sha256 } from "../../../assembly/crypto/sha256";
import { sha384, sha512, sha512Range, Sha512 } from "../../../assembly/crypto/sha512";
import { hexEncode } from "../../../assembly/encoding/hex";
import { HashAlg, Hasher, digest, digestSize, isHashAlg } from "../../../assembly/crypto/hash-alg";

function ascii(s: string): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode(s));
}

const M448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
const M896 = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

describe("SHA-256", () => {
  it("empty", () => {
    expect(hexEncode(sha256(new Uint8Array(0)))).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });
  it("abc", () => {
    expect(hexEncode(sha256(ascii("abc")))).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
  it("448-bit message", () => {
    expect(hexEncode(sha256(ascii(M448)))).toBe("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  });
  it("896-bit message", () => {
    expect(hexEncode(sha256(ascii(M896)))).toBe("cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  });
  it("one million 'a'", () => {
    const a = new Uint8Array(1000000);
    a.fill(0x61);
    expect(hexEncode(sha256(a))).toBe("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  });
  it("incremental split at every offset equals one-shot", () => {
    const m = ascii(M896 + M448 + M896);
    const want = hexEncode(sha256(m));
    const h = new Sha256();
    for (let cut = 0; cut <= m.length; cut++) {
      h.reset().update(m, 0, cut);
      h.update(m, cut, m.length);
      expect(hexEncode(h.digest())).toBe(want);
    }
  });
  it("range hashing matches a copy; out-of-range bounds are clamped", () => {
    const m = ascii("xxabcyy");
    expect(hexEncode(sha256Range(m, 2, 5))).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(hexEncode(sha256Range(m, -5, 100))).toBe(hexEncode(sha256(m)));
    expect(hexEncode(sha256Range(m, 6, 2))).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });
});

describe("SHA-384", () => {
  it("empty", () => {
    expect(hexEncode(sha384(new Uint8Array(0)))).toBe("38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b");
  });
  it("abc", () => {
    expect(hexEncode(sha384(ascii("abc")))).toBe("cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7");
  });
  it("448-bit message", () => {
    expect(hexEncode(sha384(ascii(M448)))).toBe("3391fdddfc8dc7393707a65b1b4709397cf8b1d162af05abfe8f450de5f36bc6b0455a8520bc4e6f5fe95b1fe3c8452b");
  });
  it("896-bit message", () => {
    expect(hexEncode(sha384(ascii(M896)))).toBe("09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712fcc7c71a557e2db966c3e9fa91746039");
  });
  it("one million 'a'", () => {
    const a = new Uint8Array(1000000);
    a.fill(0x61);
    expect(hexEncode(sha384(a))).toBe("9d0e1809716474cb086e834e310a4a1ced149e9c00f248527972cec5704c2a5b07b8b3dc38ecc4ebae97ddd87f3d8985");
  });
});

describe("SHA-512", () => {
  it("empty", () => {
    expect(hexEncode(sha512(new Uint8Array(0)))).toBe("cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e");
  });
  it("abc", () => {
    expect(hexEncode(sha512(ascii("abc")))).toBe("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
  });
  it("448-bit message", () => {
    expect(hexEncode(sha512(ascii(M448)))).toBe("204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445");
  });
  it("896-bit message", () => {
    expect(hexEncode(sha512(ascii(M896)))).toBe("8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909");
  });
  it("one million 'a'", () => {
    const a = new Uint8Array(1000000);
    a.fill(0x61);
    expect(hexEncode(sha512(a))).toBe("e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b");
  });
  it("incremental split at every offset equals one-shot (SHA-512 and SHA-384)", () => {
    const m = ascii(M896 + M448 + M896 + M448);
    const want512 = hexEncode(sha512(m));
    const want384 = hexEncode(sha384(m));
    const h = new Sha512(false);
    const g = new Sha512(true);
    for (let cut = 0; cut <= m.length; cut++) {
      h.reset().update(m, 0, cut);
      h.update(m, cut, m.length);
      expect(hexEncode(h.digest())).toBe(want512);
      g.reset().update(m, 0, cut).update(m, cut);
      expect(hexEncode(g.digest())).toBe(want384);
    }
  });
  it("range hashing without copying", () => {
    const m = ascii("--abc--");
    expect(hexEncode(sha512Range(m, 2, 5))).toBe(hexEncode(sha512(ascii("abc"))));
  });
});

// SHA-224 and SHA-1 are reached through Hasher (only RSA-PSS parameter sets use them).
function hashHex(alg: HashAlg, m: Uint8Array): string {
  return hexEncode(digest(alg, m));
}

describe("SHA-224 and SHA-1 through Hasher", () => {
  it("known answers (empty, abc, 448-bit, one million 'a')", () => {
    const a = new Uint8Array(1000000);
    a.fill(0x61);
    expect(hashHex(HashAlg.SHA224, new Uint8Array(0))).toBe("d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f");
    expect(hashHex(HashAlg.SHA224, ascii("abc"))).toBe("23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7");
    expect(hashHex(HashAlg.SHA224, ascii(M448))).toBe("75388b16512776cc5dba5da1fd890150b0c6455cb4f58b1952522525");
    expect(hashHex(HashAlg.SHA224, a)).toBe("20794655980c91d8bbb4c1ea97618a4bf03f42581948b2ee4ee7ad67");
    expect(hashHex(HashAlg.SHA1, new Uint8Array(0))).toBe("da39a3ee5e6b4b0d3255bfef95601890afd80709");
    expect(hashHex(HashAlg.SHA1, ascii("abc"))).toBe("a9993e364706816aba3e25717850c26c9cd0d89d");
    expect(hashHex(HashAlg.SHA1, ascii(M448))).toBe("84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    expect(hashHex(HashAlg.SHA1, a)).toBe("34aa973cd4c4daa4f61eeb2bdbad27316534016f");
  });
  it("Hasher agrees with the one-shot functions and splits anywhere", () => {
    const m = ascii(M896 + M448);
    const algs: HashAlg[] = [HashAlg.SHA256, HashAlg.SHA384, HashAlg.SHA512, HashAlg.SHA1, HashAlg.SHA224];
    expect(hashHex(HashAlg.SHA256, m)).toBe(hexEncode(sha256(m)));
    expect(hashHex(HashAlg.SHA384, m)).toBe(hexEncode(sha384(m)));
    expect(hashHex(HashAlg.SHA512, m)).toBe(hexEncode(sha512(m)));
    for (let i = 0; i < algs.length; i++) {
      const want = hashHex(algs[i], m);
      expect(digestSize(algs[i])).toBe(want.length >> 1);
      const h = new Hasher(algs[i]);
      for (let cut = 0; cut <= m.length; cut += 7) {
        h.reset().update(m, 0, cut).update(m, cut);
        expect(hexEncode(h.digest())).toBe(want);
      }
    }
  });
  it("an unknown algorithm value hashes to nothing", () => {
    expect(digest(<HashAlg>9, ascii("abc")).length).toBe(0);
    expect(isHashAlg(9)).toBe(false);
  });
});
