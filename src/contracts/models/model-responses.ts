// What the admin API answers about launched models: a launch's outcome with the probe results per host, the models
// with their versions, and a model's state after disable, enable or rollback.
import { z } from 'zod';
import { listOf } from '../http/wire-values.ts';

export const MODEL_VERSION_STATUSES = ['pending', 'active', 'rejected', 'superseded', 'rolled_back'] as const;

const hostProbeSchema = z.object({
  host_id: z.string(),
  passed: z.boolean(),
  /** per probe, normalised token edit distance from the reference's answer (0–1) */
  distances: z.array(z.number()),
  reason: z.string().nullable(),
});

export const modelLaunchedSchema = z.object({
  id: z.string(),
  version: z.int(),
  /** active: live now; pending: no host could be probed; rejected: its probes failed on every host probed */
  status: z.enum(MODEL_VERSION_STATUSES),
  verified: z.boolean(),
  probes: z.array(hostProbeSchema),
  message: z.string(),
});

const modelVersionSchema = z.object({
  version: z.int(),
  status: z.enum(MODEL_VERSION_STATUSES),
  name: z.string(),
  digest: z.string(),
  quantization: z.string(),
  verified: z.boolean(),
  created_at: z.string(),
  promoted_at: z.string().nullable(),
});

export const adminModelSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** the manifest version live now; null for the built-in model */
  version: z.int().nullable(),
  disabled: z.boolean(),
  verified: z.boolean(),
  hosts: z.int(),
  versions: z.array(modelVersionSchema),
});
export const adminModelListSchema = listOf(adminModelSchema);

export const modelStateSchema = z.object({ id: z.string(), version: z.int().nullable(), disabled: z.boolean() });
