// The pooled sequential test per host and SKU: subtle substitutes (8-bit weights, small noise) sit inside one check's
// honest spread on a GPU, but not inside the spread of many checks' mean. Each statistic runs a one-sided CUSUM of
// log e-values: a check adds λ·(min(x, cap) − honestMean) − logMgf, the score never goes below 0, and the host is
// convicted when a score reaches ln(statistics / α). Each factor has expectation ≤ 1 under the calibrated honest
// distribution, so from any check an honest host reaches the line with probability ≤ α / statistics per statistic
// (Ville's inequality) — the bound comes from the measured honest distribution, not from a normal approximation.
import type { PooledStatistic, PooledTest } from './verification-profile.ts';

/** One check's statistics, as the pooled test reads them. */
export type CheckStatistics = { meanTv: number; meanAbsLogprobDelta: number };
/** A host's pooled scores per SKU (log e-values, ≥ 0). */
export type PooledScores = CheckStatistics;
export const NO_POOLED_EVIDENCE: PooledScores = { meanTv: 0, meanAbsLogprobDelta: 0 };

const STATISTICS = ['meanTv', 'meanAbsLogprobDelta'] as const;

/** ln of one check's e-value for one statistic. */
export function logCheckFactor(statistic: PooledStatistic, x: number): number {
  return statistic.lambda * (Math.min(x, statistic.cap) - statistic.honestMean) - statistic.logMgf;
}

export function pooledThreshold(test: PooledTest): number {
  return Math.log(STATISTICS.length / test.falseConviction);
}

/** The host's pooled scores after one more check, and whether a score now crosses the line. */
export function afterPooledCheck(
  scores: PooledScores,
  check: CheckStatistics,
  test: PooledTest,
): { scores: PooledScores; convicted: boolean } {
  const next = {
    meanTv: Math.max(0, scores.meanTv + logCheckFactor(test.meanTv, check.meanTv)),
    meanAbsLogprobDelta: Math.max(
      0,
      scores.meanAbsLogprobDelta + logCheckFactor(test.meanAbsLogprobDelta, check.meanAbsLogprobDelta),
    ),
  };
  const line = pooledThreshold(test);
  return { scores: next, convicted: STATISTICS.some((s) => next[s] >= line) };
}

/** ln E[exp(λ·(min(x, cap) − mean))] over measured per-check values. */
export function empiricalLogMgf(values: readonly number[], lambda: number, cap: number, mean: number): number {
  const terms = values.map((x) => lambda * (Math.min(x, cap) - mean));
  const top = Math.max(...terms);
  return top + Math.log(terms.reduce((s, t) => s + Math.exp(t - top), 0) / terms.length);
}

/**
 * Fits one statistic from measured checks: the honest mean and log-MGF are the largest over the honest conditions
 * (each a list of per-check values), and λ maximizes the expected score gain per check of the target substitute's
 * checks — the fastest conviction of the subtlest substitute the profile is meant to catch. A few dozen measured
 * checks cannot show how heavy the honest tail is beyond them, and a large λ bets on exactly that tail: each
 * condition's log-MGF counts one more check at the cap, as if one honest check in n + 1 were as bad as any can count.
 */
export function fitPooledStatistic(
  honestConditions: readonly (readonly number[])[],
  substitute: readonly number[],
  cap: number,
): PooledStatistic & { driftPerCheck: number } {
  const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const honestMean = Math.max(...honestConditions.map(mean));
  let best: PooledStatistic & { driftPerCheck: number } = {
    honestMean,
    cap,
    lambda: 0,
    logMgf: 0,
    driftPerCheck: 0,
  };
  // λ on a log grid from 1/cap·0.01 to 1/cap·100: the useful range whatever the statistic's scale.
  for (let i = 0; i <= 400; i++) {
    const lambda = (0.01 * 10 ** (i / 100)) / cap;
    const logMgf = Math.max(0, ...honestConditions.map((c) => empiricalLogMgf([...c, cap], lambda, cap, honestMean)));
    const statistic = { honestMean, cap, lambda, logMgf };
    const driftPerCheck = mean(substitute.map((x) => logCheckFactor(statistic, x)));
    if (driftPerCheck > best.driftPerCheck) best = { ...statistic, driftPerCheck };
  }
  return best;
}
