// What a /v1 answer says besides its body: the key's rate-limit standing on every authenticated answer (success,
// error, stream) with its remaining counts falling as the key is used, Retry-After on a 429 that the advanced clock
// then honours, and the routing trace — in a header for JSON, an SSE comment before [DONE] for streams — only when
// the buyer asked for it, and never sent on to a host.
import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { postChat } from '../support/chat-request.ts';
import { createManualTime } from '../support/manual-time.ts';
import { scriptedAnswer, scriptedMarket } from '../support/scripted-model.ts';
import type { ScriptedUpstream } from '../support/scripted-upstream.ts';
import { admin, fundedBuyer, type TestMarket } from '../support/test-market.ts';

const time = createManualTime();
const scripted = scriptedMarket({ time });
let market: TestMarket;
let flowing: ScriptedUpstream[];
let traced: ScriptedUpstream[];
beforeAll(async () => {
  market = scripted.market;
  await scripted.serve('plain', [{ status: 200, body: scriptedAnswer }]);
  flowing = await scripted.serve('flowing', [{ stream: { chunks: 3, text: ' market', intervalMs: 5 } }]);
  traced = await scripted.serve('traced', [
    { status: 500, body: { error: { message: 'down' } } },
    { status: 200, body: scriptedAnswer },
  ]);
});

const keyWith = async (limits: { rate_limit_rpm?: number; rate_limit_tpm?: number }) => {
  const buyer = await fundedBuyer(market, '1');
  const issued = await admin<{ key: string }>(market, 'POST', '/admin/keys', {
    account_id: buyer.accountId,
    name: 'limited',
    ...limits,
  });
  return issued.body.key;
};
const limitHeaders = (res: Response) =>
  Object.fromEntries([...res.headers].filter(([name]) => name.startsWith('x-ratelimit-')));
const traceOf = (header: string | null) =>
  JSON.parse(header ?? 'null') as { hosts: Array<{ host: string; outcome: string }> } | null;

describe('rate-limit headers', () => {
  it("report the key's limits on every answer to it — JSON, stream, error, other routes — with remaining counts falling", async () => {
    const key = await keyWith({ rate_limit_rpm: 10, rate_limit_tpm: 1_000 });
    const first = await postChat(market.url, key, { model: 'plain' });
    expect(first.status).toBe(200);
    const used = ((await first.json()) as { usage: { total_tokens: number } }).usage.total_tokens;
    expect(limitHeaders(first)).toMatchObject({
      'x-ratelimit-limit-requests': '10',
      'x-ratelimit-remaining-requests': '9',
      'x-ratelimit-reset-requests': expect.stringMatching(/^(5\.\d+|6)s$/),
      'x-ratelimit-limit-tokens': '1000',
      'x-ratelimit-reset-tokens': expect.stringMatching(/^\d+(\.\d+)?m?s$/),
    });
    // Settled before the answer left: only the tokens used are gone (plus what refilled since, a token per 60 ms).
    const tokensAfterFirst = Number(first.headers.get('x-ratelimit-remaining-tokens'));
    expect(tokensAfterFirst).toBeGreaterThanOrEqual(1_000 - used);
    expect(tokensAfterFirst).toBeLessThan(1_000 - used + 20);

    const second = await postChat(market.url, key, { model: 'plain' });
    expect(limitHeaders(second)).toMatchObject({ 'x-ratelimit-remaining-requests': '8' });
    expect(Number(second.headers.get('x-ratelimit-remaining-tokens'))).toBeLessThan(tokensAfterFirst);

    const stream = await postChat(market.url, key, { model: 'flowing', stream: true });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    expect(limitHeaders(stream)).toMatchObject({
      'x-ratelimit-limit-requests': '10',
      'x-ratelimit-remaining-requests': '7',
    });
    await stream.text();

    // A refusal before admission takes nothing, and says so.
    const refused = await postChat(market.url, key, { model: 'plain', bogus: 1 });
    expect(refused.status).toBe(400);
    expect(limitHeaders(refused)).toMatchObject({ 'x-ratelimit-remaining-requests': '7' });
    const credits = await fetch(`${market.url}/v1/credits`, { headers: { authorization: `Bearer ${key}` } });
    expect(credits.status).toBe(200);
    expect(limitHeaders(credits)).toMatchObject({
      'x-ratelimit-limit-tokens': '1000',
      'x-ratelimit-remaining-requests': '7',
    });

    // No key proven, no key to report on.
    const anonymous = await postChat(market.url, 'sk-agora-unknown', { model: 'plain' });
    expect(anonymous.status).toBe(401);
    expect(limitHeaders(anonymous)).toEqual({});
  });

  it('answer the request over the limit with 429 and Retry-After, after which (the clock advanced) it is admitted', async () => {
    const key = await keyWith({ rate_limit_rpm: 2 });
    for (let i = 0; i < 2; i++) expect((await postChat(market.url, key, { model: 'plain' })).status).toBe(200);
    const refused = await postChat(market.url, key, { model: 'plain' });
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    // One request refills in 30 s at 2 a minute; the two before took a moment of real time.
    expect([29, 30]).toContain(retryAfter);
    expect(limitHeaders(refused)).toMatchObject({
      'x-ratelimit-limit-requests': '2',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': expect.stringMatching(/^(59\.\d+s|1m0s)$/),
    });
    await time.advance(retryAfter * 1_000);
    const admitted = await postChat(market.url, key, { model: 'plain' });
    expect(admitted.status).toBe(200);
    expect(limitHeaders(admitted)).toMatchObject({ 'x-ratelimit-remaining-requests': '0' });
  });
});

