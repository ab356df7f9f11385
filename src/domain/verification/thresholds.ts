// The CPU engine's profile, set from the measured table in docs/verification.md: honest runs sit orders of magnitude
// below the threshold, F16 below it, and Q8_0 and heavier substitutes above it. An honest CPU host's greedy tokens are
// the reference's argmax (top-1 agreement 1.000), so one disagreement fails a check; no pooled test is needed where
// one check separates every substitute.
import { DEFAULT_CONVICTION_RULE } from './conviction.ts';
import type { VerificationProfile } from './verification-profile.ts';

export const HONEST_MEAN_TV_THRESHOLD = 2e-3;

export const CPU_PROFILE: VerificationProfile = {
  name: 'cpu',
  measuredAt: '2026-11-23',
  provenance:
    'agora-tiny F32 on the built-in engine (node-llama-cpp, CPU, one thread), 6 prompts x 48 greedy tokens per variant on a 2-vCPU machine of the CI kind; honest mean TV@top-5 1.23e-5, Q8_0 4.27e-3 (docs/verification.md)',
  minPositions: 48,
  perCheck: { meanTvThreshold: HONEST_MEAN_TV_THRESHOLD, honestTop1Disagreement: 0, top1TailProbability: 1e-3 },
  conviction: DEFAULT_CONVICTION_RULE,
  pooled: null,
};
