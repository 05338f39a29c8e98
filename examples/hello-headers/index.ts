// A complete Waymark plugin: reads three request headers and adds one that summarises them.
// Built to build/examples/hello-headers.wasm; tested in tests/examples/ and used by the benchmark.
export * from "../../assembly/sdk/exports";
import { RootContext, HttpContext, HeadersAction, registerRootContext, requestHeaders } from "../../assembly/sdk";

class HelloStream extends HttpContext {
  onRequestHeaders(numHeaders: u32, endOfStream: bool): HeadersAction {
    const user = requestHeaders.get("x-user");
    const region = requestHeaders.get("x-region");
    const client = requestHeaders.get("x-client");
    requestHeaders.add("x-hello", (user !== null ? user : "anonymous") + "@" +
      (region !== null ? region : "nowhere") + " via " + (client !== null ? client : "unknown"));
    return HeadersAction.Continue;
  }
}

class HelloRoot extends RootContext {
  newHttpContext(contextId: u32): HttpContext | null {
    return new HelloStream(contextId, this);
  }
}

registerRootContext("hello-headers", (contextId: u32, rootId: string): RootContext => new HelloRoot(contextId, rootId));
