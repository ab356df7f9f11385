import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPrng } from '../tiny-model/prng.ts';
import { answerPerturbation, perturbToDistance, quantileAt } from './floor-emulation.ts';
import { topKTotalVariation } from './topk-distance.ts';

/** A full distribution over 64 tokens, highest first, from random logits. */
const distributionOf = (seed: number, sharpness: number): Array<[number, number]> => {
  const prng = createPrng(seed);
  const logits = Array.from({ length: 64 }, () => sharpness * prng.nextUnit() * 4);
  const top = Math.max(...logits);
  const weights = logits.map((l) => Math.exp(l - top));
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w, id): [number, number] => [id, w / total]).sort((a, b) => b[1] - a[1]);
};
const top5 = (d: ReadonlyArray<readonly [number, number]>) =>
  d.slice(0, 5).map(([id, p]) => ({ id, logprob: Math.log(p) }));

describe('the emulated hardware floor', () => {
  it('moves a distribution to the drawn top-5 TV from where it was, or just past it where the top-5 reorders', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.double({ min: 0.5, max: 4, noNaN: true }),
        fc.double({ min: 1e-4, max: 0.05, noNaN: true }),
        (seed, sharpness, target) => {
          const original = distributionOf(seed, sharpness);
          const moved = perturbToDistance(original, target, 5, createPrng(seed + 1));
          const byId = new Map(original.map(([id, p]) => [id, Math.log(p)]));
          const tv = topKTotalVariation({
            hostTop: top5(moved),
            referenceTop: top5(original),
            referenceLogprobOf: new Map(top5(moved).map((t) => [t.id, byId.get(t.id) ?? -Infinity])),
          });
          // TV jumps where two tokens trade places in the top-5: the step then stops just past the jump. Where
          // the top-5 kept its order, TV is continuous in the step and the bisection lands on the target.
          expect(tv).toBeGreaterThanOrEqual(target * (1 - 1e-6));
          const sameOrder = top5(moved).every((t, i) => t.id === original[i]?.[0]);
          if (sameOrder) expect(tv).toBeLessThanOrEqual(target * 1.02);
          expect(moved.reduce((s, [, p]) => s + p, 0)).toBeCloseTo(1, 9);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('leaves a distribution alone where the floor draws no distance', () => {
    const original = distributionOf(1, 1);
    expect(perturbToDistance(original, 0, 5, createPrng(2))).toBe(original);
    const none = answerPerturbation({ tvQuantiles: [0, 0], answerFactorQuantiles: [1, 1] }, 5, createPrng(3));
    expect(none(original)).toBe(original);
  });

  it('interpolates between evenly spaced quantiles', () => {
    expect(quantileAt([0, 1, 3], 0)).toBe(0);
    expect(quantileAt([0, 1, 3], 0.75)).toBeCloseTo(2, 12);
    expect(quantileAt([0, 1, 3], 1)).toBe(3);
  });
});
