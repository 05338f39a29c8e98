// The checker the live-update tests rely on: requests showing the old or the new configuration are told apart,
// any mix (one plugin's headers from each configuration, a plugin that should not have changed, a wrong pod) is
// counted as mixed, and switch times run from each rename to the first new and the last old request.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { Echo } from "../../mesh/echo-server.ts";
import { NOW } from "../plugins/tenant/support.ts";
import { Live, prepare, cartKey, sessionKey, NEW_KEY_PROBE } from "./changes.ts";
import { SwitchWatch } from "./watch.ts";

const PODS = ["127.0.0.1:9000", "127.0.0.1:9001", "127.0.0.1:9002", "127.0.0.1:9003"];

/** A request as a pod would see it under the given tenant / feature-group / sticky configurations (A or B). */
function request(live: Live, i: number, tenant: "A" | "B", group: "A" | "B", sticky: "A" | "B", extra: Array<[string, string]> = []): Echo {
  const headers: Array<[string, string]> = [["x-cart-id", cartKey(i)], ["x-session-id", sessionKey(i)], ["x-tenant", "acme"], ...extra];
  if (tenant === "B") headers.push(["x-plan", "gold"]);
  headers.push(...(group === "A" ? [["x-feature-group", "baseline"], ["x-version", "v1"]] : [["x-feature-group", "new-checkout"], ["x-version", "v3"]]) as Array<[string, string]>);
  headers.push(sticky === "A" ? ["x-sticky-key", cartKey(i)] : ["x-route-key", sessionKey(i)]);
  const pod = sticky === "A" ? live.podA.get(cartKey(i))! : live.podB.get(sessionKey(i))!;
  return { name: pod, method: "GET", path: "/", headers, body: "" };
}

describe("the live-update checker", () => {
  let live: Live;
  let watch: SwitchWatch;
  before(async () => {
    live = await prepare(PODS, NOW);
  });

  it("tells old from new, times the switch, and counts every kind of mix", () => {
    watch = new SwitchWatch(live, (echo) => echo.name);
    watch.begin(["feature-group"]);
    watch.observe(request(live, 1, "A", "A", "A"), 100n);
    watch.updated(1_000_000n);
    watch.observe(request(live, 2, "A", "A", "A"), 3_000_000n); // old, 2 ms after the rename
    watch.observe(request(live, 3, "A", "B", "A"), 5_000_000n); // new, 4 ms after
    watch.observe(request(live, 4, "A", "A", "A"), 6_000_000n); // old again: still old, last at 5 ms
    watch.observe(request(live, 5, "A", "B", "A"), 7_000_000n);
    assert.deepEqual([watch.old, watch.new, watch.mixed], [3, 2, 0]);
    assert.deepEqual(watch.switchTimes(), [{ firstNewMs: 4, lastOldMs: 5 }]);

    const mixes: Echo[] = [
      // B's group with A's alias table, and A's group with B's (no baseline alias in B).
      { ...request(live, 6, "A", "B", "A"), headers: request(live, 6, "A", "B", "A").headers.map(([k, v]) => [k, k === "x-version" ? "v2" : v]) },
      { ...request(live, 7, "A", "A", "A"), headers: request(live, 7, "A", "A", "A").headers.filter(([k]) => k !== "x-version") },
      request(live, 8, "B", "B", "A"), // a plugin that should not have changed
      request(live, 9, "A", "B", "B"),
      { ...request(live, 10, "A", "B", "A"), name: PODS.find((p) => p !== live.podA.get(cartKey(10)))! }, // wrong pod
    ];
    for (const m of mixes) watch.observe(m, 8_000_000n);
    assert.equal(watch.mixed, mixes.length);
    assert.equal(watch.samples.length, 5);
  });

  it("sticky: the key header and the pod must come from the same configuration", () => {
    watch = new SwitchWatch(live, (echo) => echo.name);
    watch.begin(["sticky"]);
    watch.updated(0n);
    const i = [...Array(100).keys()].find((k) => live.podA.get(cartKey(k)) !== live.podB.get(sessionKey(k)))!;
    const a = request(live, i, "A", "A", "A");
    watch.observe(a, 1n);
    watch.observe(request(live, i, "A", "A", "B"), 2n);
    watch.observe({ ...a, name: live.podB.get(sessionKey(i))! }, 3n); // A's key header, B's pod
    assert.deepEqual([watch.old, watch.new, watch.mixed], [1, 1, 1]);
  });

  it("tenant: a token signed by the new key must never pass the old configuration", () => {
    watch = new SwitchWatch(live, (echo) => echo.name);
    watch.begin(["tenant"]);
    watch.updated(0n);
    watch.observe(request(live, 1, "B", "A", "A", [NEW_KEY_PROBE]), 1n);
    watch.observe(request(live, 2, "A", "A", "A", [NEW_KEY_PROBE]), 2n);
    watch.observe(request(live, 3, "A", "A", "A"), 3n);
    assert.deepEqual([watch.old, watch.new, watch.mixed], [1, 1, 1]);
  });
});
