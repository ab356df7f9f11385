// The Responses API through the official openai client, against a real market and its built-in host: a response
// served on the chat path and billed as chat (the usage record's cost is the tokens at the locked prices), its
// typed stream in order, a function call streamed as argument deltas and answered from its output, and
// `store: true` / `previous_response_id` continuing a conversation that only its own account can read, continue or
// delete.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNanos } from '../../src/domain/money/nanos.ts';
import { fundedBuyer, startTestMarket, type TestMarket } from '../support/test-market.ts';

let market: TestMarket;
beforeAll(async () => {
  market = await startTestMarket();
});
afterAll(() => market.stop());

const clientOf = (key: string) => new OpenAI({ baseURL: `${market.url}/v1`, apiKey: key, maxRetries: 0 });

const usageRecords = async (key: string) =>
  (
    (await (await fetch(`${market.url}/v1/usage`, { headers: { authorization: `Bearer ${key}` } })).json()) as {
      data: Array<{ request_id: string; cost: string; prompt_tokens: number; completion_tokens: number }>;
    }
  ).data;

describe('POST /v1/responses', () => {
  it('answers a string input with a response object and bills it as the chat completion it was served as', async () => {
    const buyer = await fundedBuyer(market, '1');
    const { data: response, response: http } = await clientOf(buyer.key)
      .responses.create({ model: 'agora-tiny', input: 'Tell me about the market.', temperature: 0 })
      .withResponse();
    const requestId = http.headers.get('x-request-id');
    expect(response).toMatchObject({
      id: `resp_${requestId}`,
      object: 'response',
      status: 'completed',
      model: 'agora-tiny',
      store: false,
      output: [{ type: 'message', role: 'assistant', status: 'completed' }],
    });
    // The same words the chat path answers the same prompt with (test/market/paid-path.test.ts).
    expect(response.output_text).toBe('The market.');
    const usage = response.usage as OpenAI.Responses.ResponseUsage;
    expect(usage.total_tokens).toBe(usage.input_tokens + usage.output_tokens);
    await market.flushBilling();
    const [record] = await usageRecords(buyer.key);
    expect(record).toMatchObject({
      request_id: requestId,
      prompt_tokens: usage.input_tokens,
      completion_tokens: usage.output_tokens,
    });
    expect(parseNanos(record?.cost ?? '')).toBe(BigInt(usage.input_tokens) * 100n + BigInt(usage.output_tokens) * 200n);
  });

  it('streams typed events in order, numbered from 0, whose deltas make the completed text', async () => {
    const buyer = await fundedBuyer(market, '1');
    const { data: stream, response: http } = await clientOf(buyer.key)
      .responses.create({
        model: 'agora-tiny',
        instructions: 'Answer briefly.',
        input: [{ role: 'user', content: [{ type: 'input_text', text: 'Hello' }] }],
        max_output_tokens: 8,
        stream: true,
      })
      .withResponse();
    // A stream writes its own head: it still says where the key stands on the rate limiter, as every /v1 answer does.
    expect(http.headers.get('x-ratelimit-limit-requests')).toBe('600');
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const types = events.map((e) => e.type);
    expect(types.slice(0, 4)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
    ]);
    const last = events.at(-1) as OpenAI.Responses.ResponseCompletedEvent | OpenAI.Responses.ResponseIncompleteEvent;
    expect(types.slice(-4)).toEqual([
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      last.type,
    ]);
    expect(['response.completed', 'response.incomplete']).toContain(last.type);
    const deltas = events.filter((e) => e.type === 'response.output_text.delta');
    expect(deltas.length).toBeGreaterThan(1);
    const text = deltas.map((e) => e.delta).join('');
    const done = events.find((e) => e.type === 'response.output_text.done');
    expect(done?.text).toBe(text);
    const message = last.response.output[0] as OpenAI.Responses.ResponseOutputMessage;
    expect((message.content[0] as OpenAI.Responses.ResponseOutputText).text).toBe(text);
    expect(last.response.instructions).toBe('Answer briefly.');
    expect(last.response.usage?.output_tokens).toBeLessThanOrEqual(8);
    if (last.type === 'response.incomplete')
      expect(last.response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
  });

  it('keeps a response only with store: true, continues it by previous_response_id, and deletes it', async () => {
    const buyer = await fundedBuyer(market, '1');
    const client = clientOf(buyer.key);
    const unstored = await client.responses.create({ model: 'agora-tiny', input: 'Hi', max_output_tokens: 4 });
    await expect(client.responses.retrieve(unstored.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);

    const first = await client.responses.create({
      model: 'agora-tiny',
      input: 'Tell me about the market.',
      temperature: 0,
      store: true,
    });
    expect(first).toMatchObject({ store: true });
    expect(await client.responses.retrieve(first.id)).toMatchObject({ id: first.id, output: first.output });
    const second = await client.responses.create({
      model: 'agora-tiny',
      input: 'And the hosts?',
      previous_response_id: first.id,
      max_output_tokens: 4,
    });
    expect(second.previous_response_id).toBe(first.id);
    // The second prompt is the whole conversation: the first turn (its input and its answer), then its own input.
    const asChat = await client.chat.completions.create({
      model: 'agora-tiny',
      messages: [
        { role: 'user', content: 'Tell me about the market.' },
        { role: 'assistant', content: first.output_text },
        { role: 'user', content: 'And the hosts?' },
      ],
      max_tokens: 1,
    });
    expect(second.usage?.input_tokens).toBe(asChat.usage?.prompt_tokens);

    const other = clientOf((await fundedBuyer(market, '1')).key);
    await expect(other.responses.retrieve(first.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(other.responses.delete(first.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const foreign = await other.responses
      .create({ model: 'agora-tiny', input: 'Hi', previous_response_id: first.id })
      .catch((error: unknown) => error);
    expect(foreign).toBeInstanceOf(OpenAI.NotFoundError);
    expect((foreign as InstanceType<typeof OpenAI.NotFoundError>).error).toMatchObject({
      type: 'not_found_error',
      code: 'response_not_found',
      param: 'previous_response_id',
    });

    await client.responses.delete(first.id);
    await expect(client.responses.retrieve(first.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(
      client.responses.create({ model: 'agora-tiny', input: 'Hi', previous_response_id: first.id }),
    ).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('answers with a function call whose arguments parse, and continues from its output', async () => {
    const buyer = await fundedBuyer(market, '1');
    const client = clientOf(buyer.key);
    const tools: OpenAI.Responses.FunctionTool[] = [
      {
        type: 'function',
        name: 'get_weather',
        description: 'The weather in a city now',
        parameters: {
          type: 'object',
          properties: { city: { type: 'string' } },
          required: ['city'],
          additionalProperties: false,
        },
        strict: true,
      },
    ];
    const stream = await client.responses.create({
      model: 'agora-tiny',
      input: 'What is the weather in Paris?',
      tools,
      tool_choice: { type: 'function', name: 'get_weather' },
      store: true,
      stream: true,
    });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const done = events.find((e) => e.type === 'response.function_call_arguments.done');
    const argumentDeltas = events.filter((e) => e.type === 'response.function_call_arguments.delta');
    expect(done).toMatchObject({ name: 'get_weather' });
    expect(argumentDeltas.map((e) => e.delta).join('')).toBe(done?.arguments);
    expect(JSON.parse(done?.arguments ?? '')).toEqual({ city: expect.any(String) });
    const completed = events.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
    expect(completed.type).toBe('response.completed');
    const call = completed.response.output.find((item) => item.type === 'function_call');
    expect(call).toMatchObject({ type: 'function_call', name: 'get_weather', status: 'completed' });

    const answered = await client.responses.create({
      model: 'agora-tiny',
      previous_response_id: completed.response.id,
      input: [{ type: 'function_call_output', call_id: call?.call_id ?? '', output: '{"sky":"clear"}' }],
      tools,
      max_output_tokens: 8,
    });
    expect(answered.status).not.toBe('failed');
    expect(answered.output.length).toBeGreaterThan(0);
  });

  it('refuses what it does not know in the envelope, naming the parameter', async () => {
    const buyer = await fundedBuyer(market, '1');
    const post = (body: object) =>
      fetch(`${market.url}/v1/responses`, {
        method: 'POST',
        headers: { authorization: `Bearer ${buyer.key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const unknownParameter = await post({ model: 'agora-tiny', input: 'Hi', reasoning: { effort: 'high' } });
    expect(unknownParameter.status).toBe(400);
    expect(await unknownParameter.json()).toMatchObject({ error: { code: 'unknown_parameter', param: 'reasoning' } });
    const hostedTool = await post({ model: 'agora-tiny', input: 'Hi', tools: [{ type: 'web_search' }] });
    expect(hostedTool.status).toBe(400);
    expect(await hostedTool.json()).toMatchObject({ error: { type: 'invalid_request_error', param: 'tools.0.type' } });
    const noModel = await post({ model: 'no-such-model', input: 'Hi' });
    expect(noModel.status).toBe(404);
    expect(await noModel.json()).toMatchObject({ error: { code: 'model_not_found', param: 'model' } });
  });
});
