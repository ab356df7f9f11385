import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { choiceSeeds } from './choice-seeds.ts';

describe('the seeds of n choices', () => {
  it("gives choice 0 the request's seed, and every choice its own seed, the same for the same request", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 8 }), (seed, n) => {
        const seeds = choiceSeeds(seed, n);
        expect(seeds).toHaveLength(n);
        expect(seeds[0]).toBe(seed);
        expect(new Set(seeds).size).toBe(n);
        for (const s of seeds) expect(Number.isInteger(s) && s >= 0 && s < 2 ** 31).toBe(true);
        expect(choiceSeeds(seed, n)).toEqual(seeds);
      }),
    );
  });
});
