// What verification costs and the profiles installed, on the wire. Cost: per model, re-scored tokens ÷ served tokens on the gateway instance that
// answers, over all answers and excluding hosts on probation (sampled above the floor).
import { z } from 'zod';
import { listOf } from '../http/wire-values.ts';

const costTallySchema = z.object({
  served_tokens: z.int(),
  rescored_tokens: z.int(),
  /** rescored ÷ served */
  share: z.number(),
});

export const verificationCostSchema = z.object({
  model: z.string(),
  overall: costTallySchema,
  /** answers of hosts sampled at the floor only: what a market of settled hosts pays */
  steady: costTallySchema,
  /** the share the market aims to stay under */
  goal: z.number(),
});
export const verificationCostListSchema = listOf(verificationCostSchema);

/** An installed profile, as the operator lists it. */
export const installedProfileSchema = z.object({
  model: z.string(),
  engine_kind: z.string(),
  hardware_class: z.string(),
  measured_at: z.string(),
  per_check_mean_tv_threshold: z.number(),
  pooled: z.boolean(),
  decode_tokens_per_second: z.number().nullable(),
  provenance: z.string(),
});
export const installedProfileListSchema = listOf(installedProfileSchema);
