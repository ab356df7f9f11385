// The reference's view of a position under the request's logit adjustments (logit_bias, penalties): the same
// transform the built-in engine applied before it sampled (domain/sampling/logit-adjustments.ts), so the top-k
// distance compares the host's claim with the distribution it was asked to sample from. Tokens outside the adjusted
// set keep their order, so the adjusted top-k lies within the reference's top (k + adjusted) and the adjusted tokens.
import { adjustedLogNormaliser } from '../sampling/logit-adjustments.ts';
import type { ReferencePosition } from './response-check.ts';
import type { TokenLogprob } from './topk-distance.ts';

/**
 * `position` must carry the reference's top (k + deltas.size) and, in `extra`, every adjusted token's logprob;
 * the result has the adjusted top-k, claimed token and extras.
 */
export function adjustReferencePosition(
  position: ReferencePosition,
  deltas: ReadonlyMap<number, number>,
  k: number,
): ReferencePosition {
  if (deltas.size === 0) return { ...position, top: position.top.slice(0, k) };
  const known = new Map<number, number>([[position.claimed.id, position.claimed.logprob]]);
  for (const t of position.top) known.set(t.id, t.logprob);
  for (const [id, logprob] of position.extra) known.set(id, logprob);
  const logprobOf = (id: number): number => {
    const logprob = known.get(id);
    if (logprob === undefined) throw new Error(`VERIFY_ADJUSTED_TOKEN_UNSCORED: token ${id} was not scored`);
    return logprob;
  };
  const logNorm = adjustedLogNormaliser(deltas, logprobOf);
  const adjusted = (id: number, logprob: number): TokenLogprob => ({
    id,
    logprob: logprob + (deltas.get(id) ?? 0) - logNorm,
  });
  const candidates = new Map(position.top.map((t) => [t.id, t.logprob]));
  for (const id of deltas.keys()) candidates.set(id, logprobOf(id));
  return {
    claimed: adjusted(position.claimed.id, position.claimed.logprob),
    top: [...candidates]
      .map(([id, logprob]) => adjusted(id, logprob))
      .sort((a, b) => b.logprob - a.logprob)
      .slice(0, k),
    extra: new Map([...position.extra].map(([id, logprob]) => [id, adjusted(id, logprob).logprob])),
  };
}
