// The operator's admin API: accounts, credits, keys, engines, hosts (and their approval), and the ledger check.
// Operator key only.
import {
  createAccount,
  grantCredits,
  issueKey,
  revokeKey,
  type AccountAdminDeps,
} from '../../../app/admin/account-admin.ts';
import { approveHost, type HostRegistryDeps } from '../../../app/hosts/host-registry.ts';
import {
  launchModel,
  rollBackModel,
  setModelDisabled,
  type Launched,
  type ModelLaunchDeps,
} from '../../../app/models/model-launch.ts';
import type { AccountStore } from '../../../app/admin/account-store.ts';
import type { KeyAdminStore } from '../../../app/admin/key-admin-store.ts';
import type { LedgerReportStore } from '../../../app/admin/ledger-report-store.ts';
import type { UsageStore } from '../../../app/billing/usage-store.ts';
import type { CapacityStore } from '../../../app/hosts/capacity-store.ts';
import type { HostStore } from '../../../app/hosts/host-store.ts';
import { isVerified, type CatalogStore } from '../../../app/v1/catalog-store.ts';
import { withRemaining } from '../../../app/admin/key-scope.ts';
import { utcDay } from '../../../app/billing/utc-day.ts';
import type { Clock } from '../../../app/ports.ts';
import type { HostState } from '../../../app/v1/host-router.ts';
import { marketError } from '../../../contracts/errors/market-error.ts';
import { adminRoutes } from '../../../contracts/routes/admin-routes.ts';
import { isHostLive } from '../../../domain/hosts/liveness.ts';
import { formatNanos } from '../../../domain/money/nanos.ts';
import { defineRoute, type RouteTable } from './define-route.ts';
import { capacityView, isoTimeOrNull, keyLimitsFromBody, keyView } from './views.ts';

export type AdminRouteDeps = {
  admin: AccountAdminDeps;
  store: AccountStore & KeyAdminStore & LedgerReportStore & CatalogStore & HostStore & CapacityStore & UsageStore;
  reloadCatalog: () => Promise<void>;
  registry: HostRegistryDeps;
  /** this instance's view of the hosts it routes to */
  hostStates: () => HostState[];
  clock: Clock;
  /** a host silent for three of these is not live (domain/hosts/liveness) */
  heartbeatIntervalMs: number;
  models: ModelLaunchDeps;
};

/** What `agora models add` prints under the outcome. */
function launchMessage(launched: Launched): string {
  const failed = launched.probes.filter((p) => !p.passed).map((p) => `${p.hostId}: ${p.reason ?? 'failed'}`);
  switch (launched.status) {
    case 'active':
      return launched.probes.length === 0
        ? `'${launched.modelId}' v${launched.version} is listed; hosts serve it once they pass its readiness probes.`
        : `'${launched.modelId}' v${launched.version} replaced the live version: its probes passed on ${launched.probes.filter((p) => p.passed).length} of ${launched.probes.length} hosts.`;
    case 'rejected':
      return `'${launched.modelId}' v${launched.version} was not promoted: its probes failed on every host (${failed.join('; ')}).`;
    default:
      return `'${launched.modelId}' v${launched.version} waits: no host serves '${launched.modelId}' now to run its probes on; add it again once one does.`;
  }
}

const DAY_MS = 24 * 3_600_000;

