// The market's HTTP server: each surface (/v1, /admin, /hosts, the console and public pages) is a plugin of its own
// with its own error answers; every route is registered from its contract (which declares its callers, and lists it
// in /openapi.json); one auth hook enforces the callers; errors use the OpenAI envelope; every response carries
// x-request-id (and a buyer's, the rate-limit headers), and metrics are labelled by route template.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { KeyAuthenticator } from '../../../app/auth/key-authenticator.ts';
import { REQUEST_LIMITS } from '../../../contracts/openai/request-limits.ts';
import type { MarketMetrics } from '../../observability/market-metrics.ts';
import { buildOpenApiDocument } from '../../../contracts/openapi.ts';
import { installErrorAnswers, installOpenAiErrorHandler } from '../openai/install-error-handler.ts';
import { installProtocolGuards, openAiServerOptions } from '../openai/protocol-errors.ts';
import { registerAdminRoutes, type AdminRouteDeps } from './admin-routes.ts';
import { registerHostRoutes, type HostRouteDeps } from './host-routes.ts';
import { createRouteTable, SURFACES, type RouteTable, type Surface } from './define-route.ts';
import { installAuthHook, requireRouteContracts, type RegisteredRoute } from './route-auth.ts';
import { installAnswerHeaders } from './answer-headers.ts';
import { registerSystemRoutes, type SystemRouteDeps } from './system-routes.ts';
import { registerTrustRoutes } from './trust-routes.ts';
import { registerVerificationRoutes, type VerificationRouteDeps } from './verification-routes.ts';
import { registerV1Routes, type V1RouteDeps } from './v1-routes.ts';
import { registerResponsesRoutes, type ResponsesRouteDeps } from './responses-routes.ts';
import type { TrustDeps } from '../../../app/verification/disputes.ts';
import { registerPricingRoutes, type PricingRouteDeps } from './pricing-routes.ts';
import { registerEconomicsRoutes, type EconomicsRouteDeps } from './economics-routes.ts';
import { registerGovernanceRoutes, type GovernanceRouteDeps } from './governance-routes.ts';
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
  responses: ResponsesRouteDeps;
  admin: AdminRouteDeps;
  hosts: HostRouteDeps;
  trust: TrustDeps;
  verification: VerificationRouteDeps;
  pricing: PricingRouteDeps;
  economics: EconomicsRouteDeps;
  governance: GovernanceRouteDeps;
  console: ConsoleRouteDeps;
  status: StatusRouteDeps;
  system: Omit<SystemRouteDeps, 'metrics' | 'openapi'> & { serverUrl: () => string };
};

/** `routes` fills as the server boots (its surfaces are plugins): read it after `ready()` or `listen()`. */
export type MarketServer = { app: FastifyInstance; routes: RegisteredRoute[] };

/** A surface as an encapsulated plugin: its own error answers, then its routes. */
const surfacePlugin = (table: RouteTable, surface: Surface) => async (instance: FastifyInstance) => {
  installErrorAnswers(instance);
  for (const register of table.routes.get(surface) ?? []) register(instance);
};

export function buildMarketServer(deps: MarketServerDeps): MarketServer {
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: REQUEST_LIMITS.maxBodyBytes,
    genReqId: () => randomUUID().replaceAll('-', ''),
    requestIdHeader: false,
    ...openAiServerOptions,
  });
  const routes: RegisteredRoute[] = [];
  requireRouteContracts(app, routes);
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
  installAnswerHeaders(app, deps.v1.serve.rateLimiter);
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    deps.metrics.requests.inc({
      route,
      method: request.method,
      status_class: `${Math.floor(reply.statusCode / 100)}xx`,
    });
    deps.metrics.requestSeconds.observe({ route, method: request.method }, reply.elapsedTime / 1000);
  });
  const table = createRouteTable();
  registerV1Routes(table, deps.v1);
  registerResponsesRoutes(table, deps.responses);
  registerAdminRoutes(table, deps.admin);
  registerHostRoutes(table, deps.hosts);
  registerTrustRoutes(table, deps.trust);
  registerVerificationRoutes(table, deps.verification);
  registerPricingRoutes(table, deps.pricing);
  registerEconomicsRoutes(table, deps.economics);
  registerGovernanceRoutes(table, deps.governance);
  registerConsoleRoutes(table, deps.console);
  registerStatusRoutes(table, deps.status);
  registerSystemRoutes(table, {
    ready: deps.system.ready,
    metrics: deps.metrics.registry,
    openapi: () =>
      buildOpenApiDocument(
        deps.system.serverUrl(),
        routes.map((r) => r.contract),
      ),
  });
  for (const surface of SURFACES) void app.register(surfacePlugin(table, surface));
  return { app, routes };
}
