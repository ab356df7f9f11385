// Makes a CPU engine look like the hardware a profile was measured on (`--floor-profile`): every host's next-token
// distribution — honest and substituted alike — is perturbed before the token is chosen, so far that its top-k TV
// to the unperturbed distribution is a distance drawn from the profile's honest floor. The reference is not
// perturbed, so an honest host then lies from it as an honest GPU host lies from a GPU reference, and a substitute
// lies that far from its own distribution, on top of what it already changed.
import type { Prng } from '../tiny-model/prng.ts';
import type { Distribution } from '../sampling/token-sampler.ts';
import { topKTotalVariation, type TokenLogprob } from './topk-distance.ts';
import type { HonestFloor } from './verification-profile.ts';

/** The value at quantile u ∈ [0, 1] of evenly spaced quantiles, interpolated. */
export function quantileAt(quantiles: readonly number[], u: number): number {
  const at = u * (quantiles.length - 1);
  const low = Math.floor(at);
  const a = quantiles[low] ?? 0;
  const b = quantiles[Math.min(low + 1, quantiles.length - 1)] ?? a;
  return a + (b - a) * (at - low);
}

/** A standard normal draw (Box–Muller). */
function gaussian(prng: Prng): number {
  const u = 1 - prng.nextUnit();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * prng.nextUnit());
}

const topOf = (distribution: Distribution, k: number): TokenLogprob[] =>
  distribution.slice(0, k).map(([id, p]) => ({ id, logprob: Math.log(p) }));

/** The distribution with every logit moved by scale·direction, renormalized, highest first. */
function shifted(distribution: Distribution, direction: readonly number[], scale: number): Array<[number, number]> {
  const logits = distribution.map(([, p], i) => Math.log(p) + scale * (direction[i] ?? 0));
  const top = Math.max(...logits);
  const weights = logits.map((l) => Math.exp(l - top));
  const total = weights.reduce((a, b) => a + b, 0);
  return distribution.map(([id], i): [number, number] => [id, (weights[i] ?? 0) / total]).sort((x, y) => y[1] - x[1]);
}

/**
 * `distribution` (full, highest first) moved along a random direction until its top-k TV to the original is
 * `target` (bisection on the step; TV grows with it). A target beyond reach gives the farthest tried.
 */
export function perturbToDistance(distribution: Distribution, target: number, topK: number, prng: Prng): Distribution {
  if (target <= 0 || distribution.length < 2) return distribution;
  const direction = distribution.map(() => gaussian(prng));
  const original = new Map(distribution.map(([id, p]) => [id, Math.log(p)]));
  const referenceTop = topOf(distribution, topK);
  const distanceAt = (scale: number) => {
    const moved = shifted(distribution, direction, scale);
    const hostTop = topOf(moved, topK);
    return {
      moved,
      tv: topKTotalVariation({
        hostTop,
        referenceTop,
        referenceLogprobOf: new Map(hostTop.map((t) => [t.id, original.get(t.id) ?? -Infinity])),
      }),
    };
  };
  let high = 1e-3;
  while (distanceAt(high).tv < target && high < 64) high *= 2;
  let low = 0;
  for (let i = 0; i < 30; i++) {
    const mid = (low + high) / 2;
    if (distanceAt(mid).tv < target) low = mid;
    else high = mid;
  }
  return distanceAt(high).moved;
}

/**
 * The perturbation of one answer: one factor for the whole answer (some prompts sit on flatter distributions than
 * others), then each position's target distance from the floor's quantiles times that factor.
 */
export function answerPerturbation(
  floor: HonestFloor,
  topK: number,
  prng: Prng,
): (distribution: Distribution) => Distribution {
  const factor = quantileAt(floor.answerFactorQuantiles, prng.nextUnit());
  return (distribution) =>
    perturbToDistance(distribution, factor * quantileAt(floor.tvQuantiles, prng.nextUnit()), topK, prng);
}

/**
 * An engine's floor: each answer's perturbation seeded by the request's seed and the engine's own salt (two honest
 * hosts answering the same request draw different noise, as two GPUs would).
 */
export function engineFloor(
  floor: HonestFloor,
  topK: number,
  salt: number,
  prngOf: (seed: number) => Prng,
): (seed: number) => (distribution: Distribution) => Distribution {
  return (seed) => answerPerturbation(floor, topK, prngOf((seed ^ Math.imul(salt, 0x9e3779b1)) >>> 0));
}
