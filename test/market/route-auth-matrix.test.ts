// Every route declares who may call it; every key-protected route refuses the unauthenticated (401) and the wrong
// role (403) before its handler runs, and every session route reads only a live console session and changes it only
// with its CSRF token. Objects too: a buyer key acts on its own account only, and a sub-key on its own subtree only
// (the rules table in docs/api.md, "Who may do what with keys", one row each below).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postChat } from '../support/chat-request.ts';
import { callWithKey, createSubKey } from '../support/key-tree.ts';
import { fundedBuyer, startTestMarket, type TestMarket } from '../support/test-market.ts';

let market: TestMarket;
beforeAll(async () => {
  market = await startTestMarket();
});
afterAll(() => market.stop());

describe('route authorization matrix', () => {
  it('declares the expected public routes and nothing else public', () => {
    const open = market.routes
      .filter((r) => r.auth === 'public')
      .map((r) => `${r.method} ${r.url}`)
      .sort();
    expect(open).toEqual(
      [
        'GET /healthz',
        'GET /metrics',
        'GET /openapi.json',
        'GET /readyz',
        'GET /v1/models',
        'GET /v1/models/:id',
        'GET /v1/pricing',
        'GET /v1/pricing/history',
        'POST /v1/accounts',
        'POST /hosts/register',
        // the status page, and the console's page, bundle and sign-in
        'GET /status',
        'GET /status.json',
        'GET /',
        'GET /console',
        'GET /console/assets/:file',
        'POST /console/session',
        // governance is read in the open: the parameters in force and every proposal with its tally
        'GET /v1/governance/parameters',
        'GET /v1/governance/proposals',
        'GET /v1/governance/proposals/:id',
      ].sort(),
    );
    const onSession = market.routes
      .filter((r) => r.auth === 'session')
      .map((r) => `${r.method} ${r.url}`)
      .sort();
    expect(onSession).toEqual(['DELETE /console/session', 'GET /console/session']);
  });

  it('refuses every session route a caller without a live session (reads) or without its CSRF token (writes)', async () => {
    const signIn = await fetch(`${market.url}/console/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ credential: market.operatorKey }),
    });
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const live = (headers: Record<string, string> = {}) => ({ cookie, ...headers });
    for (const route of market.routes.filter((r) => r.auth === 'session')) {
      const call = (headers: Record<string, string>) =>
        fetch(`${market.url}${route.url}`, { method: route.method, headers });
      const name = `${route.method} ${route.url}`;
      if (route.method === 'GET') {
        // A key is not a session, and neither is a cookie naming no live session.
        expect((await call({})).status, `${name} without a session`).toBe(401);
        expect((await call({ authorization: `Bearer ${market.operatorKey}` })).status, `${name} with a key`).toBe(401);
        expect((await call({ cookie: 'agora_session=not-a-session' })).status, `${name} with an ended session`).toBe(
          401,
        );
        expect((await call(live())).status, `${name} with a live session`).toBe(200);
      } else {
        expect((await call(live())).status, `${name} without x-csrf-token`).toBe(403);
        expect((await call(live({ 'x-csrf-token': 'wrong' }))).status, `${name} with a wrong x-csrf-token`).toBe(403);
      }
    }
    // The writes refused above ended nothing.
    expect((await fetch(`${market.url}/console/session`, { headers: live() })).status).toBe(200);
  });

  it('refuses every protected route without a key and with the wrong role', async () => {
    const buyer = await fundedBuyer(market, '0');
    const protectedRoutes = market.routes.filter((r) => r.auth !== 'public' && r.auth !== 'session');
    expect(protectedRoutes.length).toBeGreaterThan(10);
    for (const route of protectedRoutes) {
      const url = `${market.url}${route.url.replace(':id', 'x')}`;
      const call = (key?: string) =>
        fetch(url, {
          method: route.method,
          headers: {
            ...(key ? { authorization: `Bearer ${key}` } : {}),
            ...(route.method === 'POST' ? { 'content-type': 'application/json' } : {}),
          },
          body: route.method === 'POST' ? '{}' : undefined,
        });
      expect((await call()).status, `${route.method} ${route.url} without a key`).toBe(401);
      if (route.auth === 'host') {
        // Host tokens are their own namespace: no API key, however privileged, is a host token.
        expect((await call(market.operatorKey)).status, `${route.method} ${route.url} with an operator key`).toBe(401);
        continue;
      }
      const wrong = route.auth === 'operator' ? buyer.key : market.operatorKey;
      expect(
        (await call(wrong)).status,
        `${route.method} ${route.url} with a ${route.auth === 'operator' ? 'buyer' : 'operator'} key`,
      ).toBe(403);
    }
  });
});

type Tree = Record<'root' | 'agent' | 'child' | 'sibling' | 'stranger', { id: string; key: string; prefix: string }>;

/** root → agent (may create keys, limit 0.5) → child; root → sibling; and another account's root key. */
async function keyTree(): Promise<Tree> {
  const owner = await fundedBuyer(market, '1');
  const other = await fundedBuyer(market, '1');
  const prefixOf = async (key: string) =>
    (
      (await callWithKey<{ data: Array<{ prefix: string }> }>(market.url, key, 'GET', '/v1/keys')).body.data[0] as {
        prefix: string;
      }
    ).prefix;
  const agent = await createSubKey(market.url, owner.key, {
    name: 'agent',
    spend_limit_total: '0.5',
    can_create_keys: true,
  });
  const child = await createSubKey(market.url, agent.key, { name: 'child' });
  const sibling = await createSubKey(market.url, owner.key, { name: 'sibling' });
  return {
    root: { id: owner.keyId, key: owner.key, prefix: await prefixOf(owner.key) },
    agent,
    child,
    sibling,
    stranger: { id: other.keyId, key: other.key, prefix: await prefixOf(other.key) },
  };
}

describe('key tree authorization', () => {
  it('shows a sub-key its own subtree only: keys, usage, usage series and credits', async () => {
    const t = await keyTree();
    for (const who of ['root', 'agent', 'child', 'sibling'] as const)
      expect((await postChat(market.url, t[who].key, { max_tokens: 1 })).status).toBe(200);
    await market.flushBilling();
    const sees: Record<'root' | 'agent' | 'child', Array<keyof Tree>> = {
      root: ['root', 'agent', 'child', 'sibling'],
      agent: ['agent', 'child'],
      child: ['child'],
    };
    for (const [who, visible] of Object.entries(sees) as Array<[keyof typeof sees, Array<keyof Tree>]>) {
      const prefixes = visible.map((v) => t[v].prefix).sort();
      const key = t[who].key;
      const keys = await callWithKey<{ data: Array<{ prefix: string }> }>(market.url, key, 'GET', '/v1/keys');
      expect(keys.body.data.map((k) => k.prefix).sort(), `GET /v1/keys as ${who}`).toEqual(prefixes);
      const usage = await callWithKey<{ data: Array<{ key_prefix: string }> }>(market.url, key, 'GET', '/v1/usage');
      expect([...new Set(usage.body.data.map((u) => u.key_prefix))].sort(), `GET /v1/usage as ${who}`).toEqual(
        prefixes,
      );
      const series = await callWithKey<{ data: Array<{ key_prefix: string }> }>(
        market.url,
        key,
        'GET',
        '/v1/usage/series',
      );
      expect([...new Set(series.body.data.map((u) => u.key_prefix))].sort(), `GET /v1/usage/series as ${who}`).toEqual(
        prefixes,
      );
      const credits = await callWithKey<{ spend_by_key: Array<{ key_prefix: string }> }>(
        market.url,
        key,
        'GET',
        '/v1/credits',
      );
      expect(credits.body.spend_by_key.map((s) => s.key_prefix).sort(), `GET /v1/credits as ${who}`).toEqual(prefixes);
    }
    // A sub-key's credits are what its limits (its own and its ancestors') leave, never the account's balance.
    const credits = await callWithKey<{ available: string; limits: { total: { limit: string; remaining: string } } }>(
      market.url,
      t.child.key,
      'GET',
      '/v1/credits',
    );
    expect(credits.body.limits.total.limit).toBe('0.5');
    expect(Number(credits.body.available)).toBeLessThan(0.5);
    expect(credits.body.available).toBe(credits.body.limits.total.remaining);
  });

  it('lets a key revoke itself and its descendants; root keys any key of their account; nobody another account', async () => {
    const t = await keyTree();
    const rules: Array<{ who: keyof Tree; revokes: keyof Tree; status: number }> = [
      { who: 'agent', revokes: 'root', status: 404 },
      { who: 'agent', revokes: 'sibling', status: 404 },
      { who: 'child', revokes: 'agent', status: 404 },
      { who: 'stranger', revokes: 'agent', status: 404 },
      { who: 'root', revokes: 'stranger', status: 404 },
      { who: 'agent', revokes: 'child', status: 200 },
      { who: 'sibling', revokes: 'sibling', status: 200 },
      { who: 'root', revokes: 'agent', status: 200 },
    ];
    for (const rule of rules) {
      const answer = await callWithKey(market.url, t[rule.who].key, 'POST', `/v1/keys/${t[rule.revokes].id}/revoke`);
      expect(answer.status, `${rule.who} revokes ${rule.revokes}`).toBe(rule.status);
    }
    const works = async (who: keyof Tree) => (await postChat(market.url, t[who].key, { max_tokens: 1 })).status;
    expect({
      root: await works('root'),
      stranger: await works('stranger'),
      agent: await works('agent'),
      child: await works('child'),
      sibling: await works('sibling'),
    }).toEqual({
      root: 200,
      stranger: 200,
      agent: 403,
      child: 403,
      sibling: 403,
    });
  });

  it('lets only keys holding can_create_keys create keys', async () => {
    const t = await keyTree();
    const rules: Array<{ who: keyof Tree; status: number }> = [
      { who: 'root', status: 201 },
      { who: 'agent', status: 201 },
      { who: 'child', status: 403 },
      { who: 'sibling', status: 403 },
    ];
    for (const rule of rules)
      expect(
        (await callWithKey(market.url, t[rule.who].key, 'POST', '/v1/keys', { name: 'new' })).status,
        `${rule.who} creates a key`,
      ).toBe(rule.status);
  });

  it('has a rule above for every buyer route that reads or changes keys, usage or credits', () => {
    const covered = [
      'GET /v1/keys',
      'POST /v1/keys',
      'POST /v1/keys/:id/revoke',
      'GET /v1/usage',
      'GET /v1/usage/series',
      'GET /v1/credits',
    ];
    const routes = market.routes
      .filter((r) => r.auth === 'buyer' && /^\/v1\/(keys|usage|credits)/.test(r.url))
      .map((r) => `${r.method} ${r.url}`);
    expect(routes.sort()).toEqual(covered.sort());
  });
});
