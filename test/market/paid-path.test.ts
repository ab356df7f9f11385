// The main loop through the official openai client: a real completion from the built-in engine, streaming and
// not, and the account balance falling by exactly the billed cost, to the nano-unit.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNanos } from '../../src/domain/money/nanos.ts';
import { admin, fundedBuyer, startTestMarket, type TestMarket } from '../support/test-market.ts';

let market: TestMarket;
beforeAll(async () => {
  market = await startTestMarket();
});
afterAll(() => market.stop());

const credits = async (key: string) => {
  const res = await fetch(`${market.url}/v1/credits`, { headers: { authorization: `Bearer ${key}` } });
  return (await res.json()) as { balance: string; available: string; held: string };
};

describe('paid request path', () => {
  it('bills a chat completion at the locked price and the balance drops by exactly the cost', async () => {
    const buyer = await fundedBuyer(market, '1');
    const client = new OpenAI({ baseURL: `${market.url}/v1`, apiKey: buyer.key, maxRetries: 0 });
    const { data: res, response } = await client.chat.completions
      .create({
        model: 'agora-tiny',
        messages: [{ role: 'user', content: 'Tell me about the market.' }],
        temperature: 0,
        usage: { include: true },
      } as never)
      .withResponse();
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
    expect(res.choices[0]?.message.content).toBe('The market.');
    expect(res.choices[0]?.logprobs).toBeNull();
    const usage = res.usage as OpenAI.CompletionUsage & { cost: string };
    expect(usage.completion_tokens).toBe(3);
    expect(parseNanos(usage.cost)).toBe(BigInt(usage.prompt_tokens) * 100n + 3n * 200n);
    await market.flushBilling();
    const after = await credits(buyer.key);
    expect(parseNanos(after.balance)).toBe(1_000_000_000n - (parseNanos(usage.cost) as bigint));
    const records = (await (
      await fetch(`${market.url}/v1/usage`, { headers: { authorization: `Bearer ${buyer.key}` } })
    ).json()) as { data: Array<{ request_id: string; cost: string; host: string }> };
    expect(records.data[0]).toMatchObject({
      request_id: response.headers.get('x-request-id'),
      cost: usage.cost,
      host: market.hosts[0]!.hostId,
      routing: { attempts: 1, hedged: false },
    });
  });

  it('streams chunks, then a usage chunk with empty choices, and bills what streamed', async () => {
    const buyer = await fundedBuyer(market, '1');
    const client = new OpenAI({ baseURL: `${market.url}/v1`, apiKey: buyer.key, maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'agora-tiny',
      messages: [{ role: 'user', content: 'Hello' }],
      max_tokens: 12,
      seed: 5,
      stream: true,
      stream_options: { include_usage: true },
      usage: { include: true },
    } as never);
    let text = '';
    let usage: (OpenAI.CompletionUsage & { cost?: string }) | undefined;
    let chunks = 0;
    for await (const chunk of stream as unknown as AsyncIterable<OpenAI.ChatCompletionChunk>) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) {
        expect(chunk.choices).toEqual([]);
        usage = chunk.usage as typeof usage;
      }
    }
    expect(chunks).toBeGreaterThan(2);
    expect(text.length).toBeGreaterThan(0);
    expect(usage?.completion_tokens).toBeLessThanOrEqual(12);
    await market.flushBilling();
    expect(parseNanos((await credits(buyer.key)).balance)).toBe(
      1_000_000_000n - (parseNanos(usage?.cost ?? 'x') as bigint),
    );
  });

  it('serves legacy completions and lists the model with prices and its SKU', async () => {
    const buyer = await fundedBuyer(market, '1');
    const client = new OpenAI({ baseURL: `${market.url}/v1`, apiKey: buyer.key, maxRetries: 0 });
    const res = await client.completions.create({
      model: 'agora-tiny',
      prompt: 'The quick brown fox',
      max_tokens: 4,
      temperature: 0,
    });
    expect(res.usage?.completion_tokens).toBeLessThanOrEqual(4);
    const model = (await client.models.retrieve('agora-tiny')) as unknown as {
      pricing: { prompt: string };
      sku: { digest: string };
    };
    expect(model.pricing.prompt).toBe('0.0000001');
    expect(model.sku.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("lets a buyer's second key spend credits that the first key's idle lease holds", async () => {
    const buyer = await fundedBuyer(market, '1');
    const second = await admin<{ key: string }>(market, 'POST', '/admin/keys', {
      account_id: buyer.accountId,
      name: 'second',
    });
    const ask = (key: string) =>
      new OpenAI({ baseURL: `${market.url}/v1`, apiKey: key, maxRetries: 0 }).chat.completions.create({
        model: 'agora-tiny',
        messages: [{ role: 'user', content: 'Hi' }],
        max_tokens: 4,
      });
    await ask(buyer.key);
    // The first key's lease is the gateway's working money, not a hold: nothing is in flight, so nothing shows held.
    const after = await credits(buyer.key);
    expect(after.held).toBe('0');
    expect(after.available).toBe(after.balance);
    await expect(ask(second.body.key)).resolves.toMatchObject({ object: 'chat.completion' });
  });

  it('counts completions by model and outcome in /metrics, with upstream timings, and never a key', async () => {
    const buyer = await fundedBuyer(market, '1');
    const client = new OpenAI({ baseURL: `${market.url}/v1`, apiKey: buyer.key, maxRetries: 0 });
    await client.chat.completions.create({
      model: 'agora-tiny',
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 3,
    });
    await market.flushBilling();
    const metrics = await (await fetch(`${market.url}/metrics`)).text();
    expect(metrics).toMatch(/^agora_completions_total\{model="agora-tiny",status="ok"\} [1-9]/m);
    expect(metrics).toMatch(/^agora_upstream_duration_seconds_count\{model="agora-tiny",phase="first_token"\} [1-9]/m);
    expect(metrics).toMatch(
      /^agora_http_requests_total\{route="\/v1\/chat\/completions",method="POST",status_class="2xx"\} [1-9]/m,
    );
    expect(metrics).toMatch(/^agora_ledger_batch_duration_seconds_count [1-9]/m);
    expect(metrics).not.toContain(buyer.key.slice(0, 12));
  });

  it('keeps data and the demo key across a restart', async () => {
    // No built-in host: what a restart keeps is in the database. Two starts in a row still take tens of seconds on a
    // loaded machine, hence the test's own timeout.
    const first = await startTestMarket({ builtinHosts: 0 });
    const dataDir = first.dataDir;
    const demoKey = first.demoKey as string;
    await first.close();
    const second = await startTestMarket({ dataDir, databaseUrl: first.databaseUrl, builtinHosts: 0 });
    try {
      expect(second.demoKey).toBe(demoKey);
      const res = await fetch(`${second.url}/v1/credits`, { headers: { authorization: `Bearer ${demoKey}` } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { balance: string }).balance).toBe('10');
    } finally {
      await second.stop();
    }
  }, 120_000);
});
