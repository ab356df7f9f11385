// n choices through the official openai client on the built-in engine: n distinct choices by index, streamed and
// not; the prompt billed once and every choice's completion tokens (each counted by the market from the host's ids),
// to the nano-unit; choice 0 is the answer n = 1 gives with the same seed; and a sub-key's spend limit holds for
// n × max_tokens, so n = 8 cannot escape it.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNanos } from '../../src/domain/money/nanos.ts';
import { callWithKey, createSubKey } from '../support/key-tree.ts';
import { fundedBuyer, startTestMarket, type TestMarket } from '../support/test-market.ts';

let market: TestMarket;
beforeAll(async () => {
  market = await startTestMarket();
});
afterAll(() => market.stop());

type Usage = OpenAI.CompletionUsage & { cost: string };
const request = {
  model: 'agora-tiny',
  messages: [{ role: 'user' as const, content: 'Tell me about the market.' }],
  max_tokens: 10,
  temperature: 1,
  seed: 11,
  logprobs: true,
  usage: { include: true },
};
/** At the test market's prices: 100 nanos a prompt token, 200 a completion token (fresh buyers: nothing cached). */
const billedOf = (usage: OpenAI.CompletionUsage) =>
  BigInt(usage.prompt_tokens) * 100n + BigInt(usage.completion_tokens) * 200n;
const balanceOf = async (key: string) => {
  const res = await fetch(`${market.url}/v1/credits`, { headers: { authorization: `Bearer ${key}` } });
  return parseNanos(((await res.json()) as { balance: string }).balance) as bigint;
};
const clientOf = (key: string) => new OpenAI({ baseURL: `${market.url}/v1`, apiKey: key, maxRetries: 0 });

describe('n choices', () => {
  it('answers n = 3 with three indexed choices, the prompt billed once and each completion, to the nano-unit', async () => {
    // one account for both (the market's seed for a host is drawn from the account and the buyer's seed), two keys
    // (a key's second request would read the first one's prompt from the host's cache, at another price)
    const buyer = await fundedBuyer(market, '1');
    const other = await createSubKey(market.url, buyer.key, { name: 'single' });
    const single = await clientOf(other.key).chat.completions.create({ ...request } as never);
    const res = await clientOf(buyer.key).chat.completions.create({ ...request, n: 3 } as never);

    expect(res.choices.map((c) => c.index)).toEqual([0, 1, 2]);
    const texts = res.choices.map((c) => c.message.content ?? '');
    expect(new Set(texts).size).toBeGreaterThan(1);
    // choice 0 samples with the buyer's seed: the answer n = 1 gives
    expect(texts[0]).toBe(single.choices[0]?.message.content);
    const usage = res.usage as Usage;
    expect(usage.prompt_tokens).toBe(single.usage?.prompt_tokens);
    const perChoice = res.choices.map((c) => c.logprobs?.content?.length ?? 0);
    expect(usage.completion_tokens).toBe(perChoice.reduce((sum, n) => sum + n, 0));
    expect(parseNanos(usage.cost)).toBe(billedOf(usage));
    await market.flushBilling();
    expect(await balanceOf(buyer.key)).toBe(1_000_000_000n - billedOf(single.usage!) - billedOf(usage));
  });

  it('streams n = 3 as chunks indexed per choice, then one usage chunk, billed as counted', async () => {
    const buyer = await fundedBuyer(market, '1');
    const stream = await clientOf(buyer.key).chat.completions.create({
      ...request,
      n: 3,
      stream: true,
      stream_options: { include_usage: true },
    } as never);
    const texts = new Map<number, string>();
    const tokens = new Map<number, number>();
    const finished = new Set<number>();
    const usages: Usage[] = [];
    for await (const chunk of stream as unknown as AsyncIterable<OpenAI.ChatCompletionChunk>) {
      if (chunk.usage) usages.push(chunk.usage as Usage);
      for (const choice of chunk.choices) {
        texts.set(choice.index, (texts.get(choice.index) ?? '') + (choice.delta.content ?? ''));
        tokens.set(choice.index, (tokens.get(choice.index) ?? 0) + (choice.logprobs?.content?.length ?? 0));
        if (choice.finish_reason) finished.add(choice.index);
      }
    }
    expect([...texts.keys()].sort()).toEqual([0, 1, 2]);
    expect([...finished].sort()).toEqual([0, 1, 2]);
    expect([...texts.values()].every((t) => t.length > 0)).toBe(true);
    expect(usages).toHaveLength(1);
    const [usage] = usages as [Usage];
    expect(usage.completion_tokens).toBe([...tokens.values()].reduce((sum, n) => sum + n, 0));
    expect(parseNanos(usage.cost)).toBe(billedOf(usage));
    await market.flushBilling();
    expect(await balanceOf(buyer.key)).toBe(1_000_000_000n - billedOf(usage));
  });

  it('answers legacy completions with n choices too, streamed and not, billed per choice', async () => {
    const buyer = await fundedBuyer(market, '1');
    const body = {
      model: 'agora-tiny',
      prompt: 'The market',
      max_tokens: 6,
      temperature: 1,
      seed: 3,
      n: 2,
      logprobs: 1,
    };
    const res = await clientOf(buyer.key).completions.create(body);
    expect(res.choices.map((c) => c.index)).toEqual([0, 1]);
    const counted = res.choices.reduce((sum, c) => sum + (c.logprobs?.tokens?.length ?? 0), 0);
    expect(res.usage?.completion_tokens).toBe(counted);
    const stream = await clientOf(buyer.key).completions.create({
      ...body,
      stream: true,
      stream_options: { include_usage: true },
    });
    const streamed = new Map<number, string>();
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      usage = chunk.usage ?? usage;
      for (const c of chunk.choices) streamed.set(c.index, (streamed.get(c.index) ?? '') + c.text);
    }
    // the same seed: the same two choices as the JSON answer
    expect([...streamed.entries()].sort()).toEqual(res.choices.map((c) => [c.index, c.text]));
    expect(usage?.completion_tokens).toBe(res.usage?.completion_tokens);
  });

  it("holds n × max_tokens against a sub-key's spend limit: n = 8 is refused where n = 1 fits", async () => {
    const parent = await fundedBuyer(market, '1');
    const body = { ...request, max_tokens: 8, usage: undefined };
    const probe = await callWithKey<{ usage: { prompt_tokens: number } }>(
      market.url,
      parent.key,
      'POST',
      '/v1/chat/completions',
      body,
    );
    // room for two single-choice requests' worst case (prompt + 8 completion tokens), not for 8 choices
    const limit = (BigInt(probe.body.usage.prompt_tokens) * 100n + 8n * 200n) * 2n;
    const agent = await createSubKey(market.url, parent.key, {
      name: 'agent',
      spend_limit_total: `0.${limit.toString().padStart(9, '0')}`,
    });
    const eight = await callWithKey<{ error: { code: string; param: string; message: string } }>(
      market.url,
      agent.key,
      'POST',
      '/v1/chat/completions',
      { ...body, n: 8 },
    );
    expect(eight.status).toBe(403);
    expect(eight.body.error).toMatchObject({ code: 'spend_limit_exceeded', param: 'max_tokens' });
    expect(eight.body.error.message).toMatch(/max_tokens 8 × n 8/);
    const single = await callWithKey(market.url, agent.key, 'POST', '/v1/chat/completions', body);
    expect(single.status).toBe(200);
  });
});
