import { describe, expect, it } from 'vitest';
import { afterVerdict, type HostEvidence } from './host-evidence.ts';
import { NO_POOLED_EVIDENCE } from './pooled-test.ts';
import type { CheckVerdict } from './response-check.ts';
import { CPU_PROFILE } from './thresholds.ts';
import type { VerificationProfile } from './verification-profile.ts';

const profile: VerificationProfile = {
  ...CPU_PROFILE,
  perCheck: { ...CPU_PROFILE.perCheck, meanTvThreshold: 0.011 },
  pooled: {
    meanTv: { honestMean: 0.0043, cap: 0.0088, lambda: 386, logMgf: 0.38 },
    meanAbsLogprobDelta: null,
    falseConviction: 1e-4,
  },
};
const check = (meanTv: number, passed = true): CheckVerdict => ({
  passed,
  positions: 48,
  meanTv,
  maxTv: meanTv,
  meanAbsLogprobDelta: 0,
  greedyMismatches: 0,
  implausibleStops: 0,
  reasons: passed ? [] : ['above'],
});
const run = (checks: CheckVerdict[], pooled = true) => {
  let evidence: HostEvidence = { score: 0, pooled: NO_POOLED_EVIDENCE };
  for (const [i, c] of checks.entries()) {
    const next = afterVerdict(evidence, c, profile, pooled);
    if (next.convictedBy) return { at: i + 1, by: next.convictedBy };
    evidence = next.evidence;
  }
  return null;
};

describe('which test convicts a host', () => {
  it('gross fraud fails every check and the per-check rule convicts in four', () => {
    expect(run(Array.from({ length: 4 }, () => check(0.05, false)))).toEqual({ at: 4, by: 'per_check' });
  });

  it('a substitute that passes every check drifts above the honest mean until the pooled test convicts', () => {
    expect(run(Array.from({ length: 40 }, () => check(0.0075)))?.by).toBe('pooled');
    expect(run(Array.from({ length: 200 }, () => check(0.0043)))).toBeNull();
  });

  it('checks the pooled test does not read (embeddings) move only the per-check rule', () => {
    expect(
      run(
        Array.from({ length: 40 }, () => check(0.0075)),
        false,
      ),
    ).toBeNull();
  });
});
