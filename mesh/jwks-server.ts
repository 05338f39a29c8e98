// The demo identity provider's key server: GET /.well-known/jwks.json answers the public key the tenant plugin
// verifies tokens with (the ingress fetches it through its "jwks" cluster).
import { createServer, Server } from "node:http";
import { jwksDocument } from "./tokens.ts";

export interface JwksServer { port: number; fetches(): number; close(): Promise<void> }

export async function startJwksServer(port: number): Promise<JwksServer> {
  const body = JSON.stringify(await jwksDocument());
  let fetches = 0;
  const server: Server = createServer((req, res) => {
    if (req.method === "GET" && req.url?.split("?")[0] === "/.well-known/jwks.json") {
      fetches++;
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body), "cache-control": "max-age=300" });
      res.end(body);
    } else {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found\n");
    }
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return {
    port,
    fetches: () => fetches,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
