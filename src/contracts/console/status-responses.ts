// The public status, the incident log and the market's traffic on the wire; and the console's session.
import { z } from 'zod';
import { isoTimeSchema, latencyMsSchema, listOf, tokenPricesWireSchema } from '../http/wire-values.ts';

export const incidentSchema = z.object({
  id: z.string(),
  title: z.string(),
  impact: z.string(),
  models: z.array(z.string()),
  status: z.string(),
  opened: isoTimeSchema,
  resolved: isoTimeSchema.nullable(),
  updates: z.array(z.object({ id: z.string(), status: z.string(), message: z.string(), at: isoTimeSchema })),
});
export const incidentListSchema = listOf(incidentSchema);
export const incidentSuggestionListSchema = listOf(
  z.object({ model: z.string(), reason: z.string(), error_rate: z.number().nullable(), since: isoTimeSchema }),
);

const percentilesSchema = z.object({ p50: latencyMsSchema, p95: latencyMsSchema });
export const statusSchema = z.object({
  generated: isoTimeSchema,
  models: z.array(
    z.object({
      id: z.string(),
      state: z.string(),
      hosts_online: z.int(),
      /** an embedding model bills its input only: `prompt` alone */
      price: tokenPricesWireSchema.partial({ completion: true }),
      success_rate_1h: z.number().nullable(),
      /** null for an embedding model: its answer is one body, with no first token */
      ttft_ms_1h: percentilesSchema.nullable(),
      uptime: z.object({ '24h': z.number().nullable(), '7d': z.number().nullable() }),
    }),
  ),
  incidents: z.array(incidentSchema),
});

export const trafficSchema = listOf(
  z.object({
    start: isoTimeSchema,
    requests: z.int(),
    requests_per_second: z.number(),
    error_rate: z.number().nullable(),
    latency_ms: percentilesSchema,
    ttft_ms: percentilesSchema,
  }),
).extend({ bucket_seconds: z.number() });

export const consoleSessionSchema = z.object({
  role: z.enum(['buyer', 'operator', 'host']),
  csrf_token: z.string(),
  expires: isoTimeSchema,
});
