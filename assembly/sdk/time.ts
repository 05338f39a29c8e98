// Clock and ticks.
import { proxy_get_current_time_nanoseconds, proxy_set_tick_period_milliseconds } from "./imports";
import { Status } from "./enums";
import { RET_EXTRA } from "./memory";

/** Wall-clock time in nanoseconds since the Unix epoch, from the host. */
export function nowNanos(): u64 {
  store<u64>(RET_EXTRA, 0);
  proxy_get_current_time_nanoseconds(RET_EXTRA);
  return load<u64>(RET_EXTRA);
}

export function nowSeconds(): i64 {
  return <i64>(nowNanos() / 1_000_000_000);
}

let lastTickPeriod: u32 = 0;

/** Calls RootContext.onTick every `millis` (0 stops the ticks). */
export function setTickPeriod(millis: u32): Status {
  lastTickPeriod = millis;
  return <Status>proxy_set_tick_period_milliseconds(millis);
}

/** The period last asked of setTickPeriod (0: none or stopped): how a combined module learns its stages' wishes. */
export function lastTickPeriodAsked(): u32 {
  return lastTickPeriod;
}
