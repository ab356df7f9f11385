import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HEALTH_RULES, successRateOf, uptimeOf, type TrafficSample } from './availability.ts';
import { suggestIncidents } from './incident-suggestions.ts';
import { bucketOf, emptyHistogram, LATENCY_BOUNDS_MS, mergeHistograms, percentileOf } from './latency-histogram.ts';
import { headlineStateOf, minSuccessRate, MODEL_STATES, modelStateOf, type ModelHealth } from './model-state.ts';

const histogramOf = (values: readonly number[]): number[] => {
  const histogram = emptyHistogram();
  for (const ms of values) histogram[bucketOf(ms)] = (histogram[bucketOf(ms)] ?? 0) + 1;
  return histogram;
};
const boundOf = (ms: number): number => LATENCY_BOUNDS_MS[bucketOf(ms)] ?? Infinity;

const sample = (overrides: Partial<TrafficSample>): TrafficSample => ({
  modelId: 'm',
  startedAtMs: 0,
  spanMs: 1_000,
  requests: 0,
  errors: 0,
  hostsOnline: 1,
  ttftHistogram: emptyHistogram(),
  latencyHistogram: emptyHistogram(),
  ...overrides,
});

describe('latency histograms', () => {
  const latencies = fc.array(fc.integer({ min: 0, max: 60_000 }), { minLength: 1, maxLength: 200 });
  const quantile = fc.double({ min: 0.01, max: 1, noNaN: true });

  it('give the bucket bound of the true quantile', () => {
    fc.assert(
      fc.property(latencies, quantile, (values, q) => {
        const sorted = [...values].sort((a, b) => a - b);
        const truth = sorted[Math.ceil(q * sorted.length) - 1] as number;
        expect(percentileOf(histogramOf(values), q)).toBe(boundOf(truth));
      }),
    );
  });

  it('merge like the samples they came from were one', () => {
    fc.assert(
      fc.property(latencies, latencies, quantile, (a, b, q) => {
        expect(percentileOf(mergeHistograms([histogramOf(a), histogramOf(b)]), q)).toBe(
          percentileOf(histogramOf([...a, ...b]), q),
        );
      }),
    );
  });

  it('have no percentile without samples', () => {
    expect(percentileOf(emptyHistogram(), 0.5)).toBeNull();
  });
});

describe('uptime', () => {
  it('is the share of observed time with a host online and few enough failures', () => {
    const samples = [
      sample({ spanMs: 3_000 }),
      sample({ spanMs: 1_000, hostsOnline: 0 }),
      sample({ spanMs: 1_000, requests: 10, errors: 5 }),
      sample({ spanMs: 5_000, requests: 100, errors: 5 }),
    ];
    expect(uptimeOf(samples, DEFAULT_HEALTH_RULES)).toBe(0.8);
    expect(uptimeOf([], DEFAULT_HEALTH_RULES)).toBeNull();
  });
});

describe('incident suggestions', () => {
  const rules = { ...DEFAULT_HEALTH_RULES, outageMs: 3_000 };
  const now = 100_000;

  it('suggest a model failing too often, unless an open incident names it', () => {
    const failing = [sample({ startedAtMs: now - 2_000, requests: 20, errors: 3 })];
    expect(suggestIncidents(failing, new Set(), rules, now)).toEqual([
      { modelId: 'm', reason: 'error_rate', errorRate: 0.15, sinceMs: now - 2_000 },
    ]);
    expect(suggestIncidents(failing, new Set(['m']), rules, now)).toEqual([]);
    expect(
      suggestIncidents([sample({ startedAtMs: now - 2_000, requests: 4, errors: 4 })], new Set(), rules, now),
    ).toEqual([]);
  });

  it('suggest a model only once it has had no host online for the outage time', () => {
    const down = (count: number) =>
      Array.from({ length: count }, (_, i) => sample({ startedAtMs: now - (i + 1) * 1_000, hostsOnline: 0 }));
    const before = [sample({ startedAtMs: now - 10_000 })];
    expect(suggestIncidents([...before, ...down(2)], new Set(), rules, now)).toEqual([]);
    expect(suggestIncidents([...before, ...down(3)], new Set(), rules, now)).toEqual([
      { modelId: 'm', reason: 'no_hosts', errorRate: null, sinceMs: now - 3_000 },
    ]);
  });
});

describe('model states and the headline', () => {
  const rules = DEFAULT_HEALTH_RULES;
  const span = fc
    .record({
      requests: fc.integer({ min: 0, max: 200 }),
      failedShare: fc.double({ min: 0, max: 1, noNaN: true }),
      hostsOnline: fc.integer({ min: 0, max: 3 }),
    })
    .map(({ requests, failedShare, hostsOnline }) =>
      sample({ requests, errors: Math.floor(requests * failedShare), hostsOnline }),
    );
  const health: fc.Arbitrary<ModelHealth> = fc.record({
    hostsOnline: fc.integer({ min: 0, max: 3 }),
    incidentOpen: fc.boolean(),
    hour: fc.array(span, { maxLength: 12 }),
  });

  it('never call a model operational whose success rate over the hour is below the minimum', () => {
    fc.assert(
      fc.property(health, (model) => {
        const successRate = successRateOf(model.hour);
        if (modelStateOf(model, rules) === 'operational')
          expect(successRate === null || successRate >= minSuccessRate(rules)).toBe(true);
        if (model.hostsOnline > 0 && successRate !== null && successRate < minSuccessRate(rules))
          expect(modelStateOf(model, rules)).toBe('degraded');
      }),
    );
  });

  it('degrade a model at 76 % success even when its latest span was clean', () => {
    const hour = [sample({ requests: 21, errors: 6 }), sample({ requests: 4, errors: 0 })];
    expect(successRateOf(hour)).toBe(0.76);
    expect(modelStateOf({ hostsOnline: 1, incidentOpen: false, hour }, rules)).toBe('degraded');
    expect(
      modelStateOf({ hostsOnline: 1, incidentOpen: false, hour: [sample({ requests: 100, errors: 5 })] }, rules),
    ).toBe('operational');
  });

  it('headline the worst model: operational only when every model is', () => {
    fc.assert(
      fc.property(fc.array(health, { maxLength: 6 }), (models) => {
        const states = models.map((m) => modelStateOf(m, rules));
        const headline = headlineStateOf(states);
        expect(headline === 'operational').toBe(states.every((s) => s === 'operational'));
        expect(headline === 'down').toBe(states.includes('down'));
        expect(states.every((s) => MODEL_STATES.indexOf(s) <= MODEL_STATES.indexOf(headline))).toBe(true);
      }),
    );
  });
});
