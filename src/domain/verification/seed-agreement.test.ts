// The shared-seed statistic: a draw from the same distribution with the same seed is reproduced, another token is a
// mismatch, a draw that noise could flip is a near-tie and counts for neither; the per-check test and the pooled
// CUSUM convict a host that mismatches at a cheater's rate and never move for one that reproduces every draw.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalToken, perturbedBest, samplingCandidates } from '../sampling/canonical-sampler.ts';
import {
  binomialUpperTail,
  BUILTIN_SEED_AGREEMENT_RULE as RULE,
  replaySampledToken,
  seedAgreement,
  seedCheckFails,
  seedEvidenceAfter,
  type SeedCounts,
} from './seed-agreement.ts';

const normalised = (logits: number[]) => {
  const max = Math.max(...logits);
  const z = Math.log(logits.reduce((s, l) => s + Math.exp(l - max), 0));
  return logits.map((l) => l - max - z);
};
const logprobVectors = fc
  .array(fc.double({ min: -12, max: 4, noNaN: true }), { minLength: 2, maxLength: 30 })
  .map(normalised);

describe('replaying a seeded draw', () => {
  it('reproduces what the canonical sampler drew from the same distribution, or calls it a near-tie', () => {
    fc.assert(
      fc.property(logprobVectors, fc.nat(2 ** 31 - 1), fc.nat(500), (logprobs, seed, position) => {
        const sampling = { seed, temperature: 0.8, topP: 1 };
        const drawn = canonicalToken(logprobs, position, sampling);
        expect(['reproduced', 'tied']).toContain(replaySampledToken(logprobs, position, sampling, drawn, RULE.margins));
      }),
    );
  });

  it('calls a token other than the draw a mismatch when the draw is clear, and a near-tie when noise could flip it', () => {
    const logprobs = normalised([2, 1, 0, -1, -3]);
    const sampling = { seed: 5, temperature: 0.8, topP: 1 };
    for (let position = 0; position < 200; position++) {
      const best = perturbedBest(logprobs, [0, 1, 2, 3, 4], position, sampling);
      const other = (best.token + 1) % logprobs.length;
      const outcome = replaySampledToken(logprobs, position, sampling, other, RULE.margins);
      const clear = (best.score - best.runnerUp) * sampling.temperature >= RULE.margins.nats;
      expect(outcome).toBe(clear ? 'mismatched' : 'tied');
    }
    // A margin as wide as the scores' spread makes every draw a near-tie.
    expect(replaySampledToken(logprobs, 0, sampling, 0, { nats: 100, mass: 0 })).toBe('tied');
  });

  it('calls a draw a near-tie when moving top_p by the margin changes the nucleus it came from', () => {
    // Two tokens of mass 0.5: with top_p 0.5 the nucleus is the first alone, with a hair more it holds both.
    const logprobs = [Math.log(0.5), Math.log(0.5 - 1e-9), Math.log(1e-9)];
    expect(samplingCandidates(logprobs, 0.5)).toEqual([0]);
    const outcomes = Array.from({ length: 64 }, (_, position) =>
      replaySampledToken(logprobs, position, { seed: 3, temperature: 1, topP: 0.5 }, 0, RULE.margins),
    );
    expect(outcomes).toContain('tied');
    expect(outcomes.every((o) => o !== 'mismatched')).toBe(true);
  });
});

describe('judging seed agreement', () => {
  const counts = (reproduced: number, mismatched: number): SeedCounts => ({ reproduced, mismatched, tied: 0 });

  it('computes the binomial tail exactly on small cases and without cancelling tiny ones', () => {
    expect(binomialUpperTail(1, 2, 0.5)).toBeCloseTo(0.75, 12);
    expect(binomialUpperTail(2, 3, 0.5)).toBeCloseTo(0.5, 12);
    expect(binomialUpperTail(0, 10, 0.1)).toBe(1);
    expect(binomialUpperTail(11, 10, 0.1)).toBe(0);
    // Dominated by its first term, C(48, 10)·p^10·(1 − p)^38 = 6.54e9 · 9.77e-34 · 0.981 ≈ 6.3e-24.
    const first = 6540715896 * 5e-4 ** 10 * (1 - 5e-4) ** 38;
    expect(binomialUpperTail(10, 48, 5e-4) / first).toBeGreaterThanOrEqual(1);
    expect(binomialUpperTail(10, 48, 5e-4) / first).toBeLessThan(1.01);
  });

  it('fails a check on mismatches an honest host would show less than once in a thousand checks, not on one', () => {
    expect(seedCheckFails(counts(48, 0), RULE)).toBe(false);
    expect(seedCheckFails(counts(47, 1), RULE)).toBe(false);
    expect(seedCheckFails(counts(46, 2), RULE)).toBe(true);
    expect(seedAgreement(counts(46, 2))).toBeCloseTo(46 / 48, 12);
    expect(seedAgreement(counts(0, 0))).toBeUndefined();
  });

  it('never moves for a host that reproduces every draw, and convicts one that mismatches at the cheater rate', () => {
    let honest = 0;
    for (let check = 0; check < 1000; check++) {
      const after = seedEvidenceAfter(honest, counts(48, 0), RULE);
      expect(after.convicted).toBe(false);
      honest = after.score;
    }
    expect(honest).toBe(0);
    // Q8_0's measured rate (6.8e-3): one mismatch in every ~147 draws.
    let score = 0;
    let checks = 0;
    for (let drawn = 0; ; drawn += 48) {
      checks++;
      const mismatched = Math.floor((drawn + 48) / 147) - Math.floor(drawn / 147);
      const after = seedEvidenceAfter(score, counts(48 - mismatched, mismatched), RULE);
      score = after.score;
      if (after.convicted) break;
    }
    expect(checks).toBeLessThan(40);
  });
});
