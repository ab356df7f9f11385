// A host's format scorecard for one model: judged answers and format failures, the failure rate, and the rule that
// lowers the routing weight of a host failing clearly more often than its model's other hosts. Comparing with the
// model's median, not an absolute bar, keeps a model that is simply poor at tools from losing all its hosts.

export type FormatCounts = { answers: number; failures: number };

export type FormatRules = {
  /** how far above the model's median failure rate (0–1) a host's rate may be before its weight is lowered */
  margin: number;
  /** judged answers a host needs before its rate counts (for the median and for itself) */
  minAnswers: number;
  /** the weight factor (0–1) of a host over the margin: the share of its traffic it keeps */
  weight: number;
};

export const DEFAULT_FORMAT_RULES: FormatRules = { margin: 0.05, minAnswers: 20, weight: 0.1 };

export const failureRate = (counts: FormatCounts): number =>
  counts.answers === 0 ? 0 : counts.failures / counts.answers;

/** The middle value (the mean of the two middle ones for an even count); undefined for none. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Each host's routing-weight factor for one model: `rules.weight` for a host with at least `minAnswers` judged
 * answers whose failure rate exceeds the median of such hosts by more than `margin`, 1 for every other host.
 */
export function formatFactors(counts: ReadonlyMap<string, FormatCounts>, rules: FormatRules): Map<string, number> {
  const measured = [...counts].filter(([, c]) => c.answers >= rules.minAnswers);
  const middle = median(measured.map(([, c]) => failureRate(c)));
  const factors = new Map<string, number>([...counts.keys()].map((hostId) => [hostId, 1]));
  if (middle === undefined) return factors;
  for (const [hostId, c] of measured) if (failureRate(c) > middle + rules.margin) factors.set(hostId, rules.weight);
  return factors;
}

/** One model's stored scorecard of a host: judged answers, failures, and failures by kind. */
export type FormatScore = FormatCounts & { modelId: string; failuresByKind: Record<string, number> };

/** Stored counts (a row per model and outcome) as a scorecard per model, in model order. */
export function formatScores(
  rows: ReadonlyArray<{ modelId: string; outcome: string; answers: number }>,
): FormatScore[] {
  const byModel = new Map<string, FormatScore>();
  for (const row of rows) {
    const score = byModel.get(row.modelId) ?? { modelId: row.modelId, answers: 0, failures: 0, failuresByKind: {} };
    byModel.set(row.modelId, score);
    score.answers += row.answers;
    if (row.outcome === 'ok') continue;
    score.failures += row.answers;
    score.failuresByKind[row.outcome] = (score.failuresByKind[row.outcome] ?? 0) + row.answers;
  }
  return [...byModel.values()].sort((a, b) => a.modelId.localeCompare(b.modelId));
}
