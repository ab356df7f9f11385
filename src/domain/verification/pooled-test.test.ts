import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPrng, type Prng } from '../tiny-model/prng.ts';
import { quantileAt } from './floor-emulation.ts';
import {
  afterPooledCheck,
  fitPooledStatistic,
  logCheckFactor,
  NO_POOLED_EVIDENCE,
  pooledThreshold,
  type PooledScores,
} from './pooled-test.ts';
import type { HonestFloor, PooledTest } from './verification-profile.ts';
import gpu from '../../main/verification-profiles/gpu.json' with { type: 'json' };

const floor = gpu.floor as HonestFloor;
const gpuTest = gpu.pooled as PooledTest;

/** One check's mean TV as the floor emulation draws it: an answer factor, then 48 positions from the floor. */
const floorCheck = (prng: Prng, shift = 1) => {
  const factor = quantileAt(floor.answerFactorQuantiles, prng.nextUnit());
  let sum = 0;
  for (let i = 0; i < 48; i++) sum += factor * quantileAt(floor.tvQuantiles, prng.nextUnit());
  return (shift * sum) / 48;
};

/** Checks until the pooled test convicts (or `limit`). */
const checksToConviction = (test: PooledTest, draw: () => number, limit: number) => {
  let scores: PooledScores = NO_POOLED_EVIDENCE;
  for (let n = 1; n <= limit; n++) {
    const step = afterPooledCheck(scores, { meanTv: draw(), meanAbsLogprobDelta: 0 }, test);
    if (step.convicted) return n;
    scores = step.scores;
  }
  return null;
};

describe('the pooled test', () => {
  it('never convicts an honest host drawn from the gpu floor, over 300 checks', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), (seed) => {
        const prng = createPrng(seed);
        expect(checksToConviction(gpuTest, () => floorCheck(prng), 300)).toBeNull();
      }),
      { numRuns: 40 },
    );
  });

  it('convicts a host at twice the honest floor (fp8 on an H200) within 30 checks', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), (seed) => {
        const prng = createPrng(seed);
        expect(checksToConviction(gpuTest, () => floorCheck(prng, 2), 30)).not.toBeNull();
      }),
      { numRuns: 40 },
    );
  });

  it('holds its false-conviction rate α for any honest distribution it was calibrated on', () => {
    // Calibrated as the gpu profile is (five serving conditions of 64 checks each), here from a random skewed honest
    // distribution; α loosened to 5 % so that breaking it would show in 2,000 hosts. The product of factors from the
    // first check never resets, so each host's chance to reach the line is what Ville's inequality bounds.
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.double({ min: 0.2, max: 0.6, noNaN: true }),
        (seed, spread) => {
          const prng = createPrng(seed);
          const normal = () => Math.sqrt(-2 * Math.log(1 - prng.nextUnit())) * Math.cos(2 * Math.PI * prng.nextUnit());
          const honest = () => 0.004 * Math.exp(spread * normal());
          const conditions = Array.from({ length: 5 }, () => Array.from({ length: 64 }, honest));
          const largest = Math.max(...conditions.flat());
          const { driftPerCheck: _, ...statistic } = fitPooledStatistic(
            conditions,
            conditions.flat().map((x) => 1.6 * x),
            [0.75, 1, 1.5].map((s) => s * largest),
          );
          const line = Math.log(1 / 0.05);
          let convicted = 0;
          for (let host = 0; host < 2000; host++) {
            let score = 0;
            for (let n = 0; n < 100 && score < line; n++) score += logCheckFactor(statistic, honest());
            if (score >= line) convicted++;
          }
          // At most ~100 of 2,000 expected at α = 5 %; 140 is four standard deviations above that.
          expect(convicted).toBeLessThanOrEqual(140);
        },
      ),
      { numRuns: 8 },
    );
  });

  it('convicts at ln(statistics / α): one statistic at ln(1/α)', () => {
    expect(pooledThreshold(gpuTest)).toBeCloseTo(Math.log(1 / gpuTest.falseConviction), 9);
    expect(pooledThreshold({ ...gpuTest, meanAbsLogprobDelta: gpuTest.meanTv })).toBeCloseTo(
      Math.log(2 / gpuTest.falseConviction),
      9,
    );
  });
});
