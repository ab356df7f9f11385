// Every route declares who may call it in `config.auth`; the server refuses to boot on a route that does not.
// One hook authenticates bearer keys and enforces the declared role before any handler runs.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../../../contracts/openai/error-envelope.ts';
import type { KeyAuthenticator } from '../../../app/auth/key-authenticator.ts';
import type { ApiKeyRecord } from '../../../app/ports.ts';

export type RouteAuth = 'public' | 'buyer' | 'operator' | 'host';

/** Host tokens are not API keys: they are looked up among hosts, and name the host they act for. */
export type HostTokenLookup = (token: string) => Promise<string | undefined>;

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
  interface FastifyRequest {
    apiKey?: ApiKeyRecord;
    hostId?: string;
  }
}


export function requireRouteAuth(app: FastifyInstance, routes: Array<{ method: string; url: string; auth: RouteAuth }>): void {
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

export function installAuthHook(app: FastifyInstance, authenticator: KeyAuthenticator, hostToken: HostTokenLookup): void {
  app.addHook('onRequest', async (request) => {
    const auth = request.routeOptions.config.auth;
    if (!auth || auth === 'public') return;
    if (auth === 'host') {
      const token = bearer(request);
      const hostId = token ? await hostToken(token) : undefined;
      if (!hostId) throw new ApiError(401, 'authentication_error', token ? 'Unknown host token.' : 'Missing host token: send "Authorization: Bearer <host token>".', 'host_token_invalid');
      request.hostId = hostId;
      return;
    }
    const outcome = await authenticator.authenticate(bearer(request));
    if (!outcome.ok) {
      const messages = {
        missing: 'Missing API key: send "Authorization: Bearer <key>".',
        unknown: 'Incorrect API key provided.',
        revoked: 'This API key has been revoked.',
        expired: 'This API key has expired.',
      };
      const status = outcome.reason === 'revoked' || outcome.reason === 'expired' ? 403 : 401;
      throw new ApiError(status, status === 401 ? 'authentication_error' : 'permission_error', messages[outcome.reason], `key_${outcome.reason}`);
    }
    if (outcome.key.role !== auth) {
      throw new ApiError(403, 'permission_error', `This route needs a ${auth} key.`, 'wrong_role');
    }
    request.apiKey = outcome.key;
  });
}
