// What a request may cost before it runs (the hold) and what it costs after (the capture), at prices locked at
// admission. The bill is the sum over usage classes of tokens × price: uncached and cached prompt tokens, plain and
// reasoning completion tokens; with n choices the prompt is billed once and every choice's completion (as OpenAI
// bills). The capture never exceeds the hold: each choice's completion tokens are capped at the tokens held for
// one choice, a cached prompt token never costs more than a prompt token, and each held completion token is held at
// the dearer of the completion and reasoning prices.
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

/** One choice's completion by class: its reasoning tokens are part of its completion tokens. */
export type ChoiceUsage = Pick<UsageClasses, 'completionTokens' | 'reasoningTokens'>;

/** An answer as the market counted it: the prompt once (its cached prefix within it), each choice's completion apart. */
export type CountedUsage = Pick<UsageClasses, 'promptTokens' | 'cachedTokens'> & { choices: readonly ChoiceUsage[] };

/** The price a held completion token may end up billed at: it may turn out to be a reasoning token. */
const heldCompletionNanos = (price: LockedPrice): Nanos =>
  price.reasoningNanos > price.completionNanos ? price.reasoningNanos : price.completionNanos;

/** `maxCompletionTokens`: over all the choices asked for (n × max_tokens). */
export function holdFor(price: LockedPrice, promptTokens: number, maxCompletionTokens: number): Nanos {
  return BigInt(promptTokens) * price.promptNanos + BigInt(maxCompletionTokens) * heldCompletionNanos(price);
}

/**
 * What is billed of the counted usage: the prompt once, and each of the first `choiceCount` choices' completion cut
 * to max_tokens (a host sending more choices than asked for is not paid for them), each class within its total.
 */
export function billedUsage(counted: CountedUsage, maxCompletionTokens: number, choiceCount: number): UsageClasses {
  let completionTokens = 0;
  let reasoningTokens = 0;
  for (const choice of counted.choices.slice(0, choiceCount)) {
    const completion = Math.min(choice.completionTokens, maxCompletionTokens);
    completionTokens += completion;
    // a reasoning model thinks before it answers, so a cut completion loses its answer first
    reasoningTokens += Math.min(choice.reasoningTokens, completion);
  }
  return {
    promptTokens: counted.promptTokens,
    cachedTokens: Math.min(counted.cachedTokens, counted.promptTokens),
    completionTokens,
    reasoningTokens,
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

/**
 * The largest max_tokens whose hold for `choiceCount` choices (n) fits in `budget` with this prompt (0: not even
 * the prompt fits).
 */
export function maxTokensWithin(price: LockedPrice, promptTokens: number, budget: Nanos, choiceCount: number): bigint {
  const left = budget - BigInt(promptTokens) * price.promptNanos;
  if (left < 0n) return 0n;
  const perToken = heldCompletionNanos(price) * BigInt(choiceCount);
  return perToken === 0n ? BigInt(Number.MAX_SAFE_INTEGER) : left / perToken;
}
