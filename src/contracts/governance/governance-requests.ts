// Request bodies of governance: a parameter change proposal (its payload is what the proposal id binds), a vote, an
// execution with the exact payload voted on, a transfer of governance units, and the operator's setting of a
// parameter it owns. Values are decimal strings at the parameter's scale (GET /v1/governance/parameters).
import { z } from 'zod';

const decimalText = z.string().regex(/^\d{1,19}(\.\d{1,9})?$/, 'a decimal such as "1200" or "0.45"');

/** @example { parameter: 'take_rate_bps', value: '1100' } */
export const parameterChangePayloadSchema = z
  .object({ parameter: z.string().min(1).max(64), value: decimalText })
  .strict();

export const proposalRequestSchema = z
  .object({
    type: z.literal('parameter_change'),
    payload: parameterChangePayloadSchema,
  })
  .strict();

export const voteRequestSchema = z.object({ support: z.enum(['for', 'against', 'abstain']) }).strict();

export const executeRequestSchema = z.object({ payload: parameterChangePayloadSchema }).strict();

export const unitTransferSchema = z
  .object({
    to: z.string().min(1).max(200),
    units: z
      .string()
      .regex(/^\d{1,18}$/, 'a whole number of units')
      .transform((s) => BigInt(s))
      .refine((n) => n > 0n, 'the units must be above zero'),
    /** a retried transfer with the same key moves nothing again */
    idempotency_key: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/),
  })
  .strict();

/** Delegates the caller's voting power until revoked, or through `until_epoch`. */
export const delegationRequestSchema = z
  .object({ to: z.string().min(1).max(200), until_epoch: z.number().int().min(0).nullable().default(null) })
  .strict();

export const operatorParameterSchema = z.object({ value: decimalText }).strict();
