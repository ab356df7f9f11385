// Verification under logit_bias and penalties (decision 024): the verifier replays the request's adjustments on
// the reference's distribution, so a host that honestly applied them is never convicted, while one that ignored
// them is caught; a grammar-constrained answer is labelled unverified and never reaches the verifier.
import { describe, expect, it } from 'vitest';
import { examineResponse, type ReferenceEngine } from '../../src/app/verification/verifier.ts';
import { createResponseSampler } from '../../src/app/verification/response-sampling.ts';
import type { SampledResponse } from '../../src/app/verification/verification-store.ts';
import { adjustDistribution, logitDeltas, type LogitAdjustments } from '../../src/domain/sampling/logit-adjustments.ts';
import { chooseToken } from '../../src/domain/sampling/token-sampler.ts';
import { createPrng } from '../../src/domain/tiny-model/prng.ts';
import {
  judgePool,
  VERIFY_TOP_K,
  type ClaimedPosition,
  type SampleFindings,
} from '../../src/domain/verification/response-check.ts';

const VOCAB = 64;
const EOG = 0;

/** A model as a function of its context: seeded logits, the same on both sides (the reference runs it exactly). */
function distributionAt(context: readonly number[]): Array<[number, number]> {
  let seed = 17;
  for (const id of context) seed = (Math.imul(seed, 31) + id + 1) >>> 0;
  const prng = createPrng(seed);
  const logits = Array.from({ length: VOCAB }, () => prng.nextUnit() * 6);
  const max = Math.max(...logits);
  const z = logits.reduce((s, l) => s + Math.exp(l - max), 0);
  return logits.map((l, id): [number, number] => [id, Math.exp(l - max) / z]).sort((a, b) => b[1] - a[1]);
}

const reference: ReferenceEngine = {
  name: 'seeded test model',
  endOfGenerationId: EOG,
  isEndOfGeneration: (id) => id === EOG,
  async score(promptIds, claimedIds, topK, extra) {
    return claimedIds.map((claimed, i) => {
      const dist = distributionAt([...promptIds, ...claimedIds.slice(0, i)]);
      const lp = new Map(dist.map(([id, p]) => [id, Math.log(p)]));
      return {
        claimed: { id: claimed, logprob: lp.get(claimed) as number },
        top: dist.slice(0, topK).map(([id, p]) => ({ id, logprob: Math.log(p) })),
        extra: new Map((extra[i] ?? []).map((id) => [id, lp.get(id) as number])),
      };
    });
  },
};

/** What an honest built-in engine does: adjust, choose, report the adjusted top-k (or ignore the adjustments). */
function host(promptIds: number[], adjustments: LogitAdjustments, seed: number, honest: boolean) {
  const prng = createPrng(seed);
  const claimed: ClaimedPosition[] = [];
  const counts = new Map<number, number>();
  for (let i = 0; i < 24; i++) {
    const raw = distributionAt([...promptIds, ...claimed.map((c) => c.id)]);
    const dist = honest ? adjustDistribution(raw, logitDeltas(adjustments, counts)) : raw;
    const id = chooseToken(dist, seed % 2 === 0 ? 0 : 0.8, 1, prng.nextUnit());
    if (id === EOG) return { claimed, stopped: true };
    counts.set(id, (counts.get(id) ?? 0) + 1);
    const top = dist.slice(0, VERIFY_TOP_K).map(([t, p]) => ({ id: t, logprob: Math.log(p) }));
    claimed.push({ id, logprob: Math.log(dist.find(([t]) => t === id)?.[1] ?? 0), top });
  }
  return { claimed, stopped: false };
}

function randomAdjustments(seed: number): LogitAdjustments {
  const prng = createPrng(seed * 7 + 1);
  const logitBias: Record<string, number> = {};
  const biased = 1 + (prng.nextUint32() % 6);
  for (let i = 0; i < biased; i++)
    logitBias[String(1 + (prng.nextUint32() % (VOCAB - 1)))] = Math.round((prng.nextUnit() * 2 - 1) * 100);
  return {
    logitBias,
    presencePenalty: Math.round((prng.nextUnit() * 4 - 2) * 10) / 10,
    frequencyPenalty: Math.round((prng.nextUnit() * 4 - 2) * 10) / 10,
  };
}

async function poolVerdict(seeds: number[], honest: boolean, replay: boolean) {
  const findings = await Promise.all(
    seeds.map(async (seed) => {
      const adjustments = randomAdjustments(seed);
      const promptIds = [seed % VOCAB, (seed * 3) % VOCAB, 5];
      const { claimed, stopped } = host(promptIds, adjustments, seed, honest);
      return examineResponse(reference, {
        promptIds,
        claimed,
        temperature: seed % 2 === 0 ? 0 : 0.8,
        stoppedByModel: stopped,
        ...(replay ? { adjustments } : {}),
      });
    }),
  );
  return judgePool((findings as SampleFindings[]).filter((f) => f.positions > 0));
}

describe('verification under logit_bias and penalties', () => {
  it('never convicts a host that honestly applied them, over many random biases, penalties and temperatures', async () => {
    for (let batch = 0; batch < 25; batch++) {
      const seeds = Array.from({ length: 8 }, (_, i) => batch * 8 + i + 1);
      const verdict = await poolVerdict(seeds, true, true);
      expect(verdict?.passed, `batch ${batch}: ${verdict?.reasons.join('; ')}`).toBe(true);
      expect(verdict?.meanTv).toBeLessThan(1e-9);
    }
  });

  it('catches a host that ignored them, and would wrongly fail an honest one if the verifier did not replay them', async () => {
    const seeds = Array.from({ length: 16 }, (_, i) => i + 1);
    expect((await poolVerdict(seeds, false, true))?.passed).toBe(false);
    expect((await poolVerdict(seeds, true, false))?.passed).toBe(false);
  });

  it('keeps no grammar-constrained answer, whatever the draw: it never counts toward a conviction', () => {
    const kept: SampledResponse[] = [];
    const sampler = createResponseSampler({
      store: { addSample: async (s) => void kept.push(s) },
      samplingUnit: () => 0,
      samplingFloor: 1,
      verifiable: () => true,
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    for (let i = 0; i < 100; i++) {
      const { claimed } = host([i % VOCAB, 5], randomAdjustments(i), i, true);
      const decision = sampler.offer({
        requestId: `r${i}`,
        host: { id: 'h', reputation: 0, underDispute: true },
        modelId: 'm',
        promptIds: [i % VOCAB, 5],
        completionTokens: claimed.length,
        choices: [{ positions: claimed, stoppedByModel: false }],
        temperature: 0,
        constrained: true,
        adjustments: randomAdjustments(i),
        receipt: null,
        servedAtMs: 0,
      });
      expect(decision).toBe('unverified_constrained');
    }
    expect(kept).toHaveLength(0);
  });
});
