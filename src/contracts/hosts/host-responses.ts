// The host agent's side on the wire: registration, heartbeats, the host's own summary and maintenance windows.
import { z } from 'zod';
import { capacityWireSchema } from '../admin/admin-responses.ts';
import { decimalSchema, isoTimeSchema } from '../http/wire-values.ts';

export const registeredSchema = z.object({
  host_id: z.string(),
  host_token: z.string(),
  status: z.enum(['active', 'pending']),
  admitted: z.array(z.string()),
  refused: z.array(z.object({ model: z.string(), reason: z.string() })),
  heartbeat_interval_ms: z.number(),
});
export const heartbeatAckSchema = z.object({ host_id: z.string(), ok: z.literal(true) });
export const leftSchema = z.object({ host_id: z.string(), left: z.literal(true) });

export const maintenanceWindowSchema = z.object({ id: z.string(), starts_at: isoTimeSchema, ends_at: isoTimeSchema });
export const maintenanceListSchema = z.object({ data: z.array(maintenanceWindowSchema) });
export const maintenanceCancelledSchema = z.object({ id: z.string(), cancelled: z.literal(true) });

/**
 * A model's format scorecard: answers judged for the format their request asked for (tool calls, JSON answers) and
 * the failures among them, by kind (malformed_tool_call, unparsable_arguments, unknown_function, arguments_schema_mismatch,
 * missing_tool_call, unparsable_answer, answer_schema_mismatch).
 */
export const formatScoreSchema = z.object({
  model: z.string(),
  answers: z.int(),
  failures: z.int(),
  /** failures / answers, 0 with no answers */
  failure_rate: z.number(),
  failures_by_kind: z.record(z.string(), z.int()),
});

export const hostSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  base_url: z.string(),
  last_seen: isoTimeSchema.nullable(),
  models: z.array(z.string()),
  traffic: z.object({ requests: z.int(), completion_tokens: z.int() }),
  earnings: decimalSchema,
  misses: z.int(),
  strikes: z.int(),
  reputation: z.number(),
  suspended_since: isoTimeSchema.nullable(),
  maintenance: z.array(maintenanceWindowSchema),
  capacity: z.array(capacityWireSchema),
  formats: z.array(formatScoreSchema),
});
