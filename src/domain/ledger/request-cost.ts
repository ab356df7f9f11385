// What a request may cost before it runs (the hold) and what it costs after (the capture), at prices locked at
// admission. The capture never exceeds the hold: completion tokens are capped at the tokens held for.
import type { Nanos } from '../money/nanos.ts';

export type LockedPrice = { promptNanos: Nanos; completionNanos: Nanos };

export function holdFor(price: LockedPrice, promptTokens: number, maxCompletionTokens: number): Nanos {
  return BigInt(promptTokens) * price.promptNanos + BigInt(maxCompletionTokens) * price.completionNanos;
}

export function costOf(
  price: LockedPrice,
  promptTokens: number,
  completionTokens: number,
  maxCompletionTokens: number,
): Nanos {
  return holdFor(price, promptTokens, Math.min(completionTokens, maxCompletionTokens));
}

/** The most completion tokens whose hold fits in `budget` with this prompt (0: not even the prompt fits). */
export function maxTokensWithin(price: LockedPrice, promptTokens: number, budget: Nanos): bigint {
  const left = budget - BigInt(promptTokens) * price.promptNanos;
  if (left < 0n) return 0n;
  return price.completionNanos === 0n ? BigInt(Number.MAX_SAFE_INTEGER) : left / price.completionNanos;
}
