// What a request may cost before it runs (the hold) and what it costs after (the capture), at prices locked at
// admission. The capture never exceeds the hold: completion tokens are capped at the tokens held for.
import type { Nanos } from '../money/nanos.ts';

export type LockedPrice = { promptNanos: Nanos; completionNanos: Nanos };

export function holdFor(price: LockedPrice, promptTokens: number, maxCompletionTokens: number): Nanos {
  return BigInt(promptTokens) * price.promptNanos + BigInt(maxCompletionTokens) * price.completionNanos;
}

export function costOf(price: LockedPrice, promptTokens: number, completionTokens: number, maxCompletionTokens: number): Nanos {
  return holdFor(price, promptTokens, Math.min(completionTokens, maxCompletionTokens));
}
