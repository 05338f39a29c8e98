import { PriorityCounts, PriorityLoad, priorityLoad } from "../../../assembly/hash/priority-load";

function levels(counts: Array<Array<u32>>): Array<PriorityCounts> {
  const out = new Array<PriorityCounts>();
  for (let i = 0; i < counts.length; i++) out.push(new PriorityCounts(counts[i][0], counts[i][1], counts[i][2]));
  return out;
}

function loads(l: PriorityLoad): string {
  const parts = new Array<string>();
  for (let p = 0; p < l.levels; p++) {
    parts.push(l.healthy[p].toString() + "/" + l.degraded[p].toString() + (l.panic[p] ? "!" : ""));
  }
  return parts.join(" ");
}

describe("priority load (Envoy's LoadBalancerBase)", () => {
  it("one healthy level takes everything, no panic", () => {
    expect<string>(loads(priorityLoad(levels([[3, 3, 0]]), 140, 50))).toBe("100/0");
  });

  it("one level below the overprovisioned health keeps all load; panic below the threshold", () => {
    // 2 of 4 healthy: health 70, not in panic (50% is not below 50%).
    expect<string>(loads(priorityLoad(levels([[4, 2, 0]]), 140, 50))).toBe("100/0");
    // 1 of 4 healthy: 25% < 50%: panic, the table takes every host.
    expect<string>(loads(priorityLoad(levels([[4, 1, 0]]), 140, 50))).toBe("100/0!");
    // Degraded hosts count towards availability for panic, not for the table.
    expect<string>(loads(priorityLoad(levels([[4, 1, 1]]), 140, 50))).toBe("50/50");
  });

  it("spills to the next level as Envoy's worked example (10/20/10 healthy, 20/10/0 degraded)", () => {
    // Health 140*1/14 = 10, degraded 140*2/14 = 20, and so on: Envoy's comment gives 16/28/14 and 28/14/0.
    // Every level has under 50% healthy plus degraded hosts: all in panic, so the load follows host counts.
    expect<string>(loads(priorityLoad(levels([[14, 1, 2], [14, 2, 1], [14, 1, 0]]), 140, 50))).toBe("34/0! 33/0! 33/0!");
    // Without panic the worked example's split shows.
    expect<string>(loads(priorityLoad(levels([[14, 1, 2], [14, 2, 1], [14, 1, 0]]), 140, 0))).toBe("16/28 28/14 14/0");
  });

  it("a failing level 0 spills to level 1; full availability means no panic anywhere", () => {
    // P0: 1 of 3 healthy (health 46); P1 fully healthy (100): total capped at 100, so no panic.
    expect<string>(loads(priorityLoad(levels([[3, 1, 0], [2, 2, 0]]), 140, 50))).toBe("46/0 54/0");
    // A larger overprovisioning factor keeps more on P0.
    expect<string>(loads(priorityLoad(levels([[3, 1, 0], [2, 2, 0]]), 200, 50))).toBe("66/0 34/0");
  });

  it("nothing healthy anywhere: total panic by host counts; with panic disabled P0 gets the load", () => {
    expect<string>(loads(priorityLoad(levels([[2, 0, 0], [6, 0, 0]]), 140, 50))).toBe("25/0! 75/0!");
    expect<string>(loads(priorityLoad(levels([[2, 0, 0], [6, 0, 0]]), 140, 0))).toBe("100/0 0/0");
  });

  it("an empty level between others is a level with no load", () => {
    expect<string>(loads(priorityLoad(levels([[1, 0, 0], [0, 0, 0], [2, 2, 0]]), 140, 50))).toBe("0/0 0/0 100/0");
  });

  it("choose walks healthy loads then degraded loads with hash % 100 + 1", () => {
    const l = priorityLoad(levels([[3, 1, 0], [2, 2, 0]]), 140, 50); // 46 / 54
    expect<i32>(l.choose(0)).toBe(0); // point 1
    expect<i32>(l.choose(45)).toBe(0); // point 46
    expect<i32>(l.choose(46)).toBe(1); // point 47
    expect<i32>(l.choose(99)).toBe(1);
    expect<i32>(l.choose(146)).toBe(1);
    const d = priorityLoad(levels([[4, 1, 1]]), 140, 50); // 50 healthy, 50 degraded on P0
    expect<i32>(d.choose(99)).toBe(0);
  });
});
