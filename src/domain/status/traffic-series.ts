// The market's traffic over time for the operator's charts: samples of every model and instance summed per bucket.
import type { TrafficSample } from './availability.ts';
import { mergeHistograms, percentileOf } from './latency-histogram.ts';

export type TrafficPoint = {
  startMs: number;
  requests: number;
  requestsPerSecond: number;
  /** null without requests */
  errorRate: number | null;
  latencyMs: { p50: number | null; p95: number | null };
  ttftMs: { p50: number | null; p95: number | null };
};

export function trafficSeries(samples: readonly TrafficSample[], bucketMs: number): TrafficPoint[] {
  const buckets = new Map<number, TrafficSample[]>();
  for (const sample of samples) {
    const startMs = Math.floor(sample.startedAtMs / bucketMs) * bucketMs;
    buckets.set(startMs, [...(buckets.get(startMs) ?? []), sample]);
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([startMs, inBucket]) => {
      const requests = inBucket.reduce((sum, s) => sum + s.requests, 0);
      const errors = inBucket.reduce((sum, s) => sum + s.errors, 0);
      const latency = mergeHistograms(inBucket.map((s) => s.latencyHistogram));
      const ttft = mergeHistograms(inBucket.map((s) => s.ttftHistogram));
      return {
        startMs,
        requests,
        requestsPerSecond: requests / (bucketMs / 1000),
        errorRate: requests === 0 ? null : errors / requests,
        latencyMs: { p50: percentileOf(latency, 0.5), p95: percentileOf(latency, 0.95) },
        ttftMs: { p50: percentileOf(ttft, 0.5), p95: percentileOf(ttft, 0.95) },
      };
    });
}
