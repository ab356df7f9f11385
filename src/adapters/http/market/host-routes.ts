// The host agent's side of the market: a signed registration (open to anyone with a key pair; the signature, the
// SKU check and the probe decide), heartbeats, and the host's own status — each host sees only itself.
import { registerHost, type HostRegistryDeps } from '../../../app/hosts/host-registry.ts';
import { declareMaintenance, type HostMaintenanceDeps } from '../../../app/hosts/host-maintenance.ts';
import type { UsageStore } from '../../../app/billing/usage-store.ts';
import type { HostStore } from '../../../app/hosts/host-store.ts';
import type { MaintenanceStore, MaintenanceWindow } from '../../../app/hosts/maintenance-store.ts';
import type { Clock } from '../../../app/ports.ts';
import { marketError } from '../../../contracts/errors/market-error.ts';
import { hostRoutes } from '../../../contracts/routes/host-routes.ts';
import { formatNanos } from '../../../domain/money/nanos.ts';
import { failureRate } from '../../../domain/formats/format-scorecard.ts';
import { defineRoute, type RouteTable } from './define-route.ts';
import { capacityView, isoTime, isoTimeOrNull, usageFilter, usagePointView } from './views.ts';

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

export function registerHostRoutes(table: RouteTable, deps: HostRouteDeps): void {
  defineRoute(table, hostRoutes.register).handle(async ({ reply, body }) => {
    const registered = await registerHost(deps.registry, body);
    if (registered.status !== 'active') void reply.code(202);
    return {
      host_id: registered.hostId,
      host_token: registered.hostToken,
      status: registered.status,
      admitted: registered.admitted,
      refused: registered.refused,
      heartbeat_interval_ms: deps.heartbeatIntervalMs,
    };
  });

  defineRoute(table, hostRoutes.heartbeat).handle(async ({ caller: { hostId } }) => {
    await deps.store.touchHost(hostId);
    return { host_id: hostId, ok: true };
  });
  defineRoute(table, hostRoutes.leave).handle(async ({ caller: { hostId } }) => {
    await deps.store.markHostLeft(hostId);
    // This instance stops routing to it now; the others see it at their next catalog reload (one heartbeat interval).
    await deps.maintenance.reloadCatalog();
    return { host_id: hostId, left: true };
  });
  defineRoute(table, hostRoutes.me).handle(async ({ caller }) => {
    const summary = await deps.store.hostSummary(caller.hostId, deps.clock.nowMs());
    if (!summary) throw marketError('host_not_found', 'This host is no longer registered.');
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
      formats: summary.formats.map((f) => ({
        model: f.modelId,
        answers: f.answers,
        failures: f.failures,
        failure_rate: failureRate(f),
        failures_by_kind: f.failuresByKind,
      })),
    };
  });
  defineRoute(table, hostRoutes.usageSeries).handle(async ({ caller, query }) => {
    const points = await deps.store.usageSeries(
      usageFilter({ hostId: caller.hostId }, { ...query, key: undefined }),
      query.bucket,
      false,
    );
    return {
      object: 'list',
      bucket: query.bucket,
      data: points.map(({ keyPrefix: _none, ...point }) => usagePointView(point)),
    };
  });
  defineRoute(table, hostRoutes.listMaintenance).handle(async ({ caller }) => ({
    data: (await deps.store.listMaintenance(deps.clock.nowMs(), [caller.hostId])).map(windowView),
  }));
  defineRoute(table, hostRoutes.declareMaintenance).handle(async ({ caller, body }) =>
    windowView(
      await declareMaintenance(deps.maintenance, caller.hostId, {
        startsAtMs: Date.parse(body.starts_at),
        endsAtMs: Date.parse(body.ends_at),
      }),
    ),
  );
  defineRoute(table, hostRoutes.cancelMaintenance).handle(async ({ caller, params }) => {
    if (!(await deps.store.cancelMaintenance(caller.hostId, params.id))) {
      throw marketError('maintenance_not_found', 'No such maintenance window of this host.');
    }
    await deps.maintenance.reloadCatalog();
    return { id: params.id, cancelled: true };
  });
}
