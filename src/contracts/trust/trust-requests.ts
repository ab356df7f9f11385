// What buyers, hosts and the operator send about trust: a buyer disputes a response it paid for, a convicted host
// appeals, the operator decides an appeal.
import { z } from 'zod';

export const disputeRequestSchema = z.strictObject({
  request_id: z.string().min(1).max(200),
  reason: z.string().max(2000).optional(),
});

export const appealRequestSchema = z.strictObject({
  conviction_id: z.string().min(1).max(200),
  reason: z.string().min(1).max(2000),
});

export const appealDecisionSchema = z.strictObject({ decision: z.enum(['grant', 'deny']) });
