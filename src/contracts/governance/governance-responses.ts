// Governance on the wire: the parameter registry (each parameter with its value, owner, bounds and the proposal that
// last set it), proposals with their tallies, quorum, snapshot, timeline and execution diff, vote receipts, and
// governance unit balances. Units and values are decimal strings, never JSON numbers.
import { z } from 'zod';
import { decimalSchema, isoTimeSchema, listOf } from '../http/wire-values.ts';

export const parameterSchema = z.object({
  name: z.string(),
  value: decimalSchema,
  owner: z.enum(['governance', 'operator']),
  min: decimalSchema,
  max: decimalSchema,
  /** the most one change may move it; it changes at most once per epoch */
  max_step: decimalSchema,
  description: z.string(),
  /** the proposal whose execution set the value; null: the genesis value (or the operator's) */
  set_by_proposal: z.string().nullable(),
  set_in_epoch: z.number().int().nullable(),
});
export const parameterListSchema = listOf(parameterSchema).extend({ epoch: z.number().int() });

const supportSchema = z.enum(['for', 'against', 'abstain']);
const tallySchema = z.object({ for: decimalSchema, against: decimalSchema, abstain: decimalSchema });

/** Where a vote's power comes from: the voter's own checkpointed units and those of delegators who did not vote. */
const powerSourceSchema = z.union([
  z.object({ kind: z.literal('own'), units: decimalSchema }),
  z.object({ kind: z.literal('delegated'), from: z.string(), units: decimalSchema }),
]);

export const voteSchema = z.object({
  voter: z.string(),
  support: supportSchema,
  power: decimalSchema,
  sources: z.array(powerSourceSchema),
  cast_epoch: z.number().int(),
});

export const proposalSchema = z.object({
  id: z.string(),
  type: z.literal('parameter_change'),
  proposer: z.string(),
  payload: z.object({ parameter: z.string(), value: z.string() }),
  state: z.enum(['pending', 'active', 'defeated', 'succeeded', 'queued', 'executed', 'canceled', 'expired']),
  tally: tallySchema,
  quorum: z.object({
    bps: z.number().int(),
    /** the power checkpointed at the snapshot: quorum's base */
    active_power: decimalSchema,
    reached: z.boolean(),
  }),
  /** the epoch boundary whose checkpointed balances are the voting power */
  snapshot_epoch: z.number().int(),
  timeline: z.object({
    created_epoch: z.number().int(),
    voting_starts_epoch: z.number().int(),
    voting_ends_epoch: z.number().int(),
    queued_epoch: z.number().int().nullable(),
    executable_epoch: z.number().int().nullable(),
    executed_epoch: z.number().int().nullable(),
    canceled_epoch: z.number().int().nullable(),
  }),
  canceled_reason: z.string().nullable(),
  execution_diff: z.object({ parameter: z.string(), before: z.string(), after: z.string() }).nullable(),
  created: isoTimeSchema,
});

export const proposalDetailSchema = proposalSchema.extend({
  votes: z.array(voteSchema),
  events: z.array(z.object({ kind: z.string(), epoch: z.number().int(), detail: z.unknown(), at: isoTimeSchema })),
});

export const proposalListSchema = listOf(proposalSchema).extend({ epoch: z.number().int() });

export const voteReceiptSchema = voteSchema.extend({
  proposal: z.string(),
  snapshot_epoch: z.number().int(),
  /** an earlier vote of this voter was replaced, not added to */
  replaced: z.boolean(),
});

export const delegationSchema = z.object({
  delegator: z.string(),
  delegate: z.string(),
  until_epoch: z.number().int().nullable(),
  created_epoch: z.number().int(),
});
export const delegationsSchema = z.object({
  delegates_to: delegationSchema.nullable(),
  delegators: z.array(delegationSchema),
});

export const unitBalanceSchema = z.object({ account: z.string(), units: decimalSchema });