export function registerAdminRoutes(table: RouteTable, deps: AdminRouteDeps): void {
  defineRoute(table, adminRoutes.createAccount).handle(async ({ body }) => {
    const id = await createAccount(deps.admin, body.name, body.id);
    return { id, name: body.name };
  });
  defineRoute(table, adminRoutes.listAccounts).handle(async () => ({
    object: 'list',
    data: (await deps.store.listAccounts()).map((a) => ({
      id: a.id,
      name: a.name,
      available: formatNanos(a.credits),
      held: formatNanos(a.holds),
    })),
  }));
  defineRoute(table, adminRoutes.grantCredits).handle(async ({ params, body }) => {
    const { granted } = await grantCredits(deps.admin, params.id, body.amount, body.idempotency_key);
    const { credits } = await deps.store.balances(params.id);
    return { account_id: params.id, granted, duplicate: !granted, available: formatNanos(credits) };
  });

  defineRoute(table, adminRoutes.issueKey).handle(async ({ body }) => {
    const issued = await issueKey(deps.admin, body.account_id, 'buyer', keyLimitsFromBody(body));
    return { ...keyView(issued.record), key: issued.key };
  });
  defineRoute(table, adminRoutes.listKeys).handle(async ({ query }) => ({
    object: 'list',
    data: withRemaining(
      await deps.store.listKeys({
        role: 'buyer',
        day: utcDay(deps.clock.nowMs()),
        ...(query.account_id ? { accountId: query.account_id } : {}),
      }),
    ).map(keyView),
  }));
  defineRoute(table, adminRoutes.revokeKey).handle(async ({ params }) => {
    await revokeKey(deps.admin, params.id);
    return { id: params.id, revoked: true };
  });

  defineRoute(table, adminRoutes.registerEngine).handle(async ({ body }) => {
    const model = (await deps.store.listModels()).find((m) => m.id === body.model_id);
    if (!model)
      throw marketError('model_not_found', `No model '${body.model_id}' in the catalog.`, { param: 'model_id' });
    const baseUrl = body.base_url.replace(/\/+$/, '').replace(/\/v1$/, '');
    await deps.store.upsertHost(
      {
        id: body.id,
        name: body.name,
        baseUrl,
        engineKind: body.engine_kind,
        maxConcurrency: body.max_concurrency ?? null,
      },
      body.model_id,
      body.upstream_model,
    );
    await deps.reloadCatalog();
    return { id: body.id, model_id: body.model_id, engine_kind: body.engine_kind };
  });

  registerModelRoutes(table, deps);

  defineRoute(table, adminRoutes.listHosts).handle(async () => {
    const [hosts, capacity, served] = await Promise.all([
      deps.store.listAgentHosts(),
      deps.store.listCapacity(),
      deps.store.requestsByHost(deps.clock.nowMs() - DAY_MS),
    ]);
    const states = new Map(deps.hostStates().map((s) => [s.hostId, s]));
    const total = [...served.values()].reduce((sum, n) => sum + n, 0);
    const nowMs = deps.clock.nowMs();
    return {
      object: 'list',
      data: hosts.map((h) => ({
        id: h.id,
        name: h.name,
        base_url: h.baseUrl,
        status: h.status,
        models: h.models,
        last_seen: isoTimeOrNull(h.lastSeenAtMs),
        live: isHostLive(h, nowMs, deps.heartbeatIntervalMs),
        reputation: h.reputation,
        suspended_since: isoTimeOrNull(h.suspendedAtMs),
        misses: h.misses,
        strikes: h.strikes,
        circuit: states.get(h.id)?.circuit ?? 'closed',
        in_flight: states.get(h.id)?.inFlight ?? 0,
        traffic_24h: { requests: served.get(h.id) ?? 0, share: total === 0 ? 0 : (served.get(h.id) ?? 0) / total },
        capacity: capacity.filter((m) => m.hostId === h.id).map(capacityView),
      })),
    };
  });
  defineRoute(table, adminRoutes.ledgerByKind).handle(async () => ({
    object: 'list',
    data: (await deps.store.ledgerByKind()).map((k) => ({
      kind: k.kind,
      asset: k.asset,
      accounts: k.accounts,
      balance: k.asset === 'credit' ? formatNanos(k.balance) : k.balance.toString(),
    })),
  }));
  defineRoute(table, adminRoutes.approveHost).handle(async ({ params }) => {
    const approved = await approveHost(deps.registry, params.id);
    return { id: params.id, status: 'active', admitted: approved.admitted, refused: approved.refused };
  });
}

function registerModelRoutes(table: RouteTable, deps: AdminRouteDeps): void {
  const { models } = deps;
  const state = async (id: string) => {
    const managed = await models.store.findManagedModel(id);
    return { id, version: managed?.version ?? null, disabled: (managed?.disabledAtMs ?? null) !== null };
  };
  defineRoute(table, adminRoutes.launchModel).handle(async ({ body }) => {
    const launched = await launchModel(models, body);
    return {
      id: launched.modelId,
      version: launched.version,
      status: launched.status,
      verified: isVerified({ launch: { version: launched.version, manifest: body.manifest } }),
      probes: launched.probes.map((p) => ({
        host_id: p.hostId,
        passed: p.passed,
        distances: p.distances,
        reason: p.reason,
      })),
      message: launchMessage(launched),
    };
  });
  defineRoute(table, adminRoutes.listModels).handle(async () => {
    const [managed, versions] = await Promise.all([models.store.listManagedModels(), models.store.listVersions()]);
    return {
      object: 'list',
      data: managed.map((m) => {
        const own = versions.filter((v) => v.modelId === m.id);
        const live = own.find((v) => v.version === m.version);
        return {
          id: m.id,
          name: m.name,
          version: m.version,
          disabled: m.disabledAtMs !== null,
          verified: isVerified({ launch: live ? { version: live.version, manifest: live.manifest } : null }),
          hosts: models.onlineRoutes(models.catalog.get(m.id)?.routes ?? []).length,
          versions: own.map((v) => ({
            version: v.version,
            status: v.status,
            name: v.manifest.name,
            digest: v.manifest.sku.digest,
            quantization: v.manifest.sku.quantization,
            verified: isVerified({ launch: { version: v.version, manifest: v.manifest } }),
            created_at: new Date(v.createdAtMs).toISOString(),
            promoted_at: isoTimeOrNull(v.promotedAtMs),
          })),
        };
      }),
    };
  });
  defineRoute(table, adminRoutes.disableModel).handle(async ({ params }) => {
    await setModelDisabled(models, params.id, true);
    return state(params.id);
  });
  defineRoute(table, adminRoutes.enableModel).handle(async ({ params }) => {
    await setModelDisabled(models, params.id, false);
    return state(params.id);
  });
  defineRoute(table, adminRoutes.rollBackModel).handle(async ({ params }) => {
    await rollBackModel(models, params.id);
    return state(params.id);
  });
}
