// A demo service for the compose runner: `node --import tsx mesh/service.ts <name> <port>` serves the echo upstream.
import { startEchoServer } from "../tests/support/echo-server.ts";

const [name, port] = process.argv.slice(2);
const server = await startEchoServer(name ?? "echo", Number(port ?? 8080));
console.log(`${server.name} listening on ${server.address}`);
