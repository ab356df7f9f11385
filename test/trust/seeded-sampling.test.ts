// Sampled answers verified by the shared seed on the real built-in engine (decision 031): a host that reports token
// ids alone at temperature 0.8 is judged only by whether the reference, drawing with the request's seed, draws its
// tokens. An honest host reproduces every non-tie draw and is never convicted; a substitute is convicted by the
// pooled seed agreement alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { examineResponse, type ReferenceEngine } from '../../src/app/verification/verifier.ts';
import { loadLlamaEngine, type LlamaEngine } from '../../src/adapters/engines/builtin/llama-engine.ts';
import { ensureTinyModel } from '../../src/adapters/engines/builtin/model-cache.ts';
import { describeVariant, type VariantName } from '../../src/domain/tiny-model/model-variant.ts';
import { judgePool, type SampleFindings } from '../../src/domain/verification/response-check.ts';
import {
  BUILTIN_SEED_AGREEMENT_RULE as RULE,
  seedEvidenceAfter,
} from '../../src/domain/verification/seed-agreement.ts';
import { referenceEngine } from '../../src/main/verification.ts';
import { TEST_MODEL_CACHE } from '../support/model-cache-dir.ts';

const PROMPTS = ['The market', 'A host runs an open model', 'Hello!', 'The ledger keeps', 'When a host fails,'];
const load = async (variant: VariantName) =>
  loadLlamaEngine({
    modelPath: (await ensureTinyModel(TEST_MODEL_CACHE, describeVariant(variant))).ggufPath,
    contextSize: 512,
    sequences: 1,
  });

/** Checks of 48 draws each, as the verifier makes them, until conviction or `checks`; the seed evidence after each. */
async function judgeHost(engine: LlamaEngine, reference: ReferenceEngine, checks: number) {
  const verdicts = [];
  let evidence = 0;
  for (let check = 0; check < checks; check++) {
    const promptIds = engine.tokenize(PROMPTS[check % PROMPTS.length] as string);
    const seed = 7 + check * 7919;
    const ids: number[] = [];
    const draws = engine.generate({
      promptIds,
      maxTokens: 48,
      temperature: 0.8,
      topP: 1,
      seed,
      topK: 5,
      stop: [],
      ignoreEos: true,
    });
    for await (const event of draws) if (event.type === 'token') ids.push(event.token.id);
    const findings = await examineResponse(reference, {
      promptIds,
      claimed: ids.map((id) => ({ id, logprob: Number.NaN, top: [] })),
      temperature: 0.8,
      stoppedByModel: false,
      sampling: { seed, topP: 1 },
    });
    const verdict = judgePool([findings as SampleFindings]);
    if (!verdict?.seed) throw new Error('a check of 48 seeded draws has a verdict with seed counts');
    const after = seedEvidenceAfter(evidence, verdict.seed, RULE);
    evidence = after.score;
    verdicts.push({ ...verdict, evidence, convicted: after.convicted });
    if (after.convicted) break;
  }
  return verdicts;
}

describe('sampled answers verified by the shared seed', () => {
  let reference: LlamaEngine;
  let asReference: ReferenceEngine;
  beforeAll(async () => {
    reference = await load('reference');
    asReference = referenceEngine(reference, 'agora-tiny f32');
  });
  afterAll(() => reference.close());

  it('an honest host at temperature 0.8 reproduces every non-tie draw and is not convicted', async () => {
    const host = await load('reference');
    try {
      const verdicts = await judgeHost(host, asReference, 8);
      expect(verdicts).toHaveLength(8);
      for (const v of verdicts) {
        expect(v.passed, v.reasons.join('; ')).toBe(true);
        expect(v.seed?.mismatched).toBe(0);
        expect(v.evidence).toBe(0);
      }
      expect(verdicts.reduce((n, v) => n + (v.seed?.reproduced ?? 0), 0)).toBeGreaterThan(8 * 48 * 0.99);
    } finally {
      await host.close();
    }
  });

  it('a substitute reporting no logprobs is convicted by seed agreement alone', async () => {
    const host = await load('q4_0');
    try {
      const verdicts = await judgeHost(host, asReference, 12);
      expect(verdicts.at(-1)?.convicted).toBe(true);
      expect(verdicts.length).toBeLessThanOrEqual(6);
      // No distance was measured: the host reported no top-k.
      for (const v of verdicts) expect(v.meanTv).toBe(0);
    } finally {
      await host.close();
    }
  });
});
