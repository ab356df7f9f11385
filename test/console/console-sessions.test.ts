// Console sessions: a key or host token becomes an HttpOnly, SameSite=Strict cookie; every request through it is
// authorized like the credential itself (role, revocation), and state-changing requests need the CSRF token.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, fundedBuyer, startTestMarket, type TestMarket } from '../support/test-market.ts';

let market: TestMarket;
beforeAll(async () => {
  market = await startTestMarket();
});
afterAll(() => market.stop());

type Session = { cookie: string; csrf: string; role: string; setCookie: string };

async function signIn(credential: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${market.url}/console/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ credential }),
  });
}

async function session(credential: string): Promise<Session> {
  const response = await signIn(credential);
  expect(response.status).toBe(201);
  const setCookie = response.headers.get('set-cookie') ?? '';
  const body = (await response.json()) as { role: string; csrf_token: string };
  return { cookie: setCookie.split(';')[0] ?? '', csrf: body.csrf_token, role: body.role, setCookie };
}

const call = (s: Session, method: string, path: string, options: { csrf?: string; body?: unknown } = {}) =>
  fetch(`${market.url}${path}`, {
    method,
    headers: {
      cookie: s.cookie,
      ...(options.csrf === undefined ? {} : { 'x-csrf-token': options.csrf }),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });

describe('console sessions', () => {
  it('sets an HttpOnly SameSite=Strict cookie that carries the role of the key it was opened with', async () => {
    const buyer = await fundedBuyer(market, '1');
    const s = await session(buyer.key);
    expect(s.role).toBe('buyer');
    expect(s.setCookie).toMatch(/HttpOnly/);
    expect(s.setCookie).toMatch(/SameSite=Strict/);
    expect(s.setCookie).not.toContain(buyer.key);
    expect((await call(s, 'GET', '/v1/credits')).status).toBe(200);
    expect((await call(s, 'GET', '/admin/hosts')).status).toBe(403);
    expect((await call(s, 'GET', '/hosts/me')).status).toBe(401);

    const operator = await session(market.operatorKey);
    expect(operator.role).toBe('operator');
    expect((await call(operator, 'GET', '/admin/hosts')).status).toBe(200);
    expect((await call(operator, 'GET', '/v1/credits')).status).toBe(403);

    const host = await session((await readFile(join(market.dataDir, 'hosts', 'host-1', 'host.token'), 'utf8')).trim());
    expect(host.role).toBe('host');
    expect((await call(host, 'GET', '/hosts/me')).status).toBe(200);
    expect((await call(host, 'GET', '/v1/credits')).status).toBe(401);
  });

  it('refuses a state-changing request without the CSRF token, and takes it with the token', async () => {
    const buyer = await fundedBuyer(market, '1');
    const s = await session(buyer.key);
    const missing = await call(s, 'POST', '/v1/keys', { body: { name: 'agent' } });
    expect(missing.status).toBe(403);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('csrf_token_invalid');
    expect((await call(s, 'POST', '/v1/keys', { body: { name: 'agent' }, csrf: 'wrong' })).status).toBe(403);
    expect((await call(s, 'POST', '/v1/keys', { body: { name: 'agent' }, csrf: s.csrf })).status).toBe(201);
  });

  it('ends with the key: a session of a revoked key is refused', async () => {
    const buyer = await fundedBuyer(market, '1');
    const s = await session(buyer.key);
    expect((await admin(market, 'POST', `/admin/keys/${buyer.keyId}/revoke`)).status).toBe(200);
    expect((await call(s, 'GET', '/v1/credits')).status).toBe(403);
  });

  it('signs out with 204: the cookie is cleared and the session no longer works', async () => {
    const buyer = await fundedBuyer(market, '1');
    const s = await session(buyer.key);
    expect((await call(s, 'DELETE', '/console/session')).status).toBe(403);
    expect((await call(s, 'GET', '/console/session')).status).toBe(200);
    const out = await call(s, 'DELETE', '/console/session', { csrf: s.csrf });
    expect(out.status).toBe(204);
    expect(await out.text()).toBe('');
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    const after = await call(s, 'GET', '/v1/credits');
    expect(after.status).toBe(401);
    expect(((await after.json()) as { error: { code: string } }).error.code).toBe('session_expired');
    expect((await call(s, 'GET', '/console/session')).status).toBe(401);
  });

  it('answers a sign-out without a live session with 204 too: there is nothing to end', async () => {
    const none = await fetch(`${market.url}/console/session`, { method: 'DELETE' });
    expect(none.status).toBe(204);
    expect(none.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    const ended = await fetch(`${market.url}/console/session`, {
      method: 'DELETE',
      headers: { cookie: 'agora_session=not-a-session' },
    });
    expect(ended.status).toBe(204);
  });

  it('refuses a wrong credential and a sign-in posted from another site, in the API error format', async () => {
    const wrong = await signIn('sk-agora-not-a-key');
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('sign_in_failed');
    const buyer = await fundedBuyer(market, '1');
    const foreign = await signIn(buyer.key, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('set-cookie')).toBeNull();
    expect((await signIn('')).status).toBe(400);
  });
});
