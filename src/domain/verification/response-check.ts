// What one sampled response shows once the reference engine has teacher-forced it, and the verdict on a pool of
// such responses from one host. A verdict needs enough positions (short answers are pooled until there are); it
// fails on a distance above the SKU's threshold, on a greedy answer that is not the reference's argmax, on sampled
// tokens the request's seed does not reproduce more often than an honest host's, or on a stop the reference finds
// implausible.
import type { LogprobVector, SeededSampling } from '../sampling/canonical-sampler.ts';
import { topKTotalVariation, type TokenLogprob } from './topk-distance.ts';
import { HONEST_MEAN_TV_THRESHOLD } from './thresholds.ts';
import {
  addSeedCounts,
  BUILTIN_SEED_AGREEMENT_RULE,
  NO_SEED_COUNTS,
  replaySampledToken,
  seedAgreement,
  seedCheckFails,
  type SeedAgreementRule,
  type SeedCounts,
  type TieMargins,
} from './seed-agreement.ts';

/** A position as the host reported it: the token it chose and its top-k at that step. */
export type ClaimedPosition = TokenLogprob & { top: TokenLogprob[] };
/** The reference's view of the same position: the claimed token's logprob, its own top-k, and the host's top-k ids. */
export type ReferencePosition = {
  claimed: TokenLogprob;
  top: TokenLogprob[];
  extra: ReadonlyMap<number, number>;
  /** every token's logprob by id (after the request's adjustments), where the seeded draw is replayed */
  all?: LogprobVector;
};

export type SampleFindings = {
  positions: number;
  /** positions at which the host reported its top-k, so the distance was measured (absent: every position) */
  tvPositions?: number;
  tvSum: number;
  maxTv: number;
  /** greedy (temperature 0) positions whose claimed token is not the reference's argmax beyond the margin */
  greedyMismatches: number;
  /** the host said the model stopped, and end-of-generation is not in the reference's top-k there */
  stopImplausible: boolean;
  /** sampled positions drawn again with the request's seed (absent: not a canonical sampler's seeded answer) */
  seed?: SeedCounts;
};

export const MIN_CHECK_POSITIONS = 48;
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
  /** the canonical sampler's settings, where the host drew with it at temperature > 0: each draw is replayed */
  seeded?: { draw: SeededSampling; margins: TieMargins };
};

export function examineSample(
  claimed: readonly ClaimedPosition[],
  reference: readonly ReferencePosition[],
  context: SampleContext,
): SampleFindings {
  let tvPositions = 0;
  let tvSum = 0;
  let maxTv = 0;
  let greedyMismatches = 0;
  const seed = context.seeded ? { ...NO_SEED_COUNTS } : undefined;
  claimed.forEach((position, i) => {
    const ref = reference[i];
    if (!ref) throw new Error(`VERIFY_REFERENCE_SHORT: no reference position ${i}`);
    // A host that reports token ids alone is judged by its draws (greedy argmax, seeded replay), not by distance.
    if (position.top.length > 0) {
      const tv = topKTotalVariation({ hostTop: position.top, referenceTop: ref.top, referenceLogprobOf: ref.extra });
      tvPositions++;
      tvSum += tv;
      maxTv = Math.max(maxTv, tv);
    }
    if (seed && context.seeded) {
      if (!ref.all) throw new Error(`VERIFY_REFERENCE_NO_DISTRIBUTION: position ${i} has no full distribution`);
      seed[replaySampledToken(ref.all, i, context.seeded.draw, position.id, context.seeded.margins)] += 1;
    }
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
  return {
    positions: claimed.length,
    tvPositions,
    tvSum,
    maxTv,
    greedyMismatches,
    stopImplausible,
    ...(seed ? { seed } : {}),
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
  greedyMismatches: number;
  implausibleStops: number;
  /** the pool's seeded draws: reproduced, mismatched and near-tie positions (absent: an embedding's verdict) */
  seed?: SeedCounts;
  /** why it failed, in words (empty when it passed) */
  reasons: string[];
};

/** The verdict on a pool of one host's responses for one SKU; undefined while the pool has too few positions. */
export function judgePool(
  pool: readonly SampleFindings[],
  threshold = HONEST_MEAN_TV_THRESHOLD,
  /** null: seeded draws are counted, not judged (no honest seed agreement measured for this profile) */
  seedRule: SeedAgreementRule | null = BUILTIN_SEED_AGREEMENT_RULE,
): CheckVerdict | undefined {
  const positions = pool.reduce((n, f) => n + f.positions, 0);
  if (positions < MIN_CHECK_POSITIONS) return undefined;
  const tvPositions = pool.reduce((n, f) => n + (f.tvPositions ?? f.positions), 0);
  const meanTv = tvPositions === 0 ? 0 : pool.reduce((s, f) => s + f.tvSum, 0) / tvPositions;
  const seed = pool.reduce((sum, f) => (f.seed ? addSeedCounts(sum, f.seed) : sum), NO_SEED_COUNTS);
  const greedyMismatches = pool.reduce((n, f) => n + f.greedyMismatches, 0);
  const implausibleStops = pool.filter((f) => f.stopImplausible).length;
  const reasons = [
    ...(meanTv > threshold
      ? [`mean top-k TV ${meanTv.toExponential(2)} is above the SKU's threshold ${threshold.toExponential(2)}`]
      : []),
    ...(greedyMismatches > 0 ? [`${greedyMismatches} greedy token(s) are not the reference's argmax`] : []),
    ...(seedRule && seedCheckFails(seed, seedRule)
      ? [
          `${seed.mismatched} sampled token(s) are not what the request's seed draws from the reference (seed agreement ${seedAgreement(seed)?.toFixed(3)})`,
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
    greedyMismatches,
    implausibleStops,
    seed,
    reasons,
  };
}

/** The top-k the market asks of every host on every forwarded request (the verifier compares at this depth). */
export const VERIFY_TOP_K = 5;
