// The market's own count of prompt tokens: the model's chat template rendered and tokenized by the market, so
// billing never rests on a host's word.
import { marketError } from '../../contracts/errors/market-error.ts';
import type { ChatCompletionRequest, CompletionRequest } from '../../contracts/openai/completion-request.ts';
import { toolCallText, toolsPreamble } from '../../domain/tools/tool-prompt.ts';
import type { Tokenizer } from '../ports.ts';

/**
 * The conversation as the chat template renders it: text parts joined, tool definitions in the system turn, an
 * assistant's tool calls and the tools' results in the engine's tool convention (domain/tools/tool-prompt.ts).
 */
export function chatTemplateMessages(
  body: Pick<ChatCompletionRequest, 'messages' | 'tools'>,
): Array<{ role: string; content: string }> {
  const turns = body.messages.map((m, i) => {
    const calls = (m.tool_calls ?? []).map((call) => toolCallText(call.function.name, call.function.arguments));
    const content = [textOf(m.content, i), ...calls].filter((part) => part !== '').join('\n');
    return { role: m.role, content };
  });
  if (!body.tools?.length) return turns;
  const preamble = toolsPreamble(body.tools.map((tool) => tool.function));
  const [first, ...rest] = turns;
  return first && (first.role === 'system' || first.role === 'developer')
    ? [{ role: first.role, content: `${first.content}\n\n${preamble}` }, ...rest]
    : [{ role: 'system', content: preamble }, ...turns];
}

function textOf(content: ChatCompletionRequest['messages'][number]['content'], i: number): string {
  if (content == null || typeof content === 'string') return content ?? '';
  return content
    .map((part) => {
      if (part.type !== 'text')
        throw marketError('unsupported_content', `This model accepts text only; messages[${i}] has '${part.type}'.`, {
          param: `messages.${i}.content`,
        });
      return (part as { text: string }).text;
    })
    .join('');
}

/** The prompt's token ids as the market counts them (the verifier teacher-forces the same ids). */
export function promptTokenIds(
  tokenizer: Tokenizer,
  request:
    | { kind: 'chat'; body: Pick<ChatCompletionRequest, 'messages' | 'tools'> }
    | { kind: 'text'; body: Pick<CompletionRequest, 'prompt'> },
): number[] {
  if (request.kind === 'chat') return tokenizer.encode(tokenizer.renderChat(chatTemplateMessages(request.body)));
  const prompt = typeof request.body.prompt === 'string' ? request.body.prompt : (request.body.prompt[0] as string);
  return tokenizer.encode(prompt);
}
