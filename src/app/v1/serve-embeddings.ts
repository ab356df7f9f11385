// Embeddings on the paid path: admitted, forwarded and settled by the same steps as completions (paid-path/), relayed
// by their own (relay-embeddings.ts). An embeddings answer is one JSON body, never a stream.
import { marketError } from '../../contracts/errors/market-error.ts';
import type { EmbeddingList } from '../../contracts/openai/embedding-response.ts';
import { admit } from './paid-path/admit.ts';
import { forward } from './paid-path/forward.ts';
import type { EmbeddingInput } from './paid-path/paid-request.ts';
import { relayEmbeddings } from './paid-path/relay-embeddings.ts';
import { openSettlement } from './paid-path/settle.ts';
import type { ServeCompletionDeps } from './serve-completion.ts';

export type { EmbeddingInput } from './paid-path/paid-request.ts';

export async function serveEmbeddings(deps: ServeCompletionDeps, input: EmbeddingInput): Promise<EmbeddingList> {
  const admitted = await admit(deps, input);
  const settlement = openSettlement(deps, input, admitted);
  const winner = await forward(deps, input, admitted, settlement);
  const { answer } = winner;
  if (answer.kind !== 'json') {
    // forward asks for JSON; a host that streams anyway answered nothing the market can read.
    winner.end(true);
    winner.attempt.finish('failed');
    settlement.unserved('host_failed', winner.attempts);
    throw marketError('host_failed', 'The host streamed an embeddings answer; nothing was charged. Retry.');
  }
  return relayEmbeddings(deps, input, admitted, settlement, { ...winner, answer });
}
