// Latencies kept as counts in fixed buckets: samples from many gateway instances and many minutes merge by adding
// counts, so a percentile over a day is exact to the bucket, not an average of per-minute percentiles.

/** upper bounds (ms) of every bucket but the last, which holds everything slower */
export const LATENCY_BOUNDS_MS = [10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000] as const;

export type LatencyHistogram = readonly number[];

export const emptyHistogram = (): number[] => new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0);

export function bucketOf(ms: number): number {
  const index = LATENCY_BOUNDS_MS.findIndex((bound) => ms <= bound);
  return index === -1 ? LATENCY_BOUNDS_MS.length : index;
}

export function mergeHistograms(histograms: readonly LatencyHistogram[]): number[] {
  const merged = emptyHistogram();
  for (const histogram of histograms) histogram.forEach((count, i) => (merged[i] = (merged[i] ?? 0) + count));
  return merged;
}

/**
 * The upper bound of the bucket holding the q-th quantile (0 < q ≤ 1): "p95 ≤ 250 ms". Null without samples;
 * Infinity when it lies beyond the last bound.
 */
export function percentileOf(histogram: LatencyHistogram, q: number): number | null {
  const total = histogram.reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const rank = Math.ceil(q * total);
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i] ?? 0;
    if (seen >= rank) return LATENCY_BOUNDS_MS[i] ?? Infinity;
  }
  return Infinity;
}
