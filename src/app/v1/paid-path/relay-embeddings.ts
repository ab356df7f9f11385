// Step 3 of the paid path for embeddings: the host's vectors (one per input, of the model's length, or the answer
// is the host's failure and nothing is charged), shortened to `dimensions` and encoded as the buyer asked, with the
// market's usage. Charged for the inputs as the market counted them; it leaves once its capture is durable.
import { marketError } from '../../../contracts/errors/market-error.ts';
import { readHostEmbeddings, type EmbeddingList } from '../../../contracts/openai/embedding-response.ts';
import { encodeEmbedding } from '../embedding-encoding.ts';
import { shorten } from '../../../domain/embeddings/vectors.ts';
import { formatNanos } from '../../../domain/money/nanos.ts';
import type { Logger } from '../../ports.ts';
import type { Winner } from '../host-race.ts';
import type { Admitted } from './admit.ts';
import type { EmbeddingInput } from './paid-request.ts';
import { notRecorded, type Settlement } from './settle.ts';

export async function relayEmbeddings(
  deps: { logger: Logger },
  input: EmbeddingInput,
  admitted: Admitted,
  settlement: Settlement,
  winner: Winner & { answer: { kind: 'json' } },
): Promise<EmbeddingList> {
  const { model, inputIds, promptTokens } = admitted;
  const vectors = readHostEmbeddings(winner.answer.body, inputIds.length, model.embedding?.dimensions);
  winner.end(false);
  if (!vectors) {
    winner.attempt.finish('failed');
    settlement.unserved('host_failed', winner.attempts);
    deps.logger.warn(
      { host: winner.route.host.id, requestId: input.requestId },
      "the host's embeddings answer is not one vector of the model's length per input",
    );
    throw marketError('host_failed', "The host's answer was not valid embeddings; nothing was charged. Retry.");
  }
  winner.attempt.finish('ok', 0);
  const { cost, recorded } = settlement.answered(winner, { choices: [], receipt: winner.answer.receipt, vectors });
  if ((await recorded) === 'abandoned') throw notRecorded();
  const { dimensions, encoding_format: format = 'float' } = input.body;
  return {
    object: 'list' as const,
    data: vectors.map((vector, index) => ({
      object: 'embedding' as const,
      index,
      embedding: encodeEmbedding(dimensions === undefined ? vector : shorten(vector, dimensions), format),
    })),
    model: model.id,
    usage: {
      prompt_tokens: promptTokens,
      total_tokens: promptTokens,
      ...(input.body.usage?.include ? { cost: formatNanos(cost) } : {}),
    },
  };
}
