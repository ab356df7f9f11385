// The market's decision, at the end of each response, whether to keep it for re-scoring: HMAC(secret, request id)
// read as a number in [0, 1) below the host's sampling rate. The secret never leaves the market and every forwarded
// request asks the same of the host, so nothing a host sees tells it which answers are checked. The decision is
// returned once the response is complete (a routing trace shows it; it never reaches the host). An answer of n choices
// is one draw, and a kept one has one of its choices re-scored, picked by the same draw: the host cannot tell which
// (docs/decisions/028-n-choices.md).
import { samplingRate } from '../../domain/verification/reputation.ts';
import type { LogitAdjustments } from '../../domain/sampling/logit-adjustments.ts';
import type { ClaimedPosition } from '../../domain/verification/response-check.ts';
import type { ResponseReceipt } from '../../contracts/hosts/response-receipt.ts';
import type { Logger } from '../ports.ts';
import type { SampledResponse, VerificationStore } from './verification-store.ts';
import type { VerificationCostMeter } from './verification-cost.ts';

export type FinishedResponse = {
  requestId: string;
  host: { id: string; reputation: number; underDispute: boolean };
  modelId: string;
  /** the market's own prompt ids (as it metered them) */
  promptIds: number[];
  /** the market's count of the answer's tokens, every choice's (what it billed) */
  completionTokens: number;
  /** the answer's choices (n), each as the host claims it */
  choices: ReadonlyArray<{
    /** undefined when the host's engine gave no ids or top-k: such a choice cannot be re-scored */
    positions: ClaimedPosition[] | undefined;
    stoppedByModel: boolean;
  }>;
  temperature: number | null;
  /**
   * decoded under a grammar (tools, a JSON response format): the mask changed the distribution the host sampled
   * from, and the reference does not replay it, so the answer is never kept (decision 024)
   */
  constrained: boolean;
  /** the request's logit_bias and penalties, where it set any: the verifier replays them on the reference */
  adjustments: LogitAdjustments | undefined;
  receipt: ResponseReceipt | null;
  servedAtMs: number;
};

/**
 * What became of an offered response: `kept` for re-scoring; `not_drawn` (verifiable, not chosen this time);
 * `unverifiable` (no ids or top-k from the host's engine, or no reference engine for the model);
 * `unverified_constrained` (grammar-constrained: labelled unverified, never counted toward a conviction).
 */
export const SAMPLING_DECISIONS = ['kept', 'not_drawn', 'unverifiable', 'unverified_constrained'] as const;
export type SamplingDecision = (typeof SAMPLING_DECISIONS)[number];

/** An embeddings answer: the market's ids of each input and the host's vector for it. */
export type FinishedEmbedding = Pick<FinishedResponse, 'requestId' | 'host' | 'modelId' | 'receipt' | 'servedAtMs'> & {
  inputIds: number[][];
  vectors: number[][];
};

export type ResponseSampler = {
  offer(response: FinishedResponse): SamplingDecision;
  /** the same draw as a completion's; one input of a kept request (chosen by the same draw) is re-embedded */
  offerEmbedding(response: FinishedEmbedding): SamplingDecision;
};

export type ResponseSamplerDeps = {
  store: Pick<VerificationStore, 'addSample'>;
  /** the request id's keyed hash as a number in [0, 1) */
  samplingUnit(requestId: string): number;
  samplingFloor: number;
  /** models the market has a reference engine for */
  verifiable(modelId: string): boolean;
  logger: Logger;
  /** tallies served and re-scored tokens (what verification costs) */
  cost?: VerificationCostMeter;
};

export function createResponseSampler(deps: ResponseSamplerDeps): ResponseSampler {
  const rateOf = (host: FinishedResponse['host']) =>
    host.underDispute ? 1 : samplingRate(host.reputation, deps.samplingFloor);
  /** The draw in [0, 1) when the answer is kept, else undefined. A disputed host is checked on every answer. */
  const draw = (response: Pick<FinishedResponse, 'requestId' | 'host'>): number | undefined => {
    const rate = rateOf(response.host);
    const unit = deps.samplingUnit(response.requestId);
    return unit < rate ? unit / rate : undefined;
  };
  /** Every answer offered counts as served; a host sampled above the floor is on probation. */
  const tally = (response: Pick<FinishedResponse, 'host' | 'modelId'>, served: number, rescored: number) =>
    deps.cost?.record(
      response.modelId,
      rateOf(response.host) > deps.samplingFloor ? 'probation' : 'steady',
      served,
      rescored,
    );
  const keep = (sample: SampledResponse) =>
    deps.store
      .addSample(sample)
      .catch((err: unknown) =>
        deps.logger.error(
          { err: String(err), requestId: sample.requestId },
          'a sampled response could not be queued for re-scoring',
        ),
      );
  const sampleOf = (response: FinishedEmbedding | FinishedResponse) => ({
    requestId: response.requestId,
    hostId: response.host.id,
    modelId: response.modelId,
    receipt: response.receipt,
    servedAtMs: response.servedAtMs,
  });
  /** Keeps one choice of a completion when every choice is verifiable and the answer is drawn; what it re-scores. */
  const decide = (response: FinishedResponse): { decision: SamplingDecision; rescored: number } => {
    const { choices } = response;
    if (response.constrained) return { decision: 'unverified_constrained', rescored: 0 };
    // Every choice must be verifiable, or a host could strip the ids of the one it made up.
    const verifiable = (c: (typeof choices)[number]) => c.positions?.every((p) => p.top.length > 0) === true;
    if (!deps.verifiable(response.modelId) || choices.length === 0 || !choices.every(verifiable))
      return { decision: 'unverifiable', rescored: 0 };
    const drawn = draw(response);
    if (drawn === undefined) return { decision: 'not_drawn', rescored: 0 };
    // Kept, the draw is uniform in [0, 1) again: it picks the choice re-scored, as it picks an embedding's input.
    const choice = choices[Math.floor(drawn * choices.length)] as (typeof choices)[number];
    const claimed = choice.positions as ClaimedPosition[];
    void keep({
      ...sampleOf(response),
      payload: {
        promptIds: response.promptIds,
        claimed,
        temperature: response.temperature,
        stoppedByModel: choice.stoppedByModel,
        ...(response.adjustments ? { adjustments: response.adjustments } : {}),
      },
    });
    // The reference teacher-forces the prompt and the claimed tokens (one more after a claimed stop).
    return {
      decision: 'kept',
      rescored: response.promptIds.length + claimed.length + (choice.stoppedByModel ? 1 : 0),
    };
  };
  return {
    offer(response) {
      const { decision, rescored } = decide(response);
      tally(response, response.promptIds.length + response.completionTokens, rescored);
      return decision;
    },
    offerEmbedding(response) {
      const { inputIds, vectors } = response;
      const served = inputIds.reduce((n, ids) => n + ids.length, 0);
      if (!deps.verifiable(response.modelId) || vectors.length !== inputIds.length || vectors.length === 0) {
        tally(response, served, 0);
        return 'unverifiable';
      }
      const drawn = draw(response);
      // Kept, the draw is uniform in [0, 1) again: it picks the input, which the host cannot predict either.
      const index = drawn === undefined ? -1 : Math.floor(drawn * vectors.length);
      tally(response, served, inputIds[index]?.length ?? 0);
      if (drawn === undefined) return 'not_drawn';
      void keep({
        ...sampleOf(response),
        payload: { embedding: { inputIds: inputIds[index] as number[], vector: vectors[index] as number[] } },
      });
      return 'kept';
    },
  };
}
