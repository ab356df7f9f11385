// Admit, second part: the price a request is locked at (each usage class's), and the hosts that serve at it.
import type { LockedPrice } from '../../../domain/ledger/request-cost.ts';
import type { TokenPrices } from '../../../domain/pricing/demand-price.ts';
import { admissionPrice, servesAt, type WorstCase } from '../../../domain/pricing/host-asks.ts';
import { classPrices } from '../../../domain/pricing/usage-class-prices.ts';
import type { CatalogModel, ModelRoute } from '../market-catalog.ts';
import { aboveMaxPrice } from './admit-refusals.ts';
import { preferencesOf, type PaidInput } from './paid-request.ts';

/**
 * The price this request is locked at, and the hosts that serve at it: the market price, raised to the cheapest ask
 * among the hosts able to take it now, so a request is never refused for price while one of them is up
 * (docs/decisions/010-price-liveness.md). Only the buyer's own `provider.max_price` can refuse it.
 */
export function lockPrice(
  model: CatalogModel,
  available: ModelRoute[],
  input: PaidInput,
  worst: WorstCase,
): { price: LockedPrice; candidates: ModelRoute[] } {
  const market = { prompt: model.promptPrice, completion: model.completionPrice };
  // `available` holds only hosts within the ceiling (modelRoutes), so one of them always sets a price.
  const locked = admissionPrice(
    market,
    available.map((r) => r.ask),
    model.ceiling,
    worst,
  ) as TokenPrices;
  const maxPrice = preferencesOf(input).max_price ?? {};
  // An embedding has no completion tokens: a completion price above the buyer's maximum costs it nothing.
  const kind = input.kind === 'embeddings' ? 'embeddings' : 'completion';
  if (
    (maxPrice.prompt !== undefined && locked.prompt > maxPrice.prompt) ||
    (kind === 'completion' && maxPrice.completion !== undefined && locked.completion > maxPrice.completion)
  )
    throw aboveMaxPrice(model.id, locked, kind);
  // the usage classes are priced from the locked price, so a host's ask covers them by the same factors
  const classes = classPrices(locked, model.classFactors);
  return {
    price: {
      promptNanos: classes.prompt,
      completionNanos: classes.completion,
      cachedPromptNanos: classes.cachedPrompt,
      reasoningNanos: classes.reasoning,
    },
    candidates: available.filter((r) => servesAt(r.ask, locked)),
  };
}
