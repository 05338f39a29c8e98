// The compact live log of routing decisions `npm start` shows, one line per request:
//   time  method path  status  tenant group version sandbox  gateways -> pod [dc]
// Requests that reach a pod are reported by the pod itself the moment it answers (the demo services run in this
// process; every gateway appends its name to x-waymark-hops, so the pod knows the path the request took).
// Requests a gateway answers itself (401, 404, minted IDs, upstream failures) come from the gateways' access logs
// (JSON lines, see envoy-configs/mesh-*.yaml), which Envoy writes out every 10 s: those lines arrive late, with
// the time the request started.
import { openSync, readSync, closeSync, fstatSync } from "node:fs";
import type { ServiceSpec } from "./topology.ts";
import type { Echo, EchoServer } from "./echo-server.ts";

/** One access log line (field names as in the templates' json_format). */
export interface AccessLogLine {
  at: string; gw: string; dc: string; id: string | null; m: string; p: string; s: number | string; f: string;
  t: string | null; g: string | null; v: string | null; sb?: string | null; to: string | null; up: string | null;
}

export interface RoutingEvent {
  at: string; method: string; path: string; status: number | string;
  tenant?: string | null; group?: string | null; version?: string | null; sandbox?: string | null;
  hops: string[];
  /** The pod that served it, or the gateway that answered itself. */
  end: string;
  dc?: string;
  flags?: string;
}

/** A line of the live log for a change of the mesh (`waymark mesh ...`), once every gateway applied it. */
export function formatChange(r: { summary: string; added: string[]; removed: string[]; gateways: string[]; convergedMs: number[] }): string {
  const pods = [...r.added.map((p) => `+ ${p}`), ...r.removed.map((p) => `- ${p}`)];
  const slowest = Math.max(0, ...r.convergedMs);
  return `${clock()}  CHANGE ${r.summary}${pods.length ? ` (${pods.join(", ")})` : ""}  applied by ${r.gateways.join(", ") || "no gateway"}` +
    ` in ${(slowest / 1000).toFixed(2)} s${r.convergedMs.length > 1 ? ` per step (${r.convergedMs.length} steps)` : ""}`;
}

export function formatEvent(e: RoutingEvent): string {
  const facts: string[] = [];
  if (e.tenant) facts.push(`tenant=${e.tenant}`);
  if (e.group) facts.push(`group=${e.group}`);
  if (e.version) facts.push(`version=${e.version}`);
  if (e.sandbox) facts.push(`sandbox=${e.sandbox}`);
  const end = e.dc ? `${e.end} [${e.dc}]` : `answered by ${e.end}${e.flags && e.flags !== "-" ? ` (${e.flags})` : ""}`;
  return `${e.at}  ${e.method} ${e.path}  ${e.status}  ${facts.join(" ") || "-"}  ${[...e.hops, end].join(" -> ")}`;
}

const clock = () => new Date().toTimeString().slice(0, 8);

/** The event for a request an echo pod answered (`spec`: what the pod is). */
export function podEvent(instance: string, echo: Echo, spec: ServiceSpec | undefined): RoutingEvent {
  const first = (name: string) => echo.headers.find(([k]) => k === name)?.[1] ?? null;
  const hops = echo.headers.filter(([k]) => k === "x-waymark-hops").flatMap(([, v]) => v.split(",").map((h) => h.trim()));
  // The egress gateway keeps the hop list (internal topology) from the external system.
  if (spec?.external && hops.length === 0) hops.push("egress");
  return {
    at: clock(), method: echo.method, path: echo.path, status: 200,
    tenant: first("x-tenant"), group: first("x-feature-group"), version: first("x-version"), sandbox: first("x-sandbox"),
    hops, end: instance, dc: spec?.dc,
  };
}

/** The event for an access log line, when the gateway answered the request itself; null when a pod did. */
export function gatewayEvent(line: AccessLogLine, pods: Set<string>): RoutingEvent | null {
  const reachedPod = line.up && pods.has(line.up);
  const answeredHere = !line.up || line.up === "-";
  if (reachedPod && line.f === "-") return null;
  if (!answeredHere && !reachedPod && line.f === "-") return null;
  return {
    at: line.at, method: line.m, path: line.p, status: line.s, tenant: line.t, group: line.g, version: line.v, sandbox: line.sb,
    hops: [], end: line.gw, flags: line.f,
  };
}

/** Follows the pods and the gateways' access logs; `print` gets one line per request. */
export function followMesh(
  mesh: { echoes: Map<string, EchoServer>; accessLogs: Map<string, string>; identity(instance: string): ServiceSpec | undefined },
  print: (line: string) => void,
): { stop(): void } {
  // Every address a pod ever had: an access log line may arrive after its pod was rolled away.
  const pods = new Set<string>();
  const tails = [...mesh.accessLogs.values()].map((file) => ({ fd: openSync(file, "r"), offset: 0, partial: "" }));
  const buf = Buffer.alloc(64 * 1024);
  const poll = () => {
    for (const [instance, server] of mesh.echoes) {
      pods.add(server.address);
      // Taken out as reported, so a long session does not keep every request in memory.
      for (const echo of server.received.splice(0)) print(formatEvent(podEvent(instance, echo, mesh.identity(instance))));
    }
    for (const tail of tails) {
      while (fstatSync(tail.fd).size > tail.offset) {
        const n = readSync(tail.fd, buf, 0, buf.length, tail.offset);
        if (n <= 0) break;
        tail.offset += n;
        const lines = (tail.partial + buf.subarray(0, n).toString("utf8")).split("\n");
        tail.partial = lines.pop() ?? "";
        for (const text of lines) {
          let line: AccessLogLine;
          try {
            line = JSON.parse(text);
          } catch {
            continue;
          }
          const event = gatewayEvent(line, pods);
          if (event) print(formatEvent(event));
        }
      }
    }
  };
  const timer = setInterval(poll, 100);
  return {
    stop: () => {
      clearInterval(timer);
      for (const t of tails) closeSync(t.fd);
    },
  };
}
