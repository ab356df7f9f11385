import { describe, expect, it } from 'vitest';
import {
  quantile,
  spreadOf,
  summarizeHonestChecks,
  top1DisagreementOf,
  type HonestCheck,
} from './honest-distribution.ts';

const check = (meanTv: number, greedyPositions = 48, greedyMismatches = 0): HonestCheck => ({
  positions: 48,
  meanTv,
  meanAbsLogprobDelta: meanTv * 2,
  greedyPositions,
  greedyMismatches,
});

describe('the honest distribution a calibration reports', () => {
  it('reports observed values only: nearest-rank quantiles, the tail kept', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(values, 0.5)).toBe(50);
    expect(quantile(values, 0.99)).toBe(99);
    expect(quantile(values, 1)).toBe(100);
    expect(quantile(values, 0)).toBe(1);
    expect(quantile([], 0.5)).toBe(0);
    expect(spreadOf([3, 1, 2])).toEqual({ mean: 2, p50: 2, p99: 3, max: 3 });
    expect(spreadOf([])).toEqual({ mean: 0, p50: 0, p99: 0, max: 0 });
  });

  it('pools the top-1 disagreement over greedy positions only (sampled checks do not dilute it)', () => {
    const checks = [check(1e-5, 48, 1), check(2e-5, 0, 0), check(3e-5, 48, 0)];
    expect(top1DisagreementOf(checks)).toBe(1 / 96);
    expect(top1DisagreementOf([check(1e-5, 0, 0)])).toBe(0);
    const summary = summarizeHonestChecks(checks);
    expect(summary).toMatchObject({ checks: 3, positions: 144, top1Disagreement: 1 / 96 });
    expect(summary.meanTv.max).toBe(3e-5);
    expect(summary.meanAbsLogprobDelta.max).toBe(6e-5);
  });
});
