// Logging through the host (Envoy prints these as "wasm log <plugin> <vm>: message").
import { proxy_log, proxy_get_log_level } from "./imports";
import { LogLevel } from "./enums";
import { RET_EXTRA, valueScratch } from "./memory";

export function log(level: LogLevel, message: string): void {
  const ptr = valueScratch.write(message);
  proxy_log(level, ptr, valueScratch.length);
}

export function logTrace(message: string): void { log(LogLevel.Trace, message); }
export function logDebug(message: string): void { log(LogLevel.Debug, message); }
export function logInfo(message: string): void { log(LogLevel.Info, message); }
export function logWarn(message: string): void { log(LogLevel.Warn, message); }
export function logError(message: string): void { log(LogLevel.Error, message); }
export function logCritical(message: string): void { log(LogLevel.Critical, message); }

/** The host's current level, so hot paths can skip building messages nobody will see. */
export function logLevel(): LogLevel {
  store<u32>(RET_EXTRA, 0);
  proxy_get_log_level(RET_EXTRA);
  return <LogLevel>load<u32>(RET_EXTRA);
}
