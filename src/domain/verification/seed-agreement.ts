// The shared-seed statistic (decision 031): at each sampled position the verifier draws the canonical sampler's
// token from the reference's distribution with the request's seed. An honest host drew the same token, except where
// numerical noise could flip the draw (near-ties, excluded); a substitute's other distribution draws other tokens
// at some rate. The share of reproduced tokens is `seed_agreement`; a check fails when its own mismatches are
// improbable for an honest host, and a host's mismatches are pooled across checks by a CUSUM of the per-position
// likelihood ratio (honest rate vs the least cheating rate worth convicting), which convicts when it reaches ln(1/α).
import {
  perturbedBest,
  samplingCandidates,
  type LogprobVector,
  type SeededSampling,
} from '../sampling/canonical-sampler.ts';

export type SeedCounts = { reproduced: number; mismatched: number; tied: number };
export type SeedOutcome = keyof SeedCounts;

/** How close a draw may be to flipping before the position is excluded as a near-tie. */
export type TieMargins = {
  /** the best and second-best perturbed scores, times the temperature (log-probability units), closer than this */
  nats: number;
  /** with top_p < 1: the winner changes when top_p moves by this much (a token at the nucleus boundary) */
  mass: number;
};

export type SeedAgreementRule = {
  margins: TieMargins;
  /** an honest host's share of mismatched (non-tie) positions: an upper bound on the measured rate */
  honestMismatchRate: number;
  /** the least mismatch rate worth convicting */
  cheaterMismatchRate: number;
  /** the chance an honest host is convicted */
  falseConviction: number;
  /** a check fails when an honest host shows at least its mismatches with less than this probability */
  checkFailureTail: number;
};

/**
 * The built-in engine's rule (docs/verification.md, "Sampled outputs"): an honest host reproduced every one of
 * 10,552 non-tie sampled positions (temperatures 0.5–1.3, top_p 1 and 0.9; 8 near-ties), so 5e-4 is above the 99 %
 * upper bound of its mismatch rate; Q8_0 mismatches at 6.8e-3, the other substitutes at 1.6e-2 to 0.14.
 */
export const BUILTIN_SEED_AGREEMENT_RULE: SeedAgreementRule = {
  margins: { nats: 1e-3, mass: 1e-4 },
  honestMismatchRate: 5e-4,
  cheaterMismatchRate: 5e-3,
  falseConviction: 1e-6,
  checkFailureTail: 1e-3,
};

/** Whether the reference, drawing with the request's seed, reproduces the host's `claimed` token at `position`. */
export function replaySampledToken(
  logprobs: LogprobVector,
  position: number,
  sampling: SeededSampling,
  claimed: number,
  margins: TieMargins,
): SeedOutcome {
  const wide = samplingCandidates(logprobs, Math.min(1, sampling.topP + margins.mass));
  const best = perturbedBest(logprobs, wide, position, sampling);
  // The winner over the widest nucleus noise allows is the winner over every narrower one that still holds it.
  if (sampling.topP < 1) {
    const narrow = samplingCandidates(logprobs, Math.max(sampling.topP - margins.mass, Number.MIN_VALUE));
    if (!narrow.includes(best.token)) return 'tied';
  }
  if ((best.score - best.runnerUp) * sampling.temperature < margins.nats) return 'tied';
  return claimed === best.token ? 'reproduced' : 'mismatched';
}

export const NO_SEED_COUNTS: SeedCounts = { reproduced: 0, mismatched: 0, tied: 0 };

export function addSeedCounts(a: SeedCounts, b: SeedCounts): SeedCounts {
  return { reproduced: a.reproduced + b.reproduced, mismatched: a.mismatched + b.mismatched, tied: a.tied + b.tied };
}

/** The share of non-tie positions reproduced; undefined when there is none. */
export function seedAgreement(counts: SeedCounts): number | undefined {
  const judged = counts.reproduced + counts.mismatched;
  return judged === 0 ? undefined : counts.reproduced / judged;
}

/** P(X ≥ x) for X ~ Binomial(n, p), summed in log space so that tiny tails do not cancel to zero. */
export function binomialUpperTail(x: number, n: number, p: number): number {
  if (x <= 0) return 1;
  if (x > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  let logPmf = n * Math.log1p(-p);
  const logOdds = Math.log(p / (1 - p));
  let tail = 0;
  for (let k = 0; k <= n; k++) {
    if (k >= x) tail += Math.exp(logPmf);
    logPmf += Math.log((n - k) / (k + 1)) + logOdds;
  }
  return Math.min(1, tail);
}

/** Whether one check's positions show more mismatches than an honest host plausibly would. */
export function seedCheckFails(counts: SeedCounts, rule: SeedAgreementRule): boolean {
  const judged = counts.reproduced + counts.mismatched;
  return (
    counts.mismatched > 0 &&
    binomialUpperTail(counts.mismatched, judged, rule.honestMismatchRate) < rule.checkFailureTail
  );
}

/** The host's pooled seed evidence after one more check's positions, and whether it now convicts. */
export function seedEvidenceAfter(
  score: number,
  counts: SeedCounts,
  rule: SeedAgreementRule,
): { score: number; convicted: boolean } {
  const r0 = rule.honestMismatchRate;
  const r1 = rule.cheaterMismatchRate;
  const step = counts.mismatched * Math.log(r1 / r0) + counts.reproduced * Math.log((1 - r1) / (1 - r0));
  const next = Math.max(0, score + step);
  return { score: next, convicted: next >= Math.log(1 / rule.falseConviction) };
}
