// The values every response is made of, as schemas: exact decimal amounts, ISO times, lists.
import { z } from 'zod';

/** An exact decimal amount in the market's currency, e.g. "12.5" (never a JSON number). */
export const decimalSchema = z.string().regex(/^-?\d+(\.\d+)?$/);
export const isoTimeSchema = z.iso.datetime();
export const tokenPricesWireSchema = z.object({ prompt: decimalSchema, completion: decimalSchema });
/** Prices per usage class, OpenRouter's names: a cached prompt token (`input_cache_read`) and a reasoning token (`internal_reasoning`). */
export const classPricesWireSchema = tokenPricesWireSchema.extend({
  input_cache_read: decimalSchema,
  internal_reasoning: decimalSchema,
});
/** JSON has no Infinity: a latency beyond the last histogram bucket is reported as that bucket's bound, flagged. */
export const latencyMsSchema = z.union([z.number(), z.literal('over_30000')]).nullable();

/** `{ object: 'list', data: [...] }`; a list with more beside its data `.extend`s it. */
export const listOf = <S extends z.ZodType>(item: S) => z.object({ object: z.literal('list'), data: z.array(item) });
