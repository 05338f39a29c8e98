// The compact live log of routing decisions `npm start` shows: it follows every gateway's access log (JSON lines,
// see the access_log block of envoy-configs/mesh-*.yaml), joins the hops of one request by x-request-id and prints
// one line per request: method, path, status, tenant, group, version, then the hops down to the pod and its DC.
import { openSync, readSync, closeSync, fstatSync } from "node:fs";
import { services, gateways, PortPlan } from "./topology.ts";

/** One access log line (field names as in the templates' json_format). */
export interface Hop {
  gw: string; dc: string; id: string | null; m: string; p: string; s: number | string; f: string;
  t: string | null; g: string | null; v: string | null; sb?: string | null; x?: string | null;
  to: string | null; up: string | null; ms: number | string | null;
}

/** "127.0.0.1:18012" -> "order-mgmt-v2-0" (or a gateway name), for the plan in use. */
export function addressNames(plan: PortPlan): Map<string, string> {
  const names = new Map<string, string>();
  for (const s of services) names.set(plan.address(s.name), s.name);
  for (const g of gateways) names.set(plan.address(g.name), g.name);
  return names;
}

const dcOf = (name: string) => services.find((s) => s.name === name)?.dc ?? gateways.find((g) => g.name === name)?.dc;

/** One request's hops (outermost first) as one line. */
export function describeRequest(hops: Hop[], names: Map<string, string>, at = new Date()): string {
  // The outer hop lasts longest (it includes the inner ones).
  const ordered = [...hops].sort((a, b) => Number(b.ms ?? 0) - Number(a.ms ?? 0));
  const first = ordered[0];
  const last = ordered[ordered.length - 1];
  const pick = (k: "t" | "g" | "v" | "sb") => ordered.map((h) => h[k]).find((v) => v && v !== "-") ?? null;
  const facts: string[] = [];
  const tenant = pick("t"), group = pick("g"), version = pick("v"), sandbox = pick("sb");
  if (tenant) facts.push(`tenant=${tenant}`);
  if (group) facts.push(`group=${group}`);
  if (version) facts.push(`version=${version}`);
  if (sandbox) facts.push(`sandbox=${sandbox}`);
  const chain = ordered.map((h) => h.gw);
  const up = last.up && last.up !== "-" ? names.get(last.up) ?? last.up : null;
  if (up) chain.push(`${up} [${dcOf(up) ?? last.dc}]`);
  else chain.push(`(answered by ${last.gw}${last.f && last.f !== "-" ? `, ${last.f}` : ""})`);
  const time = at.toTimeString().slice(0, 8);
  return `${time}  ${first.m} ${first.p}  ${first.s}  ${facts.join(" ") || "-"}  ${chain.join(" -> ")}`;
}

/** Follows the access log files; calls `print` with one line per request, a moment after its last hop logged. */
export function followAccessLogs(files: Iterable<string>, plan: PortPlan, print: (line: string) => void, quietMs = 400): { stop(): void } {
  const names = addressNames(plan);
  const tails = [...files].map((file) => ({ fd: openSync(file, "r"), offset: 0, partial: "" }));
  const pending = new Map<string, { hops: Hop[]; last: number }>();
  const buf = Buffer.alloc(64 * 1024);
  let anonymous = 0;
  const poll = () => {
    for (const tail of tails) {
      for (;;) {
        if (fstatSync(tail.fd).size <= tail.offset) break;
        const n = readSync(tail.fd, buf, 0, buf.length, tail.offset);
        if (n <= 0) break;
        tail.offset += n;
        const lines = (tail.partial + buf.subarray(0, n).toString("utf8")).split("\n");
        tail.partial = lines.pop() ?? "";
        for (const line of lines) {
          if (!line.trim()) continue;
          let hop: Hop;
          try {
            hop = JSON.parse(line);
          } catch {
            continue;
          }
          const key = hop.id && hop.id !== "-" ? hop.id : `anonymous-${anonymous++}`;
          const entry = pending.get(key) ?? { hops: [], last: 0 };
          entry.hops.push(hop);
          entry.last = Date.now();
          pending.set(key, entry);
        }
      }
    }
    const now = Date.now();
    for (const [key, entry] of pending) {
      if (now - entry.last < quietMs) continue;
      pending.delete(key);
      print(describeRequest(entry.hops, names));
    }
  };
  const timer = setInterval(poll, 150);
  return {
    stop: () => {
      clearInterval(timer);
      for (const t of tails) closeSync(t.fd);
    },
  };
}
