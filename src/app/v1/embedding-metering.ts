// The market's own count of an embeddings request: each input tokenized by the model's tokenizer (or taken as the
// token ids the buyer sent, which must all be in the vocabulary). Billing never rests on a host's word, and the
// verifier embeds the same ids on the reference engine.
import { marketError } from '../../contracts/errors/market-error.ts';
import { embeddingInputs, type EmbeddingRequest } from '../../contracts/openai/embedding-request.ts';
import type { Tokenizer } from '../ports.ts';

export function embeddingInputIds(tokenizer: Tokenizer, input: EmbeddingRequest['input']): number[][] {
  return embeddingInputs(input).map((item, i) => {
    if (typeof item === 'string') return tokenizer.encode(item);
    if (tokenizer.decode(item) === undefined)
      throw marketError('invalid_value', `input[${i}] has a token id that is not in the model's vocabulary.`, {
        param: 'input',
      });
    return item;
  });
}
