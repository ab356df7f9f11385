// A verification profile fitted from a calibration: the per-check threshold and the honest top-1 disagreement a
// margin above the worst honest condition, the pooled test tuned against the closest substitute measured beside
// it (none when no substitute was served), and the honest floor kept for emulation. The same rules as the shipped
// `gpu` profile's fit (scripts/fit-gpu-profile.ts), so a calibrated profile and a shipped one mean the same thing.
import { DEFAULT_CONVICTION_RULE } from './conviction.ts';
import { top1DisagreementOf, type HonestCheck } from './honest-distribution.ts';
import { fitPooledStatistic, POOLED_CAP_SHARES } from './pooled-test.ts';
import type { PooledStatistic, VerificationProfile } from './verification-profile.ts';

/** How far above the worst honest check a check must be to fail alone (a few hundred checks bound the tail loosely). */
export const GROSS_MARGIN = 1.5;
/** No threshold below this: differences of TV under it are float noise in any engine, honest or not. */
export const LEAST_TV_THRESHOLD = 1e-6;
/** The pooled test's chance of ever convicting an honest host. */
export const POOLED_FALSE_CONVICTION = 1e-6;

export type CalibrationData = {
  /** per honest serving condition: its checks and every position's TV */
  honest: ReadonlyArray<{ checks: readonly HonestCheck[]; positionTvs: readonly number[] }>;
  /** the closest substitute's checks under the same traffic, when one was served */
  substitute: readonly HonestCheck[] | undefined;
  minPositions: number;
};

const mean = (v: readonly number[]) => (v.length === 0 ? 0 : v.reduce((a, b) => a + b, 0) / v.length);
const round = (x: number) => Number(x.toPrecision(4));
/** Rounded up: a log-MGF rounded down would let the e-value's expectation exceed 1. */
const roundUp = (x: number) => Number((Math.ceil(x * 1e4) / 1e4).toPrecision(4));

/** n + 1 evenly spaced quantiles (0, 1/n, …, 1) of the values, by the nearest index. */
export function evenQuantiles(values: readonly number[], n: number): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  return Array.from({ length: n + 1 }, (_, i) => sorted[Math.round((i / n) * (sorted.length - 1))] ?? 0);
}

function pooledStatistic(
  honest: readonly (readonly number[])[],
  substitute: readonly number[],
  grossLine: number,
): PooledStatistic {
  const { honestMean, cap, lambda, logMgf } = fitPooledStatistic(
    honest,
    substitute,
    POOLED_CAP_SHARES.map((share) => share * grossLine),
  );
  return { honestMean: round(honestMean), cap: round(cap), lambda: round(lambda), logMgf: roundUp(logMgf) };
}

export function fitCalibratedProfile(
  data: CalibrationData,
  about: { name: string; measuredAt: string; provenance: string },
): VerificationProfile {
  const tv = data.honest.map((c) => c.checks.map((k) => k.meanTv));
  const dlp = data.honest.map((c) => c.checks.map((k) => k.meanAbsLogprobDelta));
  const tvThreshold = Math.max(GROSS_MARGIN * Math.max(...tv.flat()), LEAST_TV_THRESHOLD);
  const dlpCap = Math.max(GROSS_MARGIN * Math.max(...dlp.flat()), LEAST_TV_THRESHOLD);
  const substitute = data.substitute;
  // The floor to emulate: every honest position, scaled to the worst condition's mean; answers vary around it by
  // their own mean over their condition's.
  const positions = data.honest.flatMap((c) => c.positionTvs);
  const worstMean = Math.max(...tv.map(mean));
  const factors = tv.flatMap((checks) => checks.map((x) => (mean(checks) === 0 ? 1 : x / mean(checks))));
  const positionsMean = mean(positions);
  return {
    ...about,
    minPositions: data.minPositions,
    perCheck: {
      meanTvThreshold: round(tvThreshold),
      honestTop1Disagreement: round(GROSS_MARGIN * Math.max(...data.honest.map((c) => top1DisagreementOf(c.checks)))),
      top1TailProbability: 1e-3,
    },
    conviction: DEFAULT_CONVICTION_RULE,
    pooled: substitute
      ? {
          meanTv: pooledStatistic(
            tv,
            substitute.map((k) => k.meanTv),
            tvThreshold,
          ),
          meanAbsLogprobDelta: pooledStatistic(
            dlp,
            substitute.map((k) => k.meanAbsLogprobDelta),
            dlpCap,
          ),
          falseConviction: POOLED_FALSE_CONVICTION,
        }
      : null,
    floor: {
      tvQuantiles: evenQuantiles(positions, 200).map((q) =>
        round(positionsMean === 0 ? q : (q * worstMean) / positionsMean),
      ),
      answerFactorQuantiles: evenQuantiles(factors, 100).map(round),
    },
  };
}