describe('routing trace', () => {
  it('is a header on a JSON answer when asked: the hosts tried with outcome and timing, the SKU and locked price', async () => {
    const key = await keyWith({});
    // The working host answers first (unasked: no trace), so the other, not yet measured, goes first below.
    const warm = await postChat(market.url, key, { model: 'traced', provider: { only: ['traced-1'] } });
    expect(warm.status).toBe(200);
    expect(warm.headers.get('x-agora-trace')).toBeNull();

    const res = await fetch(`${market.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-agora-trace': '1' },
      body: JSON.stringify({ model: 'traced', messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(res.status).toBe(200);
    expect(traceOf(res.headers.get('x-agora-trace'))).toEqual({
      hosts: [
        { host: 'traced-0', outcome: 'failed', hedge: false, first_byte_ms: null, ms: expect.any(Number) },
        {
          host: 'traced-1',
          outcome: 'served',
          hedge: false,
          first_byte_ms: expect.any(Number),
          ms: expect.any(Number),
        },
      ],
      hedged: false,
      model: 'traced',
      sku: { digest: 'none', quantization: 'unknown' },
      price: { prompt: '0.0000001', completion: '0.0000002' },
      verification: ['unverifiable'],
    });
    // The buyer's request to see the trace stays with the market.
    const sent = traced[1]!.received.at(-1)!;
    expect(sent.headers['x-agora-trace']).toBeUndefined();

    // An answer that failed says which hosts failed.
    const refused = await postChat(market.url, key, { model: 'traced', provider: { only: ['traced-0'] }, trace: true });
    expect(refused.status).toBe(502);
    expect(traceOf(refused.headers.get('x-agora-trace'))).toMatchObject({
      hosts: [{ host: 'traced-0', outcome: 'failed' }],
      model: null,
      verification: null,
    });
    expect(traced[0]!.received.at(-1)!.body).not.toHaveProperty('trace');
  });

  it('is an SSE comment just before [DONE] on a stream when asked, which clients skip, and absent otherwise', async () => {
    const key = await keyWith({});
    const unasked = await (await postChat(market.url, key, { model: 'flowing', stream: true })).text();
    expect(unasked).not.toContain('agora-trace');

    const res = await postChat(market.url, key, { model: 'flowing', stream: true, trace: true });
    expect(res.headers.get('x-agora-trace')).toBeNull();
    const text = await res.text();
    const [, json] = /\n: agora-trace (\{.*\})\n\ndata: \[DONE\]\n\n$/.exec(text) ?? [];
    expect(traceOf(json ?? null)).toMatchObject({
      hosts: [{ host: 'flowing-0', outcome: 'served', hedge: false, first_byte_ms: expect.any(Number) }],
      model: 'flowing',
      verification: ['unverifiable'],
    });
    expect(flowing[0]!.received.at(-1)!.body).not.toHaveProperty('trace');

    const client = new OpenAI({ baseURL: `${market.url}/v1`, apiKey: key, maxRetries: 0 });
    // Agora's extension rides in the body like any other field the client does not know.
    const withTrace = {
      model: 'flowing',
      messages: [{ role: 'user' as const, content: 'Hi' }],
      stream: true as const,
      trace: true,
    };
    const stream = await client.chat.completions.create(withTrace);
    let content = '';
    for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? '';
    expect(content).toBe(' market market market');
  });
});
