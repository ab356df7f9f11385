// Every route declares who may call it; every key-protected route refuses the unauthenticated (401) and the wrong
// role (403) before its handler runs, and every session route reads only a live console session and changes it only
// with its CSRF token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fundedBuyer, startTestMarket, type TestMarket } from '../support/test-market.ts';

let market: TestMarket;
beforeAll(async () => {
  market = await startTestMarket();
});
afterAll(() => market.stop());

describe('route authorization matrix', () => {
  it('declares the expected public routes and nothing else public', () => {
    const open = market.routes.filter((r) => r.auth === 'public').map((r) => `${r.method} ${r.url}`).sort();
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
      ].sort(),
    );
    const onSession = market.routes.filter((r) => r.auth === 'session').map((r) => `${r.method} ${r.url}`).sort();
    expect(onSession).toEqual(['DELETE /console/session', 'GET /console/session']);
  });

  it('refuses every session route a caller without a live session (reads) or without its CSRF token (writes)', async () => {
    const signIn = await fetch(`${market.url}/console/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ credential: market.operatorKey }) });
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const live = (headers: Record<string, string> = {}) => ({ cookie, ...headers });
    for (const route of market.routes.filter((r) => r.auth === 'session')) {
      const call = (headers: Record<string, string>) => fetch(`${market.url}${route.url}`, { method: route.method, headers });
      const name = `${route.method} ${route.url}`;
      if (route.method === 'GET') {
        // A key is not a session, and neither is a cookie naming no live session.
        expect((await call({})).status, `${name} without a session`).toBe(401);
        expect((await call({ authorization: `Bearer ${market.operatorKey}` })).status, `${name} with a key`).toBe(401);
        expect((await call({ cookie: 'agora_session=not-a-session' })).status, `${name} with an ended session`).toBe(401);
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
        fetch(url, { method: route.method, headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(route.method === 'POST' ? { 'content-type': 'application/json' } : {}) }, body: route.method === 'POST' ? '{}' : undefined });
      expect((await call()).status, `${route.method} ${route.url} without a key`).toBe(401);
      if (route.auth === 'host') {
        // Host tokens are their own namespace: no API key, however privileged, is a host token.
        expect((await call(market.operatorKey)).status, `${route.method} ${route.url} with an operator key`).toBe(401);
        continue;
      }
      const wrong = route.auth === 'operator' ? buyer.key : market.operatorKey;
      expect((await call(wrong)).status, `${route.method} ${route.url} with a ${route.auth === 'operator' ? 'buyer' : 'operator'} key`).toBe(403);
    }
  });
});
