// A host's evidence per SKU across checks, and which test convicts it: failed checks feed the per-check rule
// (conviction.ts: gross fraud fails check after check and convicts in four), every completion check's statistics
// feed the pooled test (pooled-test.ts: subtle substitutes pass check after check but drift above the honest mean).
import { afterCheck } from './conviction.ts';
import { afterPooledCheck, type PooledScores } from './pooled-test.ts';
import type { CheckVerdict } from './response-check.ts';
import type { VerificationProfile } from './verification-profile.ts';

/** Which statistic convicted a host: a run of failed checks, or the pooled distance of all its checks. */
export type ConvictionStatistic = 'per_check' | 'pooled';

export type HostEvidence = { score: number; pooled: PooledScores };

/**
 * The evidence after one more counted check. `pooled` is false for checks the pooled test does not read
 * (embeddings: their distance is a cosine, not a TV).
 */
export function afterVerdict(
  evidence: HostEvidence,
  verdict: CheckVerdict,
  profile: VerificationProfile,
  pooled = true,
): { evidence: HostEvidence; convictedBy: ConvictionStatistic | null } {
  const perCheck = afterCheck(evidence.score, verdict.passed, profile.conviction);
  const pooledStep = pooled && profile.pooled ? afterPooledCheck(evidence.pooled, verdict, profile.pooled) : undefined;
  const convictedBy = perCheck.convicted ? 'per_check' : pooledStep?.convicted ? 'pooled' : null;
  return { evidence: { score: perCheck.score, pooled: pooledStep?.scores ?? evidence.pooled }, convictedBy };
}
