// How accounts, keys, engines and hosts look on the wire (the operator's and the buyer's views of them).
import { z } from 'zod';
import { decimalSchema, isoTimeSchema, listOf } from '../http/wire-values.ts';

/** A key without its secret; listed keys add what they spent and what their own and their ancestors' limits leave. */
export const keyWireSchema = z.object({
  id: z.string(),
  account_id: z.string(),
  parent_key_id: z.string().nullable(),
  name: z.string(),
  prefix: z.string(),
  role: z.enum(['buyer', 'operator']),
  models: z.array(z.string()).nullable(),
  spend_limit_total: decimalSchema.nullable(),
  spend_limit_daily: decimalSchema.nullable(),
  spent_total: decimalSchema.optional(),
  spent_today: decimalSchema.optional(),
  remaining_total: decimalSchema.nullable().optional(),
  remaining_daily: decimalSchema.nullable().optional(),
  can_create_keys: z.boolean(),
  expires_at: isoTimeSchema.nullable(),
  rate_limit_rpm: z.int().nullable(),
  rate_limit_tpm: z.int().nullable(),
  /** standing provider preferences, amounts as decimal strings */
  provider: z.record(z.string(), z.unknown()).nullable(),
  revoked: z.boolean(),
});
export const keyListSchema = listOf(keyWireSchema);
/** A new key: the secret is shown this once. */
export const issuedKeySchema = keyWireSchema.extend({ key: z.string() });
export const revokedSchema = z.object({ id: z.string(), revoked: z.literal(true) });

export const accountCreatedSchema = z.object({ id: z.string(), name: z.string() });
export const accountListSchema = listOf(
  z.object({ id: z.string(), name: z.string(), available: decimalSchema, held: decimalSchema }),
);
export const creditsGrantedSchema = z.object({
  account_id: z.string(),
  granted: z.boolean(),
  /** the idempotency key was used before: nothing was granted this time */
  duplicate: z.boolean(),
  available: decimalSchema,
});
export const engineRegisteredSchema = z.object({ id: z.string(), model_id: z.string(), engine_kind: z.string() });

/** A capacity probe's result, rounded to what a person reads. */
export const capacityWireSchema = z.object({
  model: z.string(),
  ttft_ms: z.number(),
  prefill_tokens_per_second: z.number(),
  decode_tokens_per_second: z.number().nullable(),
  measured_at: isoTimeSchema,
});

export const adminHostListSchema = listOf(
  z.object({
    id: z.string(),
    name: z.string(),
    base_url: z.string(),
    status: z.string(),
    models: z.array(z.string()),
    last_seen: isoTimeSchema.nullable(),
    live: z.boolean(),
    reputation: z.number(),
    suspended_since: isoTimeSchema.nullable(),
    misses: z.int(),
    strikes: z.int(),
    circuit: z.string(),
    in_flight: z.int(),
    traffic_24h: z.object({ requests: z.int(), share: z.number() }),
    capacity: z.array(capacityWireSchema),
  }),
);
export const hostApprovedSchema = z.object({
  id: z.string(),
  status: z.literal('active'),
  admitted: z.array(z.string()),
  refused: z.array(z.object({ model: z.string(), reason: z.string() })),
});
// Credits are decimal amounts; governance units are whole units (an asset of their own, never shown as credits).
export const ledgerKindsSchema = listOf(
  z.object({
    kind: z.string(),
    asset: z.enum(['credit', 'governance_unit']),
    accounts: z.int(),
    balance: z.string(),
  }),
);
