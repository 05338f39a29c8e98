// A small gRPC upstream (HTTP/2, length-prefixed messages) that answers every unary call with "echo:<request>",
// initial metadata and trailers, and records what it received. grpcCall() is the client side the harness uses to
// reach it, so a plugin's gRPC call gets the same answer in the harness as through Envoy's "grpc" cluster.
import { createServer, connect, constants, Http2Server } from "node:http2";
import { AddressInfo } from "node:net";

export interface GrpcReceived { path: string; metadata: Record<string, string>; message: string }

export interface GrpcServer { port: number; received: GrpcReceived[]; close(): Promise<void> }

function frame(message: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(message.length, 1);
  return Buffer.concat([head, message]);
}

function unframe(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at + 5 <= data.length;) {
    const len = data.readUInt32BE(at + 1);
    out.push(data.subarray(at + 5, at + 5 + len));
    at += 5 + len;
  }
  return out;
}

export async function startGrpcServer(): Promise<GrpcServer> {
  const received: GrpcReceived[] = [];
  const server: Http2Server = createServer();
  server.on("stream", (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => {
      const message = unframe(Buffer.concat(chunks)).map((m) => m.toString("utf8")).join("");
      const metadata: Record<string, string> = {};
      for (const [k, v] of Object.entries(headers)) if (k.startsWith("x-")) metadata[k] = String(v);
      received.push({ path: String(headers[":path"]), metadata, message });
      stream.respond({ ":status": 200, "content-type": "application/grpc", "x-initial": "yes" }, { waitForTrailers: true });
      stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0", "x-trailing": "yes" }));
      stream.end(frame(Buffer.from(`echo:${message}`)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface GrpcAnswer { initialMetadata: Array<[string, string]>; messages: Buffer[]; trailingMetadata: Array<[string, string]>; status: number; statusMessage: string }

/** One unary call to the server, answered as Envoy's gRPC client would see it. */
export function grpcCall(port: number, service: string, method: string, metadata: Array<[string, string]>, message: Uint8Array): Promise<GrpcAnswer> {
  return new Promise((resolve, reject) => {
    const client = connect(`http://127.0.0.1:${port}`);
    client.on("error", reject);
    const headers: Record<string, string> = { ":method": "POST", ":path": `/${service}/${method}`, "content-type": "application/grpc", te: "trailers" };
    for (const [k, v] of metadata) headers[k] = v;
    const req = client.request(headers);
    let initial: Array<[string, string]> = [];
    let trailing: Array<[string, string]> = [];
    const chunks: Buffer[] = [];
    const pairs = (h: Record<string, unknown>) => Object.entries(h).filter(([k]) => !k.startsWith(":")).map(([k, v]) => [k, String(v)] as [string, string]);
    req.on("response", (h) => (initial = pairs(h)));
    req.on("trailers", (h) => (trailing = pairs(h)));
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      client.close();
      const status = Number(trailing.find(([k]) => k === "grpc-status")?.[1] ?? constants.NGHTTP2_INTERNAL_ERROR);
      resolve({ initialMetadata: initial, messages: unframe(Buffer.concat(chunks)), trailingMetadata: trailing, status, statusMessage: "" });
    });
    req.on("error", reject);
    req.end(frame(Buffer.from(message)));
  });
}
