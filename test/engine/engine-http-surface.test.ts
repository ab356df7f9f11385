// The built-in engine's OpenAI-wire surface, driven by the official `openai` client: chat and completions,
// streaming and not, logprob entries with token ids, usage, clear 400s, and a 503 when the queue is full.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildEngineServer } from '../../src/adapters/http/engine-host/build-engine-server.ts';
import type { GenerationEvent, LlamaEngine } from '../../src/adapters/engines/builtin/llama-engine.ts';
import { loadTinyEngine, tinyModelFiles } from '../support/tiny-engine.ts';

const MODEL = 'agora-tiny';
let engine: LlamaEngine;
let server: FastifyInstance;
let client: OpenAI;
let baseURL: string;

async function startEngineServer(e: LlamaEngine): Promise<{ server: FastifyInstance; baseURL: string }> {
  const files = await tinyModelFiles();
  const s = buildEngineServer({ engine: e, modelId: MODEL, sha256: files.sha256, quantization: 'f32' });
  const address = await s.listen({ port: 0, host: '127.0.0.1' });
  return { server: s, baseURL: `${address}/v1` };
}

beforeAll(async () => {
  engine = await loadTinyEngine('reference', { sequences: 2 });
  ({ server, baseURL } = await startEngineServer(engine));
  client = new OpenAI({ baseURL, apiKey: 'unused', maxRetries: 0 });
});
afterAll(async () => {
  await server.close();
  await engine.close();
});

