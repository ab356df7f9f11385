// Public operational routes: liveness, readiness (the database answers), Prometheus metrics, the OpenAPI document.
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

export type SystemRouteDeps = { ready: () => Promise<boolean>; metrics: Registry; openapi: () => object };

export function registerSystemRoutes(app: FastifyInstance, deps: SystemRouteDeps): void {
  const open = { config: { auth: 'public' as const } };
  app.get('/healthz', open, async () => ({ status: 'ok' }));
  app.get('/readyz', open, async (_request, reply) => {
    const ready = await deps.ready().catch(() => false);
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready' });
  });
  app.get('/metrics', open, async (_request, reply) =>
    reply.type(deps.metrics.contentType).send(await deps.metrics.metrics()),
  );
  app.get('/openapi.json', open, async () => deps.openapi());
}
