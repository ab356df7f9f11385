// Automatic incident suggestions: a model whose recent traffic failed too often, or that had no host online for
// the whole recent window, and that no open incident names yet. The operator decides whether to open one.
import { sampleIsUp, type HealthRules, type TrafficSample } from './availability.ts';

export type IncidentSuggestion = { modelId: string; reason: 'error_rate' | 'no_hosts'; errorRate: number | null; sinceMs: number };

export function suggestIncidents(samples: readonly TrafficSample[], coveredModels: ReadonlySet<string>, rules: HealthRules, nowMs: number): IncidentSuggestion[] {
  const recent = samples.filter((s) => s.startedAtMs + s.spanMs > nowMs - rules.suggestionWindowMs);
  const byModel = new Map<string, TrafficSample[]>();
  for (const sample of recent) byModel.set(sample.modelId, [...(byModel.get(sample.modelId) ?? []), sample]);
  const suggestions: IncidentSuggestion[] = [];
  for (const [modelId, modelSamples] of byModel) {
    if (coveredModels.has(modelId)) continue;
    const sinceMs = Math.min(...modelSamples.filter((s) => !sampleIsUp(s, rules)).map((s) => s.startedAtMs));
    const requests = modelSamples.reduce((sum, s) => sum + s.requests, 0);
    const errors = modelSamples.reduce((sum, s) => sum + s.errors, 0);
    if (requests >= rules.minRequestsForErrorRate && errors / requests > rules.maxErrorRate) {
      suggestions.push({ modelId, reason: 'error_rate', errorRate: errors / requests, sinceMs: Number.isFinite(sinceMs) ? sinceMs : nowMs });
    } else if (modelSamples.every((s) => s.hostsOnline === 0)) {
      suggestions.push({ modelId, reason: 'no_hosts', errorRate: requests > 0 ? errors / requests : null, sinceMs });
    }
  }
  return suggestions.sort((a, b) => a.modelId.localeCompare(b.modelId));
}
