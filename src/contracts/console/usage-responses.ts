// Usage on the wire: per-request records (newest first, paged), per-bucket sums, and what a buyer's key may spend.
import { z } from 'zod';
import { classPricesWireSchema, decimalSchema, isoTimeSchema, listOf } from '../http/wire-values.ts';

export const usageRecordSchema = z.object({
  request_id: z.string(),
  key_prefix: z.string(),
  model: z.string(),
  host: z.string().nullable(),
  prompt_tokens: z.int(),
  completion_tokens: z.int(),
  /** of the prompt tokens, those billed at the cache price; of the completion tokens, the reasoning ones */
  cached_tokens: z.int(),
  reasoning_tokens: z.int(),
  /** the locked price of each usage class: `cost` is the sum over classes of tokens × price */
  price: classPricesWireSchema,
  cost: decimalSchema,
  status: z.string(),
  routing: z.object({ attempts: z.int(), hedged: z.boolean() }),
  receipt: z
    .object({ request_digest: z.string(), response_digest: z.string(), host_signature: z.string().nullable() })
    .nullable(),
  /** Unix seconds */
  created: z.int(),
  refunded_by: z.string().nullable(),
});
export const usagePageSchema = listOf(usageRecordSchema).extend({ has_more: z.boolean() });

export const usagePointSchema = z.object({
  start: isoTimeSchema,
  model: z.string(),
  key_prefix: z.string().optional(),
  requests: z.int(),
  prompt_tokens: z.int(),
  completion_tokens: z.int(),
  cost: decimalSchema,
});
export const usageSeriesSchema = listOf(usagePointSchema).extend({ bucket: z.enum(['minute', 'hour', 'day']) });

const limitOf = decimalSchema.nullable();
export const creditsSchema = z.object({
  object: z.literal('credits'),
  account_id: z.string(),
  balance: decimalSchema,
  available: decimalSchema,
  held: decimalSchema,
  limits: z.object({
    total: z.object({ limit: limitOf, remaining: limitOf }),
    daily: z.object({ limit: limitOf, spent_today: decimalSchema, remaining: limitOf }),
  }),
  spend_by_key: z.array(z.object({ key_prefix: z.string(), name: z.string(), spent: decimalSchema })),
});

export const signedUpSchema = z.object({
  account_id: z.string(),
  key: z.string(),
  key_prefix: z.string(),
  starter_credits: decimalSchema,
});
