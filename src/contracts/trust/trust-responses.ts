// Trust on the wire: disputes, appeals, verification checks with their evidence, and convictions.
import { z } from 'zod';
import { decimalSchema, isoTimeSchema, listOf } from '../http/wire-values.ts';

export const disputeSchema = z.object({
  id: z.string(),
  request_id: z.string(),
  host: z.string().nullable(),
  model: z.string(),
  status: z.string(),
  created: isoTimeSchema,
});
export const disputeListSchema = listOf(disputeSchema);
export const appealSchema = z.object({
  id: z.string(),
  conviction_id: z.string(),
  host: z.string(),
  reason: z.string(),
  status: z.string(),
  created: isoTimeSchema,
});
export const appealListSchema = listOf(appealSchema);

const checkSchema = z.object({
  id: z.string(),
  model: z.string(),
  passed: z.boolean(),
  positions: z.int(),
  mean_tv: z.number(),
  max_tv: z.number(),
  greedy_mismatches: z.int(),
  implausible_stops: z.int(),
  reasons: z.array(z.string()),
  reference: z.string(),
  responses: z.array(
    z.object({
      request_id: z.string(),
      request_digest: z.string().nullable(),
      response_digest: z.string().nullable(),
      host_signature: z.string().nullable(),
    }),
  ),
  created: isoTimeSchema,
});
const convictionSchema = z.object({
  id: z.string(),
  model: z.string(),
  failed_checks: z.array(z.string()),
  responses_refunded: z.int(),
  refunded: decimalSchema,
  funded_by: z.object({
    host_earnings: decimalSchema,
    host_bond: decimalSchema,
    treasury: decimalSchema,
    funding: decimalSchema,
  }),
  bond_slashed: decimalSchema,
  created: isoTimeSchema,
});
/** A host's evidence: its checks (newest first, paged) and its convictions. */
export const hostEvidenceSchema = z.object({
  checks: z.array(checkSchema),
  has_more: z.boolean(),
  convictions: z.array(convictionSchema),
});
