// What buyers, hosts and the operator send about trust: a buyer disputes a response it paid for, a convicted host
// appeals, the operator decides an appeal; a host's checks are read a page at a time.
import { z } from 'zod';
import { pageAfterSchema } from '../page-cursor.ts';

export const disputeRequestSchema = z.strictObject({
  request_id: z.string().min(1).max(200),
  reason: z.string().max(2000).optional(),
});

export const appealRequestSchema = z.strictObject({
  conviction_id: z.string().min(1).max(200),
  reason: z.string().min(1).max(2000),
});

export const appealDecisionSchema = z.strictObject({ decision: z.enum(['grant', 'deny']) });

export const checksQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  after: pageAfterSchema,
});
