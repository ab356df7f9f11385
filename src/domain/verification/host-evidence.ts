// A host's evidence per SKU across checks, and which test convicts it: failed checks feed the per-check rule
// (conviction.ts: gross fraud fails check after check and convicts in four), every completion check's statistics
// feed the pooled test (pooled-test.ts: subtle substitutes pass check after check but drift above the honest mean),
// and seeded draws feed the pooled seed agreement (seed-agreement.ts, decision 031).
import { afterCheck } from './conviction.ts';
import { afterPooledCheck, type PooledScores } from './pooled-test.ts';
import type { CheckVerdict } from './response-check.ts';
import { seedEvidenceAfter } from './seed-agreement.ts';
import type { VerificationProfile } from './verification-profile.ts';

/**
 * Which statistic convicted a host: a run of failed checks, the pooled distance of all its checks, or the pooled
 * share of its seeded draws the reference did not reproduce.
 */
export type ConvictionStatistic = 'per_check' | 'pooled' | 'seed_agreement';

export type HostEvidence = { score: number; pooled: PooledScores; seed: number };

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
  const seedStep =
    verdict.seed && profile.seedAgreement
      ? seedEvidenceAfter(evidence.seed, verdict.seed, profile.seedAgreement)
      : undefined;
  const convictedBy = perCheck.convicted
    ? 'per_check'
    : pooledStep?.convicted
      ? 'pooled'
      : seedStep?.convicted
        ? 'seed_agreement'
        : null;
  return {
    evidence: {
      score: perCheck.score,
      pooled: pooledStep?.scores ?? evidence.pooled,
      seed: seedStep?.score ?? evidence.seed,
    },
    convictedBy,
  };
}
