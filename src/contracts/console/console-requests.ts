// Request shapes of the console's surfaces: sign-in, usage queries (filters, series, CSV), operator traffic, and the
// incident log.
import { z } from 'zod';
import { pageAfterSchema } from '../page-cursor.ts';
import { INCIDENT_IMPACTS, INCIDENT_STATUSES } from '../../domain/status/incidents.ts';

export const signInSchema = z
  .object({ credential: z.string().trim().min(1, 'paste an API key, host token or operator key').max(512) })
  .strict();

/** A time as ISO 8601 or Unix seconds. */
const instantSchema = z.union([
  z.coerce
    .number()
    .int()
    .nonnegative()
    .transform((s) => s * 1000),
  z.iso.datetime({ offset: true }).transform((iso) => Date.parse(iso)),
]);

const usageFilterFields = {
  model: z.string().min(1).max(200).optional(),
  key: z.string().min(1).max(64).optional(),
  from: instantSchema.optional(),
  to: instantSchema.optional(),
};

export const usageQuerySchema = z
  .object({
    ...usageFilterFields,
    limit: z.coerce.number().int().min(1).max(10_000).default(100),
    after: pageAfterSchema,
    format: z.enum(['json', 'csv']).default('json'),
  })
  .strict();

export const usageSeriesQuerySchema = z
  .object({ ...usageFilterFields, bucket: z.enum(['minute', 'hour', 'day']).default('hour') })
  .strict();

export const trafficQuerySchema = z.object({ hours: z.coerce.number().min(0.01).max(168).default(1) }).strict();

export const openIncidentSchema = z
  .object({
    title: z.string().trim().min(1).max(200),
    impact: z.enum(INCIDENT_IMPACTS).default('minor'),
    models: z.array(z.string().min(1)).max(100).default([]),
    message: z.string().trim().min(1).max(4_000),
  })
  .strict();

export const incidentUpdateSchema = z
  .object({ status: z.enum(INCIDENT_STATUSES), message: z.string().trim().min(1).max(4_000) })
  .strict();
