// Montgomery exponentiation: small known answers, Fermat's little theorem on Mersenne primes from
// 127 to 4253 bits (odd and even limb counts, exponents thousands of bits long), fixed random
// cases computed independently (Python pow), and the moduli and bases the code must refuse.
import { MontModulus, MONT_MAX_BITS } from "../../../assembly/crypto/montgomery";
import { RsaPublicKey } from "../../../assembly/crypto/rsa-key";
import { hexDecode, hexEncode } from "../../../assembly/encoding/hex";

function h(s: string): Uint8Array {
  return changetype<Uint8Array>(hexDecode(s.length & 1 ? "0" + s : s));
}

/** base^e mod n as lower-case hex without leading zeros ("" when refused). */
function pow(n: Uint8Array, e: Uint8Array, base: Uint8Array): string {
  const m = MontModulus.create(n);
  if (m === null) return "";
  const padded = new Uint8Array(m.bytes);
  if (base.length > m.bytes) return "";
  padded.set(base, m.bytes - base.length);
  const out = new Uint8Array(m.bytes);
  if (!m.powBytes(out.dataStart, padded.dataStart, e)) return "";
  let s = hexEncode(out);
  let i = 0;
  while (i < s.length - 1 && s.charCodeAt(i) == 48) i++;
  return s.slice(i);
}

/** 2^p - 1 - sub, big-endian (sub < 256). */
function mersenneMinus(p: i32, sub: u8): Uint8Array {
  const len = (p + 7) >> 3;
  const out = new Uint8Array(len);
  out.fill(0xff);
  out[0] = <u8>((<u32>1 << <u32>(p - 8 * (len - 1))) - 1);
  out[len - 1] = 0xff - sub;
  return out;
}

