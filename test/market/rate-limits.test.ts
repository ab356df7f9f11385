// Per-key rate limits over HTTP: the request over a key's limit is a 429 in the OpenAI envelope with Retry-After
// (the official client raises RateLimitError), other keys are unaffected, and a sub-key never exceeds its parent.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postChat } from '../support/chat-request.ts';
import { admin, fundedBuyer, startTestMarket, type TestMarket } from '../support/test-market.ts';

let market: TestMarket;
beforeAll(async () => {
  market = await startTestMarket({ rateLimits: { requestsPerMinute: 600, tokensPerMinute: 1_000_000 } });
});
afterAll(() => market.stop());

const chat = (key: string) => postChat(market.url, key, { max_tokens: 4 });

describe('per-key rate limits', () => {
  it('answers 429 with Retry-After once a key has used its requests per minute', async () => {
    const buyer = await fundedBuyer(market, '1');
    const limited = await admin<{ key: string }>(market, 'POST', '/admin/keys', {
      account_id: buyer.accountId,
      name: 'slow',
      rate_limit_rpm: 2,
    });
    expect(limited.status).toBe(201);
    for (let i = 0; i < 2; i++) expect((await chat(limited.body.key)).status).toBe(200);
    const refused = await chat(limited.body.key);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toEqual({
      error: {
        message: expect.stringContaining('2 requests per minute'),
        type: 'rate_limit_error',
        param: null,
        code: 'rate_limit_exceeded',
      },
    });
    expect((await chat(buyer.key)).status).toBe(200);

    const client = new OpenAI({ baseURL: `${market.url}/v1`, apiKey: limited.body.key, maxRetries: 0 });
    await expect(
      client.chat.completions.create({ model: 'agora-tiny', messages: [{ role: 'user', content: 'Hi' }] }),
    ).rejects.toBeInstanceOf(OpenAI.RateLimitError);
  });

  it('refuses a request whose tokens (prompt + max_tokens) exceed what is left of the minute', async () => {
    const buyer = await fundedBuyer(market, '1');
    const limited = await admin<{ key: string }>(market, 'POST', '/admin/keys', {
      account_id: buyer.accountId,
      name: 'few tokens',
      rate_limit_tpm: 40,
    });
    expect((await chat(limited.body.key)).status).toBe(200);
    const big = await postChat(market.url, limited.body.key, { max_tokens: 39 });
    expect(big.status).toBe(429);
    expect(((await big.json()) as { error: { message: string } }).error.message).toContain('40 tokens per minute');
  });

  it("caps a sub-key's rate limits at its parent's", async () => {
    const buyer = await fundedBuyer(market, '1');
    const parent = await admin<{ key: string }>(market, 'POST', '/admin/keys', {
      account_id: buyer.accountId,
      name: 'parent',
      rate_limit_rpm: 5,
    });
    const sub = await fetch(`${market.url}/v1/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${parent.body.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'agent', rate_limit_rpm: 500 }),
    });
    expect(sub.status).toBe(201);
    expect(await sub.json()).toMatchObject({ rate_limit_rpm: 5 });
    const invalid = await admin(market, 'POST', '/admin/keys', { account_id: buyer.accountId, rate_limit_rpm: 0 });
    expect(invalid.status).toBe(400);
  });
});
