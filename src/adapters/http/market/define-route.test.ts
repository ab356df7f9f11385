// A route exists only through its contract: one registered any other way stops the server from booting, and one
// registered by defineRoute reads its body through the contract's schema and answers with the contract's status.
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineContract } from '../../../contracts/http/route-contract.ts';
import { installErrorAnswers } from '../openai/install-error-handler.ts';
import { createRouteTable, defineRoute } from './define-route.ts';
import { requireRouteContracts, type RegisteredRoute } from './route-auth.ts';

const echo = defineContract({
  method: 'POST',
  url: '/v1/echo/:id',
  auth: 'public',
  summary: 'Echo',
  body: z.strictObject({ word: z.string() }),
  responses: [{ status: 201, json: z.object({ id: z.string(), word: z.string() }) }],
});

function serverWith(routes: RegisteredRoute[]) {
  const app = Fastify();
  requireRouteContracts(app, routes);
  installErrorAnswers(app);
  app.decorateRequest('caller', null);
  app.addHook('onRequest', async (request) => {
    request.caller = { auth: 'public' };
  });
  return app;
}

describe('routes registered from their contracts', () => {
  it('refuses to boot with a route registered without a contract', async () => {
    const app = serverWith([]);
    expect(() => app.get('/v1/bare', { config: { auth: 'public' } }, async () => ({}))).toThrow(
      /ROUTE_CONTRACT_UNDECLARED/,
    );
    await app.close();
  });

  it("records the route, parses its body by the contract and answers with the contract's status", async () => {
    const routes: RegisteredRoute[] = [];
    const app = serverWith(routes);
    const table = createRouteTable();
    defineRoute(table, echo).handle(async ({ params, body }) => ({ id: params.id, word: body.word }));
    for (const register of table.routes.get('v1') ?? []) register(app);
    const answered = await app.inject({ method: 'POST', url: '/v1/echo/7', payload: { word: 'hi' } });
    expect([answered.statusCode, answered.json()]).toEqual([201, { id: '7', word: 'hi' }]);
    const refused = await app.inject({ method: 'POST', url: '/v1/echo/7', payload: { word: 'hi', extra: 1 } });
    expect([refused.statusCode, refused.json().error.code]).toEqual([400, 'unknown_parameter']);
    expect(routes.map((r) => `${r.method} ${r.url} ${r.auth}`)).toEqual(['POST /v1/echo/:id public']);
    await app.close();
  });
});
