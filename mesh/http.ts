// A tiny HTTP client for tests: one request, the whole answer, headers kept in order.
import { request as httpRequest } from "node:http";

export interface Reply { status: number; headers: Array<[string, string]>; body: string; json<T = any>(): T; header(name: string): string | undefined }

export function request(url: string, options: { method?: string; headers?: Record<string, string> | Array<[string, string]>; body?: string | Uint8Array; chunks?: string[]; chunkDelayMs?: number; timeoutMs?: number } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    // Repeated names become arrays, which Node sends as separate header lines (not comma-joined); a single
    // value stays a string (Node wants one for Host).
    const headers: Record<string, string | string[]> = {};
    const h = options.headers ?? {};
    for (const [k, v] of Array.isArray(h) ? h : Object.entries(h)) {
      const had = headers[k];
      headers[k] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
    }
    const req = httpRequest(url, { method: options.method ?? "GET", headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const headers: Array<[string, string]> = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) headers.push([res.rawHeaders[i].toLowerCase(), res.rawHeaders[i + 1]]);
        const body = Buffer.concat(chunks).toString("utf8");
        resolve({
          status: res.statusCode ?? 0, headers, body,
          json: () => JSON.parse(body),
          header: (name) => headers.find(([k]) => k === name.toLowerCase())?.[1],
        });
      });
    });
    req.setTimeout(options.timeoutMs ?? 10_000, () => req.destroy(new Error(`request to ${url} timed out`)));
    req.on("error", reject);
    if (options.body !== undefined) req.write(options.body);
    if (options.chunks) {
      // Separate writes with a pause between them, so the gateway sees separate body chunks.
      const chunks = [...options.chunks];
      const next = () => {
        const chunk = chunks.shift();
        if (chunk === undefined) return void req.end();
        req.write(chunk);
        setTimeout(next, options.chunkDelayMs ?? 40);
      };
      next();
    } else {
      req.end();
    }
  });
}
