import { describe, expect, it } from 'vitest';
import { responseCreateRequestSchema } from '../../../contracts/openai/responses-request.ts';
import { chatCompletionRequestSchema } from '../../../contracts/openai/completion-request.ts';
import { chatRequestOf } from './chat-request-of.ts';

const request = (body: object) => responseCreateRequestSchema.parse({ model: 'm', ...body });

describe('a Responses request as a chat request', () => {
  it('puts the instructions first, then the earlier turns, then the input, and names max_output_tokens max_tokens', () => {
    const chat = chatRequestOf(request({ instructions: 'Be brief.', input: 'Again?', max_output_tokens: 5 }), [
      { role: 'user', content: 'Hi' },
      {
        type: 'message',
        id: 'msg_1',
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: 'Hello.' }],
      },
    ]);
    expect(chat).toEqual({
      model: 'm',
      max_tokens: 5,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: [{ type: 'text', text: 'Hello.' }] },
        { role: 'user', content: 'Again?' },
      ],
    });
    expect(chatCompletionRequestSchema.safeParse(chat).success).toBe(true);
  });

  it('joins function calls to the assistant turn before them and answers them with tool messages', () => {
    const chat = chatRequestOf(
      request({
        input: [
          { role: 'user', content: 'Weather in Paris and Rome?' },
          { type: 'function_call', call_id: 'c1', name: 'weather', arguments: '{"city":"Paris"}' },
          { type: 'function_call', call_id: 'c2', name: 'weather', arguments: '{"city":"Rome"}' },
          { type: 'function_call_output', call_id: 'c1', output: 'sunny' },
          { type: 'function_call_output', call_id: 'c2', output: [{ type: 'input_text', text: 'rain' }] },
        ],
      }),
      [],
    );
    expect(chat.messages).toEqual([
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
          { id: 'c2', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
      { role: 'tool', tool_call_id: 'c2', content: [{ type: 'text', text: 'rain' }] },
    ]);
    expect(chatCompletionRequestSchema.safeParse(chat).success).toBe(true);
  });

  it('nests flat function tools under `function`, and maps the tool choice and the text format', () => {
    const parameters = { type: 'object', properties: { city: { type: 'string' } } };
    const chat = chatRequestOf(
      request({
        input: 'x',
        stream: true,
        tools: [{ type: 'function', name: 'weather', description: 'Weather now', parameters, strict: true }],
        tool_choice: { type: 'function', name: 'weather' },
        parallel_tool_calls: false,
        text: { format: { type: 'json_schema', name: 'out', schema: parameters, strict: true } },
      }),
      [],
    );
    expect(chat).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
      tools: [
        { type: 'function', function: { name: 'weather', description: 'Weather now', parameters, strict: true } },
      ],
      tool_choice: { type: 'function', function: { name: 'weather' } },
      parallel_tool_calls: false,
      response_format: { type: 'json_schema', json_schema: { name: 'out', schema: parameters, strict: true } },
    });
    expect(chatCompletionRequestSchema.safeParse(chat).success).toBe(true);
  });
});
