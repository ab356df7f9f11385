// A request's bill by usage class: the classes add up to the totals, the bill is the sum of class × price to the
// nano-unit (the prompt once, every choice's completion) and never above the hold, and the capture moves exactly
// the bill in a balanced transaction.
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
// counts as the market gathers them: a cached prefix or reasoning count may exceed its total (a claim is never
// trusted), and a host may send more choices than were asked for
const choice = fc.record({ completionTokens: tokens, reasoningTokens: tokens });
const counted = fc.record({ promptTokens: tokens, cachedTokens: tokens, choices: fc.array(choice, { maxLength: 10 }) });
const choiceCount = fc.integer({ min: 1, max: 8 });

describe('request capture by usage class', () => {
  it('bills classes that add up to the totals, at the sum of class × price, in a balanced capture of exactly the bill', () => {
    fc.assert(
      fc.property(lockedPrice, counted, fc.nat(100_000), choiceCount, (locked, count, maxTokens, n) => {
        const plan = planRequestCapture({
          requestId: 'r',
          buyerAccountId: 'buyer',
          hostId: 'h',
          price: locked,
          counted: count,
          maxCompletionTokens: maxTokens,
          choiceCount: n,
          split: DEFAULT_REVENUE_SPLIT,
        });
        const u = plan.usage;
        // the prompt once; each choice asked for cut to max_tokens, its reasoning within it; extra choices unpaid
        const billedChoices = count.choices.slice(0, n).map((c) => {
          const completion = Math.min(c.completionTokens, maxTokens);
          return { completion, reasoning: Math.min(c.reasoningTokens, completion) };
        });
        expect(u.promptTokens).toBe(count.promptTokens);
        expect(u.completionTokens).toBe(billedChoices.reduce((sum, c) => sum + c.completion, 0));
        expect(u.reasoningTokens).toBe(billedChoices.reduce((sum, c) => sum + c.reasoning, 0));
        expect(u.cachedTokens).toBeLessThanOrEqual(u.promptTokens);
        expect(u.reasoningTokens).toBeLessThanOrEqual(u.completionTokens);
        expect(u.cachedTokens).toBe(Math.min(count.cachedTokens, u.promptTokens));
        const lines = [
          { tokens: u.promptTokens - u.cachedTokens, price: locked.promptNanos },
          { tokens: u.cachedTokens, price: locked.cachedPromptNanos },
          { tokens: u.completionTokens - u.reasoningTokens, price: locked.completionNanos },
          { tokens: u.reasoningTokens, price: locked.reasoningNanos },
        ];
        expect(lines.reduce((sum, l) => sum + l.tokens, 0)).toBe(u.promptTokens + u.completionTokens);
        expect(plan.cost).toBe(lines.reduce((sum, l) => sum + BigInt(l.tokens) * l.price, 0n));
        // the same bill choice by choice: the prompt classes once, plus Σ each choice's classes × price
        const promptBill =
          BigInt(u.promptTokens - u.cachedTokens) * locked.promptNanos +
          BigInt(u.cachedTokens) * locked.cachedPromptNanos;
        const choiceBills = billedChoices.map(
          (c) =>
            BigInt(c.completion - c.reasoning) * locked.completionNanos + BigInt(c.reasoning) * locked.reasoningNanos,
        );
        expect(plan.cost).toBe(choiceBills.reduce((sum, b) => sum + b, promptBill));
        expect(plan.cost).toBeLessThanOrEqual(holdFor(locked, count.promptTokens, n * maxTokens));
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

  it('bills n choices as the prompt once and each completion at the completion price, to the nano-unit', () => {
    const plan = planRequestCapture({
      requestId: 'r',
      buyerAccountId: 'buyer',
      hostId: 'h',
      price: { promptNanos: 7n, completionNanos: 11n, cachedPromptNanos: 1n, reasoningNanos: 11n },
      counted: {
        promptTokens: 20,
        cachedTokens: 0,
        choices: [
          { completionTokens: 5, reasoningTokens: 0 },
          { completionTokens: 9, reasoningTokens: 0 },
          { completionTokens: 40, reasoningTokens: 0 },
        ],
      },
      maxCompletionTokens: 16,
      choiceCount: 3,
      split: DEFAULT_REVENUE_SPLIT,
    });
    expect(plan.usage).toEqual({ promptTokens: 20, cachedTokens: 0, completionTokens: 5 + 9 + 16, reasoningTokens: 0 });
    expect(plan.cost).toBe(20n * 7n + (5n + 9n + 16n) * 11n);
  });

  it('bills nothing for a request no host served', () => {
    const plan = planRequestCapture({
      requestId: 'r',
      buyerAccountId: 'buyer',
      hostId: null,
      price: { promptNanos: 5n, completionNanos: 5n, cachedPromptNanos: 1n, reasoningNanos: 5n },
      counted: { promptTokens: 10, cachedTokens: 3, choices: [{ completionTokens: 4, reasoningTokens: 1 }] },
      maxCompletionTokens: 16,
      choiceCount: 1,
      split: DEFAULT_REVENUE_SPLIT,
    });
    expect(plan).toEqual({
      usage: { promptTokens: 0, cachedTokens: 0, completionTokens: 0, reasoningTokens: 0 },
      cost: 0n,
      transaction: undefined,
    });
  });
});