const RANDOM: string[][] = [
    ["2048", "010001",
     "98f135d25f557203301850c5a38fd547923a736994e3bf911a61dbe22e44158bae97ba94d0eda82f8f6d05584ef8aa38922766581e27a1c08a6a63ec24ede6a46b4cb2424a23d5962217beaddbc496cb8e81973e0becd7b03898d190f9ebdacc0cb1e29c658cda1495e60af593bd04cf0fd630f1f29d0da9953f48f1a09f76b5a170b33839263059f28c105d1fb17c2390c192cfd3ac94af0f21ddb66cad4a268d116ece1738f7d93d9c172411e20b8f6b0d549b6f03675a1600a35a099950d836f675cc81e74ef5e8e25d940ed904759531985d5d9dc9f81818e811892f902bd23f0824128b2f330c5c7fd0a6a3a4506513270e269e0d37f2a74de452e6b439",
     "3f930a2598289fcd59a54a7bb1fee08f571242425051c1ccd17f9acae01f5057ca02135e92b1d3f28ede0d7ac3baea9e13deef86ab1031d0f646e1f40a097c976bf46c697d2caf82eeeacbe226e875555790f82ec1d3fcff2a3af4d46b0a18e8830e07bc1e398f1012bd4acefaecbd389be4bcfc49b64a0872e6cc3ababced2057ee05cde00902c77ebff206867347214cdd2055930d6eaf14f4733f3e7d1bfbc7a2ea20b2f14c942e05319acb5c74273f98e2774cbd87ad5c90a9587403e430ec66a78795e761d17731af10506bf2efc6f877186d76b07e881ed162ae2eb1547f15052434b9b5df9e7769b10f4205b4907a70c31012f037b64ce4228c38fb29",
     "300e53d949cdb80d79cd35e16915c228959d903d681ff9191bde2c7857d6830d9ff6d6e83e4e8bddd968ce301339aa1da353855fba62aba1c4170e6d73cfba4c04a62a50e5472a73e5effc120e772ae6b0364b6c6a79557ccc371064a310671350bdbf9cb131fa3368a830c2d52cd018f63813b2ae201735cc9ce5e5383d6fa804cdc79da7d3a3198725674c9a5296da0affd996097cd88490418e08f7c5d4cca9bc5553abc6673f0cb2cfc2ab052a63b945692078cfb1ebd58108656446665c864c656a4a48e4d8122fc46d6b99f57b9c0046069c6cffec4b8209a97e22809c04cf1f7ce4ac15f27407c79a63a00383c90f03725c34cd9deda99be1b8d17eae"],
    ["1031", "03",
     "555affb2297631a992f0ce583505c6af0758d5563dab2cd31ee315128862c33a4fb774eb5248db40af72158370d269a9a5ae658f33fe3b890b93f448b3a5aa3c814f426dcbb394fb36bb2d420f0f88080b10a3d6b2aa05e11ab2715945795e8229451abd81f1d69ed617f5e837d70820fe119a72d174c9df6acc011cdd9474031b",
     "2b5bd86d40fc891b4a6a50df4db4d66a3a47469a4d8cdb305fdd2e16096e36aab0d1bc52d9230d977ee22571594720771f8ca8181166d2287672fdf2022a96fb1a14a0f9e77f1b103cdf1582b0eab477d26415479c65dc9f503f63af83bd0561e6211c70cf49952399c4aaeac137dc76fb0f17a3007e62aa0a1df9fd789c653938",
     "37a480116e57a832d8c6ad9722ebe4ba6d39b021c1b51880bb9ea4378dd595f63000287f54c2dfff8d299e663e1949d481d67696fc3b32b4413407726dbfa6e31b03811608e58e20c49be93a63adf3c6b01368d0d522b95832aacc9221843a089f5b9f6418482d3d1e7da2eb8083c00e048104b9714f45f2dd9b760684f79442ec"],
    ["3072", "010001",
     "fafb2c68774b15d7fa529ba3fe3bfada7cf20724d953ee261d87cec31f7296ab7961fd925d39d0a89a2ef80f58ee8571f4998d7c4093f6dea268aa872607679d6050914a9d33a01c353c631cdfd43f371200339d068739fa9d1de2a05d158a2ff2ee4e4519f9919c895fd7b326b94c7f9118bb16000f49c81a358ca00d75985d99c94309570dc1951c2442f9298cb3a570ccec313571810afc132d0d113db17d30cbc97d0fef792866836886a260cd0b7b45145c1a81682c64e50cad66237a0465e7e4236472f1a38f2c6ec8cc4169a3ae3a2b7fdfe01893f3aed0b6c7ac1491def88334e647cb8f74e69a5d0dd27a65bd628881ad1b72dba7abe1c29e1a8ef4f341e07a83f73f16dbf4a8b2b0c4312d20203626f3fe39c0519088f590fbbd119c1caaf75e8766ed88daf4016b4013ef254b0c4e010c4759482c9cbc43435cc52eae05cf96d0cc5fd4c28c2e7c26847f0316909e3bbbe9eaa8948c893b61867626bb7dbd2d1c9af0153e7c2a26a2c0bd3b1287fff52ddf5d616499c9e25a7605",
     "2b3afb56325b55dd785729763a12917c1a26f88938703800149e259b5d58c705f979d04af47aebdd597a1ecffcf00fecb91ee9e5efe09f07cefe2a1f727d83495822cb77f4de2c089aea6429b1491e243192b7044259405278e4b98d4787f93bca44eb860726e25cfd56a926076b3e36bb2313f55b06258e7e26f36a8483f8b8332dd3313a0b9965cda6c6fdbd68516766934036d17e44973d4882a5ce5b2a9231f51707da45e18ac2216b02fc241d0bc9d488b1cfbf33609cfc865239194242a2eddbbd5464ecc280b0c08bc77024208aa4248c8857f9a43908f227c59db9165b0ee76f2ac34446e883a1d45de0099784b5a81842d87208d86f40f6b239f3c7174c77a2dd02de92a49636a2fa7f0eab4c4f9b0687322e25c215a82a06ec41adea0575438b0d590bb0a844e52587be6b5c9bcf35873be078f3b7a50df373ca533488f87605e999f3842e7fc229540a6eb12aa1f6d42fddbb7a86f7a243c71b9abd87a86557b6fb7ebfeaa1551a28f7b324e4e25a15fc899e4fd58dbe7bdc968b",
     "31a06b43fdd3f118aecb76d64db6987dfb26a791f23f8a2a11a5901e5ad2b5369868c387506a3e698b9dad4100c1bea8dc2ec4df43b58172271fb4823fcbd44dfc03ea0c05378027689441607cd154e4b830821e9a613eb79f75ad7b43a47b898e65cd04a38938caaf3eea5a13ca56499381d0b2d3d5828953b109c46d303b92f04f38221609802f0bcc83886914d8c637df9a0f58a2a17d4400f0c520f523064a25e7199cbf5d149f13a9f93d67a2721997108c53b28879e46bdc387fa1fc729ee9e790d7a9ffc715f39844925455474a202a031b7529f1dd92983a8e60725dc4a52667129957678b2c5170c322fbaaab1076557d4db32e6ca11c0c7bd1fe6a781d33cdd3112650b608f741b09445493551533d2a7628e7f258ddaacfe8f96d1cc02ae294ddcd37576ae257620b54e0640682addb0fb971728118aaf2a5440258949878a85f0a5a834fe7352032b73bec8f5a17b9d61b31789638116230909b094dc45226966eb24c55cd0ab39699fc0c6efd3408b5bac121d15e3f106627df"],
];

