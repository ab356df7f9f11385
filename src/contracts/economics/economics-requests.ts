// Request bodies of the market's money surfaces: model price bounds, top-ups, payouts and bonds. Amounts are
// decimal strings (see amount.ts); a zero amount is refused where money must move.
import { z } from 'zod';
import { amountSchema } from '../amount.ts';

const tokenPricesSchema = z.object({ prompt: amountSchema, completion: amountSchema }).strict();

export const priceBoundsSchema = z
  .object({ base: tokenPricesSchema, floor: tokenPricesSchema })
  .strict()
  .refine((b) => b.floor.prompt <= b.base.prompt && b.floor.completion <= b.base.completion, {
    message: 'the floor must not be above the base price',
    path: ['floor'],
  });

const positiveAmount = amountSchema.refine((n) => n > 0n, 'the amount must be above zero');

export const topUpRequestSchema = z.object({ amount: positiveAmount }).strict();
/** What the operator's payment provider says about a top-up or a payout: the bank's or invoice's reference. */
export const settlementSchema = z.object({ reference: z.string().trim().min(1).max(200) }).strict();
export const payoutRequestSchema = z.object({ amount: positiveAmount.optional() }).strict();
/** A retried payout request with the same key returns the first payout and moves nothing. */
export const idempotencyKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,100}$/, 'Idempotency-Key is 1–100 letters, digits, - or _')
  .optional();
export const bondRequestSchema = z.object({ amount: positiveAmount }).strict();

export const priceHistoryQuerySchema = z
  .object({ model: z.string().min(1), limit: z.coerce.number().int().min(1).max(10_000).default(500) })
  .strict();
