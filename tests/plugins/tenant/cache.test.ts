// The verified-token cache in the harness: the same token again is a hit (no signature check), an entry lives
// until exp + clock skew, the size bound evicts the oldest, long tokens are not cached, and a token differing
// in one character is never served from the cache.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { makeKey, sign, startTenant, localProvider, send, bearer, TestKey, NOW } from "./support.ts";

describe("tenant: verified-token cache", () => {
  let key: TestKey;
  before(async () => { key = await makeKey("ES256"); });

  it("a repeated token is a cache hit with the same headers and no signature check", async () => {
    const host = await startTenant({ providers: { main: localProvider([key]) } });
    const token = await sign(key, { tenant: "acme" });
    for (let i = 0; i < 5; i++) assert.deepEqual(send(host, bearer(token)).values("x-tenant"), ["acme"]);
    assert.equal(host.metric("waymark.tenant.cache.miss"), 1);
    assert.equal(host.metric("waymark.tenant.cache.hit"), 4);
    assert.equal(host.metric("waymark.tenant.signature.wasm"), 1);
    assert.equal(host.metric("waymark.tenant.accepted"), 5);
  });

  it("a cached token still expires: after exp + clock skew it is refused", async () => {
    const host = await startTenant({ providers: { main: localProvider([key]) } });
    const token = await sign(key, { tenant: "acme", exp: NOW + 100 });
    assert.equal(send(host, bearer(token)).reply, null);
    host.advance((100 + 59) * 1000);
    assert.equal(send(host, bearer(token)).reply, null, "still inside the skew");
    host.advance(1000);
    const late = send(host, bearer(token));
    assert.equal(JSON.parse(late.reply!.body).reason, "expired");
  });

  it("one changed character is never a hit", async () => {
    const host = await startTenant({ providers: { main: localProvider([key]) } });
    const token = await sign(key, { tenant: "acme" });
    send(host, bearer(token));
    const sig = token.slice(token.lastIndexOf(".") + 1);
    const flipped = token.slice(0, token.lastIndexOf(".") + 1) + (sig[0] === "A" ? "B" : "A") + sig.slice(1);
    assert.equal(send(host, bearer(flipped)).reply?.status, 401);
    assert.equal(host.metric("waymark.tenant.cache.hit"), 0);
  });

  it("holds at most jwt_cache_size tokens, evicting the oldest", async () => {
    const host = await startTenant({ providers: { main: localProvider([key]) }, jwt_cache_config: { jwt_cache_size: 2 } });
    const [a, b, c] = await Promise.all(["a", "b", "c"].map((t) => sign(key, { tenant: t })));
    for (const t of [a, b, c]) send(host, bearer(t));
    send(host, bearer(c));
    send(host, bearer(b));
    assert.equal(host.metric("waymark.tenant.cache.hit"), 2);
    send(host, bearer(a));
    assert.equal(host.metric("waymark.tenant.cache.hit"), 2, "a was evicted");
  });

  it("jwt_cache_size 0 disables the cache; tokens longer than jwt_max_token_size are not cached", async () => {
    const off = await startTenant({ providers: { main: localProvider([key]) }, jwt_cache_config: { jwt_cache_size: 0 } });
    const token = await sign(key, { tenant: "acme" });
    send(off, bearer(token));
    send(off, bearer(token));
    assert.equal(off.metric("waymark.tenant.signature.wasm"), 2);
    assert.equal(off.metric("waymark.tenant.cache.hit"), 0);

    const small = await startTenant({ providers: { main: localProvider([key]) }, jwt_cache_config: { jwt_max_token_size: 100 } });
    send(small, bearer(token));
    send(small, bearer(token));
    assert.equal(small.metric("waymark.tenant.signature.wasm"), 2);
  });

  it("memory stays flat over many distinct tokens (the bound holds)", async () => {
    const host = await startTenant({ providers: { main: localProvider([key]) }, jwt_cache_config: { jwt_cache_size: 16 } });
    const tokens = await Promise.all(Array.from({ length: 64 }, (_, i) => sign(key, { tenant: `t${i}` })));
    for (const t of tokens) send(host, bearer(t));
    const before = host.memoryBytes();
    for (let round = 0; round < 20; round++) for (const t of tokens) send(host, bearer(t));
    assert.equal(host.memoryBytes(), before);
  });
});
