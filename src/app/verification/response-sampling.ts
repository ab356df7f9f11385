// The market's decision, at the end of each response, whether to keep it for re-scoring: HMAC(secret, request id)
// read as a number in [0, 1) below the host's sampling rate. The secret never leaves the market and every forwarded
// request asks the same of the host, so nothing a host sees tells it which answers are checked.
import { samplingRate } from '../../domain/verification/reputation.ts';
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
  /** undefined when the host's engine gave no ids or top-k: such an answer cannot be re-scored */
  positions: ClaimedPosition[] | undefined;
  temperature: number | null;
  stoppedByModel: boolean;
  receipt: ResponseReceipt | null;
  servedAtMs: number;
};

/** An embeddings answer: the market's ids of each input and the host's vector for it. */
export type FinishedEmbedding = Pick<FinishedResponse, 'requestId' | 'host' | 'modelId' | 'receipt' | 'servedAtMs'> & {
  inputIds: number[][];
  vectors: number[][];
};

export type ResponseSampler = {
  offer(response: FinishedResponse): void;
  /** the same draw as a completion's; one input of a kept request (chosen by the same draw) is re-embedded */
  offerEmbedding(response: FinishedEmbedding): void;
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
  const sampleOf = (response: Pick<FinishedResponse, 'requestId' | 'host' | 'modelId' | 'receipt' | 'servedAtMs'>) => ({
    requestId: response.requestId,
    hostId: response.host.id,
    modelId: response.modelId,
    receipt: response.receipt,
    servedAtMs: response.servedAtMs,
  });
  return {
    offer(response) {
      const positions = response.positions;
      if (!positions || !deps.verifiable(response.modelId) || positions.some((p) => p.top.length === 0)) return;
      if (draw(response) === undefined) return;
      void keep({
        ...sampleOf(response),
        payload: {
          promptIds: response.promptIds,
          claimed: positions,
          temperature: response.temperature,
          stoppedByModel: response.stoppedByModel,
        },
      });
    },
    offerEmbedding(response) {
      const { inputIds, vectors } = response;
      if (!deps.verifiable(response.modelId) || vectors.length !== inputIds.length || vectors.length === 0) return;
      const drawn = draw(response);
      if (drawn === undefined) return;
      // Kept, the draw is uniform in [0, 1) again: it picks the input, which the host cannot predict either.
      const index = Math.floor(drawn * vectors.length);
      void keep({
        ...sampleOf(response),
        payload: { embedding: { inputIds: inputIds[index] as number[], vector: vectors[index] as number[] } },
      });
    },
  };
}
