// Envoy provides no env.abort: the build routes AssemblyScript's abort here (--use abort=...), so the reason
// reaches Envoy's log before the VM traps, instead of the module failing to instantiate at all.
import { proxy_log } from "./imports";
import { LogLevel } from "./enums";

export function abortHandler(message: string | null, fileName: string | null, line: u32, column: u32): void {
  const text = "abort: " + (message !== null ? message : "(no message)") + " at " +
    (fileName !== null ? fileName : "?") + ":" + line.toString() + ":" + column.toString();
  const bytes = String.UTF8.encode(text);
  proxy_log(LogLevel.Critical, changetype<usize>(bytes), bytes.byteLength);
  unreachable();
}