describe("Montgomery exponentiation", () => {
  it("small known answers", () => {
    expect(pow(h("01f1"), h("0d"), h("04"))).toBe("1bd"); // 4^13 mod 497 = 445
    expect(pow(h("0f4243"), h("0f4242"), h("02"))).toBe("1"); // 2^(p-1) mod p, p = 1000003
    expect(pow(h("03"), h("01"), h("02"))).toBe("2");
    expect(pow(h("0f4243"), h("03"), h("00"))).toBe("0");
    expect(pow(h("0f4243"), h("010001"), h("01"))).toBe("1");
    expect(pow(h("0f4243"), h("03"), h("0f4242"))).toBe("f4242"); // (-1)^3
    expect(pow(h("0f4243"), h("04"), h("0f4242"))).toBe("1"); // (-1)^4
  });
  it("Fermat: 3^(p-1) = 1 and 3^p = 3 modulo Mersenne primes (127 to 4253 bits)", () => {
    const primes: i32[] = [127, 521, 607, 1279, 2203, 4253];
    for (let i = 0; i < primes.length; i++) {
      const p = primes[i];
      const n = mersenneMinus(p, 0);
      expect(pow(n, mersenneMinus(p, 1), h("03"))).toBe("1");
      expect(pow(n, n, h("03"))).toBe("3");
    }
  });
  it("fixed random cases (2048-bit e = 65537, 1031-bit e = 3, 3072-bit e = 65537)", () => {
    for (let i = 0; i < RANDOM.length; i++) {
      const c = RANDOM[i];
      expect(pow(h(c[2]), h(c[1]), h(c[3]))).toBe(c[4]);
    }
  });
  it("refuses even, zero, unit and oversized moduli, bases >= n and a zero exponent", () => {
    expect(MontModulus.create(h("0100")) === null).toBe(true);
    expect(MontModulus.create(h("0000")) === null).toBe(true);
    expect(MontModulus.create(new Uint8Array(0)) === null).toBe(true);
    expect(MontModulus.create(h("01")) === null).toBe(true);
    expect(MontModulus.create(mersenneMinus(MONT_MAX_BITS, 0)) !== null).toBe(true);
    expect(MontModulus.create(mersenneMinus(MONT_MAX_BITS + 1, 0)) === null).toBe(true);
    expect(pow(h("0f4243"), h("03"), h("0f4243"))).toBe("");
    expect(pow(h("0f4243"), h("03"), h("ffffff"))).toBe("");
    expect(pow(h("0f4243"), h("0000"), h("02"))).toBe("");
  });
});

describe("RsaPublicKey", () => {
  it("prepares a valid key and refuses bad exponents and short moduli", () => {
    const n = mersenneMinus(607, 0); // any odd modulus of at least 512 bits will do here
    expect(RsaPublicKey.create(n, h("010001")) !== null).toBe(true);
    expect(RsaPublicKey.create(n, h("000003"))!.e.length).toBe(1);
    expect(RsaPublicKey.create(n, h("01")) === null).toBe(true);
    expect(RsaPublicKey.create(n, h("02")) === null).toBe(true);
    expect(RsaPublicKey.create(n, h("010000")) === null).toBe(true);
    expect(RsaPublicKey.create(n, new Uint8Array(0)) === null).toBe(true);
    expect(RsaPublicKey.create(mersenneMinus(511, 0), h("03")) === null).toBe(true);
    const key = RsaPublicKey.create(n, h("03"))!;
    expect(key.modBits).toBe(607);
    expect(key.modBytes).toBe(76);
    // RSAVP1 refuses signatures of another length and values >= n.
    const em = new Uint8Array(76);
    expect(key.publicOp(new Uint8Array(75), em)).toBe(false);
    expect(key.publicOp(n, em)).toBe(false);
    const s = new Uint8Array(76);
    s[75] = 2;
    expect(key.publicOp(s, em)).toBe(true);
    expect(em[75]).toBe(8);
  });
});
