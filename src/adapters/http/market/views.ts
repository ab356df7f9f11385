// How records look on the wire: exact decimal amounts, seconds since the epoch, keys without their secret.
import { isVerified } from '../../../app/v1/catalog-store.ts';
import type { KeyLimits } from '../../../app/admin/account-admin.ts';
import type { UsageFilter, UsagePoint, UsageRow } from '../../../app/billing/usage-store.ts';
import type { CapacityMeasurement } from '../../../app/hosts/capacity-store.ts';
import type { ApiKeyRecord } from '../../../app/ports.ts';
import type { Remaining } from '../../../domain/limits/key-tree-limits.ts';
import type { CatalogModel } from '../../../app/v1/market-catalog.ts';
import type { keyLimitsSchema } from '../../../contracts/admin/admin-requests.ts';
import { providerPreferencesWire } from '../../../contracts/openai/provider-preferences.ts';
import { formatNanos, type Nanos } from '../../../domain/money/nanos.ts';
import { classPrices, type ClassPrices } from '../../../domain/pricing/usage-class-prices.ts';
import type { z } from 'zod';

const decimalOrNull = (n: Nanos | null): string | null => (n === null ? null : formatNanos(n));

export const isoTime = (ms: number): string => new Date(ms).toISOString();
export const isoTimeOrNull = (ms: number | null): string | null => (ms === null ? null : isoTime(ms));

/** A capacity probe's result, rounded to what a person reads. */
export function capacityView(m: CapacityMeasurement) {
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    model: m.modelId,
    ttft_ms: round(m.ttftMs),
    prefill_tokens_per_second: round(m.prefillTokensPerSecond),
    decode_tokens_per_second: m.decodeTokensPerSecond === null ? null : round(m.decodeTokensPerSecond),
    measured_at: new Date(m.measuredAtMs).toISOString(),
  };
}

/** A key on the wire; listed keys add what they spent and what their own and their ancestors' limits leave them. */
export function keyView(key: ApiKeyRecord & { spentTotal?: Nanos; spentToday?: Nanos; remaining?: Remaining }) {
  return {
    id: key.id,
    account_id: key.accountId,
    parent_key_id: key.parentKeyId,
    name: key.name,
    prefix: key.prefix,
    role: key.role,
    models: key.models,
    spend_limit_total: decimalOrNull(key.spendLimitTotal),
    spend_limit_daily: decimalOrNull(key.spendLimitDaily),
    spent_total: key.spentTotal === undefined ? undefined : formatNanos(key.spentTotal),
    spent_today: key.spentToday === undefined ? undefined : formatNanos(key.spentToday),
    remaining_total: key.remaining === undefined ? undefined : decimalOrNull(key.remaining.total),
    remaining_daily: key.remaining === undefined ? undefined : decimalOrNull(key.remaining.daily),
    can_create_keys: key.canCreateKeys,
    expires_at: key.expiresAtMs === null ? null : new Date(key.expiresAtMs).toISOString(),
    rate_limit_rpm: key.rateLimitRpm,
    rate_limit_tpm: key.rateLimitTpm,
    provider: key.providerPreferences === null ? null : providerPreferencesWire(key.providerPreferences),
    revoked: key.revokedAtMs !== null,
  };
}

export function keyLimitsFromBody(body: z.infer<typeof keyLimitsSchema>): KeyLimits {
  return {
    name: body.name,
    models: body.models ?? null,
    spendLimitTotal: body.spend_limit_total ?? null,
    spendLimitDaily: body.spend_limit_daily ?? null,
    expiresAtMs: body.expires_at ? Date.parse(body.expires_at) : null,
    rateLimitRpm: body.rate_limit_rpm ?? null,
    rateLimitTpm: body.rate_limit_tpm ?? null,
    providerPreferences: body.provider ?? null,
    canCreateKeys: body.can_create_keys,
  };
}

/** The completion parameters some host of the model supports. */
const chatParameters = (model: CatalogModel): string[] =>
  [
    'max_tokens',
    'max_completion_tokens',
    'temperature',
    'top_p',
    'seed',
    'stop',
    'n',
    'stream',
    'stream_options',
    'logprobs',
    'top_logprobs',
    'logit_bias',
    'presence_penalty',
    'frequency_penalty',
    'user',
    'usage',
    'provider',
    'trace',
    'tools',
    'tool_choice',
    'parallel_tool_calls',
    'response_format',
  ].filter((p) => model.routes.some((r) => !r.capabilities.unsupportedParameters.includes(p)));

