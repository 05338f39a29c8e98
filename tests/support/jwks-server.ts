// A local JWKS endpoint for tests: serves a key set that can be rotated, and can misbehave on demand: go down
// (connection refused, same port when it comes back), answer slowly, answer 500, or answer garbage.
import { Server, Socket } from "node:net";
import { createServer as createHttpServer, IncomingMessage, ServerResponse } from "node:http";
import { AddressInfo } from "node:net";

export type JwksBehaviour = "ok" | "slow" | "error" | "garbage";

export interface JwksServer {
  port: number;
  /** Every request served (path and arrival time in ms), newest last. */
  requests: Array<{ path: string; at: number }>;
  /** Replaces the key set served (a JSON string or an object). */
  setKeys(keys: string | object): void;
  /** ok: 200 with the key set; slow: the same after `delayMs`; error: 500; garbage: 200 with non-JSON. */
  behave(mode: JwksBehaviour, delayMs?: number): void;
  /** Stops listening: connections are refused until up(). */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startJwksServer(keys: string | object, port = 0): Promise<JwksServer> {
  let body = typeof keys === "string" ? keys : JSON.stringify(keys);
  let mode: JwksBehaviour = "ok";
  let delayMs = 0;
  const requests: Array<{ path: string; at: number }> = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    requests.push({ path: req.url ?? "", at: Date.now() });
    const answer = () => {
      if (mode === "error") {
        res.writeHead(500, { "content-type": "text/plain" });
        res.end("internal error");
      } else if (mode === "garbage") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end("{\"keys\": [garbage\u0000");
      } else {
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
        res.end(body);
      }
    };
    if (mode === "slow") {
      const t = setTimeout(() => { timers.delete(t); answer(); }, delayMs);
      timers.add(t);
    } else {
      answer();
    }
  };

  let server: Server | null = null;
  const listen = (p: number) => new Promise<number>((resolve, reject) => {
    const s = createHttpServer(handler);
    s.keepAliveTimeout = 500;
    s.on("connection", (sock: Socket) => { sockets.add(sock); sock.on("close", () => sockets.delete(sock)); });
    s.once("error", reject);
    s.listen(p, "127.0.0.1", () => {
      server = s as unknown as Server;
      resolve((s.address() as AddressInfo).port);
    });
  });
  const stop = () => new Promise<void>((resolve) => {
    for (const t of timers) clearTimeout(t);
    timers.clear();
    for (const sock of sockets) sock.destroy();
    sockets.clear();
    const s = server;
    server = null;
    if (!s) return resolve();
    s.close(() => resolve());
  });

  const actual = await listen(port);
  return {
    port: actual,
    requests,
    setKeys(k) { body = typeof k === "string" ? k : JSON.stringify(k); },
    behave(m, d = 0) { mode = m; delayMs = d; },
    down: stop,
    async up() { if (!server) await listen(actual); },
    close: stop,
  };
}

/** Whether something accepts connections on 127.0.0.1:port (for tests that check "down" really is down). */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = new Socket();
    sock.once("connect", () => { sock.destroy(); resolve(true); });
    sock.once("error", () => resolve(false));
    sock.connect(port, "127.0.0.1");
  });
}
