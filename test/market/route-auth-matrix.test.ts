// Every route declares who may call it; every non-public route refuses the unauthenticated (401) and the wrong
// role (403) before its handler runs.
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
        // the status page, and the console's page, bundle and sign-in (each checks its own session)
        'GET /status',
        'GET /status.json',
        'GET /',
        'GET /console',
        'GET /console/assets/:file',
        'GET /console/session',
        'POST /console/session',
        'DELETE /console/session',
      ].sort(),
    );
  });

  it('refuses every protected route without a key and with the wrong role', async () => {
    const buyer = await fundedBuyer(market, '0');
    const protectedRoutes = market.routes.filter((r) => r.auth !== 'public');
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
