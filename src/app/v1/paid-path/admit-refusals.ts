// Every answer the admit step refuses a request with, in one place: the model or SKU is unknown or not the key's,
// no host can take it (none serving, all priced out, none matching the buyer's preferences, none supporting its
// parameters), the prompt does not fit, the price is above the buyer's maximum, or the hold is refused. Nothing is
// charged for any of them.
import { ApiError, invalidRequest } from '../../../contracts/openai/error-envelope.ts';
import { maxTokensWithin, type LockedPrice } from '../../../domain/ledger/request-cost.ts';
import { formatNanos, type Nanos } from '../../../domain/money/nanos.ts';
import type { TokenPrices } from '../../../domain/pricing/demand-price.ts';
import type { HoldRefusal } from '../../billing/spend-budget.ts';
import type { CatalogModel } from '../market-catalog.ts';

const perToken = (prices: TokenPrices) => `${formatNanos(prices.prompt)} / ${formatNanos(prices.completion)}`;

export const modelNotFound = (modelId: string) =>
  new ApiError(404, 'not_found_error', `The model '${modelId}' does not exist.`, 'model_not_found', 'model');

export const skuNotFound = (model: CatalogModel, quantization: string) =>
  new ApiError(
    404,
    'not_found_error',
    `The model '${model.id}' is sold as ${model.quantization}, not ${quantization}.`,
    'sku_not_found',
    'model',
  );

export const modelNotAllowed = (modelId: string) =>
  new ApiError(403, 'permission_error', `This key may not use the model '${modelId}'.`, 'model_not_allowed', 'model');

export const noHostServing = (modelId: string) =>
  new ApiError(503, 'service_unavailable', `No host is serving '${modelId}' right now.`, 'no_host_available');

export const quantizationExcluded = (model: CatalogModel) =>
  new ApiError(
    404,
    'not_found_error',
    `The model '${model.id}' is sold as ${model.quantization} only, which provider.quantizations excludes.`,
    'no_host_matches_preferences',
    'provider.quantizations',
  );

export const everyHostPricedOut = (model: CatalogModel) =>
  new ApiError(
    503,
    'service_unavailable',
    `Every host of '${model.id}' asks more than its price ceiling (${perToken(model.ceiling)} per prompt / completion token).`,
    'no_host_available',
  );

export const noHostMatchesPreferences = (modelId: string) =>
  new ApiError(
    404,
    'not_found_error',
    `No host of '${modelId}' matches provider.only / provider.ignore.`,
    'no_host_matches_preferences',
    'provider',
  );

export const unsupportedParameter = (modelId: string, param: string | null) =>
  invalidRequest(`The model '${modelId}' does not support '${param}'.`, param, 'unsupported_parameter');

export const contextExceeded = (model: CatalogModel, promptTokens: number) =>
  invalidRequest(
    `The prompt has ${promptTokens} tokens; '${model.id}' has a context of ${model.contextLength}.`,
    'messages',
    'context_length_exceeded',
  );

export const noHostAvailable = (modelId: string) =>
  new ApiError(
    503,
    'service_unavailable',
    `No host of '${modelId}' is available right now (all down or at capacity); retry shortly.`,
    'no_host_available',
    null,
    { 'retry-after': '1' },
  );

export const aboveMaxPrice = (modelId: string, locked: TokenPrices) =>
  new ApiError(
    404,
    'not_found_error',
    `The price of '${modelId}' (${perToken(locked)} per prompt / completion token) is above provider.max_price.`,
    'no_host_matches_preferences',
    'provider.max_price',
  );

/** The worst case this request was held for, and what it would take to fit what the key's limits leave. */
type HoldContext = { hold: Nanos; price: LockedPrice; promptTokens: number; maxTokens: number };

export function holdRefusal(refused: HoldRefusal, context: HoldContext): ApiError {
  if (refused.reason === 'key_inactive')
    return new ApiError(403, 'permission_error', 'This key is revoked or expired.', 'key_inactive');
  if (refused.reason !== 'spend_limit') {
    const worstCase = `prompt + max_tokens ${context.maxTokens} at the locked price: ${formatNanos(context.hold)}`;
    return new ApiError(
      402,
      'insufficient_quota',
      `The account does not have enough credits for this request's worst case (${worstCase}).`,
      'insufficient_credits',
    );
  }
  const { price, promptTokens, maxTokens } = context;
  const fits = maxTokensWithin(price, promptTokens, refused.remainingNanos);
  const fix =
    fits > 0n
      ? `lower max_tokens to ${fits} or less`
      : 'not even one completion token fits after this prompt: shorten the prompt';
  return new ApiError(
    403,
    'permission_error',
    `This request's worst case (prompt ${promptTokens} tokens + max_tokens ${maxTokens}, at the locked price) is ${formatNanos(context.hold)}, ` +
      `but the key's spend limits (its own and its parent keys', daily and total) leave ${formatNanos(refused.remainingNanos)}. To fit, ${fix}; or ask for a higher limit.`,
    'spend_limit_exceeded',
    'max_tokens',
  );
}
