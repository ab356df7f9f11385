// A host's usage claim against its own token ids, through the market: a host that inflates its usage is caught on
// the first request (a strike on its scorecard) and the buyer pays for the ids it sent, not the claim; a host whose
// ids do not match its text is billed by the market's own count. With n choices the claim covers them all, and a
// choice the host invents beyond n is neither relayed nor billed; an engine without `n` is never asked for n > 1.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadMeteringTokenizer } from '../../src/adapters/tokenizers/hf-tokenizer.ts';
import { postChat } from '../support/chat-request.ts';
import { modelServedBy, scriptedAnswer, scriptedMarket } from '../support/scripted-model.ts';
import { fundedBuyer } from '../support/test-market.ts';
import { tinyModelFiles } from '../support/tiny-engine.ts';

const scripted = scriptedMarket();

function answerWithIds(text: string, ids: number[], claimed: number) {
  const content = ids.map((id) => ({ token: '', id, logprob: -0.1, bytes: [], top_logprobs: [] }));
  return {
    ...scriptedAnswer,
    choices: [
      { index: 0, message: { role: 'assistant', content: text }, logprobs: { content }, finish_reason: 'stop' },
    ],
    usage: { prompt_tokens: 1, completion_tokens: claimed, total_tokens: claimed + 1 },
  };
}

describe('usage claims', () => {
  it('strikes a host whose usage claim is not the count of its own ids, on the first request, and bills the ids', async () => {
    const { dir } = await tinyModelFiles();
    const tokenizer = await loadMeteringTokenizer(join(dir, 'tokenizer.json'), join(dir, 'tokenizer_config.json'));
    const text = 'The market keeps every balance.';
    const ids = tokenizer.encode(text);
    const market = scripted.market;
    await modelServedBy(
      market,
      'inflated',
      [{ status: 200, body: answerWithIds(text, ids, ids.length * 3) }],
      [],
      'llama.cpp',
    );
    await modelServedBy(
      market,
      'mismatched',
      [
        {
          status: 200,
          body: answerWithIds(
            text,
            Array.from({ length: 40 }, (_, i) => i + 1),
            40,
          ),
        },
      ],
      [],
      'llama.cpp',
    );
    const buyer = await fundedBuyer(market, '1');

    const inflated = (await (await postChat(market.url, buyer.key, { model: 'inflated' })).json()) as {
      usage: { completion_tokens: number };
    };
    expect(inflated.usage.completion_tokens).toBe(ids.length);
    const mismatched = (await (await postChat(market.url, buyer.key, { model: 'mismatched' })).json()) as {
      usage: { completion_tokens: number };
    };
    expect(mismatched.usage.completion_tokens).toBe(ids.length);

    // Strikes reach the scorecard with the next tally write (every 5 s).
    await expect
      .poll(async () => (await market.store.hostSummary('inflated-0', Date.now()))?.strikes, { timeout: 10_000 })
      .toBe(1);
    expect((await market.store.hostSummary('mismatched-0', Date.now()))?.strikes).toBe(0);
  });
  it('passes n to the engine, bills the n choices by their ids, and drops a choice the host invents beyond n', async () => {
    const { dir } = await tinyModelFiles();
    const tokenizer = await loadMeteringTokenizer(join(dir, 'tokenizer.json'), join(dir, 'tokenizer_config.json'));
    const texts = ['The market keeps every balance.', 'Hosts sell tokens.', 'An invented third choice.'];
    const choices = texts.map((text, index) => {
      const content = tokenizer
        .encode(text)
        .map((id) => ({ token: '', id, logprob: -0.1, bytes: [], top_logprobs: [] }));
      return { index, message: { role: 'assistant', content: text }, logprobs: { content }, finish_reason: 'stop' };
    });
    const asked = tokenizer.encode(texts[0]!).length + tokenizer.encode(texts[1]!).length;
    const body = { ...scriptedAnswer, choices, usage: { prompt_tokens: 1, completion_tokens: asked } };
    const market = scripted.market;
    const [upstream] = await modelServedBy(market, 'two-choices', [{ status: 200, body }], [], 'llama.cpp');
    const buyer = await fundedBuyer(market, '1');
    const answer = (await (await postChat(market.url, buyer.key, { model: 'two-choices', n: 2 })).json()) as {
      choices: Array<{ index: number; message: { content: string } }>;
      usage: { completion_tokens: number };
    };
    expect(upstream!.received[0]?.body.n).toBe(2);
    expect(answer.choices.map((c) => [c.index, c.message.content])).toEqual([
      [0, texts[0]],
      [1, texts[1]],
    ]);
    expect(answer.usage.completion_tokens).toBe(asked);

    await modelServedBy(market, 'one-choice', [{ status: 200, body: scriptedAnswer }], [], 'ollama');
    const refused = await postChat(market.url, buyer.key, { model: 'one-choice', n: 2 });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { code: string; param: string } }).error).toMatchObject({
      code: 'unsupported_parameter',
      param: 'n',
    });
    expect((await postChat(market.url, buyer.key, { model: 'one-choice', n: 1 })).status).toBe(200);
  });
});
