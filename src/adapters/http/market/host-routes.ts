// The host agent's side of the market: a signed registration (open to anyone with a key pair; the signature, the
// SKU check and the probe decide), heartbeats, and the host's own status — each host sees only itself.
import type { FastifyInstance } from 'fastify';
import { registerHost, type HostRegistryDeps } from '../../../app/hosts/host-registry.ts';
import type { MarketStore } from '../../../app/market-store.ts';
import { heartbeatSchema, signedRegistrationSchema } from '../../../contracts/hosts/host-requests.ts';
import { ApiError } from '../../../contracts/openai/error-envelope.ts';
import { formatNanos } from '../../../domain/money/nanos.ts';
import { parseRequest } from '../openai/parse-request.ts';

export type HostRouteDeps = { registry: HostRegistryDeps; store: MarketStore; heartbeatIntervalMs: number };

export function registerHostRoutes(app: FastifyInstance, deps: HostRouteDeps): void {
  app.post('/hosts/register', { config: { auth: 'public' } }, async (request, reply) => {
    const registered = await registerHost(deps.registry, parseRequest(signedRegistrationSchema, request.body));
    return reply.status(201).send({
      host_id: registered.hostId,
      host_token: registered.hostToken,
      admitted: registered.admitted,
      refused: registered.refused,
      heartbeat_interval_ms: deps.heartbeatIntervalMs,
    });
  });

  const host = { config: { auth: 'host' as const } };
  app.post('/hosts/heartbeat', host, async (request) => {
    parseRequest(heartbeatSchema, request.body ?? {});
    await deps.store.touchHost(request.hostId as string);
    return { host_id: request.hostId, ok: true };
  });
  app.get('/hosts/me', host, async (request) => {
    const summary = await deps.store.hostSummary(request.hostId as string);
    if (!summary) throw new ApiError(404, 'not_found_error', 'This host is no longer registered.', 'host_not_found');
    return {
      id: summary.id,
      name: summary.name,
      base_url: summary.baseUrl,
      last_seen: summary.lastSeenAtMs === null ? null : new Date(summary.lastSeenAtMs).toISOString(),
      models: summary.models,
      traffic: { requests: summary.requests, completion_tokens: summary.completionTokens },
      earnings: formatNanos(summary.earnings),
    };
  });
}
