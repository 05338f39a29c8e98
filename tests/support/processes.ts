// Process trees from /proc: what a command started, and whether any of it is still alive.
import { readdirSync, readFileSync } from "node:fs";

/** pid -> parent pid of every process now. */
function parents(): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/<pid>/stat is the parent pid (after the parenthesised command name).
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      out.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** The direct children of `pid`. */
export function childPids(pid: number): number[] {
  return [...parents()].filter(([, ppid]) => ppid === pid).map(([child]) => child);
}

/** Every process below `pid` (children, grandchildren, ...). */
export function descendantPids(pid: number): number[] {
  const all = parents();
  const found = new Set<number>([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [child, ppid] of all) {
      if (found.has(ppid) && !found.has(child)) {
        found.add(child);
        grew = true;
      }
    }
  }
  found.delete(pid);
  return [...found];
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie is dead, only not yet reaped.
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return false;
  }
}

export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
  } catch {
    return "";
  }
}

/** Waits up to `ms` for every pid to be gone; returns those still alive, with their command lines. */
export async function waitGone(pids: number[], ms: number): Promise<string[]> {
  const end = Date.now() + ms;
  while (pids.some(alive) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  return pids.filter(alive).map((p) => `${p} ${commandLine(p)}`);
}
