// Metrics. Envoy lists them in /stats under the name given here (it stores them internally as wasmcustom.<name>).
import { proxy_define_metric, proxy_increment_metric, proxy_record_metric, proxy_get_metric } from "./imports";
import { MetricType, Status } from "./enums";
import { RET_EXTRA } from "./memory";

/**
 * Metric ids by type and name, for this VM. Envoy hands out a new id, and keeps a new entry, for every definition
 * even of a name it knows; plugins define their metrics when a configuration arrives, so without this every live
 * update (ECDS, LDS) would grow the host's tables. The id stays valid for the VM's lifetime.
 */
const definedIds = new Map<string, u32>();

function defineMetric(metricType: MetricType, name: string): u32 {
  const key = (<i32>metricType).toString() + ":" + name;
  if (definedIds.has(key)) return definedIds.get(key);
  const n = String.UTF8.encode(name);
  store<u32>(RET_EXTRA, 0);
  if (proxy_define_metric(metricType, changetype<usize>(n), n.byteLength, RET_EXTRA) != Status.Ok) return u32.MAX_VALUE;
  const id = load<u32>(RET_EXTRA);
  definedIds.set(key, id);
  return id;
}

function readMetric(id: u32): u64 {
  store<u64>(RET_EXTRA, 0);
  if (proxy_get_metric(id, RET_EXTRA) != Status.Ok) return 0;
  return load<u64>(RET_EXTRA);
}

export class Counter {
  readonly id: u32;
  constructor(public readonly name: string) { this.id = defineMetric(MetricType.Counter, name); }
  increment(by: i64 = 1): void { proxy_increment_metric(this.id, by); }
  get(): u64 { return readMetric(this.id); }
}

export class Gauge {
  readonly id: u32;
  constructor(public readonly name: string) { this.id = defineMetric(MetricType.Gauge, name); }
  set(value: u64): void { proxy_record_metric(this.id, value); }
  add(delta: i64): void { proxy_increment_metric(this.id, delta); }
  get(): u64 { return readMetric(this.id); }
}

export class Histogram {
  readonly id: u32;
  constructor(public readonly name: string) { this.id = defineMetric(MetricType.Histogram, name); }
  record(value: u64): void { proxy_record_metric(this.id, value); }
}
