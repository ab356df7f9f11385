import { describe, expect, it } from 'vitest';
import { probeDistance, probesPass } from './probe-distance.ts';

describe('probe distance', () => {
  it('is 0 for the same answer and for two empty ones, 1 for answers with nothing in common', () => {
    expect(probeDistance([1, 2, 3], [1, 2, 3])).toBe(0);
    expect(probeDistance([], [])).toBe(0);
    expect(probeDistance([1, 2], [3, 4, 5])).toBe(1);
    expect(probeDistance([], [7])).toBe(1);
  });

  it('counts an answer that parts from the reference late as close, and one that parts early as far', () => {
    const reference = [10, 11, 12, 13, 14, 15, 16, 17];
    expect(probeDistance(reference, [10, 11, 12, 13, 14, 15, 20, 21])).toBe(0.25);
    expect(probeDistance(reference, [10, 30, 31, 32, 33, 34, 35, 36])).toBe(0.875);
  });

  it('counts insertions and deletions, not only substitutions, and is symmetric', () => {
    expect(probeDistance([1, 2, 3, 4], [1, 3, 4])).toBe(0.25);
    expect(probeDistance([1, 3, 4], [1, 2, 3, 4])).toBe(0.25);
  });

  it('passes a host only when every probe is within the limit, and never on no probe at all', () => {
    expect(probesPass([0, 0.25], 0.25)).toBe(true);
    expect(probesPass([0, 0.26], 0.25)).toBe(false);
    expect(probesPass([], 0.25)).toBe(false);
  });
});
