// Stand-ins for the upstream clusters of an Envoy configuration under `waymark test --envoy`: one small HTTP
// server per cluster that records what reached it (method, path, headers, body) under its cluster name and
// answers with a JSON report of it (or the cluster's fixed answer from `upstreams`, or the case's `respond`).
// Its answers carry two headers so the runner knows which stand-in answered which request; they are removed
// before expectations are compared.
import { createServer } from "node:http";

export const STAND_IN_HEADER = "x-waymark-stand-in";
export const STAND_IN_REQUEST_HEADER = "x-waymark-stand-in-request";

/** Bounds what a stand-in keeps of one request body. */
const MAX_BODY_BYTES = 8 << 20;

/** The default answer of a stand-in (and, in the harness, of the upstream): what reached it, as JSON. */
export function standInReport(cluster, { method, path, headers, body }) {
  return {
    status: 200,
    headers: [["content-type", "application/json"]],
    body: JSON.stringify({ cluster, method, path, headers, body }),
  };
}

function pairs(raw) {
  const out = [];
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i].toLowerCase(), raw[i + 1]]);
  return out;
}

/**
 * Starts one stand-in per cluster on 127.0.0.1 (free ports). `fixed`: cluster -> answer; `current.respond`: the
 * answer for the case being run (null: the report). Returns { port(cluster), request(id), close() }.
 */
export async function startStandIns(clusters, fixed, current) {
  const servers = new Map();
  const received = new Map();
  let nextId = 1;
  for (const cluster of clusters) {
    const server = createServer((req, res) => {
      const chunks = [];
      let size = 0;
      req.on("data", (c) => {
        size += c.length;
        if (size <= MAX_BODY_BYTES) chunks.push(c);
      });
      req.on("end", () => {
        const id = String(nextId++);
        const record = { cluster, method: req.method, path: req.url, headers: pairs(req.rawHeaders), body: Buffer.concat(chunks).toString("utf8") };
        received.set(id, record);
        const answer = fixed.get(cluster) ?? current.respond ?? standInReport(cluster, record);
        const body = Buffer.from(answer.body);
        const headers = answer.headers.filter(([k]) => k !== "content-length").flat();
        res.writeHead(answer.status, [...headers, STAND_IN_HEADER, cluster, STAND_IN_REQUEST_HEADER, id, "content-length", String(body.length)]);
        res.end(body);
      });
    });
    server.keepAliveTimeout = 1000;
    await new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", resolve);
    });
    servers.set(cluster, server);
  }
  return {
    port: (cluster) => servers.get(cluster).address().port,
    request: (id) => received.get(id) ?? null,
    close: () => Promise.all([...servers.values()].map((s) => new Promise((resolve) => { s.closeAllConnections(); s.close(resolve); }))),
  };
}
