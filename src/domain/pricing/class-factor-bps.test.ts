import { describe, expect, it } from 'vitest';
import { classFactorBps } from './usage-class-prices.ts';

describe('the factor that prices a usage class', () => {
  it('is the price over the base in basis points, rounded down, and infinite for a price on a free base', () => {
    expect(classFactorBps(50n, 100n)).toBe(5_000);
    expect(classFactorBps(1n, 3n)).toBe(3_333);
    expect(classFactorBps(0n, 0n)).toBe(0);
    expect(classFactorBps(1n, 0n)).toBe(Infinity);
  });
});
