// Usage classes through the market: a conversation continued under the same key on the same host is billed its
// shared prefix at the model's cache price (whatever the engine claims), another key sending the same prompt is
// not; reasoning the engine sends beside the content is counted by the market as reasoning tokens at the model's
// reasoning price; the usage block, the usage records and the capture all carry the same classes.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMeteringTokenizer } from '../../src/adapters/tokenizers/hf-tokenizer.ts';
import { parseNanos } from '../../src/domain/money/nanos.ts';
import { postChat } from '../support/chat-request.ts';
import { modelServedBy, scriptedAnswer, scriptedMarket } from '../support/scripted-model.ts';
import { fundedBuyer } from '../support/test-market.ts';
import { tinyModelFiles } from '../support/tiny-engine.ts';

const scripted = scriptedMarket();

const REASONING = 'The buyer asks about the market, so I answer with its name.';
type Usage = {
  prompt_tokens: number;
  completion_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
  cost: string;
};
type Prices = { prompt: string; completion: string; input_cache_read: string; internal_reasoning: string };

describe('usage classes', () => {
  it('bills a continued conversation its cached prefix and reasoning at their class prices, per key', async () => {
    const market = scripted.market;
    const { dir } = await tinyModelFiles();
    const tokenizer = await loadMeteringTokenizer(join(dir, 'tokenizer.json'), join(dir, 'tokenizer_config.json'));
    // the model declares its factors: cache reads at 25 %, reasoning at half a completion token
    await market.store.upsertModel({
      id: 'classed',
      name: 'classed',
      contextLength: 1024,
      promptPrice: 100n,
      completionPrice: 200n,
      defaultMaxTokens: 64,
      maxTokensCap: 512,
      tokenizerDir: dir,
      digest: 'none',
      quantization: 'unknown',
      classFactors: { cachedPromptBps: 2_500, reasoningBps: 5_000 },
    });
    const answer = {
      ...scriptedAnswer,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'The market.', reasoning_content: REASONING },
          finish_reason: 'stop',
        },
      ],
      // an engine's cache claim is never read: only what the market attributes is billed as cached
      usage: {
        prompt_tokens: 1,
        completion_tokens: 40,
        total_tokens: 41,
        prompt_tokens_details: { cached_tokens: 900 },
      },
    };
    await modelServedBy(market, 'classed', [{ status: 200, body: answer }]);
    const card = (
      (await (await fetch(`${market.url}/v1/models`)).json()) as { data: Array<{ id: string; pricing: Prices }> }
    ).data.find((m) => m.id === 'classed');
    expect(card?.pricing).toEqual({
      prompt: '0.0000001',
      completion: '0.0000002',
      input_cache_read: '0.000000025',
      internal_reasoning: '0.0000001',
    });

    const [buyer, other] = [await fundedBuyer(market, '1'), await fundedBuyer(market, '1')];
    const opening = [
      { role: 'system', content: 'You answer questions about the market in one sentence.' },
      { role: 'user', content: 'Tell me about the market.' },
    ];
    const continued = [...opening, { role: 'assistant', content: 'The market.' }, { role: 'user', content: 'More?' }];
    const ask = async (key: string, messages: object[]) => {
      const res = await postChat(market.url, key, { model: 'classed', messages, usage: { include: true } });
      expect(res.status).toBe(200);
      return ((await res.json()) as { usage: Usage }).usage;
    };
    const first = await ask(buyer.key, opening);
    const second = await ask(buyer.key, continued);
    const otherKey = await ask(other.key, continued);

    const reasoningTokens = tokenizer.encode(REASONING).length;
    const contentTokens = tokenizer.encode('The market.').length;
    expect(first.prompt_tokens_details.cached_tokens).toBe(0);
    expect(second.prompt_tokens_details.cached_tokens).toBeGreaterThan(0);
    expect(second.prompt_tokens_details.cached_tokens).toBeLessThan(second.prompt_tokens);
    expect(otherKey.prompt_tokens_details.cached_tokens).toBe(0);
    for (const usage of [first, second, otherKey]) {
      expect(usage.completion_tokens_details.reasoning_tokens).toBe(reasoningTokens);
      expect(usage.completion_tokens).toBe(contentTokens + reasoningTokens);
      const cached = usage.prompt_tokens_details.cached_tokens;
      const bill =
        BigInt(usage.prompt_tokens - cached) * 100n +
        BigInt(cached) * 25n +
        BigInt(contentTokens) * 200n +
        BigInt(reasoningTokens) * 100n;
      expect(parseNanos(usage.cost)).toBe(bill);
    }
    expect(parseNanos(otherKey.cost)! - parseNanos(second.cost)!).toBe(
      BigInt(second.prompt_tokens_details.cached_tokens) * 75n,
    );

    await market.flushBilling();
    const records = (
      (await (await fetch(`${market.url}/v1/usage`, { headers: { authorization: `Bearer ${buyer.key}` } })).json()) as {
        data: Array<{ cached_tokens: number; reasoning_tokens: number; cost: string; price: Prices }>;
      }
    ).data;
    expect(records.map((r) => [r.cached_tokens, r.reasoning_tokens, r.cost])).toEqual([
      [second.prompt_tokens_details.cached_tokens, reasoningTokens, second.cost],
      [0, reasoningTokens, first.cost],
    ]);
    expect(records[0]?.price).toEqual(card?.pricing);
    const balance = async (key: string) =>
      parseNanos(
        (
          (await (await fetch(`${market.url}/v1/credits`, { headers: { authorization: `Bearer ${key}` } })).json()) as {
            balance: string;
          }
        ).balance,
      );
    expect(await balance(buyer.key)).toBe(1_000_000_000n - parseNanos(first.cost)! - parseNanos(second.cost)!);
    expect(await balance(other.key)).toBe(1_000_000_000n - parseNanos(otherKey.cost)!);
  });
});
