// A verification profile as a file or a published value (the domain type, src/domain/verification/verification-profile.ts):
// what `agora verify calibrate` writes, the shipped profiles are, and `--floor-profile <path>` reads.
import { z } from 'zod';
import type { VerificationProfile } from '../../domain/verification/verification-profile.ts';

const positive = z.number().positive();
const rate = z.number().min(0).max(1);
const pooledStatisticSchema = z.object({
  honestMean: z.number().nonnegative(),
  cap: positive,
  lambda: positive,
  logMgf: z.number().nonnegative(),
});
const quantilesSchema = z
  .array(z.number().nonnegative())
  .min(2)
  .refine((q) => q.every((v, i) => i === 0 || v >= (q[i - 1] ?? 0)), 'quantiles must not decrease');

export const verificationProfileSchema = z.object({
  name: z.string().min(1),
  measuredAt: z.iso.date(),
  provenance: z.string().min(1),
  minPositions: z.int().positive(),
  perCheck: z.object({
    meanTvThreshold: positive,
    honestTop1Disagreement: rate,
    top1TailProbability: z.number().positive().max(1),
  }),
  conviction: z.object({
    honestFailureRate: z.number().positive().lt(1),
    cheaterFailureRate: z.number().positive().lt(1),
    falseConviction: z.number().positive().lt(1),
  }),
  pooled: z
    .object({
      meanTv: pooledStatisticSchema,
      meanAbsLogprobDelta: pooledStatisticSchema.nullable(),
      falseConviction: z.number().positive().lt(1),
    })
    .nullable(),
  floor: z.object({ tvQuantiles: quantilesSchema, answerFactorQuantiles: quantilesSchema }).optional(),
}) satisfies z.ZodType<VerificationProfile>;
