// What one sampled response shows once the reference engine has teacher-forced it, and the verdict on a pool of
// such responses from one host. A verdict needs the profile's positions (short answers are pooled until there are);
// it fails on a distance above the profile's per-check threshold, on more greedy tokens that are not the reference's
// argmax than an honest host's calibrated disagreement rate makes plausible, or on a stop the reference finds
// implausible. Subtler evidence accumulates across checks in the pooled test (pooled-test.ts).
import { topKTotalVariation, type TokenLogprob } from './topk-distance.ts';
import { CPU_PROFILE } from './thresholds.ts';
import type { VerificationProfile } from './verification-profile.ts';

/** A position as the host reported it: the token it chose and its top-k at that step. */
export type ClaimedPosition = TokenLogprob & { top: TokenLogprob[] };
/** The reference's view of the same position: the claimed token's logprob, its own top-k, and the host's top-k ids. */
export type ReferencePosition = { claimed: TokenLogprob; top: TokenLogprob[]; extra: ReadonlyMap<number, number> };

export type SampleFindings = {
  positions: number;
  tvSum: number;
  maxTv: number;
  /** the sum over positions of |host's logprob − reference's logprob| of the claimed token */
  absLogprobDeltaSum: number;
  /** positions sampled at temperature 0 (where the claimed token must be the argmax, up to near-ties) */
  greedyPositions: number;
  /** greedy (temperature 0) positions whose claimed token is not the reference's argmax beyond the margin */
  greedyMismatches: number;
  /** the host said the model stopped, and end-of-generation is not in the reference's top-k there */
  stopImplausible: boolean;
};

export const MIN_CHECK_POSITIONS = CPU_PROFILE.minPositions;
/** How far below the reference's best a greedy token's logprob may be: numerical noise, not a different choice. */
export const GREEDY_MARGIN_NATS = 1e-3;
/**
 * A sampled answer (temperature > 0) may stop on an end-of-generation token outside the top-k, but not on one the
 * reference gives less than this probability. An honest host draws such a stop with at most this probability per
 * position, so the floor is the false-failure rate per sampled position: at 1e-3 a few hundred sampled answers of
 * ~50 tokens failed an honest host now and then; at 1e-6 that takes ~20,000 of them. Truncation is still caught
 * strictly on greedy answers, where end-of-generation must be in the reference's top-k.
 */
export const SAMPLED_STOP_FLOOR = 1e-6;

export type SampleContext = {
  /** null when the request left it to the host's default (then no greedy check applies) */
  temperature: number | null;
  /** the host ended with `stop` on its own (not a stop sequence, not the length limit) */
  stoppedByModel: boolean;
  /** the reference's view after the last claimed token (its `claimed` is end-of-generation), when the host claims the model stopped */
  afterLast: ReferencePosition | undefined;
  isEndOfGeneration(id: number): boolean;
};

export function examineSample(
  claimed: readonly ClaimedPosition[],
  reference: readonly ReferencePosition[],
  context: SampleContext,
): SampleFindings {
  let tvSum = 0;
  let maxTv = 0;
  let absLogprobDeltaSum = 0;
  let greedyMismatches = 0;
  claimed.forEach((position, i) => {
    const ref = reference[i];
    if (!ref) throw new Error(`VERIFY_REFERENCE_SHORT: no reference position ${i}`);
    const tv = topKTotalVariation({ hostTop: position.top, referenceTop: ref.top, referenceLogprobOf: ref.extra });
    tvSum += tv;
    maxTv = Math.max(maxTv, tv);
    absLogprobDeltaSum += Math.abs(position.logprob - ref.claimed.logprob);
    const best = ref.top[0];
    if (
      context.temperature === 0 &&
      best &&
      best.id !== position.id &&
      best.logprob - ref.claimed.logprob > GREEDY_MARGIN_NATS
    )
      greedyMismatches++;
  });
  const stopImplausible = context.stoppedByModel && !stopPlausible(context);
  const greedyPositions = context.temperature === 0 ? claimed.length : 0;
  return {
    positions: claimed.length,
    tvSum,
    maxTv,
    absLogprobDeltaSum,
    greedyPositions,
    greedyMismatches,
    stopImplausible,
  };
}

