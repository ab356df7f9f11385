// The market's own count of prompt tokens: the model's chat template rendered and tokenized by the market, so
// billing never rests on a host's word.
import { marketError } from '../../contracts/errors/market-error.ts';
import type { ChatCompletionRequest, CompletionRequest } from '../../contracts/openai/completion-request.ts';
import type { Tokenizer } from '../ports.ts';

export function chatTemplateMessages(
  messages: ChatCompletionRequest['messages'],
): Array<{ role: string; content: string }> {
  return messages.map((m, i) => {
    if (m.content == null || typeof m.content === 'string') return { role: m.role, content: m.content ?? '' };
    const text = m.content.map((part) => {
      if (part.type !== 'text')
        throw marketError('unsupported_content', `This model accepts text only; messages[${i}] has '${part.type}'.`, {
          param: `messages.${i}.content`,
        });
      return (part as { text: string }).text;
    });
    return { role: m.role, content: text.join('') };
  });
}

/** The prompt's token ids as the market counts them (the verifier teacher-forces the same ids). */
export function promptTokenIds(
  tokenizer: Tokenizer,
  request:
    | { kind: 'chat'; body: Pick<ChatCompletionRequest, 'messages'> }
    | { kind: 'text'; body: Pick<CompletionRequest, 'prompt'> },
): number[] {
  if (request.kind === 'chat')
    return tokenizer.encode(tokenizer.renderChat(chatTemplateMessages(request.body.messages)));
  const prompt = typeof request.body.prompt === 'string' ? request.body.prompt : (request.body.prompt[0] as string);
  return tokenizer.encode(prompt);
}
