// Public operational routes: liveness, readiness (the database answers), Prometheus metrics, the OpenAPI document.
import type { Registry } from 'prom-client';
import { systemRoutes } from '../../../contracts/routes/public-routes.ts';
import { defineRoute, type RouteTable } from './define-route.ts';

export type SystemRouteDeps = {
  ready: () => Promise<boolean>;
  metrics: Registry;
  openapi: () => { openapi: string };
};

export function registerSystemRoutes(table: RouteTable, deps: SystemRouteDeps): void {
  defineRoute(table, systemRoutes.healthz).handle(async () => ({ status: 'ok' }));
  defineRoute(table, systemRoutes.readyz).handle(async ({ reply }) => {
    const ready = await deps.ready().catch(() => false);
    return ready ? { status: 'ready' } : reply.status(503).send({ status: 'not_ready' });
  });
  defineRoute(table, systemRoutes.metrics).handle(async ({ reply }) =>
    reply.type(deps.metrics.contentType).send(await deps.metrics.metrics()),
  );
  defineRoute(table, systemRoutes.openapi).handle(async () => deps.openapi());
}
