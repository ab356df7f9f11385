// The honest distribution a calibration measures: what an honest host's checks look like under real serving
// conditions, one figure per check (a pool of ≥ 48 positions, as the verifier judges them). Summaries keep the
// tail (p99, max) because thresholds are set from it, not from the mean.

/** One honest check's figures: the statistics the verifier judges a pool by. */
export type CheckStatistics = {
  positions: number;
  /** mean total variation over the top-k at each position */
  meanTv: number;
  /** share of positions whose top-1 differs from the reference's */
  top1Disagreement: number;
  /** mean |Δ logprob| of the claimed token, host against reference */
  meanAbsLogprobDelta: number;
};

export type Spread = { mean: number; p50: number; p99: number; max: number };

export type HonestDistribution = {
  checks: number;
  positions: number;
  meanTv: Spread;
  top1Disagreement: Spread;
  meanAbsLogprobDelta: Spread;
  /** disagreeing positions ÷ all positions: the pooled honest rate (a per-check mean would weigh short checks up) */
  pooledTop1Disagreement: number;
};

/** The q-quantile by the nearest-rank rule (no interpolation: every figure reported was observed). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

export function spreadOf(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.length === 0 ? 0 : sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return { mean, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: sorted.at(-1) ?? 0 };
}

export function summarizeHonestChecks(checks: readonly CheckStatistics[]): HonestDistribution {
  const positions = checks.reduce((n, c) => n + c.positions, 0);
  const disagreeing = checks.reduce((n, c) => n + c.top1Disagreement * c.positions, 0);
  return {
    checks: checks.length,
    positions,
    meanTv: spreadOf(checks.map((c) => c.meanTv)),
    top1Disagreement: spreadOf(checks.map((c) => c.top1Disagreement)),
    meanAbsLogprobDelta: spreadOf(checks.map((c) => c.meanAbsLogprobDelta)),
    pooledTop1Disagreement: positions === 0 ? 0 : disagreeing / positions,
  };
}
