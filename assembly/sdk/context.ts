// Contexts: one RootContext per plugin (root_id) and one HttpContext per HTTP stream. A plugin subclasses both
// and registers a factory for its root context; the exported ABI callbacks (exports.ts) dispatch to them.
import { HeadersAction, BodyAction, TrailersAction, BufferType, StreamType, Status } from "./enums";
import { getBuffer } from "./buffers";
import { continueStream, setEffectiveContext, sendLocalResponse } from "./stream";
import { HeaderPair } from "./pairs";

export class RootContext {
  /** Set when this root runs as a stage of a combined module (chain.ts): its own section of the configuration. */
  suppliedConfiguration: Uint8Array | null = null;

  constructor(public readonly contextId: u32, public readonly rootId: string) {}

  /** Once per VM, with the size of vm_config.configuration. */
  onVmStart(vmConfigSize: u32): bool { return true; }
  /** With the size of the plugin configuration; returning false makes Envoy refuse the plugin. */
  onConfigure(configSize: u32): bool { return true; }
  onTick(): void {}
  onHttpCallResponse(token: u32, numHeaders: u32, bodySize: u32, numTrailers: u32): void {}
  onQueueReady(queueId: u32): void {}
  onForeignFunction(functionId: u32, dataSize: u32): void {}
  onDone(): bool { return true; }
  onLog(): void {}
  onDelete(): void {}

  /** The context for a new HTTP stream; null leaves the stream alone. */
  newHttpContext(contextId: u32): HttpContext | null { return null; }

  /** The plugin configuration bytes (empty when none was given). */
  pluginConfiguration(size: u32): Uint8Array {
    const supplied = this.suppliedConfiguration;
    if (supplied !== null) return supplied;
    if (size == 0) return new Uint8Array(0);
    const bytes = getBuffer(BufferType.PluginConfiguration, 0, size);
    return bytes !== null ? bytes : new Uint8Array(0);
  }

  vmConfiguration(size: u32): Uint8Array {
    if (size == 0) return new Uint8Array(0);
    const bytes = getBuffer(BufferType.VmConfiguration, 0, size);
    return bytes !== null ? bytes : new Uint8Array(0);
  }
}

export class HttpContext {
  /** Set when this stream runs as a stage of a combined module's stream (chain.ts): resumes go through it. */
  chain: HttpContext | null = null;

  constructor(public readonly contextId: u32, public readonly root: RootContext) {}

  onRequestHeaders(numHeaders: u32, endOfStream: bool): HeadersAction { return HeadersAction.Continue; }
  onRequestBody(bodySize: u32, endOfStream: bool): BodyAction { return BodyAction.Continue; }
  onRequestTrailers(numTrailers: u32): TrailersAction { return TrailersAction.Continue; }
  onResponseHeaders(numHeaders: u32, endOfStream: bool): HeadersAction { return HeadersAction.Continue; }
  onResponseBody(bodySize: u32, endOfStream: bool): BodyAction { return BodyAction.Continue; }
  onResponseTrailers(numTrailers: u32): TrailersAction { return TrailersAction.Continue; }
  onDone(): bool { return true; }
  onLog(): void {}
  onDelete(): void {}

  /** Resumes a request held by an earlier Stop action, from any callback (a call-out response, a tick). */
  resumeRequest(): Status {
    const chain = this.chain;
    if (chain !== null) return chain.resumeStage(this);
    setEffectiveContext(this.contextId);
    return continueStream(StreamType.HttpRequest);
  }

  resumeResponse(): Status {
    setEffectiveContext(this.contextId);
    return continueStream(StreamType.HttpResponse);
  }

  /** A chain's answer to its stage `stage` resuming the request (see chain.ts); a plain stream has no stages. */
  resumeStage(stage: HttpContext): Status { return Status.Ok; }

  /** A local reply for this stream, also from outside its own callbacks. */
  respond(statusCode: u32, body: string, headers: HeaderPair[], details: string = ""): Status {
    setEffectiveContext(this.contextId);
    return sendLocalResponse(statusCode, details, Uint8Array.wrap(String.UTF8.encode(body)), headers);
  }
}

export type RootFactory = (contextId: u32, rootId: string) => RootContext;

class Registration {
  constructor(public readonly rootId: string, public readonly factory: RootFactory) {}
}

const registrations = new Array<Registration>();

/** Registers a plugin under its root_id; the first registration also answers an empty root_id. */
export function registerRootContext(rootId: string, factory: RootFactory): void {
  registrations.push(new Registration(rootId, factory));
}

/** The factory for a root_id: exact match, else the first registration when root_id is empty; null when unknown. */
export function findRootFactory(rootId: string): RootFactory | null {
  for (let i = 0; i < registrations.length; i++) {
    if (unchecked(registrations[i]).rootId == rootId) return unchecked(registrations[i]).factory;
  }
  if (rootId.length == 0 && registrations.length > 0) return unchecked(registrations[0]).factory;
  return null;
}

/** The registered root_ids, for the message that explains an unknown one. */
export function registeredRootIds(): string {
  const ids = new Array<string>();
  for (let i = 0; i < registrations.length; i++) ids.push(unchecked(registrations[i]).rootId);
  return ids.join(", ");
}
