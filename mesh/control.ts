// The running mesh's control endpoint, on 127.0.0.1: `waymark mesh scale|rollout|alias|status` (cli/mesh.mjs) ask
// it to change the mesh. It only starts and stops the mesh's own pods and rewrites the gateways' xDS files; the
// gateways take the change from those files as Envoy always does. `npm start` writes where it listens to
// build/mesh/control.json, which the command reads.
//
//   POST /scale    {"deployment": "cart", "replicas": 5}      -> 200 ChangeReport once every gateway applied it
//   POST /rollout  {"deployment": "cart"}                     -> 200 ChangeReport
//   POST /alias    {"group": "geo-discount", "version": "v3"} -> 200 ChangeReport
//   GET  /status                                              -> 200 {deployments: {name: [pod ...]}, aliases}
// A request the mesh cannot carry out gets 400 {"error": "..."}; a change that did not converge 500.
import { createServer, IncomingMessage, Server } from "node:http";
import { deployments } from "./topology.ts";
import { Mesh, MeshChangeError } from "./mesh.ts";

export interface MeshStatus {
  deployments: Record<string, Array<{ name: string; address: string; version: string; dc: string }>>;
  aliases: Record<string, string>;
}

export function meshStatus(mesh: Mesh): MeshStatus {
  return {
    deployments: Object.fromEntries(deployments.map((d) => [d.name, mesh.pods(d.name).map((p) => ({
      name: p.spec.name, address: p.server.address, version: p.spec.version, dc: p.spec.dc,
    }))])),
    aliases: { ...mesh.live.aliases },
  };
}

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text) return {};
  const doc = JSON.parse(text);
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new MeshChangeError("the request body must be a JSON object");
  return doc;
}

export async function startControl(mesh: Mesh, port: number): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const answer = (status: number, doc: unknown) => {
      const text = JSON.stringify(doc);
      res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
      res.end(text);
    };
    try {
      if (req.method === "GET" && req.url === "/status") return answer(200, meshStatus(mesh));
      if (req.method !== "POST") return answer(404, { error: `no ${req.method} ${req.url} here` });
      const doc = await body(req);
      const text = (k: string) => (typeof doc[k] === "string" ? doc[k] as string : "");
      switch (req.url) {
        case "/scale": return answer(200, await mesh.scale(text("deployment"), Number(doc.replicas)));
        case "/rollout": return answer(200, await mesh.rollout(text("deployment")));
        case "/alias": return answer(200, await mesh.alias(text("group"), text("version")));
      }
      return answer(404, { error: `no POST ${req.url} here (scale, rollout, alias)` });
    } catch (err) {
      const known = err instanceof MeshChangeError || err instanceof SyntaxError;
      answer(known ? 400 : 500, { error: (err as Error).message });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
