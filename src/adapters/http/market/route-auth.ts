// Every route declares who may call it in `config.auth`; the server refuses to boot on a route that does not.
// One hook authenticates bearer keys (or a console session's cookie) and enforces the declared role before any handler runs.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { hashApiKey } from '../../../domain/keys/api-key.ts';
import type { ConsoleSession } from '../../../app/auth/console-sessions.ts';
import { ApiError } from '../../../contracts/openai/error-envelope.ts';
import type { KeyAuthenticator } from '../../../app/auth/key-authenticator.ts';
import type { ApiKeyRecord } from '../../../app/ports.ts';

/**
 * Who may call a route. `session`: the route acts on the console session its cookie names, if any (it reads or ends
 * that session, never a key's account), and a state-changing call through a live session needs its CSRF token.
 */
export type RouteAuth = 'public' | 'session' | 'buyer' | 'operator' | 'host';

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
  interface FastifyRequest {
    apiKey?: ApiKeyRecord;
    hostId?: string;
    /** on `session` routes: the live console session the cookie names */
    consoleSession?: { token: string; session: ConsoleSession };
  }
}

export function requireRouteAuth(
  app: FastifyInstance,
  routes: Array<{ method: string; url: string; auth: RouteAuth }>,
): void {
  app.addHook('onRoute', (route) => {
    const auth = (route.config as { auth?: RouteAuth } | undefined)?.auth;
    if (route.method === 'HEAD') return;
    if (!auth) throw new Error(`ROUTE_AUTH_UNDECLARED: ${String(route.method)} ${route.url} must declare config.auth`);
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, auth });
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
    throw new ApiError(
      403,
      'permission_error',
      'Missing or wrong x-csrf-token for this console session.',
      'csrf_token_invalid',
    );
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
  if (!session)
    throw new ApiError(
      401,
      'authentication_error',
      'Your console session has ended; sign in again.',
      'session_expired',
    );
  if (!SAFE_METHODS.has(request.method)) requireCsrfToken(request, session);
  return session.credentialHash;
}

export function installAuthHook(app: FastifyInstance, credentials: RequestCredentials): void {
  app.addHook('onRequest', async (request) => {
    const auth = request.routeOptions.config.auth;
    if (!auth || auth === 'public') return;
    if (auth === 'session') {
      const token = cookieValue(request, SESSION_COOKIE);
      const session = token ? await credentials.session(token) : undefined;
      if (!token || !session) return;
      if (!SAFE_METHODS.has(request.method)) requireCsrfToken(request, session);
      request.consoleSession = { token, session };
      return;
    }
    const hash = await credentialHash(request, credentials);
    if (auth === 'host') {
      const hostId = hash ? await credentials.hostByTokenHash(hash) : undefined;
      if (!hostId)
        throw new ApiError(
          401,
          'authentication_error',
          hash ? 'Unknown host token.' : 'Missing host token: send "Authorization: Bearer <host token>".',
          'host_token_invalid',
        );
      request.hostId = hostId;
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
      const status = outcome.reason === 'revoked' || outcome.reason === 'expired' ? 403 : 401;
      throw new ApiError(
        status,
        status === 401 ? 'authentication_error' : 'permission_error',
        messages[outcome.reason],
        `key_${outcome.reason}`,
      );
    }
    if (outcome.key.role !== auth) {
      throw new ApiError(403, 'permission_error', `This route needs a ${auth} key.`, 'wrong_role');
    }
    request.apiKey = outcome.key;
  });
}
