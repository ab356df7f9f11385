import { describe, expect, it } from 'vitest';
import { evenQuantiles, fitCalibratedProfile, GROSS_MARGIN, LEAST_TV_THRESHOLD } from './calibrated-profile.ts';
import type { HonestCheck } from './honest-distribution.ts';

const check = (meanTv: number, greedyMismatches = 0): HonestCheck => ({
  positions: 48,
  meanTv,
  meanAbsLogprobDelta: 3 * meanTv,
  greedyPositions: 48,
  greedyMismatches,
});
const about = { name: 'cpu', measuredAt: '2026-12-06', provenance: 'a test' };
const honest = [
  { checks: [check(1e-5), check(2e-5)], positionTvs: [0, 1e-5, 2e-5, 3e-5] },
  { checks: [check(3e-5, 1), check(1e-5)], positionTvs: [1e-5, 5e-5] },
];

describe('a profile fitted from a calibration', () => {
  it('sets the per-check threshold and the honest top-1 disagreement a margin above the worst honest condition', () => {
    const profile = fitCalibratedProfile({ honest, substitute: undefined, minPositions: 48 }, about);
    expect(profile.perCheck.meanTvThreshold).toBeCloseTo(GROSS_MARGIN * 3e-5, 12);
    expect(profile.perCheck.honestTop1Disagreement).toBeCloseTo(GROSS_MARGIN * (1 / 96), 4);
    expect(profile).toMatchObject({ ...about, minPositions: 48, pooled: null });
  });

  it('tunes the pooled test against the substitute served beside it: its checks gain, honest checks do not on average', () => {
    const substitute = [check(4e-5), check(4.4e-5), check(3.8e-5)];
    const profile = fitCalibratedProfile({ honest, substitute, minPositions: 48 }, about);
    const pooled = profile.pooled!;
    expect(pooled.meanTv.honestMean).toBeCloseTo(2e-5, 12);
    expect(pooled.meanTv.cap).toBeLessThanOrEqual(profile.perCheck.meanTvThreshold);
    expect(pooled.meanTv.lambda).toBeGreaterThan(0);
    expect(pooled.meanAbsLogprobDelta?.honestMean).toBeCloseTo(6e-5, 12);
    const gain = (x: number) =>
      pooled.meanTv.lambda * (Math.min(x, pooled.meanTv.cap) - pooled.meanTv.honestMean) - pooled.meanTv.logMgf;
    expect(gain(4e-5)).toBeGreaterThan(0);
    expect(gain(2e-5)).toBeLessThan(0);
  });

  it('keeps the honest floor for emulation, scaled to the worst condition, and never sets a zero threshold', () => {
    const profile = fitCalibratedProfile({ honest, substitute: undefined, minPositions: 48 }, about);
    expect(profile.floor?.tvQuantiles).toHaveLength(201);
    expect(profile.floor?.answerFactorQuantiles).toHaveLength(101);
    const exact = fitCalibratedProfile(
      { honest: [{ checks: [check(0)], positionTvs: [0, 0] }], substitute: undefined, minPositions: 48 },
      about,
    );
    expect(exact.perCheck.meanTvThreshold).toBe(LEAST_TV_THRESHOLD);
    expect(exact.floor?.tvQuantiles.every((q) => q === 0)).toBe(true);
    expect(exact.floor?.answerFactorQuantiles.every((q) => q === 1)).toBe(true);
    expect(evenQuantiles([3, 1, 2], 2)).toEqual([1, 2, 3]);
    expect(evenQuantiles([], 2)).toEqual([0, 0, 0]);
  });
});
