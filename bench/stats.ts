/** Percentiles of a list of durations in milliseconds. */
export function percentiles(samplesMs: number[]): { p50: number; p95: number; p99: number; max: number; n: number } {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (fraction: number) => sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? NaN;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN, n: sorted.length };
}

/** "p50 1.23 ms · p95 2.34 ms · p99 3.45 ms · max 9.87 ms (n=1000)". */
export function formatPercentiles(label: string, samplesMs: number[]): string {
  const { p50, p95, p99, max, n } = percentiles(samplesMs);
  const ms = (value: number) => `${value.toFixed(2)} ms`;
  return `${label.padEnd(44)} p50 ${ms(p50)} · p95 ${ms(p95)} · p99 ${ms(p99)} · max ${ms(max)} (n=${n})`;
}
