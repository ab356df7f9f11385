// The buyer's /v1 surface: completions (streaming and not), models, credits, usage and delegated keys.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  createAccount,
  grantCredits,
  issueKey,
  issueSubKey,
  revokeKey,
  unlimitedKey,
  type AccountAdminDeps,
} from '../../../app/admin/account-admin.ts';
import type { AccountStore } from '../../../app/admin/account-store.ts';
import type { KeyAdminStore } from '../../../app/admin/key-admin-store.ts';
import type { UsageStore } from '../../../app/billing/usage-store.ts';
import { keysInScope } from '../../../app/admin/key-scope.ts';
import type { CatalogModel } from '../../../app/v1/market-catalog.ts';
import {
  serveCompletion,
  wireOf,
  type CompletionInput,
  type ServeCompletionDeps,
} from '../../../app/v1/serve-completion.ts';
import type { ApiKeyRecord } from '../../../app/ports.ts';
import { keyLimitsSchema, signUpSchema } from '../../../contracts/admin/admin-requests.ts';
import { ApiError } from '../../../contracts/openai/error-envelope.ts';
import { chatCompletionRequestSchema, completionRequestSchema } from '../../../contracts/openai/completion-request.ts';
import { formatNanos, type Nanos } from '../../../domain/money/nanos.ts';
import { spendableNow } from '../../../domain/limits/key-tree-limits.ts';
import { parseRequest } from '../openai/parse-request.ts';
import { openSseStream } from '../openai/sse-stream.ts';
import { keyLimitsFromBody, keyView, modelCard, usageCsv, usageFilter, usagePointView, usageView } from './views.ts';
import { usageQuerySchema, usageSeriesQuerySchema } from '../../../contracts/console/console-requests.ts';

const nanosOrNull = (n: Nanos | null): string | null => (n === null ? null : formatNanos(n));

export type V1RouteDeps = {
  serve: ServeCompletionDeps;
  admin: AccountAdminDeps;
  store: AccountStore & Pick<KeyAdminStore, 'listKeys'> & UsageStore;
  starterCredits: Nanos;
};

async function respond(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: V1RouteDeps,
  build: (key: ApiKeyRecord, signal: AbortSignal) => CompletionInput,
) {
  const abort = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) abort.abort();
  });
  const served = await serveCompletion(deps.serve, build(request.apiKey as ApiKeyRecord, abort.signal));
  if (served.kind === 'json') return served.body;
  const sse = openSseStream(reply, { 'x-request-id': request.id });
  try {
    for await (const event of served.events) {
      if (sse.closed) break;
      sse.send(wireOf(event));
    }
  } finally {
    await served.events.return(undefined);
    sse.end();
  }
  return reply;
}

