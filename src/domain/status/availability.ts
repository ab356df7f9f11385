// A model's health from traffic samples: each sample covers a span of time on one gateway instance and says how
// many requests it served, how many failed for the market's fault, and how many hosts were online.

export type TrafficSample = {
  modelId: string;
  startedAtMs: number;
  spanMs: number;
  requests: number;
  errors: number;
  hostsOnline: number;
  ttftHistogram: readonly number[];
  latencyHistogram: readonly number[];
};

export type HealthRules = {
  /** a span is down when more than this share of its requests failed */
  maxErrorRate: number;
  /** suggest an incident when a model's recent error rate crosses maxErrorRate over at least this many requests */
  minRequestsForErrorRate: number;
  /** how far back an error-rate suggestion looks */
  suggestionWindowMs: number;
  /** suggest an incident when a model has had no host online for this long */
  outageMs: number;
};

export const DEFAULT_HEALTH_RULES: HealthRules = {
  maxErrorRate: 0.05,
  minRequestsForErrorRate: 5,
  suggestionWindowMs: 5 * 60_000,
  outageMs: 60_000,
};

/** A span is up when some host was online and no more than the allowed share of its requests failed. */
export function sampleIsUp(sample: TrafficSample, rules: HealthRules): boolean {
  if (sample.hostsOnline === 0) return false;
  return sample.requests === 0 || sample.errors / sample.requests <= rules.maxErrorRate;
}

/** Share of the observed time the model was up; null when nothing was observed (the market was not running). */
export function uptimeOf(samples: readonly TrafficSample[], rules: HealthRules): number | null {
  const observed = samples.reduce((sum, s) => sum + s.spanMs, 0);
  if (observed === 0) return null;
  const up = samples.reduce((sum, s) => sum + (sampleIsUp(s, rules) ? s.spanMs : 0), 0);
  return up / observed;
}

/** Share of requests served without the market's fault; null without requests. */
export function successRateOf(samples: readonly TrafficSample[]): number | null {
  const requests = samples.reduce((sum, s) => sum + s.requests, 0);
  if (requests === 0) return null;
  return 1 - samples.reduce((sum, s) => sum + s.errors, 0) / requests;
}
