// A request's bill by usage class: the classes add up to the totals, the bill is the sum of class × price to the
// nano-unit and never above the hold, and the capture moves exactly the bill in a balanced transaction.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { holdFor, type LockedPrice } from '../ledger/request-cost.ts';
import { ledgerAccount } from '../ledger/transaction.ts';
import { classPrices, MAX_CACHED_PROMPT_BPS, MAX_REASONING_BPS } from '../pricing/usage-class-prices.ts';
import { DEFAULT_REVENUE_SPLIT } from './nanos.ts';
import { planRequestCapture } from './request-capture-plan.ts';

const price = fc.bigInt({ min: 0n, max: 10n ** 9n });
const tokens = fc.nat(200_000);
const lockedPrice = fc
  .record({
    prompt: price,
    completion: price,
    cachedPromptBps: fc.integer({ min: 0, max: MAX_CACHED_PROMPT_BPS }),
    reasoningBps: fc.integer({ min: 0, max: MAX_REASONING_BPS }),
  })
  .map(({ prompt, completion, ...factors }): LockedPrice => {
    const p = classPrices({ prompt, completion }, factors);
    return {
      promptNanos: p.prompt,
      completionNanos: p.completion,
      cachedPromptNanos: p.cachedPrompt,
      reasoningNanos: p.reasoning,
    };
  });
// counts as the market gathers them: a cached prefix or reasoning count may exceed its total (a claim is never trusted)
const counted = fc.record({
  promptTokens: tokens,
  cachedTokens: tokens,
  completionTokens: tokens,
  reasoningTokens: tokens,
});

describe('request capture by usage class', () => {
  it('bills classes that add up to the totals, at the sum of class × price, in a balanced capture of exactly the bill', () => {
    fc.assert(
      fc.property(lockedPrice, counted, fc.nat(100_000), (locked, count, maxTokens) => {
        const plan = planRequestCapture({
          requestId: 'r',
          buyerAccountId: 'buyer',
          hostId: 'h',
          price: locked,
          counted: count,
          maxCompletionTokens: maxTokens,
          split: DEFAULT_REVENUE_SPLIT,
        });
        const u = plan.usage;
        expect(u.promptTokens).toBe(count.promptTokens);
        expect(u.completionTokens).toBe(Math.min(count.completionTokens, maxTokens));
        expect(u.cachedTokens).toBeLessThanOrEqual(u.promptTokens);
        expect(u.reasoningTokens).toBeLessThanOrEqual(u.completionTokens);
        expect(u.cachedTokens).toBe(Math.min(count.cachedTokens, u.promptTokens));
        expect(u.reasoningTokens).toBe(Math.min(count.reasoningTokens, u.completionTokens));
        const lines = [
          { tokens: u.promptTokens - u.cachedTokens, price: locked.promptNanos },
          { tokens: u.cachedTokens, price: locked.cachedPromptNanos },
          { tokens: u.completionTokens - u.reasoningTokens, price: locked.completionNanos },
          { tokens: u.reasoningTokens, price: locked.reasoningNanos },
        ];
        expect(lines.reduce((sum, l) => sum + l.tokens, 0)).toBe(u.promptTokens + u.completionTokens);
        expect(plan.cost).toBe(lines.reduce((sum, l) => sum + BigInt(l.tokens) * l.price, 0n));
        expect(plan.cost).toBeLessThanOrEqual(holdFor(locked, count.promptTokens, maxTokens));
        const entries = plan.transaction?.entries ?? [];
        expect(entries.reduce((sum, e) => sum + e.amount, 0n)).toBe(0n);
        const fromHolds = entries.filter((e) => e.account === ledgerAccount.holds('buyer'));
        expect(-fromHolds.reduce((sum, e) => sum + e.amount, 0n)).toBe(plan.cost);
        expect(plan.transaction === undefined).toBe(plan.cost === 0n);
      }),
    );
  });

  it('prices cache reads and reasoning from the demand price by the model factors, rounding down', () => {
    expect(classPrices({ prompt: 101n, completion: 200n }, { cachedPromptBps: 2_500, reasoningBps: 10_000 })).toEqual({
      prompt: 101n,
      completion: 200n,
      cachedPrompt: 25n,
      reasoning: 200n,
    });
  });

  it('bills nothing for a request no host served', () => {
    const plan = planRequestCapture({
      requestId: 'r',
      buyerAccountId: 'buyer',
      hostId: null,
      price: { promptNanos: 5n, completionNanos: 5n, cachedPromptNanos: 1n, reasoningNanos: 5n },
      counted: { promptTokens: 10, cachedTokens: 3, completionTokens: 4, reasoningTokens: 1 },
      maxCompletionTokens: 16,
      split: DEFAULT_REVENUE_SPLIT,
    });
    expect(plan).toEqual({
      usage: { promptTokens: 0, cachedTokens: 0, completionTokens: 0, reasoningTokens: 0 },
      cost: 0n,
      transaction: undefined,
    });
  });
});
