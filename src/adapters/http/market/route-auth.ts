// Every route is registered from its contract (define-route.ts), which declares who may call it; the server refuses
// to boot on a route that is not. One hook authenticates bearer keys (or a console session's cookie), enforces the
// declared role and sets the request's typed caller before any handler runs.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { hashApiKey } from '../../../domain/keys/api-key.ts';
import type { ConsoleSession } from '../../../app/auth/console-sessions.ts';
import { marketError } from '../../../contracts/errors/market-error.ts';
import type { RouteAuth, RouteContract } from '../../../contracts/http/route-contract.ts';
import type { KeyAuthenticator } from '../../../app/auth/key-authenticator.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
}

export type RegisteredRoute = { method: string; url: string; auth: RouteAuth; contract: RouteContract };

/** Collects every route as it is registered, and refuses one registered without its contract. */
export function requireRouteContracts(app: FastifyInstance, routes: RegisteredRoute[]): void {
  app.addHook('onRoute', (route) => {
    if (route.method === 'HEAD') return;
    const contract = route.config?.contract;
    if (!contract || contract.auth !== route.config?.auth)
      throw new Error(
        `ROUTE_CONTRACT_UNDECLARED: ${String(route.method)} ${route.url} must be registered by defineRoute`,
      );
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, auth: contract.auth, contract });
  });
}

const bearer = (request: FastifyRequest): string | undefined => {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1] ?? '';
};

export const SESSION_COOKIE = 'agora_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function cookieValue(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

const sameSecret = (a: string, b: string): boolean =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

function requireCsrfToken(request: FastifyRequest, session: ConsoleSession): void {
  const csrf = request.headers['x-csrf-token'];
  if (!(typeof csrf === 'string' && sameSecret(csrf, session.csrfToken))) {
    throw marketError('csrf_token_invalid', 'Missing or wrong x-csrf-token for this console session.');
  }
}

export type RequestCredentials = {
  authenticator: KeyAuthenticator;
  hostByTokenHash(tokenHash: string): Promise<string | undefined>;
  session(token: string): Promise<ConsoleSession | undefined>;
};

/**
 * The hash of the credential a request carries: its bearer key or token, or else the one its console session was
 * opened with. A session's state-changing requests must echo its CSRF token in `x-csrf-token`: another site can
 * make the browser send the cookie, but cannot read the token.
 */
async function credentialHash(request: FastifyRequest, credentials: RequestCredentials): Promise<string | undefined> {
  const token = bearer(request);
  if (token !== undefined) return token ? hashApiKey(token) : undefined;
  const sessionToken = cookieValue(request, SESSION_COOKIE);
  if (!sessionToken) return undefined;
  const session = await credentials.session(sessionToken);
  if (!session) throw marketError('session_expired', 'Your console session has ended; sign in again.');
  if (!SAFE_METHODS.has(request.method)) requireCsrfToken(request, session);
  return session.credentialHash;
}

export function installAuthHook(app: FastifyInstance, credentials: RequestCredentials): void {
  app.decorateRequest('caller', null);
  app.addHook('onRequest', async (request) => {
    const auth = request.routeOptions.config.auth;
    if (!auth) return;
    if (auth === 'public') {
      request.caller = { auth };
      return;
    }
    if (auth === 'session') {
      const token = cookieValue(request, SESSION_COOKIE);
      const session = token ? await credentials.session(token) : undefined;
      if (token && session && !SAFE_METHODS.has(request.method)) requireCsrfToken(request, session);
      request.caller = { auth, live: token && session ? { token, session } : undefined };
      return;
    }
    const hash = await credentialHash(request, credentials);
    if (auth === 'host') {
      const hostId = hash ? await credentials.hostByTokenHash(hash) : undefined;
      if (!hostId)
        throw marketError(
          'host_token_invalid',
          hash ? 'Unknown host token.' : 'Missing host token: send "Authorization: Bearer <host token>".',
        );
      request.caller = { auth, hostId };
      return;
    }
    const outcome = hash
      ? await credentials.authenticator.authenticateHash(hash)
      : { ok: false as const, reason: 'missing' as const };
    if (!outcome.ok) {
      const messages = {
        missing: 'Missing API key: send "Authorization: Bearer <key>".',
        unknown: 'Incorrect API key provided.',
        revoked: 'This API key has been revoked.',
        expired: 'This API key has expired.',
      };
      throw marketError(`key_${outcome.reason}`, messages[outcome.reason]);
    }
    if (outcome.key.role !== auth)
      throw marketError('wrong_role', `This route needs ${auth === 'operator' ? 'an' : 'a'} ${auth} key.`);
    request.caller = { auth, key: outcome.key };
  });
}
