// Shared timing for benchmarks: warm up, then time enough iterations to take a measurable while.
export interface BenchRow { name: string; ns: number; baselineNs?: number; note?: string }

/** Nanoseconds per call of `fn`, the median of 5 timed batches of `iterations` after a warm-up batch. */
export function timePerOp(fn: () => void, iterations: number): number {
  for (let i = 0; i < Math.min(iterations, 10_000); i++) fn();
  const samples: number[] = [];
  for (let s = 0; s < 5; s++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) fn();
    samples.push(Number(process.hrtime.bigint() - start) / iterations);
  }
  samples.sort((a, b) => a - b);
  return samples[2];
}
