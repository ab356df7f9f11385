// The SDK sends what a route's contract describes (method, path parameters, query, body, bearer token) and hands
// back the answer parsed by its schema; a refusal becomes a MarketApiError with the envelope's code.
import { describe, expect, it } from 'vitest';
import { MarketApiError } from './market-api-error.ts';
import { createMarketClient } from './market-client.ts';

type Sent = { url: string; method: string; headers: Record<string, string>; body: string | undefined };

function fakeFetch(status: number, answer: unknown, sent: Sent[]): typeof fetch {
  return async (url, init) => {
    sent.push({
      url: String(url),
      method: init?.method ?? 'GET',
      headers: Object.fromEntries(Object.entries(init?.headers ?? {})),
      body: typeof init?.body === 'string' ? init.body : undefined,
    });
    return new Response(JSON.stringify(answer), { status, headers: { 'content-type': 'application/json' } });
  };
}

describe('the market SDK', () => {
  it('sends a route as its contract describes and parses the answer by its schema', async () => {
    const sent: Sent[] = [];
    const granted = { account_id: 'a b', granted: true, duplicate: false, available: '12.5', extra: 'dropped' };
    const client = createMarketClient({ baseUrl: 'http://market/', token: 'op', fetch: fakeFetch(200, granted, sent) });
    const answer = await client.admin.grantCredits({
      params: { id: 'a b' },
      body: { amount: '12.5', idempotency_key: 'k' },
    });
    expect(answer).toEqual({ account_id: 'a b', granted: true, duplicate: false, available: '12.5' });
    expect(sent).toEqual([
      {
        url: 'http://market/admin/accounts/a%20b/credits',
        method: 'POST',
        headers: { authorization: 'Bearer op', 'content-type': 'application/json' },
        body: JSON.stringify({ amount: '12.5', idempotency_key: 'k' }),
      },
    ]);
  });

  it('leaves unset query fields out of the URL', async () => {
    const sent: Sent[] = [];
    const client = createMarketClient({
      baseUrl: 'http://market',
      fetch: fakeFetch(200, { object: 'list', data: [] }, sent),
    });
    await client.admin.listTopUps({ query: { status: undefined } });
    await client.admin.listTopUps({ query: { status: 'pending' } });
    expect(sent.map((s) => s.url)).toEqual(['http://market/admin/topups', 'http://market/admin/topups?status=pending']);
  });

  it('raises a refusal as a MarketApiError with its status and code', async () => {
    const refusal = {
      error: { message: 'No account.', type: 'not_found_error', param: null, code: 'account_not_found' },
    };
    const client = createMarketClient({ baseUrl: 'http://market', fetch: fakeFetch(404, refusal, []) });
    const failed = await client.admin.revokeKey({ params: { id: 'x' } }).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(MarketApiError);
    expect(failed).toMatchObject({ status: 404, code: 'account_not_found', message: 'No account.' });
  });
});
