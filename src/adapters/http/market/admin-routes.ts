// The operator's admin API: accounts, credits, keys, engines, hosts (and their approval), and the ledger check.
// Operator key only.
import type { FastifyInstance } from 'fastify';
import {
  createAccount,
  grantCredits,
  issueKey,
  revokeKey,
  type AccountAdminDeps,
} from '../../../app/admin/account-admin.ts';
import { approveHost, type HostRegistryDeps } from '../../../app/hosts/host-registry.ts';
import type { AccountStore } from '../../../app/admin/account-store.ts';
import type { KeyAdminStore } from '../../../app/admin/key-admin-store.ts';
import type { LedgerReportStore } from '../../../app/admin/ledger-report-store.ts';
import type { UsageStore } from '../../../app/billing/usage-store.ts';
import type { CapacityStore } from '../../../app/hosts/capacity-store.ts';
import type { HostStore } from '../../../app/hosts/host-store.ts';
import type { CatalogStore } from '../../../app/v1/catalog-store.ts';
import { withRemaining } from '../../../app/admin/key-scope.ts';
import { utcDay } from '../../../app/billing/utc-day.ts';
import type { Clock } from '../../../app/ports.ts';
import type { HostState } from '../../../app/v1/host-router.ts';
import {
  createAccountSchema,
  createKeySchema,
  grantCreditsSchema,
  registerEngineSchema,
} from '../../../contracts/admin/admin-requests.ts';
import { ApiError } from '../../../contracts/openai/error-envelope.ts';
import { isHostLive } from '../../../domain/hosts/liveness.ts';
import { formatNanos } from '../../../domain/money/nanos.ts';
import { parseRequest } from '../openai/parse-request.ts';
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
};

const DAY_MS = 24 * 3_600_000;

export function registerAdminRoutes(app: FastifyInstance, deps: AdminRouteDeps): void {
  const operator = { config: { auth: 'operator' as const } };

  app.post('/admin/accounts', operator, async (request, reply) => {
    const body = parseRequest(createAccountSchema, request.body);
    const id = await createAccount(deps.admin, body.name, body.id);
    return reply.status(201).send({ id, name: body.name });
  });
  app.get('/admin/accounts', operator, async () => ({
    object: 'list',
    data: (await deps.store.listAccounts()).map((a) => ({
      id: a.id,
      name: a.name,
      available: formatNanos(a.credits),
      held: formatNanos(a.holds),
    })),
  }));
  app.post<{ Params: { id: string } }>('/admin/accounts/:id/credits', operator, async (request) => {
    const body = parseRequest(grantCreditsSchema, request.body);
    const { granted } = await grantCredits(deps.admin, request.params.id, body.amount, body.idempotency_key);
    const { credits } = await deps.store.balances(request.params.id);
    return { account_id: request.params.id, granted, duplicate: !granted, available: formatNanos(credits) };
  });

  app.post('/admin/keys', operator, async (request, reply) => {
    const body = parseRequest(createKeySchema, request.body);
    const issued = await issueKey(deps.admin, body.account_id, 'buyer', keyLimitsFromBody(body));
    return reply.status(201).send({ ...keyView(issued.record), key: issued.key });
  });
  app.get<{ Querystring: { account_id?: string } }>('/admin/keys', operator, async (request) => ({
    object: 'list',
    data: withRemaining(
      await deps.store.listKeys({
        role: 'buyer',
        day: utcDay(deps.clock.nowMs()),
        ...(request.query.account_id ? { accountId: request.query.account_id } : {}),
      }),
    ).map(keyView),
  }));
  app.post<{ Params: { id: string } }>('/admin/keys/:id/revoke', operator, async (request) => {
    await revokeKey(deps.admin, request.params.id);
    return { id: request.params.id, revoked: true };
  });

  app.post('/admin/engines', operator, async (request, reply) => {
    const body = parseRequest(registerEngineSchema, request.body);
    const model = (await deps.store.listModels()).find((m) => m.id === body.model_id);
    if (!model)
      throw new ApiError(
        404,
        'not_found_error',
        `No model '${body.model_id}' in the catalog.`,
        'model_not_found',
        'model_id',
      );
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
    return reply.status(201).send({ id: body.id, model_id: body.model_id, engine_kind: body.engine_kind });
  });

  app.get('/admin/hosts', operator, async () => {
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
        live: isHostLive(h.lastSeenAtMs, nowMs, deps.heartbeatIntervalMs),
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
  app.get('/admin/ledger', operator, async () => ({
    object: 'list',
    data: (await deps.store.ledgerByKind()).map((k) => ({
      kind: k.kind,
      accounts: k.accounts,
      balance: formatNanos(k.balance),
    })),
  }));
  app.post<{ Params: { id: string } }>('/admin/hosts/:id/approve', operator, async (request) => {
    const approved = await approveHost(deps.registry, request.params.id);
    return { id: request.params.id, status: 'active', admitted: approved.admitted, refused: approved.refused };
  });
}
