// The market's HTTP server: every route declares its callers, one auth hook enforces them, errors use the OpenAI
// envelope, every response carries x-request-id, and metrics are labelled by route template.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { KeyAuthenticator } from '../../../app/auth/key-authenticator.ts';
import { REQUEST_LIMITS } from '../../../contracts/openai/request-limits.ts';
import type { MarketMetrics } from '../../observability/market-metrics.ts';
import { installOpenAiErrorHandler } from '../openai/install-error-handler.ts';
import { installProtocolGuards, openAiServerOptions } from '../openai/protocol-errors.ts';
import { registerAdminRoutes, type AdminRouteDeps } from './admin-routes.ts';
import { registerHostRoutes, type HostRouteDeps } from './host-routes.ts';
import { installAuthHook, requireRouteAuth, type RouteAuth } from './route-auth.ts';
import { registerSystemRoutes, type SystemRouteDeps } from './system-routes.ts';
import { registerTrustRoutes } from './trust-routes.ts';
import { registerV1Routes, type V1RouteDeps } from './v1-routes.ts';
import type { TrustDeps } from '../../../app/verification/disputes.ts';
import { registerPricingRoutes, type PricingRouteDeps } from './pricing-routes.ts';
import { registerEconomicsRoutes, type EconomicsRouteDeps } from './economics-routes.ts';
import { registerConsoleRoutes, type ConsoleRouteDeps } from './console-routes.ts';
import { registerStatusRoutes, type StatusRouteDeps } from './status-routes.ts';
import { findSession } from '../../../app/auth/console-sessions.ts';

export type MarketServerDeps = {
  authenticator: KeyAuthenticator;
  /** the host a host token's hash belongs to */
  hostByTokenHash(tokenHash: string): Promise<string | undefined>;
  metrics: MarketMetrics;
  logger: FastifyBaseLogger;
  v1: V1RouteDeps;
  admin: AdminRouteDeps;
  hosts: HostRouteDeps;
  trust: TrustDeps;
  pricing: PricingRouteDeps;
  economics: EconomicsRouteDeps;
  console: ConsoleRouteDeps;
  status: StatusRouteDeps;
  system: Omit<SystemRouteDeps, 'metrics'>;
};

export type MarketServer = { app: FastifyInstance; routes: Array<{ method: string; url: string; auth: RouteAuth }> };

export function buildMarketServer(deps: MarketServerDeps): MarketServer {
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: REQUEST_LIMITS.maxBodyBytes,
    genReqId: () => randomUUID().replaceAll('-', ''),
    requestIdHeader: false,
    ...openAiServerOptions,
  });
  const routes: MarketServer['routes'] = [];
  requireRouteAuth(app, routes);
  installOpenAiErrorHandler(app);
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  installProtocolGuards(app);
  installAuthHook(app, {
    authenticator: deps.authenticator,
    hostByTokenHash: deps.hostByTokenHash,
    session: (token) => findSession(deps.console.sessions, token),
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    deps.metrics.requests.inc({
      route,
      method: request.method,
      status_class: `${Math.floor(reply.statusCode / 100)}xx`,
    });
    deps.metrics.requestSeconds.observe({ route, method: request.method }, reply.elapsedTime / 1000);
  });
  registerV1Routes(app, deps.v1);
  registerAdminRoutes(app, deps.admin);
  registerHostRoutes(app, deps.hosts);
  registerTrustRoutes(app, deps.trust);
  registerPricingRoutes(app, deps.pricing);
  registerEconomicsRoutes(app, deps.economics);
  registerConsoleRoutes(app, deps.console);
  registerStatusRoutes(app, deps.status);
  registerSystemRoutes(app, { ...deps.system, metrics: deps.metrics.registry });
  return { app, routes };
}
