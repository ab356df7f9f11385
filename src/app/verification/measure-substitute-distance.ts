// Measures how far a host's model is from the reference: the host generates with top-k logprobs, the reference
// teacher-forces the host's own tokens and the distance is averaged over every generated position. This is the
// check the verifier runs on sampled traffic, and the experiment that sets the per-SKU threshold.
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

export async function measureSubstituteDistance(
  host: HostUnderTest,
  reference: ReferenceScorer,
  prompts: readonly (readonly number[])[],
  options: { maxTokens: number; topK: number },
): Promise<DistanceReport> {
  const tvs: number[] = [];
  const deltas: number[] = [];
  let agree = 0;
  for (const promptIds of prompts) {
    const generated = await host.generate(promptIds, options.maxTokens, options.topK);
    const scored = await reference.score(
      promptIds,
      generated.map((g) => g.id),
      options.topK,
      generated.map((g) => g.top.map((t) => t.id)),
    );
    scored.forEach((ref, i) => {
      const claim = generated[i] as GeneratedPosition;
      tvs.push(topKTotalVariation({ hostTop: claim.top, referenceTop: ref.top, referenceLogprobOf: ref.extra }));
      deltas.push(Math.abs(claim.logprob - ref.claimed.logprob));
      if (claim.top[0]?.id === ref.top[0]?.id) agree++;
    });
  }
  return {
    positions: tvs.length,
    meanTv: meanOf(tvs),
    maxTv: Math.max(0, ...tvs),
    top1Agreement: tvs.length ? agree / tvs.length : 0,
    meanAbsClaimedLogprobDelta: meanOf(deltas),
  };
}
