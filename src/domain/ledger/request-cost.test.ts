import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { holdFor, inputTokensWithin, maxTokensWithin } from './request-cost.ts';

describe('request cost', () => {
  it('maxTokensWithin is the largest max_tokens whose hold for n choices fits the budget', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 1_000n }),
        fc.bigInt({ min: 1n, max: 1_000n }),
        fc.bigInt({ min: 0n, max: 2_000n }),
        fc.nat(500),
        fc.bigInt({ min: 0n, max: 1_000_000n }),
        fc.integer({ min: 1, max: 8 }),
        (promptNanos, completionNanos, reasoningNanos, promptTokens, budget, n) => {
          const price = { promptNanos, completionNanos, cachedPromptNanos: promptNanos / 4n, reasoningNanos };
          const fits = maxTokensWithin(price, promptTokens, budget, n);
          if (holdFor(price, promptTokens, 0) > budget) expect(fits).toBe(0n);
          else {
            expect(holdFor(price, promptTokens, n * Number(fits))).toBeLessThanOrEqual(budget);
            expect(holdFor(price, promptTokens, n * (Number(fits) + 1))).toBeGreaterThan(budget);
          }
        },
      ),
    );
  });

  it('inputTokensWithin is the most embedding input tokens (no completion) whose hold fits the budget', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 1_000n }),
        fc.bigInt({ min: 0n, max: 1_000_000n }),
        (promptNanos, budget) => {
          const price = { promptNanos, completionNanos: 7n, cachedPromptNanos: 0n, reasoningNanos: 7n };
          const fits = Number(inputTokensWithin(price, budget));
          expect(holdFor(price, fits, 0)).toBeLessThanOrEqual(budget);
          expect(holdFor(price, fits + 1, 0)).toBeGreaterThan(budget);
        },
      ),
    );
    const free = { promptNanos: 0n, completionNanos: 1n, cachedPromptNanos: 0n, reasoningNanos: 0n };
    expect(inputTokensWithin(free, 0n)).toBe(BigInt(Number.MAX_SAFE_INTEGER));
  });

  it('puts no bound on max_tokens when completion tokens are free', () => {
    const free = { promptNanos: 1n, completionNanos: 0n, cachedPromptNanos: 0n, reasoningNanos: 0n };
    expect(maxTokensWithin(free, 10, 10n, 1)).toBe(BigInt(Number.MAX_SAFE_INTEGER));
  });

  it('holds each completion token at the reasoning price when reasoning is dearer', () => {
    const price = { promptNanos: 1n, completionNanos: 2n, cachedPromptNanos: 0n, reasoningNanos: 5n };
    expect(holdFor(price, 10, 4)).toBe(10n + 4n * 5n);
  });
});
