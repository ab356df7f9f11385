// The host agent's side of the market: a signed registration (open to anyone with a key pair; the signature, the
// SKU check and the probe decide), heartbeats, and the host's own status — each host sees only itself.
import type { FastifyInstance } from 'fastify';
import { registerHost, type HostRegistryDeps } from '../../../app/hosts/host-registry.ts';
import { declareMaintenance, type HostMaintenanceDeps } from '../../../app/hosts/host-maintenance.ts';
import type { UsageStore } from '../../../app/billing/usage-store.ts';
import type { HostStore } from '../../../app/hosts/host-store.ts';
import type { MaintenanceStore, MaintenanceWindow } from '../../../app/hosts/maintenance-store.ts';
import type { Clock } from '../../../app/ports.ts';
import {
  heartbeatSchema,
  maintenanceRequestSchema,
  signedRegistrationSchema,
} from '../../../contracts/hosts/host-requests.ts';
import { ApiError } from '../../../contracts/openai/error-envelope.ts';
import { formatNanos } from '../../../domain/money/nanos.ts';
import { parseRequest } from '../openai/parse-request.ts';
import { capacityView, isoTime, isoTimeOrNull, usageFilter, usagePointView } from './views.ts';
import { usageSeriesQuerySchema } from '../../../contracts/console/console-requests.ts';

export type HostRouteDeps = {
  registry: HostRegistryDeps;
  maintenance: HostMaintenanceDeps;
  store: HostStore & MaintenanceStore & UsageStore;
  clock: Clock;
  heartbeatIntervalMs: number;
};

const windowView = (w: MaintenanceWindow) => ({
  id: w.id,
  starts_at: isoTime(w.startsAtMs),
  ends_at: isoTime(w.endsAtMs),
});

export function registerHostRoutes(app: FastifyInstance, deps: HostRouteDeps): void {
  app.post('/hosts/register', { config: { auth: 'public' } }, async (request, reply) => {
    const registered = await registerHost(deps.registry, parseRequest(signedRegistrationSchema, request.body));
    return reply.status(registered.status === 'active' ? 201 : 202).send({
      host_id: registered.hostId,
      host_token: registered.hostToken,
      status: registered.status,
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
    const summary = await deps.store.hostSummary(request.hostId as string, deps.clock.nowMs());
    if (!summary) throw new ApiError(404, 'not_found_error', 'This host is no longer registered.', 'host_not_found');
    return {
      id: summary.id,
      name: summary.name,
      base_url: summary.baseUrl,
      last_seen: isoTimeOrNull(summary.lastSeenAtMs),
      models: summary.models,
      traffic: { requests: summary.requests, completion_tokens: summary.completionTokens },
      earnings: formatNanos(summary.earnings),
      misses: summary.misses,
      strikes: summary.strikes,
      reputation: summary.reputation,
      suspended_since: isoTimeOrNull(summary.suspendedAtMs),
      maintenance: summary.maintenance.map(windowView),
      capacity: summary.capacity.map(capacityView),
    };
  });
  app.get('/hosts/me/usage/series', host, async (request) => {
    const query = parseRequest(usageSeriesQuerySchema, request.query ?? {});
    const points = await deps.store.usageSeries(
      usageFilter({ hostId: request.hostId as string }, { ...query, key: undefined }),
      query.bucket,
      false,
    );
    return {
      object: 'list',
      bucket: query.bucket,
      data: points.map(({ keyPrefix: _none, ...point }) => usagePointView(point)),
    };
  });
  app.get('/hosts/me/maintenance', host, async (request) => ({
    data: (await deps.store.listMaintenance(deps.clock.nowMs(), [request.hostId as string])).map(windowView),
  }));
  app.post('/hosts/me/maintenance', host, async (request, reply) => {
    const body = parseRequest(maintenanceRequestSchema, request.body);
    const window = await declareMaintenance(deps.maintenance, request.hostId as string, {
      startsAtMs: Date.parse(body.starts_at),
      endsAtMs: Date.parse(body.ends_at),
    });
    return reply.status(201).send(windowView(window));
  });
  app.delete<{ Params: { id: string } }>('/hosts/me/maintenance/:id', host, async (request) => {
    if (!(await deps.store.cancelMaintenance(request.hostId as string, request.params.id))) {
      throw new ApiError(404, 'not_found_error', 'No such maintenance window of this host.', 'maintenance_not_found');
    }
    await deps.maintenance.reloadCatalog();
    return { id: request.params.id, cancelled: true };
  });
}
