// Prices per usage class. Demand pricing sets a model's prompt and completion price; a cached prompt token (a prefix
// the market attributes to the serving host's cache) and a reasoning token are priced from those by the model's own
// factors, in basis points, so the demand controller stays the one source of price (docs/decisions/027-usage-classes.md).
import { BASIS_POINTS, type Nanos } from '../money/nanos.ts';
import type { TokenPrices } from './demand-price.ts';

/** A model's usage-class factors: a cached prompt token costs `cachedPromptBps` of a prompt token, a reasoning token `reasoningBps` of a completion token. */
export type UsageClassFactors = { cachedPromptBps: number; reasoningBps: number };

/** Cache reads at a quarter of the prompt price (a prefill skipped); reasoning priced as completion tokens. */
export const DEFAULT_USAGE_CLASS_FACTORS: UsageClassFactors = { cachedPromptBps: 2_500, reasoningBps: 10_000 };

/** A cache read never costs more than computing the prompt; reasoning may cost up to 4× a completion token. */
export const MAX_CACHED_PROMPT_BPS = 10_000;
export const MAX_REASONING_BPS = 40_000;

/** A price per token of each usage class. */
export type ClassPrices = TokenPrices & { cachedPrompt: Nanos; reasoning: Nanos };

/** A class's price: the base price scaled by the factor, rounded down (the buyer never pays a fraction up). */
const scaled = (price: Nanos, bps: number): Nanos => (price * BigInt(bps)) / BASIS_POINTS;

export function classPrices(prices: TokenPrices, factors: UsageClassFactors): ClassPrices {
  return {
    ...prices,
    cachedPrompt: scaled(prices.prompt, factors.cachedPromptBps),
    reasoning: scaled(prices.completion, factors.reasoningBps),
  };
}

/** The factor (basis points, rounded down) that prices a class at `price` from `base`; Infinity for a price on a free base. */
export const classFactorBps = (price: Nanos, base: Nanos): number =>
  base === 0n ? (price === 0n ? 0 : Infinity) : Number((price * BASIS_POINTS) / base);
