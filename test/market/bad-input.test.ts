// Bad input and refused requests get the right status in the OpenAI envelope — never a 500 or a stack trace —
// and the official client maps them to its error classes.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, fundedBuyer, startTestMarket, type TestMarket } from '../support/test-market.ts';

let market: TestMarket;
let key: string;
const chat = { model: 'agora-tiny', messages: [{ role: 'user' as const, content: 'Hi' }], max_tokens: 2 };

beforeAll(async () => {
  market = await startTestMarket();
  key = (await fundedBuyer(market, '1')).key;
});
afterAll(() => market.stop());

const client = (apiKey: string) => new OpenAI({ baseURL: `${market.url}/v1`, apiKey, maxRetries: 0 });
const post = (body: string, headers: Record<string, string> = {}) =>
  fetch(`${market.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body,
  });

describe('refusals in the OpenAI envelope', () => {
  it('400 for unknown parameters, out-of-range values, too many messages and unsupported parameters', async () => {
    await expect(client(key).chat.completions.create({ ...chat, frobnicate: true } as never)).rejects.toMatchObject({
      status: 400,
      code: 'unknown_parameter',
      param: 'frobnicate',
    });
    await expect(client(key).chat.completions.create({ ...chat, temperature: 5 })).rejects.toBeInstanceOf(
      OpenAI.BadRequestError,
    );
    await expect(client(key).chat.completions.create({ ...chat, n: 9 })).rejects.toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      param: 'n',
      message: expect.stringMatching(/at most 8 choices per request/),
    });
    await expect(client(key).chat.completions.create({ ...chat, logit_bias: { '99999999': 1 } })).rejects.toMatchObject(
      { status: 400, code: 'invalid_logit_bias', param: 'logit_bias' },
    );
    const many = Array.from({ length: 300 }, () => ({ role: 'user' as const, content: 'x' }));
    await expect(client(key).chat.completions.create({ ...chat, messages: many })).rejects.toMatchObject({
      status: 400,
      param: 'messages',
    });
  });

  it('400 naming the parameter for a tool schema that does not compile, a stray tool_choice, or a schema the built-in grammar cannot enforce', async () => {
    const tool = (parameters: Record<string, unknown>) => ({
      type: 'function' as const,
      function: { name: 'f', parameters },
    });
    await expect(
      client(key).chat.completions.create({ ...chat, tools: [tool({ type: 'strnig' })] }),
    ).rejects.toMatchObject({
      status: 400,
      param: 'tools.0.function.parameters',
      message: expect.stringContaining('not a valid JSON Schema'),
    });
    await expect(client(key).chat.completions.create({ ...chat, tool_choice: 'required' })).rejects.toMatchObject({
      status: 400,
      param: 'tool_choice',
    });
    await expect(
      client(key).chat.completions.create({
        ...chat,
        tools: [tool({ type: 'object', properties: {} })],
        tool_choice: { type: 'function', function: { name: 'g' } },
      }),
    ).rejects.toMatchObject({ status: 400, param: 'tool_choice' });
    await expect(
      client(key).chat.completions.create({ ...chat, tools: [tool({ type: 'string', pattern: '^a+$' })] }),
    ).rejects.toMatchObject({ status: 400, code: 'unsupported_parameter', param: 'tools.0.function.parameters' });
  });

  it('400 for malformed JSON and over-deep nesting, 413 for an oversized body', async () => {
    const malformed = await post('{"model": ');
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
    let deep: unknown = 'x';
    for (let i = 0; i < 60; i++) deep = [deep];
    expect((await post(JSON.stringify({ ...chat, user: 'u', metadata: deep }))).status).toBe(400);
    const big = await post(JSON.stringify({ ...chat, messages: [{ role: 'user', content: 'x'.repeat(2_000_000) }] }));
    expect(big.status).toBe(413);
  });

  it('401 without a key or with an unknown key', async () => {
    await expect(client('sk-agora-not-a-real-key').chat.completions.create(chat)).rejects.toBeInstanceOf(
      OpenAI.AuthenticationError,
    );
    const res = await fetch(`${market.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify(chat),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('402 when the account cannot cover the hold', async () => {
    const poor = await fundedBuyer(market, '0');
    await expect(client(poor.key).chat.completions.create(chat)).rejects.toMatchObject({
      status: 402,
      code: 'insufficient_credits',
    });
  });

  it('404 for an unknown model', async () => {
    await expect(client(key).chat.completions.create({ ...chat, model: 'no-such-model' })).rejects.toBeInstanceOf(
      OpenAI.NotFoundError,
    );
  });

  it('403 for a sub-key outside its model allowlist, after revocation, and after expiry', async () => {
    const create = async (body: object) => {
      const res = await fetch(`${market.url}/v1/keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(201);
      return (await res.json()) as { id: string; key: string };
    };
    const narrow = await create({ name: 'agent', models: ['other-model'] });
    await expect(client(narrow.key).chat.completions.create(chat)).rejects.toMatchObject({
      status: 403,
      code: 'model_not_allowed',
    });

    const agent = await create({ name: 'agent', spend_limit_total: '0.5' });
    await client(agent.key).chat.completions.create(chat);
    const revoke = await fetch(`${market.url}/v1/keys/${agent.id}/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(revoke.status).toBe(200);
    await expect(client(agent.key).chat.completions.create(chat)).rejects.toMatchObject({
      status: 403,
      code: 'key_revoked',
    });

    const expired = await create({ name: 'agent', expires_at: new Date(Date.now() - 1000).toISOString() });
    await expect(client(expired.key).chat.completions.create(chat)).rejects.toBeInstanceOf(
      OpenAI.PermissionDeniedError,
    );
  });

  it('refuses a bad admin request with 400 and keeps credit grants idempotent', async () => {
    const buyer = await fundedBuyer(market, '0');
    expect(
      (await admin(market, 'POST', `/admin/accounts/${buyer.accountId}/credits`, { amount: 1.5, idempotency_key: 'a' }))
        .status,
    ).toBe(400);
    const grant = { amount: '2.5', idempotency_key: 'same-payment' };
    expect((await admin(market, 'POST', `/admin/accounts/${buyer.accountId}/credits`, grant)).body).toMatchObject({
      granted: true,
      available: '2.5',
    });
    expect((await admin(market, 'POST', `/admin/accounts/${buyer.accountId}/credits`, grant)).body).toMatchObject({
      granted: false,
      available: '2.5',
    });
  });
});
