// Agora extension: provider preferences, in the spirit of OpenRouter's, per request (`provider` in the body) or
// standing on a key. `only`/`ignore` are host ids; `quantizations` and `max_price` (per token, decimal) narrow the
// SKU; `hedge` sends a second copy to another host when the first is slower than the model's p95 time to first
// byte (never billed twice); `require_verified` refuses models the market cannot verify (no reference engine);
// `verifiable_sampling` routes only to hosts whose engine draws sampled tokens with the canonical seeded sampler,
// which the verifier replays (decision 031).
import { z } from 'zod';
import { formatNanos } from '../../domain/money/nanos.ts';
import { amountSchema } from '../amount.ts';

export const providerPreferencesSchema = z.strictObject({
  only: z.array(z.string().min(1).max(200)).min(1).max(100).optional(),
  ignore: z.array(z.string().min(1).max(200)).max(100).optional(),
  quantizations: z.array(z.string().min(1).max(50)).min(1).max(20).optional(),
  max_price: z.strictObject({ prompt: amountSchema.optional(), completion: amountSchema.optional() }).optional(),
  hedge: z.boolean().optional(),
  require_verified: z.boolean().optional(),
  verifiable_sampling: z.boolean().optional(),
});
export type ProviderPreferences = z.infer<typeof providerPreferencesSchema>;

/** Preferences as they are written (amounts as decimal strings): the inverse of the schema. */
export function providerPreferencesWire(preferences: ProviderPreferences): Record<string, unknown> {
  const { max_price: maxPrice, ...rest } = preferences;
  if (!maxPrice) return rest;
  const wire: Record<string, string> = {};
  if (maxPrice.prompt !== undefined) wire.prompt = formatNanos(maxPrice.prompt);
  if (maxPrice.completion !== undefined) wire.completion = formatNanos(maxPrice.completion);
  return { ...rest, max_price: wire };
}
