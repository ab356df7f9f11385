// Measures how far a host's model is from the reference: the host generates with top-k logprobs, the reference
// teacher-forces the host's own tokens and the distance is averaged over every generated position. This is the
// check the verifier runs on sampled traffic, and the experiment that sets the per-SKU threshold.
import { GREEDY_MARGIN_NATS } from '../../domain/verification/response-check.ts';
import { meanOf, topKTotalVariation, type TokenLogprob } from '../../domain/verification/topk-distance.ts';

export type GeneratedPosition = TokenLogprob & { top: TokenLogprob[] };

export type HostUnderTest = {
  generate(promptIds: readonly number[], maxTokens: number, topK: number): Promise<GeneratedPosition[]>;
};

export type ReferenceScorer = {
  score(
    promptIds: readonly number[],
    claimedIds: readonly number[],
    topK: number,
    extra: readonly (readonly number[])[],
  ): Promise<Array<{ claimed: TokenLogprob; top: TokenLogprob[]; extra: Map<number, number> }>>;
};

export type DistanceReport = {
  positions: number;
  meanTv: number;
  maxTv: number;
  top1Agreement: number;
  meanAbsClaimedLogprobDelta: number;
};

/**
 * One generated position against the reference: top-k TV, whether the host's top-1 is the reference's, |Δ logprob|
 * of the claimed token, and whether the claimed token is a greedy mismatch by the verifier's rule (not the
 * reference's argmax beyond the margin; meaningful for greedy answers only).
 */
export type PositionFigures = { tv: number; top1Agrees: boolean; absLogprobDelta: number; greedyMismatch: boolean };

/** Teacher-forces one answer on the reference and returns every position's figures. */
export async function scoreAnswer(
  reference: ReferenceScorer,
  promptIds: readonly number[],
  generated: readonly GeneratedPosition[],
  topK: number,
): Promise<PositionFigures[]> {
  if (generated.length === 0) return [];
  const scored = await reference.score(
    promptIds,
    generated.map((g) => g.id),
    topK,
    generated.map((g) => g.top.map((t) => t.id)),
  );
  return scored.map((ref, i) => {
    const claim = generated[i] as GeneratedPosition;
    const best = ref.top[0];
    return {
      tv: topKTotalVariation({ hostTop: claim.top, referenceTop: ref.top, referenceLogprobOf: ref.extra }),
      top1Agrees: claim.top[0]?.id === best?.id,
      absLogprobDelta: Math.abs(claim.logprob - ref.claimed.logprob),
      greedyMismatch:
        best !== undefined && best.id !== claim.id && best.logprob - ref.claimed.logprob > GREEDY_MARGIN_NATS,
    };
  });
}

export async function measureSubstituteDistance(
  host: HostUnderTest,
  reference: ReferenceScorer,
  prompts: readonly (readonly number[])[],
  options: { maxTokens: number; topK: number },
): Promise<DistanceReport> {
  const figures: PositionFigures[] = [];
  for (const promptIds of prompts) {
    const generated = await host.generate(promptIds, options.maxTokens, options.topK);
    figures.push(...(await scoreAnswer(reference, promptIds, generated, options.topK)));
  }
  const tvs = figures.map((f) => f.tv);
  return {
    positions: figures.length,
    meanTv: meanOf(tvs),
    maxTv: Math.max(0, ...tvs),
    top1Agreement: figures.length ? figures.filter((f) => f.top1Agrees).length / figures.length : 0,
    meanAbsClaimedLogprobDelta: meanOf(figures.map((f) => f.absLogprobDelta)),
  };
}