/** An embedding model's parameters: `dimensions` only where its vectors may be shortened. */
const embeddingParameters = (model: CatalogModel): string[] =>
  model.embedding
    ? ['encoding_format', ...(model.embedding.shortenable ? ['dimensions'] : []), 'user', 'usage', 'provider']
    : [];

/** Prices per usage class on the wire, by OpenRouter's names. */
export const classPricesView = (p: ClassPrices) => ({
  prompt: formatNanos(p.prompt),
  completion: formatNanos(p.completion),
  input_cache_read: formatNanos(p.cachedPrompt),
  internal_reasoning: formatNanos(p.reasoning),
});

/** OpenRouter-style model metadata: prices per token as exact decimal strings, the SKU, and the hosts serving it now. */
export function modelCard(model: CatalogModel, hostsServing: number) {
  return {
    id: model.id,
    object: 'model' as const,
    created: 0,
    owned_by: 'agora',
    name: model.name,
    context_length: model.contextLength,
    // An embedding model bills its input only: no completion, cache or reasoning price to show.
    pricing: model.capabilities.includes('chat')
      ? classPricesView(
          classPrices({ prompt: model.promptPrice, completion: model.completionPrice }, model.classFactors),
        )
      : { prompt: formatNanos(model.promptPrice) },
    supported_parameters: [
      ...embeddingParameters(model),
      ...(model.capabilities.includes('chat') ? chatParameters(model) : []),
    ],
    capabilities: model.capabilities,
    top_provider: { max_completion_tokens: model.maxTokensCap },
    sku: { model: model.id, digest: model.digest, quantization: model.quantization },
    hosts: hostsServing,
    /** the market re-scores sampled answers on a reference engine; false: listed as unverified */
    verified: isVerified(model),
  };
}

/** A usage query's filters within what the caller may see (its account, or its host). */
export function usageFilter(
  scope: Pick<UsageFilter, 'accountId' | 'hostId'>,
  query: { model?: string | undefined; key?: string | undefined; from?: number | undefined; to?: number | undefined },
): UsageFilter {
  return {
    ...scope,
    ...(query.model === undefined ? {} : { modelId: query.model }),
    ...(query.key === undefined ? {} : { keyPrefix: query.key }),
    ...(query.from === undefined ? {} : { fromMs: query.from }),
    ...(query.to === undefined ? {} : { toMs: query.to }),
  };
}

export function usageView(r: UsageRow) {
  return {
    request_id: r.requestId,
    key_prefix: r.keyPrefix,
    model: r.modelId,
    host: r.hostId,
    prompt_tokens: r.promptTokens,
    completion_tokens: r.completionTokens,
    cached_tokens: r.cachedTokens,
    reasoning_tokens: r.reasoningTokens,
    price: classPricesView({
      prompt: r.promptPrice,
      completion: r.completionPrice,
      cachedPrompt: r.cachedPromptPrice,
      reasoning: r.reasoningPrice,
    }),
    cost: formatNanos(r.cost),
    status: r.status,
    routing: { attempts: r.attempts, hedged: r.hedged },
    receipt: r.receipt && {
      request_digest: r.receipt.requestDigest,
      response_digest: r.receipt.responseDigest,
      host_signature: r.receipt.signature,
    },
    created: Math.floor(r.createdAtMs / 1000),
    refunded_by: r.refundedBy,
  };
}

export const usagePointView = (p: Omit<UsagePoint, 'keyPrefix'> & { keyPrefix?: string }) => ({
  start: isoTime(p.bucketStartMs),
  model: p.modelId,
  key_prefix: p.keyPrefix,
  requests: p.requests,
  prompt_tokens: p.promptTokens,
  completion_tokens: p.completionTokens,
  cost: formatNanos(p.cost),
});

const CSV_COLUMNS = [
  'created',
  'request_id',
  'key_prefix',
  'model',
  'host',
  'prompt_tokens',
  'completion_tokens',
  'cost',
  'status',
  'refunded_by',
] as const;

/** Quotes every field that needs it, and defuses ones a spreadsheet would run as a formula. */
const csvField = (value: string): string => {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
};

export function usageCsv(rows: readonly UsageRow[]): string {
  const lines = rows.map((r) =>
    [
      isoTime(r.createdAtMs),
      r.requestId,
      r.keyPrefix,
      r.modelId,
      r.hostId ?? '',
      String(r.promptTokens),
      String(r.completionTokens),
      formatNanos(r.cost),
      r.status,
      r.refundedBy ?? '',
    ]
      .map(csvField)
      .join(','),
  );
  return `${[CSV_COLUMNS.join(','), ...lines].join('\n')}\n`;
}
