// Bodies of the admin API and of the buyer's key routes. Amounts are exact decimal strings in the market's
// currency ("12.5"), parsed to nano-units; never JSON numbers.
import { z } from 'zod';
import { amountSchema } from '../amount.ts';
import { providerPreferencesSchema } from '../openai/provider-preferences.ts';
import { ENGINE_KINDS } from '../../domain/engines/engine-capabilities.ts';

export const createAccountSchema = z.strictObject({
  name: z.string().min(1).max(200),
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{2,63}$/)
    .optional(),
});

export const grantCreditsSchema = z.strictObject({ amount: amountSchema, idempotency_key: z.string().min(1).max(200) });

export const keyLimitsSchema = z.strictObject({
  name: z.string().min(1).max(200).default('key'),
  models: z.array(z.string().min(1)).min(1).nullable().optional(),
  spend_limit_total: amountSchema.nullable().optional(),
  spend_limit_daily: amountSchema.nullable().optional(),
  expires_at: z.iso.datetime().nullable().optional(),
  rate_limit_rpm: z.int().min(1).max(1_000_000_000).nullable().optional(),
  rate_limit_tpm: z.int().min(1).max(1_000_000_000).nullable().optional(),
  /** standing provider preferences for every request made with the key; a request's own override them field by field */
  provider: providerPreferencesSchema.nullable().optional(),
  /** a sub-key: may it create sub-keys of its own (only a key that may can grant it; root keys always may) */
  can_create_keys: z.boolean().default(false),
});

export const createKeySchema = keyLimitsSchema.extend({ account_id: z.string().min(1) });

export const registerEngineSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_.-]{1,63}$/),
  name: z.string().min(1).max(200),
  base_url: z.url({ protocol: /^https?$/ }),
  engine_kind: z.enum(ENGINE_KINDS),
  model_id: z.string().min(1),
  upstream_model: z.string().min(1),
  /** requests the engine serves at once; without it the gateway does not queue or shed for this engine */
  max_concurrency: z.int().min(1).max(10_000).optional(),
});

export const signUpSchema = z.strictObject({ name: z.string().min(1).max(200) });
