// A host declares a maintenance window; the market accepts it by its rules (notice, length, share of each model's
// capacity away at once) or says why not. Accepted windows reach routing with the next catalog load.
import { marketError } from '../../contracts/errors/market-error.ts';
import { isHostLive } from '../../domain/hosts/liveness.ts';
import {
  judgeMaintenance,
  type MaintenanceRules,
  type ModelCapacity,
  type Window,
} from '../../domain/hosts/maintenance.ts';
import type { CatalogStore } from '../v1/catalog-store.ts';
import type { MaintenanceStore, MaintenanceWindow } from './maintenance-store.ts';
import type { Clock, Ids } from '../ports.ts';

export type HostMaintenanceDeps = {
  store: Pick<MaintenanceStore, 'addMaintenance'> & Pick<CatalogStore, 'listRoutes'>;
  clock: Clock;
  ids: Ids;
  rules: MaintenanceRules;
  reloadCatalog(): Promise<void>;
  heartbeatIntervalMs: number;
};

export async function declareMaintenance(
  deps: HostMaintenanceDeps,
  hostId: string,
  window: Window,
): Promise<MaintenanceWindow> {
  const nowMs = deps.clock.nowMs();
  const routes = await deps.store.listRoutes(nowMs);
  const models = new Map<string, ModelCapacity>();
  // Only live hosts are capacity: one whose agent fell silent serves nobody while the window runs.
  for (const route of routes.filter((r) => isHostLive(r.host, nowMs, deps.heartbeatIntervalMs))) {
    const model = models.get(route.modelId) ?? { modelId: route.modelId, hosts: [] };
    model.hosts.push({
      hostId: route.host.id,
      capacity: route.host.maxConcurrency ?? 1,
      windows: route.host.maintenance,
    });
    models.set(route.modelId, model);
  }
  const verdict = judgeMaintenance(hostId, window, nowMs, deps.rules, [...models.values()]);
  if (!verdict.accepted) throw marketError('maintenance_refused', `Maintenance window refused: ${verdict.reason}.`);
  const accepted = { id: deps.ids.newId('mw'), hostId, ...window };
  await deps.store.addMaintenance(accepted);
  await deps.reloadCatalog();
  return accepted;
}
