// Amounts on every surface are exact decimal strings in the market's currency ("12.5"), parsed to nano-units;
// never JSON numbers.
import { z } from 'zod';
import { parseNanos } from '../domain/money/nanos.ts';

export const amountSchema = z
  .string()
  .refine(
    (s) => (parseNanos(s) ?? -1n) >= 0n,
    'an amount is a non-negative decimal string with at most 9 decimals, e.g. "12.5"',
  )
  .transform((s) => parseNanos(s) as bigint);
