import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DEMAND_PRICING as RULES,
  PRICE_PRECISION,
  ceilingPrice,
  nextPrices,
  quotedPrice,
  type TokenPrices,
} from './demand-price.ts';
import { admissionPrice, askFloor, isPricedOut, servesAt, type Ask } from './host-asks.ts';

const base: TokenPrices = { prompt: 100n, completion: 200n };
const floor: TokenPrices = { prompt: 50n, completion: 100n };
const ceiling: TokenPrices = {
  prompt: ceilingPrice(base.prompt, RULES.ceilingMultiple),
  completion: ceilingPrice(base.completion, RULES.ceilingMultiple),
};

/** Asks within the ceiling (any below, at or above the base), or none (an engine that takes the market price). */
const ask: fc.Arbitrary<Ask> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(null) },
  {
    weight: 6,
    arbitrary: fc.record({
      prompt: fc.bigInt({ min: 1n, max: ceiling.prompt }),
      completion: fc.bigInt({ min: 1n, max: ceiling.completion }),
    }),
  },
);

/** One repricing interval: its utilization, and which hosts are online (and, of those, able to take a request). */
const interval = (hosts: number) =>
  fc.record({
    utilization: fc.oneof(fc.constant(0), fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })),
    online: fc.array(fc.boolean(), { minLength: hosts, maxLength: hosts }),
    available: fc.array(fc.boolean(), { minLength: hosts, maxLength: hosts }),
    promptTokens: fc.integer({ min: 1, max: 4_000 }),
    completionTokens: fc.integer({ min: 1, max: 4_000 }),
  });

const quoted = (p: TokenPrices<bigint>): TokenPrices => ({
  prompt: quotedPrice(p.prompt),
  completion: quotedPrice(p.completion),
});

describe('price liveness: the demand controller with the routing filter', () => {
  it('never refuses a request for price while a host within the ceiling is online and able to take it, over any load and idle', () => {
    const market = fc
      .array(ask, { minLength: 1, maxLength: 6 })
      .chain((asks) => fc.tuple(fc.constant(asks), fc.array(interval(asks.length), { minLength: 1, maxLength: 300 })));
    fc.assert(
      fc.property(market, ([asks, intervals]) => {
        let precise: TokenPrices<bigint> = {
          prompt: base.prompt * PRICE_PRECISION,
          completion: base.completion * PRICE_PRECISION,
        };
        for (const step of intervals) {
          const online = asks.filter((_, i) => step.online[i]);
          const effectiveFloor = askFloor(floor, online, ceiling);
          precise = nextPrices(precise, step.utilization, { base, floor: effectiveFloor }, RULES);
          const price = quoted(precise);
          // Rule 1: the market price never falls below what the cheapest online host asks.
          expect(price.prompt).toBeGreaterThanOrEqual(effectiveFloor.prompt);
          expect(price.completion).toBeGreaterThanOrEqual(effectiveFloor.completion);
          // Rule 2: a request with at least one host able to take it gets a price one of them serves at.
          const candidates = asks.filter((_, i) => step.online[i] && step.available[i]);
          const locked = admissionPrice(price, candidates, ceiling, step);
          if (candidates.length === 0) {
            expect(locked).toBeUndefined();
            continue;
          }
          expect(locked).toBeDefined();
          const at = locked as TokenPrices;
          expect(candidates.some((a) => servesAt(a, at))).toBe(true);
          // …never below the market price, never above the ceiling, and lifted only when no candidate serves at the market price.
          expect(at.prompt >= price.prompt && at.completion >= price.completion).toBe(true);
          expect(at.prompt <= ceiling.prompt && at.completion <= ceiling.completion).toBe(true);
          if (candidates.some((a) => servesAt(a, price))) expect(at).toEqual(price);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('locks the price of the host that makes the request cheapest for its worst case', () => {
    fc.assert(
      fc.property(
        fc.array(ask, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 4_000 }),
        fc.integer({ min: 1, max: 4_000 }),
        (asks, promptTokens, completionTokens) => {
          const market = { prompt: 60n, completion: 120n };
          const locked = admissionPrice(market, asks, ceiling, { promptTokens, completionTokens }) as TokenPrices;
          const cost = (p: TokenPrices) => p.prompt * BigInt(promptTokens) + p.completion * BigInt(completionTokens);
          for (const a of asks) {
            const lifted =
              a === null
                ? market
                : {
                    prompt: a.prompt > market.prompt ? a.prompt : market.prompt,
                    completion: a.completion > market.completion ? a.completion : market.completion,
                  };
            expect(cost(locked)).toBeLessThanOrEqual(cost(lifted));
          }
        },
      ),
    );
  });

  it('keeps the operator floor when a host takes the market price, and prices out hosts above the ceiling', () => {
    expect(askFloor(floor, [{ prompt: 90n, completion: 300n }, null], ceiling)).toEqual(floor);
    expect(
      askFloor(
        floor,
        [
          { prompt: 90n, completion: 300n },
          { prompt: 120n, completion: 150n },
        ],
        ceiling,
      ),
    ).toEqual({ prompt: 90n, completion: 150n });
    const greedy = { prompt: ceiling.prompt + 1n, completion: 1n };
    expect(isPricedOut(greedy, ceiling)).toBe(true);
    expect(askFloor(floor, [greedy], ceiling)).toEqual(floor);
    expect(admissionPrice(floor, [greedy], ceiling, { promptTokens: 1, completionTokens: 1 })).toBeUndefined();
  });

  it('recovers a market that idled below its hosts’ asks: the demo market case', () => {
    // Two built-in hosts asking the base price, an hour of no traffic: the price stays at their ask and serves.
    const hostAsk = base;
    let precise: TokenPrices<bigint> = {
      prompt: base.prompt * PRICE_PRECISION,
      completion: base.completion * PRICE_PRECISION,
    };
    for (let minute = 0; minute < 60; minute += 1)
      precise = nextPrices(precise, 0, { base, floor: askFloor(floor, [hostAsk, hostAsk], ceiling) }, RULES);
    expect(quoted(precise)).toEqual(hostAsk);
    expect(admissionPrice(quoted(precise), [hostAsk], ceiling, { promptTokens: 10, completionTokens: 128 })).toEqual(
      hostAsk,
    );
  });
});
