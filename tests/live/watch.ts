// Watches every request the pods receive while configurations change: which configuration handled it (the one
// before the latest update, the one after, or a mix), and when each update was first and last seen.
import { Echo } from "../../mesh/echo-server.ts";
import { Live, PluginName, PLUGINS, expected, observed } from "./changes.ts";

export interface SwitchTime {
  /** From the rename to the first request that saw the new configuration (ms). */
  firstNewMs: number;
  /** From the rename to the last request that saw the old one (ms; negative when none came after the rename). */
  lastOldMs: number;
}

export class SwitchWatch {
  /** Current step of each plugin: the configuration every request must show, except for the changing plugins. */
  readonly steps: Record<PluginName, number> = { tenant: 0, "feature-group": 0, sticky: 0 };
  /** Requests handled by the configuration before the latest update (all of them before the first update). */
  old = 0;
  /** Requests handled by the configuration after the latest update. */
  new = 0;
  /** Requests that match neither: a mix of configurations, or a plugin that should not have changed. */
  mixed = 0;
  /** A few mixed requests, described, for the failure message. */
  readonly samples: string[] = [];
  private changing: PluginName[] = [];
  private renames: bigint[] = [];
  /** By update index (0 = before the first update): first and last request that showed that configuration. */
  private firstSeen: Array<bigint | undefined> = [];
  private lastSeen: Array<bigint | undefined> = [];

  constructor(private readonly live: Live, private readonly podOf: (echo: Echo) => string) {}

  /** Starts a run in which `plugins` change together (each update moves all of them one step on). */
  begin(plugins: PluginName[]): void {
    this.changing = plugins;
    this.old = this.new = this.mixed = 0;
    this.samples.length = 0;
    this.renames = [];
    this.firstSeen = [];
    this.lastSeen = [];
  }

  /** Records an update: every changing plugin moved one step on, its file renamed at `at` (process.hrtime). */
  updated(at: bigint): void {
    for (const name of this.changing) this.steps[name]++;
    this.renames.push(at);
  }

  /** Classifies one request that reached a pod at `at`. */
  observe(echo: Echo, at: bigint = process.hrtime.bigint()): void {
    const pod = this.podOf(echo);
    const update = this.renames.length;
    const matches = (back: number) => PLUGINS.every((name) => {
      const step = this.steps[name] - (this.changing.includes(name) ? back : 0);
      return step >= 0 && observed(name, echo, pod) === expected(this.live, name, step, echo);
    });
    let seen = -1;
    if (matches(0)) {
      seen = update;
      if (update > 0) this.new++;
      else this.old++;
    } else if (update > 0 && matches(1)) {
      seen = update - 1;
      this.old++;
    } else {
      this.mixed++;
      if (this.samples.length < 5) {
        this.samples.push(`after update ${update}: ${PLUGINS.map((n) => `${n} "${observed(n, echo, pod)}" (now "${expected(this.live, n, this.steps[n], echo)}")`).join(", ")}`);
      }
      return;
    }
    this.firstSeen[seen] ??= at;
    this.lastSeen[seen] = at;
  }

  /** Switch time of every update that some request saw. */
  switchTimes(): SwitchTime[] {
    const out: SwitchTime[] = [];
    for (let i = 1; i <= this.renames.length; i++) {
      const rename = this.renames[i - 1];
      const first = this.firstSeen[i];
      const last = this.lastSeen[i - 1];
      if (first === undefined || last === undefined) continue;
      out.push({ firstNewMs: Number(first - rename) / 1e6, lastOldMs: Number(last - rename) / 1e6 });
    }
    return out;
  }

  /** Has a request shown the configuration of the latest update yet? */
  latestSeen(): boolean {
    return this.firstSeen[this.renames.length] !== undefined;
  }

  /** The rename time of every update of this run (process.hrtime, ns). */
  get renameTimes(): readonly bigint[] {
    return this.renames;
  }
}

/** p50 and max of a list, rounded to 0.1 ms, for the report. */
export function p50max(values: number[]): { p50: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 10) / 10;
  return { p50: round(sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN), max: round(sorted[sorted.length - 1] ?? NaN) };
}
