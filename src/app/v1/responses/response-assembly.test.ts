import { describe, expect, it } from 'vitest';
import { responseCreateRequestSchema } from '../../../contracts/openai/responses-request.ts';
import { responseObjectSchema, responseStreamEventSchema } from '../../../contracts/openai/responses-response.ts';
import { ResponseAssembly, responseShell } from './response-assembly.ts';

const assembly = (body: object = {}) =>
  new ResponseAssembly(
    responseShell(responseCreateRequestSchema.parse({ model: 'm', input: 'x', ...body }), {
      id: 'resp_r',
      createdAtMs: 1_000_000,
      model: 'm',
    }),
    'r',
  );
const usage = { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 };

describe('a response assembled from chat deltas', () => {
  it('emits the text events in the order the SDK expects, each valid and numbered in turn', () => {
    const built = assembly();
    const events = [
      ...built.start(),
      ...built.add({ content: 'The ' }),
      ...built.add({ content: 'market.' }),
      ...built.add({ finish_reason: 'stop' }),
      ...built.finish(usage, 2_000_000),
    ];
    for (const event of events) expect(responseStreamEventSchema.safeParse(event).success, event.type).toBe(true);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    // Snapshots taken while it grew are not rewritten by what came after.
    expect(events[0]).toMatchObject({ response: { status: 'in_progress', output: [] } });
    expect(events[2]).toMatchObject({ item: { status: 'in_progress', content: [] } });
    expect(built.response).toMatchObject({
      status: 'completed',
      completed_at: 2000,
      output: [{ id: 'msg_r_0', status: 'completed', content: [{ type: 'output_text', text: 'The market.' }] }],
      usage: { input_tokens: 7, output_tokens: 3, total_tokens: 10, input_tokens_details: { cached_tokens: 0 } },
    });
    expect(responseObjectSchema.safeParse(built.response).success).toBe(true);
  });

  it('turns streamed tool-call fragments into function_call items with argument deltas', () => {
    const built = assembly();
    const events = [
      ...built.add({ tool_calls: [{ index: 0, id: 'call_a', function: { name: 'weather', arguments: '' } }] }),
      ...built.add({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
      ...built.add({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
      ...built.add({ tool_calls: [{ index: 1, id: 'call_b', function: { name: 'time', arguments: '{}' } }] }),
      ...built.add({ finish_reason: 'tool_calls' }),
      ...built.finish(usage, 2_000_000),
    ];
    for (const event of events) expect(responseStreamEventSchema.safeParse(event).success, event.type).toBe(true);
    expect(events.map((e) => e.type)).toEqual([
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events[3]).toMatchObject({ name: 'weather', arguments: '{"city":"Paris"}', item_id: 'fc_r_0' });
    expect(built.response.output).toEqual([
      {
        type: 'function_call',
        id: 'fc_r_0',
        call_id: 'call_a',
        name: 'weather',
        arguments: '{"city":"Paris"}',
        status: 'completed',
      },
      { type: 'function_call', id: 'fc_r_1', call_id: 'call_b', name: 'time', arguments: '{}', status: 'completed' },
    ]);
  });

  it('is incomplete when the answer reached max_output_tokens, and failed with an error event when the host failed', () => {
    const cut = assembly({ max_output_tokens: 3 });
    cut.add({ content: 'The', finish_reason: 'length' });
    const end = cut.finish(usage, 2_000_000);
    expect(end.at(-1)).toMatchObject({
      type: 'response.incomplete',
      response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, max_output_tokens: 3 },
    });
    expect(cut.response.output[0]?.status).toBe('incomplete');

    const failed = assembly();
    failed.add({ content: 'The' });
    const events = failed.fail({ code: 'host_failed_mid_stream', message: 'The host failed.', param: null });
    expect(events.map((e) => e.type)).toEqual(['error', 'response.failed']);
    expect(events[1]).toMatchObject({ response: { status: 'failed', error: { message: 'The host failed.' } } });
  });
});
