// A small upstream that answers, as JSON, what it received (method, path, headers in order, body) and its own
// name, so tests see exactly what a gateway forwarded and which pod answered.
import { createServer, Server, IncomingMessage } from "node:http";
import { AddressInfo } from "node:net";

export interface Echo {
  name: string;
  method: string;
  path: string;
  /** Headers in arrival order, names lower-cased, repeated headers kept apart. */
  headers: Array<[string, string]>;
  body: string;
}

export interface EchoServer {
  name: string;
  port: number;
  address: string;
  /** Every request this server answered, newest last. */
  received: Echo[];
  close(): Promise<void>;
}

function pairs(req: IncomingMessage): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) out.push([req.rawHeaders[i].toLowerCase(), req.rawHeaders[i + 1]]);
  return out;
}

export interface EchoOptions {
  /** Called with every request once it is read, with the time its headers arrived (process.hrtime, ns). */
  observe?: (echo: Echo, at: bigint) => void;
  /** Keep every request in `received` (default true; long load runs turn it off). */
  record?: boolean;
  /** How long an idle keep-alive connection stays open (default 1 s). */
  keepAliveMs?: number;
}

/** Starts an echo server on 127.0.0.1 (port 0 = any free port). */
export async function startEchoServer(name: string, port = 0, extra: Record<string, string> = {}, options: EchoOptions = {}): Promise<EchoServer> {
  const received: Echo[] = [];
  const server: Server = createServer((req, res) => {
    const at = process.hrtime.bigint();
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const echo: Echo = { name, method: req.method ?? "", path: req.url ?? "", headers: pairs(req), body: Buffer.concat(chunks).toString("utf8") };
      options.observe?.(echo, at);
      if (options.record !== false) received.push(echo);
      const body = JSON.stringify({ ...extra, ...echo });
      res.writeHead(200, { "content-type": "application/json", "x-echo-name": name, "content-length": Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.keepAliveTimeout = options.keepAliveMs ?? 1000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    name, port: actual, address: `127.0.0.1:${actual}`, received,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** Header values of an echo by name (repeated headers in order). */
export function echoValues(echo: Echo, name: string): string[] {
  return echo.headers.filter(([k]) => k === name).map(([, v]) => v);
}
