// Counts every finished completion per model in memory and writes one traffic sample per model and span: the
// requests, the failures that were the market's fault, the hosts online at the end of the span, and latency
// histograms. Models without traffic still get a sample: their hosts online are what uptime is made of.
import { bucketOf, emptyHistogram } from '../../domain/status/latency-histogram.ts';
import type { TrafficSample } from '../../domain/status/availability.ts';
import type { Clock, CompletionObservation } from '../ports.ts';
import type { StatusStore } from './status-store.ts';

/** completion outcomes that count against a model's availability (a buyer closing its stream does not) */
const FAILED = new Set(['no_host_succeeded', 'host_failed_mid_stream']);
const UNCOUNTED = new Set(['client_closed']);

/** Samples are kept a day longer than the longest uptime window the status page shows (7 days). */
export const SAMPLE_RETENTION_MS = 8 * 24 * 3_600_000;

export type TrafficRecorderDeps = {
  store: StatusStore;
  clock: Clock;
  instanceId: string;
  /** the catalog's models and how many hosts each can route to now */
  models(): Array<{ id: string; hostsOnline: number }>;
};

export type TrafficRecorder = {
  observe(observation: CompletionObservation): void;
  /** writes the span since the last flush */
  flush(): Promise<void>;
};

type Tally = { requests: number; errors: number; ttft: number[]; latency: number[] };
const emptyTally = (): Tally => ({ requests: 0, errors: 0, ttft: emptyHistogram(), latency: emptyHistogram() });

export function createTrafficRecorder(deps: TrafficRecorderDeps): TrafficRecorder {
  let tallies = new Map<string, Tally>();
  let spanStartMs = deps.clock.nowMs();
  const tallyOf = (modelId: string): Tally => {
    const existing = tallies.get(modelId);
    if (existing) return existing;
    const created = emptyTally();
    tallies.set(modelId, created);
    return created;
  };
  return {
    observe({ modelId, status, upstream }) {
      if (UNCOUNTED.has(status)) return;
      const tally = tallyOf(modelId);
      tally.requests += 1;
      if (FAILED.has(status)) tally.errors += 1;
      if (!upstream || status !== 'ok') return;
      const ttftBucket = bucketOf(upstream.firstByteMs);
      const latencyBucket = bucketOf(upstream.totalMs);
      tally.ttft[ttftBucket] = (tally.ttft[ttftBucket] ?? 0) + 1;
      tally.latency[latencyBucket] = (tally.latency[latencyBucket] ?? 0) + 1;
    },
    async flush() {
      const nowMs = deps.clock.nowMs();
      const spanMs = nowMs - spanStartMs;
      if (spanMs <= 0) return;
      const taken = tallies;
      tallies = new Map();
      const startedAtMs = spanStartMs;
      spanStartMs = nowMs;
      const models = deps.models();
      const ids = new Set([...models.map((m) => m.id), ...taken.keys()]);
      const samples: TrafficSample[] = [...ids].map((modelId) => {
        const tally = taken.get(modelId) ?? emptyTally();
        return {
          modelId,
          startedAtMs,
          spanMs,
          requests: tally.requests,
          errors: tally.errors,
          hostsOnline: models.find((m) => m.id === modelId)?.hostsOnline ?? 0,
          ttftHistogram: tally.ttft,
          latencyHistogram: tally.latency,
        };
      });
      await deps.store.writeSamples(deps.instanceId, samples, nowMs - SAMPLE_RETENTION_MS);
    },
  };
}
