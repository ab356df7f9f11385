// The honest distribution a calibration measures: what an honest host's checks look like under real serving
// conditions, one record per check (a pool of ≥ 48 positions, as the verifier judges them). Summaries keep the
// tail (p99, max) because thresholds are set from it, not from the mean.

/** One honest check as the verifier would see it. */
export type HonestCheck = {
  positions: number;
  /** mean total variation over the top-k at each position */
  meanTv: number;
  /** mean |Δ logprob| of the claimed token, host against reference */
  meanAbsLogprobDelta: number;
  /** positions of greedy answers (temperature 0): only there must the claimed token be the reference's argmax */
  greedyPositions: number;
  /** greedy positions whose claimed token is not the reference's argmax beyond the margin */
  greedyMismatches: number;
};

export type Spread = { mean: number; p50: number; p99: number; max: number };

export type HonestDistribution = {
  checks: number;
  positions: number;
  meanTv: Spread;
  meanAbsLogprobDelta: Spread;
  /** greedy mismatches ÷ greedy positions, over all checks */
  top1Disagreement: number;
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

/** Greedy mismatches ÷ greedy positions of these checks (0 when none was greedy). */
export function top1DisagreementOf(checks: readonly HonestCheck[]): number {
  const greedy = checks.reduce((n, c) => n + c.greedyPositions, 0);
  return greedy === 0 ? 0 : checks.reduce((n, c) => n + c.greedyMismatches, 0) / greedy;
}

export function summarizeHonestChecks(checks: readonly HonestCheck[]): HonestDistribution {
  return {
    checks: checks.length,
    positions: checks.reduce((n, c) => n + c.positions, 0),
    meanTv: spreadOf(checks.map((c) => c.meanTv)),
    meanAbsLogprobDelta: spreadOf(checks.map((c) => c.meanAbsLogprobDelta)),
    top1Disagreement: top1DisagreementOf(checks),
  };
}
