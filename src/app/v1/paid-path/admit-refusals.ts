// Every answer the admit step refuses a request with, in one place: the model or SKU is unknown or not the key's,
// no host can take it (none serving, all priced out, none matching the buyer's preferences, none supporting its
// parameters), the prompt does not fit, the price is above the buyer's maximum, or the hold is refused. Nothing is
// charged for any of them.
import { marketError, type MarketError } from '../../../contracts/errors/market-error.ts';
import { inputTokensWithin, maxTokensWithin, type LockedPrice } from '../../../domain/ledger/request-cost.ts';
import { formatNanos, type Nanos } from '../../../domain/money/nanos.ts';
import type { TokenPrices } from '../../../domain/pricing/demand-price.ts';
import type { HoldRefusal } from '../../billing/spend-budget.ts';
import type { ModelCapability } from '../../../contracts/openai/model-capabilities.ts';
import type { CatalogModel } from '../market-catalog.ts';

const perToken = (prices: TokenPrices) => `${formatNanos(prices.prompt)} / ${formatNanos(prices.completion)}`;

export const modelNotFound = (modelId: string) =>
  marketError('model_not_found', `The model '${modelId}' does not exist.`, { param: 'model' });

export const skuNotFound = (model: CatalogModel, quantization: string) =>
  marketError('sku_not_found', `The model '${model.id}' is sold as ${model.quantization}, not ${quantization}.`, {
    param: 'model',
  });

export const modelNotAllowed = (modelId: string) =>
  marketError('model_not_allowed', `This key may not use the model '${modelId}'.`, { param: 'model' });

export const modelUnverified = (modelId: string) =>
  marketError(
    'model_unverified',
    `The model '${modelId}' is unverified (the market has no reference engine to re-score its answers), and provider.require_verified asks for verified models only.`,
    { param: 'provider.require_verified' },
  );

export const noHostServing = (modelId: string) =>
  marketError('no_host_available', `No host is serving '${modelId}' right now.`);

export const quantizationExcluded = (model: CatalogModel) =>
  marketError(
    'no_host_matches_preferences',
    `The model '${model.id}' is sold as ${model.quantization} only, which provider.quantizations excludes.`,
    { param: 'provider.quantizations' },
  );

export const everyHostPricedOut = (model: CatalogModel) =>
  marketError(
    'no_host_available',
    `Every host of '${model.id}' asks more than its price ceiling (${perToken(model.ceiling)} per prompt / completion token).`,
  );

export const noHostMatchesPreferences = (modelId: string) =>
  marketError('no_host_matches_preferences', `No host of '${modelId}' matches provider.only / provider.ignore.`, {
    param: 'provider',
  });

const ENDPOINTS = { chat: '/v1/chat/completions and /v1/completions', embeddings: '/v1/embeddings' } as const;

export const capabilityMismatch = (model: CatalogModel, needed: ModelCapability) =>
  marketError(
    'model_capability_mismatch',
    `The model '${model.id}' serves ${model.capabilities.join(', ')}, not ${needed}: call ${model.capabilities.map((c) => ENDPOINTS[c]).join(' or ')} with it, or pick a model whose capabilities in /v1/models include '${needed}'.`,
    { param: 'model' },
  );

export const dimensionsRefused = (model: CatalogModel) =>
  marketError(
    'unsupported_parameter',
    model.embedding?.shortenable
      ? `The model '${model.id}' makes vectors of ${model.embedding.dimensions} dimensions; 'dimensions' may ask for that many or fewer.`
      : `The model '${model.id}' does not support 'dimensions': its vectors cannot be shortened.`,
    { param: 'dimensions' },
  );

export const unsupportedParameter = (modelId: string, param: string | null) =>
  marketError('unsupported_parameter', `The model '${modelId}' does not support '${param}'.`, { param });

export const schemaOutsideGrammar = (modelId: string, outside: { param: string; message: string }) =>
  marketError(
    'unsupported_parameter',
    `Every host of '${modelId}' decodes under a JSON-schema grammar, and ${outside.param}: ${outside.message}.`,
    { param: outside.param },
  );