function stopPlausible({ afterLast, temperature, isEndOfGeneration }: SampleContext): boolean {
  if (!afterLast) return false;
  if (afterLast.top.some((t) => isEndOfGeneration(t.id))) return true;
  return temperature !== 0 && afterLast.claimed.logprob >= Math.log(SAMPLED_STOP_FLOOR);
}

export type CheckVerdict = {
  passed: boolean;
  positions: number;
  meanTv: number;
  maxTv: number;
  /** the mean |Δ logprob| of the claimed token (0 for embeddings) */
  meanAbsLogprobDelta: number;
  greedyMismatches: number;
  implausibleStops: number;
  /** why it failed, in words (empty when it passed) */
  reasons: string[];
};

/** The verdict on a pool of one host's responses for one SKU; undefined while the pool has too few positions. */
export function judgePool(
  pool: readonly SampleFindings[],
  profile: VerificationProfile = CPU_PROFILE,
): CheckVerdict | undefined {
  const positions = pool.reduce((n, f) => n + f.positions, 0);
  if (positions < profile.minPositions) return undefined;
  const { meanTvThreshold, honestTop1Disagreement, top1TailProbability } = profile.perCheck;
  const meanTv = pool.reduce((s, f) => s + f.tvSum, 0) / positions;
  const greedyPositions = pool.reduce((n, f) => n + f.greedyPositions, 0);
  const greedyMismatches = pool.reduce((n, f) => n + f.greedyMismatches, 0);
  const implausibleStops = pool.filter((f) => f.stopImplausible).length;
  const disagreementChance = binomialTail(greedyPositions, honestTop1Disagreement, greedyMismatches);
  const reasons = [
    ...(meanTv > meanTvThreshold
      ? [`mean top-k TV ${meanTv.toExponential(2)} is above the SKU's threshold ${meanTvThreshold.toExponential(2)}`]
      : []),
    ...(disagreementChance < top1TailProbability
      ? [
          `${greedyMismatches} of ${greedyPositions} greedy token(s) are not the reference's argmax` +
            (honestTop1Disagreement > 0
              ? ` (an honest host disagrees at ${honestTop1Disagreement}: chance ${disagreementChance.toExponential(1)})`
              : ''),
        ]
      : []),
    ...(implausibleStops > 0
      ? [`${implausibleStops} claimed stop(s) where the reference finds end-of-generation implausible`]
      : []),
  ];
  return {
    passed: reasons.length === 0,
    positions,
    meanTv,
    maxTv: Math.max(0, ...pool.map((f) => f.maxTv)),
    meanAbsLogprobDelta: pool.reduce((s, f) => s + f.absLogprobDeltaSum, 0) / positions,
    greedyMismatches,
    implausibleStops,
    reasons,
  };
}

/** P(K ≥ k) for K ~ Binomial(n, p): how likely an honest host disagrees with the reference this often or more. */
export function binomialTail(n: number, p: number, k: number): number {
  if (k <= 0) return 1;
  if (k > n || p <= 0) return 0;
  if (p >= 1) return 1;
  // Sum the upper terms from j = k, each from the previous by the ratio (n − j)/(j + 1) · p/(1 − p), in logs.
  let logTerm = logChoose(n, k) + k * Math.log(p) + (n - k) * Math.log1p(-p);
  let sum = 0;
  for (let j = k; j <= n; j++) {
    sum += Math.exp(logTerm);
    logTerm += Math.log((n - j) / (j + 1)) + Math.log(p) - Math.log1p(-p);
  }
  return Math.min(1, sum);
}

function logChoose(n: number, k: number): number {
  let total = 0;
  for (let i = 1; i <= k; i++) total += Math.log((n - k + i) / i);
  return total;
}

/** The top-k the market asks of every host on every forwarded request (the verifier compares at this depth). */
export const VERIFY_TOP_K = 5;
