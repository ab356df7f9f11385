// A Responses request as the chat request the market serves it with: `instructions` become the first system message,
// the conversation's items become chat messages (function calls join the assistant message before them, their
// outputs become `tool` messages), and the flat Responses tools, tool choice and text format take their chat shapes.
// Nothing here decides what a model supports: the chat path refuses what it cannot serve.
import type { ChatCompletionRequest, ChatMessage } from '../../../contracts/openai/completion-request.ts';
import type { ResponseCreateRequest, ResponseInputItem } from '../../../contracts/openai/responses-request.ts';
import type { ResponseFormat, ToolChoice } from '../../../contracts/openai/tools.ts';

type MessageItem = Extract<ResponseInputItem, { role: string }>;
type ContentPart = Exclude<MessageItem['content'], string>[number];
type ChatContent = Exclude<ChatMessage['content'], null | undefined>;

/** The conversation's input items: a string input is one user message. */
export const inputItemsOf = (input: ResponseCreateRequest['input']): ResponseInputItem[] =>
  typeof input === 'string' ? [{ type: 'message', role: 'user', content: input }] : input;

function chatPart(part: ContentPart): Exclude<ChatContent, string>[number] {
  switch (part.type) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: part.text };
    case 'refusal':
      return { type: 'text', text: part.refusal };
    case 'input_image':
      return { type: 'image_url', image_url: { url: part.image_url ?? part.file_id, detail: part.detail } };
    case 'input_file':
      return { type: 'file', file: { file_data: part.file_data, file_id: part.file_id, filename: part.filename } };
  }
}

const chatContent = (content: string | ContentPart[]): ChatContent =>
  typeof content === 'string' ? content : content.map(chatPart);

/** The items as chat messages, in order. */
export function chatMessagesOf(items: readonly ResponseInputItem[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  for (const item of items) {
    if (item.type === 'function_call') {
      const call = {
        id: item.call_id,
        type: 'function' as const,
        function: { name: item.name, arguments: item.arguments },
      };
      const last = messages.at(-1);
      // Parallel calls, and a call after the text that announced it, are one assistant message in chat.
      if (last?.role === 'assistant') last.tool_calls = [...(last.tool_calls ?? []), call];
      else messages.push({ role: 'assistant', content: null, tool_calls: [call] });
    } else if (item.type === 'function_call_output') {
      messages.push({ role: 'tool', tool_call_id: item.call_id, content: chatContent(item.output) });
    } else {
      messages.push({ role: item.role, content: chatContent(item.content) });
    }
  }
  return messages;
}

function toolChoiceOf(choice: ResponseCreateRequest['tool_choice']): ToolChoice | undefined {
  if (choice === undefined || typeof choice === 'string') return choice;
  return { type: 'function', function: { name: choice.name } };
}

function responseFormatOf(text: ResponseCreateRequest['text']): ResponseFormat | undefined {
  const format = text?.format;
  if (format?.type !== 'json_schema') return format;
  const { name, schema, description, strict } = format;
  return { type: 'json_schema', json_schema: { name, schema, description, strict } };
}

const defined = <T extends object>(fields: T): T =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as T;

/**
 * The chat request for a Responses request whose conversation so far is `history` (the turns of the response it
 * continues). A stream asks for the usage chunk: a response reports its usage at the end.
 */
export function chatRequestOf(
  request: ResponseCreateRequest,
  history: readonly ResponseInputItem[],
): ChatCompletionRequest {
  const instructions: ChatMessage[] = request.instructions ? [{ role: 'system', content: request.instructions }] : [];
  return defined({
    model: request.model,
    messages: [...instructions, ...chatMessagesOf([...history, ...inputItemsOf(request.input)])],
    max_tokens: request.max_output_tokens,
    temperature: request.temperature,
    top_p: request.top_p,
    stream: request.stream,
    stream_options: request.stream ? { include_usage: true } : undefined,
    tools: request.tools?.length
      ? request.tools.map(({ name, description, parameters, strict }) => ({
          type: 'function' as const,
          function: defined({
            name,
            description: description ?? undefined,
            parameters: parameters ?? undefined,
            strict,
          }),
        }))
      : undefined,
    tool_choice: toolChoiceOf(request.tool_choice),
    parallel_tool_calls: request.parallel_tool_calls ?? undefined,
    response_format: responseFormatOf(request.text),
    user: request.user,
    provider: request.provider,
  });
}
