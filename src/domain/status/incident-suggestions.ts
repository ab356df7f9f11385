// Automatic incident suggestions: a model whose recent traffic failed too often, or whose latest samples have had
// no host online for long enough, and that no open incident names yet. The operator decides whether to open one.
import { sampleIsUp, type HealthRules, type TrafficSample } from './availability.ts';

export type IncidentSuggestion = {
  modelId: string;
  reason: 'error_rate' | 'no_hosts';
  errorRate: number | null;
  sinceMs: number;
};

/** How far back the samples a suggestion reads go. */
export const suggestionLookBackMs = (rules: HealthRules): number => Math.max(rules.suggestionWindowMs, rules.outageMs);

/** Since when the model has had no host online, if its latest samples cover at least `outageMs` without one. */
function outageSince(samples: readonly TrafficSample[], outageMs: number): number | undefined {
  let downMs = 0;
  let sinceMs: number | undefined;
  for (const sample of [...samples].sort((a, b) => b.startedAtMs - a.startedAtMs)) {
    if (sample.hostsOnline > 0) break;
    downMs += sample.spanMs;
    sinceMs = sample.startedAtMs;
  }
  return downMs >= outageMs ? sinceMs : undefined;
}

export function suggestIncidents(
  samples: readonly TrafficSample[],
  coveredModels: ReadonlySet<string>,
  rules: HealthRules,
  nowMs: number,
): IncidentSuggestion[] {
  const recent = samples.filter((s) => s.startedAtMs + s.spanMs > nowMs - suggestionLookBackMs(rules));
  const byModel = new Map<string, TrafficSample[]>();
  for (const sample of recent) byModel.set(sample.modelId, [...(byModel.get(sample.modelId) ?? []), sample]);
  const suggestions: IncidentSuggestion[] = [];
  for (const [modelId, modelSamples] of byModel) {
    if (coveredModels.has(modelId)) continue;
    const window = modelSamples.filter((s) => s.startedAtMs + s.spanMs > nowMs - rules.suggestionWindowMs);
    const sinceMs = Math.min(...window.filter((s) => !sampleIsUp(s, rules)).map((s) => s.startedAtMs));
    const requests = window.reduce((sum, s) => sum + s.requests, 0);
    const errors = window.reduce((sum, s) => sum + s.errors, 0);
    if (requests >= rules.minRequestsForErrorRate && errors / requests > rules.maxErrorRate) {
      suggestions.push({
        modelId,
        reason: 'error_rate',
        errorRate: errors / requests,
        sinceMs: Number.isFinite(sinceMs) ? sinceMs : nowMs,
      });
      continue;
    }
    const downSinceMs = outageSince(modelSamples, rules.outageMs);
    if (downSinceMs !== undefined)
      suggestions.push({
        modelId,
        reason: 'no_hosts',
        errorRate: requests > 0 ? errors / requests : null,
        sinceMs: downSinceMs,
      });
  }
  return suggestions.sort((a, b) => a.modelId.localeCompare(b.modelId));
}
