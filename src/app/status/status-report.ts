// The public status report: per model its state now, hosts online, current price, success rate and time to first
// token over the last hour, uptime over 24 hours and 7 days; and the incidents of the last week. Every figure
// comes from the traffic samples the gateways wrote and the catalog they route with.
import { successRateOf, uptimeOf, type HealthRules } from '../../domain/status/availability.ts';
import { mergeHistograms, percentileOf } from '../../domain/status/latency-histogram.ts';
import { coveredModels, type Incident } from '../../domain/status/incidents.ts';
import { modelStateOf, type ModelState } from '../../domain/status/model-state.ts';
import type { ModelCapability } from '../../contracts/openai/model-capabilities.ts';
import type { Clock } from '../ports.ts';
import { recentIncidents } from './incident-log.ts';
import type { StatusStore } from './status-store.ts';

export type ModelStatus = {
  id: string;
  state: ModelState;
  hostsOnline: number;
  /** an embedding model bills its input only: no completion price */
  price: { promptNanos: bigint; completionNanos: bigint | null };
  /** over the last hour; null without requests */
  successRate: number | null;
  /** upper bounds of the buckets holding p50 and p95 over the last hour; null without requests; an embedding
   * model's answer is one body with no first token: null itself */
  ttftMs: { p50: number | null; p95: number | null } | null;
  uptime: { day: number | null; week: number | null };
};

export type StatusReport = { generatedAtMs: number; models: ModelStatus[]; incidents: Incident[] };

export type StatusReportDeps = {
  store: StatusStore;
  clock: Clock;
  rules: HealthRules;
  models(): Array<{
    id: string;
    hostsOnline: number;
    promptNanos: bigint;
    completionNanos: bigint;
    capabilities: readonly ModelCapability[];
  }>;
};

const HOUR_MS = 3_600_000;

export async function buildStatusReport(deps: StatusReportDeps): Promise<StatusReport> {
  const nowMs = deps.clock.nowMs();
  const [samples, incidents] = await Promise.all([
    deps.store.samplesSince(nowMs - 7 * 24 * HOUR_MS),
    recentIncidents(deps),
  ]);
  const covered = coveredModels(incidents);
  const models = deps.models().map((model): ModelStatus => {
    const week = samples.filter((s) => s.modelId === model.id);
    const day = week.filter((s) => s.startedAtMs >= nowMs - 24 * HOUR_MS);
    const hour = day.filter((s) => s.startedAtMs >= nowMs - HOUR_MS);
    const ttft = mergeHistograms(hour.map((s) => s.ttftHistogram));
    const chat = model.capabilities.includes('chat');
    return {
      id: model.id,
      state: modelStateOf({ hostsOnline: model.hostsOnline, incidentOpen: covered.has(model.id), hour }, deps.rules),
      hostsOnline: model.hostsOnline,
      price: { promptNanos: model.promptNanos, completionNanos: chat ? model.completionNanos : null },
      successRate: successRateOf(hour),
      ttftMs: chat ? { p50: percentileOf(ttft, 0.5), p95: percentileOf(ttft, 0.95) } : null,
      uptime: { day: uptimeOf(day, deps.rules), week: uptimeOf(week, deps.rules) },
    };
  });
  return { generatedAtMs: nowMs, models, incidents };
}
