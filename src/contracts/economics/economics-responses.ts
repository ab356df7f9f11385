// Money over time on the wire: top-ups, payouts, bonds and unbondings, epoch reports, the ledger check, and prices.
import { z } from 'zod';
import {
  classPricesWireSchema,
  decimalSchema,
  isoTimeSchema,
  listOf,
  tokenPricesWireSchema,
} from '../http/wire-values.ts';

export const topUpSchema = z.object({
  id: z.string(),
  account: z.string().nullable(),
  host: z.string().nullable(),
  amount: decimalSchema,
  provider: z.string(),
  reference: z.string().nullable(),
  status: z.enum(['pending', 'confirmed', 'cancelled']),
  created: isoTimeSchema,
});
/** A new top-up, with what the payment provider asks the payer to do. */
export const topUpRequestedSchema = topUpSchema.extend({ instructions: z.string() });
export const payoutSchema = z.object({
  id: z.string(),
  host: z.string(),
  amount: decimalSchema,
  provider: z.string(),
  status: z.enum(['requested', 'paid', 'failed']),
  reference: z.string().nullable(),
  created: isoTimeSchema,
});
export const unbondingSchema = z.object({
  id: z.string(),
  amount: decimalSchema,
  release_epoch: z.int(),
  released: isoTimeSchema.nullable(),
});
export const hostFundsSchema = z.object({
  held_back: decimalSchema,
  payable: decimalSchema,
  bond: decimalSchema,
  unbonding: decimalSchema,
  payout_pending: decimalSchema,
  unbondings: z.array(unbondingSchema),
});
export const bondSchema = z.object({ bond: decimalSchema });

export const epochReportSchema = z.object({
  requests: z.int(),
  prompt_tokens: z.int(),
  completion_tokens: z.int(),
  revenue: decimalSchema,
  captured: decimalSchema,
  host_earnings: decimalSchema,
  platform_fees: decimalSchema,
  treasury: decimalSchema,
  refunded: decimalSchema,
  hosts: z.array(
    z.object({
      host: z.string(),
      requests: z.int(),
      completion_tokens: z.int(),
      earned: decimalSchema,
      misses: z.int(),
      slashed: decimalSchema,
    }),
  ),
  models: z.array(
    z.object({
      model: z.string(),
      requests: z.int(),
      prompt_tokens: z.int(),
      completion_tokens: z.int(),
      revenue: decimalSchema,
    }),
  ),
});
export const epochSchema = z.object({
  epoch: z.int(),
  starts: isoTimeSchema,
  ends: isoTimeSchema,
  closed: isoTimeSchema.nullable(),
  released: isoTimeSchema.nullable(),
  report: epochReportSchema.nullable(),
});
export const settledEpochsSchema = z.object({
  closed: z.array(epochSchema),
  /** the epochs whose held-back earnings were released */
  released: z.array(z.int()),
  unbondings_released: z.int(),
});
export const hostEpochListSchema = listOf(
  z.object({
    number: z.int(),
    starts: isoTimeSchema,
    ends: isoTimeSchema,
    closed: isoTimeSchema.nullable(),
    released: isoTimeSchema.nullable(),
    requests: z.int(),
    completion_tokens: z.int(),
    earned: decimalSchema,
    misses: z.int(),
    slashed: decimalSchema,
  }),
);

export const ledgerCheckSchema = z.object({
  ok: z.boolean(),
  balanced: z.boolean(),
  sum: decimalSchema,
  accounts_checked: z.int(),
  transactions_checked: z.int(),
  epochs_checked: z.int(),
  drifted_accounts: z.array(z.object({ account: z.string(), balance: decimalSchema, entries: decimalSchema })),
  negative_accounts: z.array(z.string()),
  unbalanced_transactions: z.array(z.string()),
  epoch_mismatches: z.array(z.unknown()),
});

export const modelPricingSchema = z.object({
  model: z.string(),
  /** the demand price now, and each usage class's price derived from it by the model's factors */
  price: classPricesWireSchema,
  /** the model's usage-class factors, in basis points of the prompt (cache reads) and completion (reasoning) price */
  class_factors_bps: z.object({ input_cache_read: z.int(), internal_reasoning: z.int() }),
  base: tokenPricesWireSchema,
  floor: tokenPricesWireSchema,
  ceiling: tokenPricesWireSchema,
  utilization: z.number().nullable(),
  updated_at: isoTimeSchema,
  next_update_at: isoTimeSchema,
  /** each host's ask beside the market price: online, and priced out when above the ceiling */
  asks: z.array(
    z.object({
      host: z.string(),
      name: z.string(),
      ask: tokenPricesWireSchema.nullable(),
      online: z.boolean(),
      priced_out: z.boolean(),
    }),
  ),
});
export const pricingListSchema = listOf(modelPricingSchema).extend({
  /** the utilization band the controller keeps prices still within */
  band: z.object({ low: z.number(), high: z.number() }),
  max_step_bps: z.number(),
  interval_s: z.number(),
});
export const priceHistorySchema = listOf(
  z.object({ at: isoTimeSchema, price: tokenPricesWireSchema, utilization: z.number().nullable() }),
).extend({ model: z.string() });
