// What a request may cost before it runs (the hold) and what it costs after (the capture), at prices locked at
// admission. The bill is the sum over usage classes of tokens × price: uncached and cached prompt tokens, plain and
// reasoning completion tokens. The capture never exceeds the hold: completion tokens are capped at the tokens held
// for, a cached prompt token never costs more than a prompt token, and each held completion token is held at the
// dearer of the completion and reasoning prices.
import type { Nanos } from '../money/nanos.ts';

export type LockedPrice = {
  promptNanos: Nanos;
  completionNanos: Nanos;
  cachedPromptNanos: Nanos;
  reasoningNanos: Nanos;
};

/** A request's tokens by usage class: cached tokens are part of the prompt, reasoning tokens part of the completion. */
export type UsageClasses = {
  promptTokens: number;
  cachedTokens: number;
  completionTokens: number;
  reasoningTokens: number;
};

/** The price a held completion token may end up billed at: it may turn out to be a reasoning token. */
const heldCompletionNanos = (price: LockedPrice): Nanos =>
  price.reasoningNanos > price.completionNanos ? price.reasoningNanos : price.completionNanos;

export function holdFor(price: LockedPrice, promptTokens: number, maxCompletionTokens: number): Nanos {
  return BigInt(promptTokens) * price.promptNanos + BigInt(maxCompletionTokens) * heldCompletionNanos(price);
}

/** What is billed of the counted usage: the completion cut to max_tokens, each class within its total. */
export function billedUsage(counted: UsageClasses, maxCompletionTokens: number): UsageClasses {
  const completionTokens = Math.min(counted.completionTokens, maxCompletionTokens);
  return {
    promptTokens: counted.promptTokens,
    cachedTokens: Math.min(counted.cachedTokens, counted.promptTokens),
    completionTokens,
    // a reasoning model thinks before it answers, so a cut completion loses its answer first
    reasoningTokens: Math.min(counted.reasoningTokens, completionTokens),
  };
}

/** The bill of a billed usage (see billedUsage): each class's tokens × its price, summed. */
export function costOf(price: LockedPrice, usage: UsageClasses): Nanos {
  const { promptTokens, cachedTokens, completionTokens, reasoningTokens } = usage;
  return (
    BigInt(promptTokens - cachedTokens) * price.promptNanos +
    BigInt(cachedTokens) * price.cachedPromptNanos +
    BigInt(completionTokens - reasoningTokens) * price.completionNanos +
    BigInt(reasoningTokens) * price.reasoningNanos
  );
}

/** The most input tokens of an embedding (no completion) whose cost fits in `budget`. */
export function inputTokensWithin(price: LockedPrice, budget: Nanos): bigint {
  return price.promptNanos === 0n ? BigInt(Number.MAX_SAFE_INTEGER) : budget / price.promptNanos;
}

/** The most completion tokens whose hold fits in `budget` with this prompt (0: not even the prompt fits). */
export function maxTokensWithin(price: LockedPrice, promptTokens: number, budget: Nanos): bigint {
  const left = budget - BigInt(promptTokens) * price.promptNanos;
  if (left < 0n) return 0n;
  const perToken = heldCompletionNanos(price);
  return perToken === 0n ? BigInt(Number.MAX_SAFE_INTEGER) : left / perToken;
}
