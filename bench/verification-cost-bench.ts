// Verification compute as a share of serving compute, through the market's own sampler (HMAC draws, the
// reputation-set rate, the same cost meter /metrics reads): hosts join the market new (sampled on every answer)
// and earn their way to the floor by passing checks (+2 reputation per check, as the verifier scores them), under
// the sandbox's traffic mix (its prompts metered by the built-in SKU's tokenizer, 48–64 completion tokens). The
// bench upstream serves an unverifiable SKU, so the paid-path runs cannot show this figure; this section can.
import { createResponseSampler } from '../src/app/verification/response-sampling.ts';
import {
  createVerificationCostMeter,
  VERIFICATION_COST_GOAL,
  type ModelVerificationCost,
} from '../src/app/verification/verification-cost.ts';
import { promptTokenIds } from '../src/app/v1/prompt-metering.ts';
import { hmacSamplingUnit } from '../src/adapters/keys/sampling-oracle.ts';
import { loadTokenizerDir } from '../src/adapters/tokenizers/launched-tokenizers.ts';
import { DEFAULT_SAMPLING_FLOOR, reputationAfter } from '../src/domain/verification/reputation.ts';
import { MIN_CHECK_POSITIONS } from '../src/domain/verification/response-check.ts';
import { createPrng } from '../src/domain/tiny-model/prng.ts';
import { chatCompletionRequestSchema } from '../src/contracts/openai/completion-request.ts';
import { sandboxRequest } from '../src/main/sandbox.ts';
import { makeTinyModel } from '../src/main/tiny-models.ts';

export type CostRun = { hosts: number; answersPerHost: number; cost: ModelVerificationCost };

export async function benchVerificationCost(hosts = 8, answersPerHost = 20_000, seed = 1): Promise<CostRun> {
  const tokenizer = await loadTokenizerDir((await makeTinyModel('reference', undefined)).dir);
  const meter = createVerificationCostMeter();
  const pools = new Map<string, number>();
  const reputation = new Map<string, number>();
  const sampler = createResponseSampler({
    // A kept answer joins its host's pool; a pool of enough positions is one (passed) check.
    store: {
      async addSample(sample) {
        const positions =
          (pools.get(sample.hostId) ?? 0) + ('claimed' in sample.payload ? sample.payload.claimed.length : 0);
        if (positions < MIN_CHECK_POSITIONS) return void pools.set(sample.hostId, positions);
        pools.set(sample.hostId, 0);
        reputation.set(sample.hostId, reputationAfter(reputation.get(sample.hostId) ?? 0, { kind: 'passed' }));
      },
    },
    // A fixed secret: the same seed gives the same figures.
    samplingUnit: hmacSamplingUnit(`bench-verification-cost-${seed}`),
    samplingFloor: DEFAULT_SAMPLING_FLOOR,
    verifiable: () => true,
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    cost: meter,
  });
  const prng = createPrng(seed);
  const metered = new Map<string, number[]>();
  for (let i = 0; i < hosts * answersPerHost; i++) {
    const hostId = `host-${i % hosts}`;
    const body = chatCompletionRequestSchema.parse(sandboxRequest(prng));
    const text = JSON.stringify(body.messages);
    const promptIds = metered.get(text) ?? promptTokenIds(tokenizer, { kind: 'chat', body });
    metered.set(text, promptIds);
    const completion = body.max_tokens ?? MIN_CHECK_POSITIONS;
    sampler.offer({
      requestId: `bench-${seed}-${i}`,
      host: { id: hostId, reputation: reputation.get(hostId) ?? 0, underDispute: false },
      modelId: 'agora-tiny',
      promptIds,
      completionTokens: completion,
      choices: [
        {
          positions: Array.from({ length: completion }, () => ({ id: 1, logprob: 0, top: [{ id: 1, logprob: 0 }] })),
          stoppedByModel: false,
        },
      ],
      temperature: body.temperature ?? null,
      constrained: false,
      adjustments: undefined,
      receipt: null,
      servedAtMs: 0,
    });
  }
  return { hosts, answersPerHost, cost: meter.costs()[0] as ModelVerificationCost };
}

export function formatCostRun({ hosts, answersPerHost, cost }: CostRun): string {
  const pct = (share: number) => `${(share * 100).toFixed(2)} %`;
  const met = (share: number) => (share <= VERIFICATION_COST_GOAL ? 'met' : 'NOT met');
  return [
    `\n## Verification cost (re-scored ÷ served tokens; ${hosts} hosts joining new, ${answersPerHost} answers each, sampling floor ${pct(DEFAULT_SAMPLING_FLOOR)})\n`,
    '| scope | served tokens | re-scored tokens | share | goal |',
    '|---|---|---|---|---|',
    `| all answers (probation included) | ${cost.overall.servedTokens} | ${cost.overall.rescoredTokens} | ${pct(cost.overall.share)} | ≤ ${pct(VERIFICATION_COST_GOAL)}: ${met(cost.overall.share)} |`,
    `| steady state (hosts at the floor) | ${cost.steady.servedTokens} | ${cost.steady.rescoredTokens} | ${pct(cost.steady.share)} | ≤ ${pct(VERIFICATION_COST_GOAL)}: ${met(cost.steady.share)} |`,
  ].join('\n');
}