export const unknownBiasToken = (model: CatalogModel, key: string) =>
  marketError('invalid_logit_bias', `logit_bias key '${key}' is not a token id of '${model.id}'s tokenizer.`, {
    param: 'logit_bias',
  });

export const contextExceeded = (model: CatalogModel, promptTokens: number, param = 'messages') =>
  marketError(
    'context_length_exceeded',
    `The ${param === 'messages' ? 'prompt' : param} has ${promptTokens} tokens; '${model.id}' has a context of ${model.contextLength}.`,
    { param },
  );

export const noHostAvailable = (modelId: string) =>
  marketError(
    'no_host_available',
    `No host of '${modelId}' is available right now (all down or at capacity); retry shortly.`,
    { retryAfterSeconds: 1 },
  );

/** Embeddings bill input tokens only: their refusals speak of inputs, never of a completion or max_tokens. */
type RequestKind = 'completion' | 'embeddings';

export const aboveMaxPrice = (modelId: string, locked: TokenPrices, kind: RequestKind) =>
  marketError(
    'no_host_matches_preferences',
    kind === 'embeddings'
      ? `The price of '${modelId}' (${formatNanos(locked.prompt)} per input token) is above provider.max_price.prompt.`
      : `The price of '${modelId}' (${perToken(locked)} per prompt / completion token) is above provider.max_price.`,
    { param: 'provider.max_price' },
  );

/** The worst case this request was held for, and what it would take to fit what the key's limits leave. */
type HoldContext = {
  hold: Nanos;
  price: LockedPrice;
  promptTokens: number;
  maxTokens: number;
  choiceCount: number;
  kind: RequestKind;
};

/** The completion tokens held for, as the buyer asked for them: max_tokens, for each of n choices. */
const completionsHeld = ({ maxTokens, choiceCount }: HoldContext): string =>
  choiceCount > 1 ? `max_tokens ${maxTokens} × n ${choiceCount}` : `max_tokens ${maxTokens}`;

export function holdRefusal(refused: HoldRefusal, context: HoldContext): MarketError {
  if (refused.reason === 'key_inactive') return marketError('key_inactive', 'This key is revoked or expired.');
  const { price, promptTokens, choiceCount, kind } = context;
  const worstCase =
    kind === 'embeddings'
      ? `${promptTokens} input tokens at the locked price: ${formatNanos(context.hold)}`
      : `prompt + ${completionsHeld(context)} at the locked price: ${formatNanos(context.hold)}`;
  if (refused.reason !== 'spend_limit')
    return marketError(
      'insufficient_credits',
      `The account does not have enough credits for this request's worst case (${worstCase}).`,
    );
  const limits = `the key's spend limits (its own and its parent keys', daily and total) leave ${formatNanos(refused.remainingNanos)}`;
  if (kind === 'embeddings') {
    const fits = inputTokensWithin(price, refused.remainingNanos);
    return marketError(
      'spend_limit_exceeded',
      `This request's cost (${worstCase}) is more than ${limits}. To fit, embed at most ${fits} input tokens (fewer or shorter inputs); or ask for a higher limit.`,
      { param: 'input' },
    );
  }
  // the hold covers max_tokens for each choice, so what fits is shared among them
  const fits = maxTokensWithin(price, promptTokens, refused.remainingNanos, choiceCount);
  const fix =
    fits > 0n
      ? `lower max_tokens to ${fits} or less${choiceCount > 1 ? ` (or ask for fewer choices)` : ''}`
      : choiceCount > 1
        ? 'not even one completion token per choice fits after this prompt: ask for fewer choices or shorten the prompt'
        : 'not even one completion token fits after this prompt: shorten the prompt';
  return marketError(
    'spend_limit_exceeded',
    `This request's worst case (prompt ${promptTokens} tokens + ${completionsHeld(context)}, at the locked price) is ${formatNanos(context.hold)}, ` +
      `but ${limits}. To fit, ${fix}; or ask for a higher limit.`,
    { param: 'max_tokens' },
  );
}