describe('engine HTTP surface', () => {
  it('answers a chat completion with token-id logprobs and usage that counts them', async () => {
    const res = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Tell me about the market.' }],
      temperature: 0,
      logprobs: true,
      top_logprobs: 3,
    });
    const choice = res.choices[0];
    expect(choice?.message.content).toBe('The market.');
    expect(choice?.finish_reason).toBe('stop');
    const entries = choice?.logprobs?.content ?? [];
    expect(entries.map((e) => (e as unknown as { id: number }).id)).toEqual([274, 289, 46]);
    expect(entries[0]?.top_logprobs).toHaveLength(3);
    expect(res.usage?.completion_tokens).toBe(3);
    expect(res.usage?.prompt_tokens).toBe(
      engine.tokenize(engine.renderChat([{ role: 'user', content: 'Tell me about the market.' }]), { special: true })
        .length,
    );
  });

  it('streams the same text as the non-streaming answer, then usage, then [DONE]', async () => {
    const params = {
      model: MODEL,
      messages: [{ role: 'user' as const, content: 'Hello' }],
      temperature: 0,
      max_tokens: 20,
      seed: 3,
    };
    const whole = await client.chat.completions.create(params);
    const stream = await client.chat.completions.create({
      ...params,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined | null;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe(whole.choices[0]?.message.content);
    expect(finish).toBe(whole.choices[0]?.finish_reason);
    expect(usage).toEqual(whole.usage);
  });

  it('serves legacy completions with max_tokens honoured', async () => {
    const res = await client.completions.create({
      model: MODEL,
      prompt: 'The quick brown fox',
      max_tokens: 5,
      temperature: 0,
      logprobs: 2,
    });
    expect(res.usage?.completion_tokens).toBeLessThanOrEqual(5);
    expect(res.choices[0]?.text.length).toBeGreaterThan(0);
    expect(res.choices[0]?.logprobs?.tokens?.length).toBe(res.usage?.completion_tokens);
  });

  it('applies logit_bias and penalties before choosing, and reports the top-k it sampled from', async () => {
    const ask = { model: MODEL, messages: [{ role: 'user' as const, content: 'Tell me about the market.' }] };
    const biased = await client.chat.completions.create({
      ...ask,
      temperature: 0,
      max_tokens: 3,
      logprobs: true,
      top_logprobs: 2,
      logit_bias: { '274': -100, '46': 100 },
    });
    const entries = (biased.choices[0]?.logprobs?.content ?? []) as unknown as Array<{ id: number; logprob: number }>;
    expect(entries.map((e) => e.id)).toEqual([46, 46, 46]);
    expect(entries[0]?.logprob).toBeCloseTo(0, 6);
    const penalised = await client.chat.completions.create({
      ...ask,
      temperature: 0,
      max_tokens: 3,
      logprobs: true,
      logit_bias: { '46': 100 },
      frequency_penalty: 2,
      presence_penalty: 2,
    });
    const ids = ((penalised.choices[0]?.logprobs?.content ?? []) as unknown as Array<{ id: number }>).map((e) => e.id);
    expect(ids).toEqual([46, 46, 46]); // +100 outweighs the penalties: the bias is applied, the penalties too
    await expect(
      client.chat.completions.create({ ...ask, max_tokens: 1, logit_bias: { '99999999': 1 } }),
    ).rejects.toMatchObject({ status: 400, param: 'logit_bias' });
  });

  it('lists its model with the SKU digest', async () => {
    const models = await client.models.list();
    const card = models.data[0] as unknown as { id: string; sku: { digest: string } };
    expect(card.id).toBe(MODEL);
    expect(card.sku.digest).toBe(`sha256:${(await tinyModelFiles()).sha256}`);
  });

  it('rejects unknown and unsupported parameters with a 400 in the OpenAI envelope', async () => {
    const bad = { model: MODEL, messages: [{ role: 'user', content: 'x' }], not_a_param: 1 };
    await expect(client.chat.completions.create(bad as never)).rejects.toMatchObject({
      status: 400,
      param: 'not_a_param',
    });
    await expect(
      client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }], temperature: 3 }),
    ).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(client.completions.create({ model: MODEL, prompt: 'x', echo: true })).rejects.toMatchObject({
      status: 400,
      code: 'unsupported_parameter',
    });
  });

  it('ends a stream whose engine fails mid-generation with an error event and no [DONE], free or grammar-constrained', async () => {
    // The same engine, dying after its first token (a crashed sequence, a lost device).
    const dying = async function* (events: AsyncGenerator<GenerationEvent>) {
      let tokens = 0;
      for await (const event of events) {
        if (event.type === 'token' && ++tokens > 1) throw new Error('the engine died');
        yield event;
      }
    };
    const failing: LlamaEngine = {
      ...engine,
      generate: (request) => dying(engine.generate(request)),
      generateConstrained: (request, grammar) => dying(engine.generateConstrained(request, grammar)),
    };
    const started = await startEngineServer(failing);
    try {
      const stream = async (body: object) => {
        const res = await fetch(`${started.baseURL}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: MODEL, max_tokens: 40, temperature: 0, stream: true, ...body }),
        });
        expect(res.status).toBe(200);
        return (await res.text()).split('\n\n').filter((block) => block.startsWith('data: '));
      };
      const free = await stream({ messages: [{ role: 'user', content: 'Tell me about the market.' }] });
      const constrained = await stream({
        messages: [{ role: 'user', content: 'What is it like in Oslo?' }],
        tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
        tool_choice: 'required',
      });
      for (const events of [free, constrained]) {
        expect(events.length).toBeGreaterThan(1);
        expect(events).not.toContain('data: [DONE]');
        expect(JSON.parse(events.at(-1)!.slice('data: '.length))).toMatchObject({
          error: { type: 'server_error', code: 'engine_failed' },
        });
      }
    } finally {
      await started.server.close();
    }
  });

  it('answers 503 with Retry-After when every sequence is busy and the queue is full', async () => {
    const small = await loadTinyEngine('reference', { sequences: 1, queueLimit: 0 });
    const started = await startEngineServer(small);
    try {
      const body = JSON.stringify({ model: MODEL, prompt: 'The market', max_tokens: 400, temperature: 0 });
      const post = () =>
        fetch(`${started.baseURL}/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
      const responses = await Promise.all([post(), post(), post()]);
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses[0]).toBe(200);
      expect(statuses).toContain(503);
      const busy = responses.find((r) => r.status === 503) as Response;
      expect(busy.headers.get('retry-after')).toBe('1');
      expect(((await busy.json()) as { error: { code: string } }).error.code).toBe('engine_busy');
    } finally {
      await started.server.close();
      await small.close();
    }
  });
});
