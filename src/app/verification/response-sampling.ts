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

export type FinishedResponse = {
  requestId: string;
  host: { id: string; reputation: number; underDispute: boolean };
  modelId: string;
  /** the market's own prompt ids (as it metered them) */
  promptIds: number[];
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
};

export function createResponseSampler(deps: ResponseSamplerDeps): ResponseSampler {
  /** The draw in [0, 1) when the answer is kept, else undefined. A disputed host is checked on every answer. */
  const draw = (response: Pick<FinishedResponse, 'requestId' | 'host'>): number | undefined => {
    const rate = response.host.underDispute ? 1 : samplingRate(response.host.reputation, deps.samplingFloor);
    const unit = deps.samplingUnit(response.requestId);
    return unit < rate ? unit / rate : undefined;
  };
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
  return {
    offer(response) {
      const { choices } = response;
      if (response.constrained) return 'unverified_constrained';
      // Every choice must be verifiable, or a host could strip the ids of the one it made up.
      const verifiable = (c: (typeof choices)[number]) => c.positions?.every((p) => p.top.length > 0) === true;
      if (!deps.verifiable(response.modelId) || choices.length === 0 || !choices.every(verifiable))
        return 'unverifiable';
      const drawn = draw(response);
      if (drawn === undefined) return 'not_drawn';
      // Kept, the draw is uniform in [0, 1) again: it picks the choice re-scored, as it picks an embedding's input.
      const choice = choices[Math.floor(drawn * choices.length)] as (typeof choices)[number];
      void keep({
        ...sampleOf(response),
        payload: {
          promptIds: response.promptIds,
          claimed: choice.positions as ClaimedPosition[],
          temperature: response.temperature,
          stoppedByModel: choice.stoppedByModel,
          ...(response.adjustments ? { adjustments: response.adjustments } : {}),
        },
      });
      return 'kept';
    },
    offerEmbedding(response) {
      const { inputIds, vectors } = response;
      if (!deps.verifiable(response.modelId) || vectors.length !== inputIds.length || vectors.length === 0)
        return 'unverifiable';
      const drawn = draw(response);
      if (drawn === undefined) return 'not_drawn';
      // Kept, the draw is uniform in [0, 1) again: it picks the input, which the host cannot predict either.
      const index = Math.floor(drawn * vectors.length);
      void keep({
        ...sampleOf(response),
        payload: { embedding: { inputIds: inputIds[index] as number[], vector: vectors[index] as number[] } },
      });
      return 'kept';
    },
  };
}
