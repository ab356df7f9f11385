// The pooled sequential test per host and SKU: subtle substitutes (8-bit weights, small noise) sit inside one check's
// honest spread on a GPU, but not inside the spread of many checks' mean. Each statistic runs a one-sided CUSUM of
// log e-values: a check adds λ·(min(x, cap) − honestMean) − logMgf, the score never goes below 0, and the host is
// convicted when a score reaches ln(statistics / α). Each factor has expectation ≤ 1 under the calibrated honest
// distribution, so from any check an honest host reaches the line with probability ≤ α / statistics per statistic
// (Ville's inequality) — the bound comes from the measured honest distribution's first two moments (Bennett), not
// from a normal approximation.
import type { PooledStatistic, PooledTest } from './verification-profile.ts';

/** One check's statistics, as the pooled test reads them. */
export type CheckStatistics = { meanTv: number; meanAbsLogprobDelta: number };
/** A host's pooled scores per SKU (log e-values, ≥ 0). */
export type PooledScores = CheckStatistics;
export const NO_POOLED_EVIDENCE: PooledScores = { meanTv: 0, meanAbsLogprobDelta: 0 };

const STATISTICS = ['meanTv', 'meanAbsLogprobDelta'] as const;
const statisticsOf = (test: PooledTest) => STATISTICS.filter((s) => test[s] !== null);

/** ln of one check's e-value for one statistic. */
export function logCheckFactor(statistic: PooledStatistic, x: number): number {
  return statistic.lambda * (Math.min(x, statistic.cap) - statistic.honestMean) - statistic.logMgf;
}

export function pooledThreshold(test: PooledTest): number {
  return Math.log(statisticsOf(test).length / test.falseConviction);
}

/** The host's pooled scores after one more check, and whether a score now crosses the line. */
export function afterPooledCheck(
  scores: PooledScores,
  check: CheckStatistics,
  test: PooledTest,
): { scores: PooledScores; convicted: boolean } {
  const step = (s: (typeof STATISTICS)[number]) => {
    const statistic = test[s];
    return statistic ? Math.max(0, scores[s] + logCheckFactor(statistic, check[s])) : 0;
  };
  const next = { meanTv: step('meanTv'), meanAbsLogprobDelta: step('meanAbsLogprobDelta') };
  const line = pooledThreshold(test);
  return { scores: next, convicted: statisticsOf(test).some((s) => next[s] >= line) };
}

/**
 * An upper bound on ln E[exp(λ·(min(x, cap) − mean))] for any distribution with E[x] ≤ mean and a second moment of
 * min(x, cap) about `mean` of at most `secondMoment` (Bennett's lemma: e^{λy} ≤ 1 + λy + y²·(e^{λb} − 1 − λb)/b²
 * for y ≤ b = cap − mean). It needs no more of the honest distribution than two moments, which a few dozen checks
 * estimate well; an empirical moment generating function at a large λ rests on the few largest checks measured.
 */
export function bennettLogMgf(lambda: number, cap: number, mean: number, secondMoment: number): number {
  const b = cap - mean;
  return Math.log1p((secondMoment * (Math.expm1(lambda * b) - lambda * b)) / (b * b));
}

/** Caps a fit tries, as shares of the gross-fraud line: a lower cap bounds the honest tail tighter, and clips the substitute's. */
export const POOLED_CAP_SHARES = [0.5, 0.6, 0.7, 0.8, 0.9, 1];

/**
 * Fits one statistic from measured checks: the honest mean and the second moment about it are the largest over the
 * honest conditions (each a list of per-check values: the spread between serving conditions is wider than any one
 * condition's sampling error), and the cap and λ maximize the expected score gain per check of the target
 * substitute's checks — the fastest conviction of the subtlest substitute the profile is meant to catch.
 */
export function fitPooledStatistic(
  honestConditions: readonly (readonly number[])[],
  substitute: readonly number[],
  caps: readonly number[],
): PooledStatistic & { driftPerCheck: number } {
  const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const honestMean = Math.max(...honestConditions.map(mean));
  let best: PooledStatistic & { driftPerCheck: number } = {
    honestMean,
    cap: caps[0] ?? honestMean,
    lambda: 0,
    logMgf: 0,
    driftPerCheck: 0,
  };
  for (const cap of caps.filter((c) => c > honestMean)) {
    const secondMoment = Math.max(
      ...honestConditions.map((c) => mean(c.map((x) => (Math.min(x, cap) - honestMean) ** 2))),
    );
    // λ on a log grid from 0.01/cap to 100/cap: the useful range whatever the statistic's scale.
    for (let i = 0; i <= 400; i++) {
      const lambda = (0.01 * 10 ** (i / 100)) / cap;
      const statistic = { honestMean, cap, lambda, logMgf: bennettLogMgf(lambda, cap, honestMean, secondMoment) };
      const driftPerCheck = mean(substitute.map((x) => logCheckFactor(statistic, x)));
      if (driftPerCheck > best.driftPerCheck) best = { ...statistic, driftPerCheck };
    }
  }
  return best;
}
