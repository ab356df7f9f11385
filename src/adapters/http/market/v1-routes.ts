// The buyer's /v1 surface: completions (streaming and not), models, credits, usage and delegated keys.
import type { FastifyReply } from 'fastify';
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
import { serveEmbeddings } from '../../../app/v1/serve-embeddings.ts';
import type { ApiKeyRecord } from '../../../app/ports.ts';
import { Cancellation, type CancelSignal } from '../../../app/cancellation.ts';
import { marketError } from '../../../contracts/errors/market-error.ts';
import { v1Routes } from '../../../contracts/routes/v1-routes.ts';
import { formatNanos, type Nanos } from '../../../domain/money/nanos.ts';
import { spendableNow } from '../../../domain/limits/key-tree-limits.ts';
import { openSseStream } from '../openai/sse-stream.ts';
import { buyerHeaders, routingTraceFor, traceJson } from './answer-headers.ts';
import { defineRoute, type RouteTable } from './define-route.ts';
import { keyLimitsFromBody, keyView, modelCard, usageCsv, usageFilter, usagePointView, usageView } from './views.ts';
import type { InstalledProfile } from '../../../app/verification/profile-store.ts';
import { CLASS_SPEED_SHARE } from '../../../domain/verification/profile-choice.ts';

const nanosOrNull = (n: Nanos | null): string | null => (n === null ? null : formatNanos(n));

export type V1RouteDeps = {
  serve: ServeCompletionDeps;
  admin: AccountAdminDeps;
  store: AccountStore & Pick<KeyAdminStore, 'listKeys'> & UsageStore;
  starterCredits: Nanos;
  /** the SKU's verification profiles, as last loaded (a public route reads no database) */
  verificationProfiles(modelId: string): readonly InstalledProfile[];
};

/** A completion as JSON, or relayed as server-sent events while the buyer stays connected. */
async function respond(deps: V1RouteDeps, reply: FastifyReply, input: (signal: CancelSignal) => CompletionInput) {
  const hangUp = new Cancellation();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) hangUp.abort();
  });
  const served = await serveCompletion(deps.serve, input(hangUp));
  if (served.kind === 'json') return reply.send(served.body);
  const headers = { 'x-request-id': reply.request.id, ...buyerHeaders(deps.serve.rateLimiter, reply.request) };
  const sse = openSseStream(reply, headers);
  const trace = reply.request.routingTrace;
  try {
    for await (const event of served.events) {
      if (sse.closed) break;
      if (event.type === 'done' && trace) sse.comment(`agora-trace ${traceJson(trace)}`);
      sse.send(wireOf(event));
    }
  } finally {
    await served.events.return(undefined);
    sse.end();
  }
  return reply;
}

const publishedProfile = ({ engineKind, hardwareClass, profile, decodeTokensPerSecond }: InstalledProfile) => ({
  engine_kind: engineKind,
  hardware_class: hardwareClass,
  measured_at: profile.measuredAt,
  provenance: profile.provenance,
  min_positions: profile.minPositions,
  per_check: {
    mean_tv_threshold: profile.perCheck.meanTvThreshold,
    honest_top1_disagreement: profile.perCheck.honestTop1Disagreement,
  },
  pooled: profile.pooled && {
    mean_tv_honest_mean: profile.pooled.meanTv.honestMean,
    mean_abs_logprob_delta_honest_mean: profile.pooled.meanAbsLogprobDelta?.honestMean ?? null,
    false_conviction: profile.pooled.falseConviction,
  },
  least_decode_tokens_per_second: decodeTokensPerSecond === null ? null : CLASS_SPEED_SHARE * decodeTokensPerSecond,
});

export function registerV1Routes(table: RouteTable, deps: V1RouteDeps): void {
  defineRoute(table, v1Routes.createChatCompletion).handle(({ request, reply, caller, body }) =>
    respond(deps, reply, (signal) => ({
      kind: 'chat',
      body,
      key: caller.key,
      requestId: request.id,
      signal,
      trace: routingTraceFor(request, body.trace),
    })),
  );
  defineRoute(table, v1Routes.createCompletion).handle(({ request, reply, caller, body }) =>
    respond(deps, reply, (signal) => ({
      kind: 'text',
      body,
      key: caller.key,
      requestId: request.id,
      signal,
      trace: routingTraceFor(request, body.trace),
    })),
  );

  defineRoute(table, v1Routes.createEmbedding).handle(async ({ request, reply, caller, body }) => {
    const hangUp = new Cancellation();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) hangUp.abort();
    });
    return serveEmbeddings(deps.serve, {
      kind: 'embeddings',
      body,
      key: caller.key,
      requestId: request.id,
      signal: hangUp,
    });
  });

  // `hosts` is the count the status page shows: live, not away in maintenance, circuit not open.
  const card = (model: CatalogModel) => modelCard(model, deps.serve.router.onlineRoutes(model.routes).length);
  defineRoute(table, v1Routes.listModels).handle(async () => ({
    object: 'list',
    data: deps.serve.catalog.list().map(card),
  }));
  defineRoute(table, v1Routes.getModel).handle(async ({ params }) => {
    const model = deps.serve.catalog.get(params.id);
    if (!model) throw marketError('model_not_found', `The model '${params.id}' does not exist.`, { param: 'model' });
    return { ...card(model), verification_profiles: deps.verificationProfiles(model.id).map(publishedProfile) };
  });

  // A root key sees its whole account; a sub-key only its own subtree (app/admin/key-scope.ts).
  const scope = (key: ApiKeyRecord) => keysInScope(deps.store, key, deps.serve.clock.nowMs());
  const usageScope = async (key: ApiKeyRecord) =>
    key.parentKeyId === null
      ? { accountId: key.accountId }
      : { accountId: key.accountId, keyIds: (await scope(key)).keys.map((k) => k.id) };

  defineRoute(table, v1Routes.getCredits).handle(async ({ caller: { key } }) => {
    const { own, keys, accountKeyIds } = await scope(key);
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

  defineRoute(table, v1Routes.listUsage).handle(async ({ reply, caller, query }) => {
    const filter = usageFilter(await usageScope(caller.key), query);
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
  defineRoute(table, v1Routes.getUsageSeries).handle(async ({ caller, query }) => {
    const points = await deps.store.usageSeries(usageFilter(await usageScope(caller.key), query), query.bucket, true);
    return { object: 'list', bucket: query.bucket, data: points.map(usagePointView) };
  });

  defineRoute(table, v1Routes.createKey).handle(async ({ caller, body }) => {
    const issued = await issueSubKey(deps.admin, caller.key, keyLimitsFromBody(body));
    return { ...keyView(issued.record), key: issued.key };
  });
  defineRoute(table, v1Routes.listKeys).handle(async ({ caller }) => ({
    object: 'list',
    data: (await scope(caller.key)).keys.map(keyView),
  }));
  defineRoute(table, v1Routes.revokeKey).handle(async ({ caller, params }) => {
    await revokeKey(deps.admin, params.id, caller.key);
    return { id: params.id, revoked: true };
  });

  defineRoute(table, v1Routes.signUp).handle(async ({ body }) => {
    const accountId = await createAccount(deps.admin, body.name);
    if (deps.starterCredits > 0n)
      await grantCredits(deps.admin, accountId, deps.starterCredits, `starter:${accountId}`);
    const issued = await issueKey(deps.admin, accountId, 'buyer', unlimitedKey('default'));
    return {
      account_id: accountId,
      key: issued.key,
      key_prefix: issued.record.prefix,
      starter_credits: formatNanos(deps.starterCredits),
    };
  });
}
