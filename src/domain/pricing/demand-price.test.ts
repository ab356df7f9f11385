import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DEMAND_PRICING as RULES,
  PRICE_PRECISION,
  ceilingPrice,
  nextPrices,
  quotedPrice,
  stepBps,
  type PriceBounds,
  type TokenPrices,
} from './demand-price.ts';

const bounds: fc.Arbitrary<PriceBounds> = fc
  .record({ prompt: fc.bigInt({ min: 1n, max: 10_000n }), completion: fc.bigInt({ min: 1n, max: 10_000n }) })
  .chain((base) =>
    fc.record({
      base: fc.constant(base),
      floor: fc.record({
        prompt: fc.bigInt({ min: 1n, max: base.prompt }),
        completion: fc.bigInt({ min: 1n, max: base.completion }),
      }),
    }),
  );
const precise = (p: TokenPrices): TokenPrices<bigint> => ({
  prompt: p.prompt * PRICE_PRECISION,
  completion: p.completion * PRICE_PRECISION,
});

describe('the demand controller', () => {
  it('keeps every quoted price within [floor, ceiling] and moves it at most one bounded step per interval', () => {
    fc.assert(
      fc.property(
        bounds,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 200 }),
        (b, load) => {
          let price = precise(b.base);
          for (const utilization of load) {
            const next = nextPrices(price, utilization, b, RULES);
            for (const side of ['prompt', 'completion'] as const) {
              expect(quotedPrice(next[side])).toBeGreaterThanOrEqual(b.floor[side]);
              expect(quotedPrice(next[side])).toBeLessThanOrEqual(ceilingPrice(b.base[side], RULES.ceilingMultiple));
              const moved = next[side] > price[side] ? next[side] - price[side] : price[side] - next[side];
              expect(moved * 10_000n).toBeLessThanOrEqual(price[side] * BigInt(RULES.maxStepBps));
              if (utilization > RULES.band.high) expect(next[side]).toBeGreaterThanOrEqual(price[side]);
              else if (utilization < RULES.band.low) expect(next[side]).toBeLessThanOrEqual(price[side]);
              else expect(next[side]).toBe(price[side]);
            }
            price = next;
          }
        },
      ),
    );
  });

  it('moves a price of a few nano-units: full load raises a 3-nano price within three intervals, idling brings it back to the floor', () => {
    const b: PriceBounds = { base: { prompt: 3n, completion: 3n }, floor: { prompt: 2n, completion: 2n } };
    let price = precise(b.base);
    const quotes: bigint[] = [];
    for (let i = 0; i < 3; i += 1) {
      price = nextPrices(price, 1, b, RULES);
      quotes.push(quotedPrice(price.prompt));
    }
    expect(quotes.at(-1)).toBeGreaterThan(3n);
    for (let i = 0; i < 40; i += 1) price = nextPrices(price, 0, b, RULES);
    expect(quotedPrice(price.prompt)).toBe(2n);
  });

  it('steps in proportion to the distance outside the band, capped at the largest step', () => {
    expect(stepBps(0.5, RULES)).toBe(0);
    expect(stepBps(1, RULES)).toBe(RULES.maxStepBps);
    expect(stepBps(0.8, RULES)).toBe(RULES.maxStepBps / 2);
    expect(stepBps(0, RULES)).toBe(-RULES.maxStepBps);
    expect(stepBps(0.2, RULES)).toBe(-RULES.maxStepBps / 2);
  });
});