export function registerV1Routes(app: FastifyInstance, deps: V1RouteDeps): void {
  const buyer = { config: { auth: 'buyer' as const } };
  const open = { config: { auth: 'public' as const } };

  app.post('/v1/chat/completions', buyer, (request, reply) =>
    respond(request, reply, deps, (key, signal) => ({
      kind: 'chat',
      body: parseRequest(chatCompletionRequestSchema, request.body),
      key,
      requestId: request.id,
      signal,
    })),
  );
  app.post('/v1/completions', buyer, (request, reply) =>
    respond(request, reply, deps, (key, signal) => ({
      kind: 'text',
      body: parseRequest(completionRequestSchema, request.body),
      key,
      requestId: request.id,
      signal,
    })),
  );

  // `hosts` is the count the status page shows: live, not away in maintenance, circuit not open.
  const card = (model: CatalogModel) => modelCard(model, deps.serve.router.onlineRoutes(model.routes).length);
  app.get('/v1/models', open, async () => ({ object: 'list', data: deps.serve.catalog.list().map(card) }));
  app.get<{ Params: { id: string } }>('/v1/models/:id', open, async (request) => {
    const model = deps.serve.catalog.get(request.params.id);
    if (!model)
      throw new ApiError(
        404,
        'not_found_error',
        `The model '${request.params.id}' does not exist.`,
        'model_not_found',
        'model',
      );
    return card(model);
  });

  // A root key sees its whole account; a sub-key only its own subtree (app/admin/key-scope.ts).
  const scope = (request: FastifyRequest) =>
    keysInScope(deps.store, request.apiKey as ApiKeyRecord, deps.serve.clock.nowMs());
  const usageScope = async (request: FastifyRequest) => {
    const key = request.apiKey as ApiKeyRecord;
    return key.parentKeyId === null
      ? { accountId: key.accountId }
      : { accountId: key.accountId, keyIds: (await scope(request)).keys.map((k) => k.id) };
  };

  app.get('/v1/credits', buyer, async (request) => {
    const key = request.apiKey as ApiKeyRecord;
    const { own, keys, accountKeyIds } = await scope(request);
    const { credits, holds } = await deps.store.balances(key.accountId);
    // Leases are the gateways' working money and still the buyer's: only requests in flight (on this gateway
    // instance) are held. A sub-key sees its subtree's holds, and what it may still start: the account's free money
    // capped by what its own and its ancestors' limits leave.
    const held = deps.serve.budget.heldBy(new Set(keys.map((k) => k.id)));
    const accountFree = credits + holds - deps.serve.budget.heldBy(accountKeyIds);
    const available = spendableNow({ accountFree, remaining: own.remaining, subtreeHeld: held });
    return {
      object: 'credits',
      account_id: key.accountId,
      balance: formatNanos(key.parentKeyId === null ? credits + holds : available + held),
      available: formatNanos(available),
      held: formatNanos(held),
      limits: {
        total: { limit: nanosOrNull(own.spendLimitTotal), remaining: nanosOrNull(own.remaining.total) },
        daily: {
          limit: nanosOrNull(own.spendLimitDaily),
          spent_today: formatNanos(own.spentToday),
          remaining: nanosOrNull(own.remaining.daily),
        },
      },
      spend_by_key: keys.map((k) => ({ key_prefix: k.prefix, name: k.name, spent: formatNanos(k.spentTotal) })),
    };
  });

  app.get('/v1/usage', buyer, async (request, reply) => {
    const query = parseRequest(usageQuerySchema, request.query ?? {});
    const filter = usageFilter(await usageScope(request), query);
    if (query.format === 'csv') {
      const rows = await deps.store.listUsage(filter, query.limit, query.after);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="agora-usage.csv"')
        .send(usageCsv(rows));
    }
    // One row more than the page says whether there is a next one.
    const rows = await deps.store.listUsage(filter, query.limit + 1, query.after);
    return { object: 'list', data: rows.slice(0, query.limit).map(usageView), has_more: rows.length > query.limit };
  });
  app.get('/v1/usage/series', buyer, async (request) => {
    const query = parseRequest(usageSeriesQuerySchema, request.query ?? {});
    const points = await deps.store.usageSeries(usageFilter(await usageScope(request), query), query.bucket, true);
    return { object: 'list', bucket: query.bucket, data: points.map(usagePointView) };
  });

  app.post('/v1/keys', buyer, async (request, reply) => {
    const limits = keyLimitsFromBody(parseRequest(keyLimitsSchema, request.body ?? {}));
    const issued = await issueSubKey(deps.admin, request.apiKey as ApiKeyRecord, limits);
    return reply.status(201).send({ ...keyView(issued.record), key: issued.key });
  });
  app.get('/v1/keys', buyer, async (request) => ({ object: 'list', data: (await scope(request)).keys.map(keyView) }));
  app.post<{ Params: { id: string } }>('/v1/keys/:id/revoke', buyer, async (request) => {
    await revokeKey(deps.admin, request.params.id, request.apiKey as ApiKeyRecord);
    return { id: request.params.id, revoked: true };
  });

  app.post('/v1/accounts', open, async (request, reply) => {
    const body = parseRequest(signUpSchema, request.body);
    const accountId = await createAccount(deps.admin, body.name);
    if (deps.starterCredits > 0n)
      await grantCredits(deps.admin, accountId, deps.starterCredits, `starter:${accountId}`);
    const issued = await issueKey(deps.admin, accountId, 'buyer', unlimitedKey('default'));
    return reply.status(201).send({
      account_id: accountId,
      key: issued.key,
      key_prefix: issued.record.prefix,
      starter_credits: formatNanos(deps.starterCredits),
    });
  });
}
