// The built-in engine's tool calls and structured outputs, through the official `openai` client: arguments decoded
// under the function's JSON-schema grammar parse and match it, `auto` follows the documented naming rule, streamed
// argument deltas assemble into the same call, and a schema the grammar cannot enforce is refused with its param.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildEngineServer } from '../../src/adapters/http/engine-host/build-engine-server.ts';
import type { LlamaEngine } from '../../src/adapters/engines/builtin/llama-engine.ts';
import { compileJsonSchema } from '../../src/app/v1/json-schemas.ts';
import { ToolCallAssembly } from '../../src/domain/tools/tool-call-assembly.ts';
import { loadTinyEngine, tinyModelFiles } from '../support/tiny-engine.ts';

const MODEL = 'agora-tiny';
let engine: LlamaEngine;
let server: FastifyInstance;
let client: OpenAI;

const weather = {
  type: 'object',
  properties: { city: { type: 'string' }, days: { type: 'integer' }, unit: { enum: ['c', 'f'] } },
  required: ['city', 'days', 'unit'],
  additionalProperties: false,
};
const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
  { type: 'function', function: { name: 'get_weather', description: 'Weather for a city', parameters: weather } },
  { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } },
];
const validates = (schema: Record<string, unknown>, text: string) => {
  const compiled = compileJsonSchema(schema);
  if (!compiled.ok) throw new Error(compiled.message);
  return compiled.validate(JSON.parse(text)).ok;
};

beforeAll(async () => {
  engine = await loadTinyEngine('reference', { sequences: 2 });
  const files = await tinyModelFiles();
  server = buildEngineServer({ engine, modelId: MODEL, sha256: files.sha256, quantization: 'f32' });
  const address = await server.listen({ port: 0, host: '127.0.0.1' });
  client = new OpenAI({ baseURL: `${address}/v1`, apiKey: 'unused', maxRetries: 0 });
});
afterAll(async () => {
  await server.close();
  await engine.close();
});

describe('built-in engine tools', () => {
  it('calls a named function with arguments that parse and match its schema, for any seed', async () => {
    for (const seed of [1, 2, 3]) {
      const res = await client.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: 'What is it like in Oslo?' }],
        tools,
        tool_choice: { type: 'function', function: { name: 'get_weather' } },
        seed,
      });
      const choice = res.choices[0];
      expect(choice?.finish_reason).toBe('tool_calls');
      const call = choice?.message.tool_calls?.[0];
      expect(call?.type === 'function' && call.function.name).toBe('get_weather');
      expect(call?.id).toMatch(/^call_/);
      if (call?.type === 'function') expect(validates(weather, call.function.arguments)).toBe(true);
      expect(res.usage?.completion_tokens).toBeGreaterThan(0);
    }
  });

  it('with auto, calls the tools the last user message names (in its order), else answers in text', async () => {
    const named = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Use get_time, then get_weather for Oslo.' }],
      tools,
      seed: 4,
    });
    const names = named.choices[0]?.message.tool_calls?.map((c) => (c.type === 'function' ? c.function.name : ''));
    expect(names).toEqual(['get_time', 'get_weather']);
    const plain = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Tell me about the market.' }],
      tools,
      temperature: 0,
    });
    expect(plain.choices[0]?.message.tool_calls).toBeUndefined();
    expect(plain.choices[0]?.finish_reason).not.toBe('tool_calls');
    const single = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Use get_time, then get_weather.' }],
      tools,
      parallel_tool_calls: false,
      tool_choice: 'required',
    });
    expect(single.choices[0]?.message.tool_calls).toHaveLength(1);
  });

  it('after a tool result, answers in text (the conversation renders the call and its result)', async () => {
    const res = await client.chat.completions.create({
      model: MODEL,
      messages: [
        { role: 'user', content: 'get_weather for Oslo' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '{"temp": 3}' },
      ],
      tools,
      temperature: 0,
      max_tokens: 8,
    });
    expect(res.choices[0]?.message.tool_calls).toBeUndefined();
  });

  it('streams argument deltas that assemble into the call the JSON answer makes', async () => {
    const params = {
      model: MODEL,
      messages: [{ role: 'user' as const, content: 'get_weather please' }],
      tools,
      seed: 7,
    };
    const whole = await client.chat.completions.create(params);
    const stream = await client.chat.completions.create({ ...params, stream: true });
    const assembly = new ToolCallAssembly();
    let finish: string | null = null;
    for await (const chunk of stream) {
      assembly.add(chunk.choices[0]?.delta.tool_calls);
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    const [call] = assembly.calls();
    const wholeCall = whole.choices[0]?.message.tool_calls?.[0];
    expect(wholeCall?.type === 'function' && wholeCall.function.arguments).toBe(call?.arguments);
    expect(call?.name).toBe('get_weather');
    expect(finish).toBe('tool_calls');
    expect(assembly.malformed).toBe(false);
  });

  it('answers response_format json_schema and json_object with JSON that parses (and validates)', async () => {
    const res = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'A city, please.' }],
      response_format: { type: 'json_schema', json_schema: { name: 'city', schema: weather, strict: true } },
      seed: 5,
    });
    expect(validates(weather, res.choices[0]?.message.content ?? '')).toBe(true);
    const loose = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Anything.' }],
      response_format: { type: 'json_object' },
      seed: 6,
    });
    expect(typeof JSON.parse(loose.choices[0]?.message.content ?? '')).toBe('object');
  });

  it('refuses a schema its grammar cannot enforce, naming the parameter', async () => {
    const refused = client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'x' }],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'n', schema: { type: 'object', properties: { n: { type: 'integer', minimum: 1 } } } },
      },
    });
    await expect(refused).rejects.toMatchObject({
      status: 400,
      param: 'response_format.json_schema.schema',
      message: expect.stringContaining('/properties/n/minimum'),
    });
  });
  it('answers n choices under the grammar, each its own call that parses and matches the schema, streamed and not', async () => {
    const body = {
      model: MODEL,
      messages: [{ role: 'user' as const, content: 'What is it like in Oslo?' }],
      tools,
      tool_choice: { type: 'function' as const, function: { name: 'get_weather' } },
      seed: 9,
      n: 2,
    };
    const res = await client.chat.completions.create(body);
    expect(res.choices.map((c) => c.index)).toEqual([0, 1]);
    const args = res.choices.map((c) => {
      const call = c.message.tool_calls?.[0];
      return call?.type === 'function' ? call.function.arguments : '';
    });
    for (const text of args) expect(validates(weather, text)).toBe(true);
    expect(new Set(args).size).toBeGreaterThan(1);
    const stream = await client.chat.completions.create({ ...body, stream: true });
    const assemblies = new Map<number, ToolCallAssembly>();
    for await (const chunk of stream)
      for (const choice of chunk.choices) {
        const assembly = assemblies.get(choice.index) ?? new ToolCallAssembly();
        assembly.add(choice.delta.tool_calls);
        assemblies.set(choice.index, assembly);
      }
    expect([...assemblies.keys()]).toEqual([0, 1]);
    // the same seeds give the same choices, streamed or not
    expect([...assemblies.values()].map((a) => a.calls()[0]?.arguments)).toEqual(args);
  });
});
