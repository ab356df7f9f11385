// Embeddings on a real market with a built-in host, through the official openai SDK: strings, arrays, token ids,
// base64 (the SDK's default) and `dimensions`; billed for the inputs at the locked price; the model list says what
// each model serves, and a model asked for what it does not serve is a 400; a sampled embedding is re-embedded on
// the reference and passes.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_EMBED_MODEL_ID, BUILTIN_EMBED_PRICES, BUILTIN_MODEL_ID } from '../../src/main/builtin-model.ts';
import { formatNanos } from '../../src/domain/money/nanos.ts';
import { fundedBuyer, marketClient, startTestMarket, type TestMarket } from '../support/test-market.ts';
import { createSubKey } from '../support/key-tree.ts';

let market: TestMarket;
let buyer: { key: string };
let client: OpenAI;
beforeAll(async () => {
  market = await startTestMarket({ verification: { samplingFloor: 0.02, workerIntervalMs: 3_600_000 } });
  buyer = await fundedBuyer(market, '10');
  client = new OpenAI({ baseURL: `${market.url}/v1`, apiKey: buyer.key, maxRetries: 0 });
}, 120_000);
afterAll(() => market.stop());

const norm = (v: readonly number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const post = async (path: string, body: object, key = buyer.key) => {
  const res = await fetch(`${market.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
};

describe('POST /v1/embeddings', () => {
  it('lists each model with what it serves', async () => {
    const { data } = await client.models.list();
    const byId = new Map(
      data.map((m) => [m.id, m as unknown as { capabilities: string[]; pricing: Record<string, string> }]),
    );
    expect(byId.get(BUILTIN_MODEL_ID)?.capabilities).toEqual(['chat']);
    expect(byId.get(BUILTIN_EMBED_MODEL_ID)?.capabilities).toEqual(['embeddings']);
    // An embedding model bills its input only: its input price alone.
    expect(byId.get(BUILTIN_EMBED_MODEL_ID)?.pricing).toEqual({ prompt: formatNanos(BUILTIN_EMBED_PRICES.prompt) });
    expect(Object.keys(byId.get(BUILTIN_MODEL_ID)?.pricing ?? {})).toContain('completion');
  });

  it('embeds a string and an array through the SDK (base64 on the wire), unit vectors, the same text the same vector', async () => {
    const one = await client.embeddings.create({ model: BUILTIN_EMBED_MODEL_ID, input: 'The market meters tokens.' });
    expect(one.data).toHaveLength(1);
    expect(one.data[0]!.embedding).toHaveLength(640);
    expect(norm(one.data[0]!.embedding)).toBeCloseTo(1, 5);
    expect(one.usage.prompt_tokens).toBeGreaterThan(0);
    expect(one.usage.total_tokens).toBe(one.usage.prompt_tokens);

    const many = await client.embeddings.create({
      model: BUILTIN_EMBED_MODEL_ID,
      input: ['The market meters tokens.', 'Hosts are paid per epoch.'],
      encoding_format: 'float',
    });
    expect(many.data.map((d) => d.index)).toEqual([0, 1]);
    // float32 on the base64 path: the same vector to float32 precision
    many.data[0]!.embedding.forEach((x, i) => expect(x).toBeCloseTo(one.data[0]!.embedding[i]!, 6));
    expect(many.data[1]!.embedding).not.toEqual(many.data[0]!.embedding);
  });

  it('takes token ids, shortens to `dimensions`, and bills the inputs at the locked price', async () => {
    const ids = await post('/v1/embeddings', {
      model: BUILTIN_EMBED_MODEL_ID,
      input: [[10, 11, 12], [13]],
      dimensions: 16,
      usage: { include: true },
    });
    expect(ids.status).toBe(200);
    expect(ids.body.data[0].embedding).toHaveLength(16);
    expect(norm(ids.body.data[0].embedding)).toBeCloseTo(1, 9);
    expect(ids.body.usage).toEqual({
      prompt_tokens: 4,
      total_tokens: 4,
      cost: formatNanos(4n * BUILTIN_EMBED_PRICES.prompt),
    });
  });

  it('refuses a chat model for embeddings, the embedding model for chat, and `dimensions` beyond the model', async () => {
    const chat = await client.embeddings
      .create({ model: BUILTIN_MODEL_ID, input: 'x' })
      .catch((error: unknown) => error);
    expect(chat).toBeInstanceOf(OpenAI.BadRequestError);
    expect(chat).toMatchObject({ code: 'model_capability_mismatch', param: 'model' });
    const embed = await client.chat.completions
      .create({ model: BUILTIN_EMBED_MODEL_ID, messages: [{ role: 'user', content: 'hi' }] })
      .catch((error: unknown) => error);
    expect(embed).toMatchObject({ status: 400, code: 'model_capability_mismatch', param: 'model' });
    const wide = await post('/v1/embeddings', { model: BUILTIN_EMBED_MODEL_ID, input: 'x', dimensions: 641 });
    expect(wide).toMatchObject({
      status: 400,
      body: { error: { code: 'unsupported_parameter', param: 'dimensions' } },
    });
    const empty = await post('/v1/embeddings', { model: BUILTIN_EMBED_MODEL_ID, input: '' });
    expect(empty).toMatchObject({ status: 400, body: { error: { param: 'input' } } });
  });

  it('refuses for spend limits and max_price in terms of input tokens, never max_tokens or a completion price', async () => {
    const input = ['The market meters tokens.', 'Hosts are paid per epoch.'];
    const tokens = (await post('/v1/embeddings', { model: BUILTIN_EMBED_MODEL_ID, input })).body.usage.prompt_tokens;
    // Room for all but one of its input tokens at the built-in embedding price.
    const limit = BigInt(tokens - 1) * BUILTIN_EMBED_PRICES.prompt;
    const agent = await createSubKey(market.url, buyer.key, {
      name: 'embedder',
      spend_limit_total: formatNanos(limit),
    });
    const refused = await post('/v1/embeddings', { model: BUILTIN_EMBED_MODEL_ID, input }, agent.key);
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'spend_limit_exceeded', param: 'input' } } });
    const message: string = refused.body.error.message;
    expect(message).toContain(
      `${tokens} input tokens at the locked price: ${formatNanos(BigInt(tokens) * BUILTIN_EMBED_PRICES.prompt)}`,
    );
    expect(message).toContain(`leave ${formatNanos(limit)}`);
    expect(message).toContain(`embed at most ${tokens - 1} input tokens`);
    expect(message).not.toMatch(/max_tokens|completion/);

    // A maximum completion price does not apply to embeddings; a maximum prompt price does, and says so per input token.
    const free = await post('/v1/embeddings', {
      model: BUILTIN_EMBED_MODEL_ID,
      input,
      provider: { max_price: { completion: '0' } },
    });
    expect(free.status).toBe(200);
    const cheap = await post('/v1/embeddings', {
      model: BUILTIN_EMBED_MODEL_ID,
      input,
      provider: { max_price: { prompt: '0.000000001' } },
    });
    expect(cheap).toMatchObject({ status: 404, body: { error: { code: 'no_host_matches_preferences' } } });
    expect(cheap.body.error.message).toContain(
      `(${formatNanos(BUILTIN_EMBED_PRICES.prompt)} per input token) is above provider.max_price.prompt`,
    );
  });

  it("re-embeds a new host's sampled embeddings on the reference and passes it", async () => {
    for (let i = 0; i < 4; i++)
      await client.embeddings.create({ model: BUILTIN_EMBED_MODEL_ID, input: [`sample ${i}`, `other ${i}`] });
    await market.flushBilling();
    const checks = async () =>
      (await marketClient(market).admin.hostChecks({ params: { id: market.hosts[0]!.hostId } })).checks.filter(
        (c) => c.model === BUILTIN_EMBED_MODEL_ID,
      );
    await expect
      .poll(
        async () => {
          await market.verifyNow!();
          return (await checks()).length;
        },
        { timeout: 30_000, interval: 200 },
      )
      .toBeGreaterThan(0);
    const [check] = await checks();
    expect(check).toMatchObject({ passed: true, reference: expect.stringContaining('agora-tiny f32 sha256:') });
    expect(check!.mean_tv).toBe(0);
  });
});
