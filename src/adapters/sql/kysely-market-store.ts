// The operator's records on SQL: accounts with their ledger accounts, credit grants, keys, models, hosts, usage
// and balances. Money moves only through balanced ledger transactions.
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import { ledgerAccount } from '../../domain/ledger/transaction.ts';
import { planCreditGrant } from '../../domain/money/credit-grant-plan.ts';
import { openingPricing, quotedPrice } from '../../domain/pricing/demand-price.ts';
import type { Nanos } from '../../domain/money/nanos.ts';
import type { KeyRole } from '../../app/ports.ts';
import type {
  AgentHostState,
  MarketStore,
  ModelRecord,
  HostRecord,
  NewKey,
  UsageFilter,
  UsageRow,
} from '../../app/market-store.ts';
import type { Schema } from './schema.ts';
import { ensureLedgerAccount, writeLedgerTransaction } from './ledger-writes.ts';
import { REPUTATION } from '../../domain/verification/reputation.ts';
import { toKeyRecord } from './kysely-key-store.ts';
import { providerPreferencesWire } from '../../contracts/openai/provider-preferences.ts';

const usageWhere =
  (filter: UsageFilter) =>
  (eb: ExpressionBuilder<Schema, 'usage_records'>): Expression<SqlBool> => {
    const conditions: Array<Expression<SqlBool>> = [];
    if (filter.accountId !== undefined) conditions.push(eb('account_id', '=', filter.accountId));
    if (filter.hostId !== undefined) conditions.push(eb('host_id', '=', filter.hostId));
    if (filter.modelId !== undefined) conditions.push(eb('model_id', '=', filter.modelId));
    if (filter.keyPrefix !== undefined) conditions.push(eb('key_prefix', '=', filter.keyPrefix));
    if (filter.keyIds !== undefined)
      conditions.push(filter.keyIds.length === 0 ? sql<SqlBool>`false` : eb('key_id', 'in', filter.keyIds));
    if (filter.fromMs !== undefined) conditions.push(eb('created_at', '>=', new Date(filter.fromMs)));
    if (filter.toMs !== undefined) conditions.push(eb('created_at', '<', new Date(filter.toMs)));
    return eb.and(conditions);
  };

export function createKyselyMarketStore(db: Kysely<Schema>): MarketStore {
  const balanceOf = async (id: string): Promise<Nanos> =>
    (await db.selectFrom('ledger_accounts').select('balance').where('id', '=', id).executeTakeFirst())?.balance ?? 0n;

  const listMaintenance: MarketStore['listMaintenance'] = async (nowMs, hostIds) => {
    let query = db
      .selectFrom('host_maintenance')
      .selectAll()
      .where('cancelled_at', 'is', null)
      .where('ends_at', '>', new Date(nowMs));
    if (hostIds)
      query = hostIds.length === 0 ? query.where(sql<boolean>`false`) : query.where('host_id', 'in', hostIds);
    const rows = await query.orderBy('starts_at').orderBy('id').execute();
    return rows.map((r) => ({
      id: r.id,
      hostId: r.host_id,
      startsAtMs: r.starts_at.getTime(),
      endsAtMs: r.ends_at.getTime(),
    }));
  };

  const listCapacity: MarketStore['listCapacity'] = async (hostIds) => {
    let query = db.selectFrom('host_capacity').selectAll();
    if (hostIds)
      query = hostIds.length === 0 ? query.where(sql<boolean>`false`) : query.where('host_id', 'in', hostIds);
    const rows = await query.orderBy('host_id').orderBy('model_id').execute();
    return rows.map((r) => ({
      hostId: r.host_id,
      modelId: r.model_id,
      ttftMs: r.ttft_ms,
      prefillTokensPerSecond: r.prefill_tokens_per_second,
      decodeTokensPerSecond: r.decode_tokens_per_second,
      measuredAtMs: r.measured_at.getTime(),
    }));
  };

  const agentHosts = async (hostId?: string): Promise<AgentHostState[]> => {
    let query = db
      .selectFrom('hosts')
      .select([
        'id',
        'name',
        'base_url',
        'forward_secret',
        'status',
        'last_seen_at',
        'reputation',
        'suspended_at',
        'misses',
        'strikes',
      ])
      .where('public_key', 'is not', null);
    if (hostId !== undefined) query = query.where('id', '=', hostId);
    const hosts = await query.orderBy('id').execute();
    const routes =
      hosts.length === 0
        ? []
        : await db
            .selectFrom('model_hosts')
            .select(['host_id', 'model_id'])
            .where(
              'host_id',
              'in',
              hosts.map((h) => h.id),
            )
            .orderBy('model_id')
            .execute();
    return hosts.map((h) => ({
      id: h.id,
      name: h.name,
      baseUrl: h.base_url,
      forwardSecret: h.forward_secret ?? '',
      status: h.status,
      models: routes.filter((r) => r.host_id === h.id).map((r) => r.model_id),
      lastSeenAtMs: h.last_seen_at?.getTime() ?? null,
      reputation: h.reputation,
      suspendedAtMs: h.suspended_at?.getTime() ?? null,
      misses: h.misses,
      strikes: h.strikes,
    }));
  };

  return {
    async createAccount(id, name) {
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('accounts').values({ id, name }).execute();
        await ensureLedgerAccount(trx, ledgerAccount.credits(id), id, 'credits');
        await ensureLedgerAccount(trx, ledgerAccount.holds(id), id, 'holds');
      });
    },
    async accountExists(id) {
      return (await db.selectFrom('accounts').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
    },
    async listAccounts() {
      const rows = await db
        .selectFrom('accounts')
        .leftJoin('ledger_accounts as c', (j) => j.onRef('c.owner_id', '=', 'accounts.id').on('c.kind', '=', 'credits'))
        .leftJoin('ledger_accounts as h', (j) => j.onRef('h.owner_id', '=', 'accounts.id').on('h.kind', '=', 'holds'))
        .select(['accounts.id', 'accounts.name', 'c.balance as credits', 'h.balance as holds'])
        .where('accounts.id', '!=', 'market')
        .orderBy('accounts.created_at')
        .orderBy('accounts.id')
        .execute();
      return rows.map((r) => ({ id: r.id, name: r.name, credits: r.credits ?? 0n, holds: r.holds ?? 0n }));
    },
    async grantCredits(accountId, amount, idempotencyKey) {
      return db
        .transaction()
        .execute((trx) => writeLedgerTransaction(trx, planCreditGrant(accountId, amount, idempotencyKey)));
    },
    async balances(accountId) {
      return {
        credits: await balanceOf(ledgerAccount.credits(accountId)),
        holds: await balanceOf(ledgerAccount.holds(accountId)),
      };
    },
    balanceOf,
    async insertKey(key: NewKey, maxLiveKeys: number) {
      return db.transaction().execute(async (trx) => {
        // The account row is the lock (no key update: rows that merely reference the account do not wait on it): two
        // keys created at once cannot both take the last place.
        await trx
          .selectFrom('accounts')
          .select('id')
          .where('id', '=', key.accountId)
          .forNoKeyUpdate()
          .executeTakeFirst();
        const live = await trx
          .selectFrom('api_keys')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('account_id', '=', key.accountId)
          .where('revoked_at', 'is', null)
          .executeTakeFirstOrThrow();
        if (Number(live.n) >= maxLiveKeys) return false;
        await trx
          .insertInto('api_keys')
          .values({
            id: key.id,
            account_id: key.accountId,
            parent_key_id: key.parentKeyId,
            name: key.name,
            prefix: key.prefix,
            hash: key.hash,
            role: key.role,
            can_create_keys: key.canCreateKeys,
            models: key.models,
            spend_limit_total: key.spendLimitTotal,
            spend_limit_daily: key.spendLimitDaily,
            rate_limit_rpm: key.rateLimitRpm,
            rate_limit_tpm: key.rateLimitTpm,
            provider_preferences:
              key.providerPreferences === null
                ? null
                : JSON.stringify(providerPreferencesWire(key.providerPreferences)),
            expires_at: key.expiresAtMs === null ? null : new Date(key.expiresAtMs),
          })
          .execute();
        return true;
      });
    },
    async findKey(id) {
      const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toKeyRecord(row) : undefined;
    },
    async listKeys(filter: { accountId?: string; role?: KeyRole; day?: string }) {
      let q = db
        .selectFrom('api_keys')
        // One query shape with or without a day: without one, the join matches nothing and spentToday is 0.
        .leftJoin('key_daily_spend', (join) =>
          join
            .onRef('key_daily_spend.key_id', '=', 'api_keys.id')
            .on('key_daily_spend.day', '=', filter.day ?? '1970-01-01'),
        )
        .selectAll('api_keys')
        .select('key_daily_spend.spent as spent_today')
        .orderBy('api_keys.created_at')
        .orderBy('api_keys.id');
      if (filter.accountId) q = q.where('api_keys.account_id', '=', filter.accountId);
      if (filter.role) q = q.where('api_keys.role', '=', filter.role);
      return (await q.execute()).map((row) => ({
        ...toKeyRecord(row),
        spentTotal: row.spent_total,
        spentToday: filter.day === undefined ? 0n : (row.spent_today ?? 0n),
      }));
    },
    async revokeKey(id) {
      // The key and every descendant, however deep: a revoked agent's sub-keys stop with it.
      const revoked = await sql<{ id: string }>`
        with recursive subtree(id) as (
          select id from api_keys where id = ${id}
          union all
          select k.id from api_keys k join subtree s on k.parent_key_id = s.id
        )
        update api_keys set revoked_at = now(), updated_at = clock_timestamp()
        where id in (select id from subtree) and revoked_at is null
        returning id`.execute(db);
      return revoked.rows.map((r) => r.id);
    },
    async replaceOperatorKey(key) {
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('api_keys')
          .set({ revoked_at: sql`now()`, updated_at: sql`clock_timestamp()` })
          .where('role', '=', 'operator')
          .where('revoked_at', 'is', null)
          .execute();
        await trx
          .insertInto('api_keys')
          .values({
            id: key.id,
            account_id: key.accountId,
            parent_key_id: null,
            name: key.name,
            prefix: key.prefix,
            hash: key.hash,
            role: 'operator',
            models: null,
            spend_limit_total: null,
            spend_limit_daily: null,
            expires_at: null,
          })
          .execute();
      });
    },
    async upsertModel(model: ModelRecord) {
      const values = {
        id: model.id,
        name: model.name,
        context_length: model.contextLength,
        prompt_price: model.promptPrice,
        completion_price: model.completionPrice,
        default_max_tokens: model.defaultMaxTokens,
        max_tokens_cap: model.maxTokensCap,
        tokenizer_dir: model.tokenizerDir,
        digest: model.digest,
        quantization: model.quantization,
      };
      // A new model starts at its base price with a floor of half of it; a known one keeps its demand price and
      // bounds (the operator changes them through the pricing route).
      const { id, prompt_price: _prompt, completion_price: _completion, ...updates } = values;
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('models')
          .values(values)
          .onConflict((oc) => oc.column('id').doUpdateSet(updates))
          .execute();
        const opening = openingPricing({ prompt: model.promptPrice, completion: model.completionPrice });
        await trx
          .insertInto('model_pricing')
          .values({
            model_id: id,
            prompt_floor: opening.floor.prompt,
            completion_floor: opening.floor.completion,
            prompt_precise: opening.precise.prompt,
            completion_precise: opening.precise.completion,
          })
          .onConflict((oc) => oc.column('model_id').doNothing())
          .execute();
      });
    },
    async listModels() {
      const rows = await db
        .selectFrom('models')
        .innerJoin('model_pricing', 'model_pricing.model_id', 'models.id')
        .selectAll('models')
        .select(['model_pricing.prompt_precise', 'model_pricing.completion_precise'])
        .orderBy('id')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        contextLength: r.context_length,
        promptPrice: quotedPrice(r.prompt_precise),
        completionPrice: quotedPrice(r.completion_precise),
        basePrice: { prompt: r.prompt_price, completion: r.completion_price },
        defaultMaxTokens: r.default_max_tokens,
        maxTokensCap: r.max_tokens_cap,
        tokenizerDir: r.tokenizer_dir,
        digest: r.digest,
        quantization: r.quantization,
      }));
    },
    async upsertHost(host: HostRecord & { maxConcurrency?: number | null }, modelId: string, upstreamModel: string) {
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('hosts')
          .values({
            id: host.id,
            name: host.name,
            base_url: host.baseUrl,
            engine_kind: host.engineKind,
            max_concurrency: host.maxConcurrency ?? null,
          })
          .onConflict((oc) =>
            oc.column('id').doUpdateSet({
              name: host.name,
              base_url: host.baseUrl,
              engine_kind: host.engineKind,
              max_concurrency: host.maxConcurrency ?? null,
            }),
          )
          .execute();
        await ensureLedgerAccount(trx, ledgerAccount.hostEarnings(host.id), null, 'host_earnings');
        await trx
          .insertInto('model_hosts')
          .values({ model_id: modelId, host_id: host.id, upstream_model: upstreamModel })
          .onConflict((oc) => oc.columns(['model_id', 'host_id']).doUpdateSet({ upstream_model: upstreamModel }))
          .execute();
      });
    },
    async listRoutes(nowMs) {
      const rows = await db
        .selectFrom('model_hosts')
        .innerJoin('hosts', 'hosts.id', 'model_hosts.host_id')
        // the bond's ledger account id is ledgerAccount.hostBond(hosts.id)
        .leftJoin('ledger_accounts as bond', (j) =>
          j.on('bond.kind', '=', 'host_bond').on('bond.id', '=', sql<string>`'host:' || hosts.id || ':bond'`),
        )
        .select([
          'bond.balance as bond',
          'model_hosts.model_id',
          'model_hosts.upstream_model',
          'model_hosts.ask_prompt',
          'model_hosts.ask_completion',
          'hosts.id',
          'hosts.name',
          'hosts.base_url',
          'hosts.engine_kind',
          'hosts.forward_secret',
          'hosts.public_key',
          'hosts.last_seen_at',
          'hosts.max_concurrency',
          'hosts.reputation',
          (eb) =>
            eb
              .exists(
                eb
                  .selectFrom('disputes')
                  .select('disputes.id')
                  .whereRef('disputes.host_id', '=', 'hosts.id')
                  .whereRef('disputes.model_id', '=', 'model_hosts.model_id')
                  .where('disputes.status', '=', 'open'),
              )
              .as('under_dispute'),
        ])
        .where('hosts.status', '=', 'active')
        .where('hosts.suspended_at', 'is', null)
        .orderBy('hosts.id')
        .execute();
      const windows = await listMaintenance(nowMs);
      return rows.map((r) => ({
        modelId: r.model_id,
        upstreamModel: r.upstream_model,
        ask:
          r.ask_prompt === null || r.ask_completion === null
            ? null
            : { prompt: r.ask_prompt, completion: r.ask_completion },
        host: {
          id: r.id,
          name: r.name,
          baseUrl: r.base_url,
          engineKind: r.engine_kind,
          forwardSecret: r.forward_secret,
          publicKey: r.public_key,
          lastSeenAtMs: r.last_seen_at?.getTime() ?? null,
          maxConcurrency: r.max_concurrency,
          maintenance: windows.filter((w) => w.hostId === r.id),
          reputation: r.reputation,
          underDispute: Boolean(r.under_dispute),
          bond: r.bond ?? 0n,
        },
      }));
    },
    listMaintenance,
    async addMaintenance(window) {
      await db
        .insertInto('host_maintenance')
        .values({
          id: window.id,
          host_id: window.hostId,
          starts_at: new Date(window.startsAtMs),
          ends_at: new Date(window.endsAtMs),
        })
        .execute();
    },
    async cancelMaintenance(hostId, windowId) {
      const result = await db
        .updateTable('host_maintenance')
        .set({ cancelled_at: sql<Date>`now()` })
        .where('id', '=', windowId)
        .where('host_id', '=', hostId)
        .where('cancelled_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    async recordHostTallies(tallies) {
      for (const column of ['misses', 'strikes'] as const) {
        for (const [hostId, count] of [...tallies[column]].sort(([a], [b]) => a.localeCompare(b))) {
          await db
            .updateTable('hosts')
            .set((eb) => ({ [column]: eb(column, '+', count) }))
            .where('id', '=', hostId)
            .execute();
        }
      }
      // Misses outside maintenance windows cost reputation too.
      for (const [hostId, count] of [...tallies.misses].sort(([a], [b]) => a.localeCompare(b))) {
        await db
          .updateTable('hosts')
          .set((eb) => ({
            reputation: eb.fn('greatest', [eb.lit(0), eb('reputation', '-', count * REPUTATION.missLoss)]),
          }))
          .where('id', '=', hostId)
          .execute();
      }
    },
    async saveAgentHost(host, routes) {
      await db.transaction().execute(async (trx) => {
        const values = {
          name: host.name,
          base_url: host.baseUrl,
          engine_kind: host.engineKind,
          public_key: host.publicKey,
          token_hash: host.tokenHash,
          forward_secret: host.forwardSecret,
          engine_version: host.engineVersion,
          max_concurrency: host.maxConcurrency,
          status: host.status,
          last_seen_at: sql<Date>`now()`,
        };
        await trx
          .insertInto('hosts')
          .values({ id: host.id, ...values })
          .onConflict((oc) => oc.column('id').doUpdateSet(values))
          .execute();
        await ensureLedgerAccount(trx, ledgerAccount.hostEarnings(host.id), null, 'host_earnings');
        await trx.deleteFrom('model_hosts').where('host_id', '=', host.id).execute();
        if (routes.length > 0) {
          await trx
            .insertInto('model_hosts')
            .values(
              routes.map((r) => ({
                model_id: r.modelId,
                host_id: host.id,
                upstream_model: r.modelId,
                ask_prompt: r.askPrompt,
                ask_completion: r.askCompletion,
              })),
            )
            .execute();
        }
      });
    },
    findAgentHost: async (hostId) => (await agentHosts(hostId))[0],
    listAgentHosts: () => agentHosts(),
    async activateHost(hostId, modelIds) {
      await db.transaction().execute(async (trx) => {
        await trx
          .deleteFrom('model_hosts')
          .where('host_id', '=', hostId)
          .where('model_id', 'not in', modelIds)
          .execute();
        await trx.updateTable('hosts').set({ status: 'active' }).where('id', '=', hostId).execute();
      });
    },
    async findHostByTokenHash(tokenHash) {
      return db.selectFrom('hosts').select('id').where('token_hash', '=', tokenHash).executeTakeFirst();
    },
    async touchHost(hostId) {
      await db
        .updateTable('hosts')
        .set({ last_seen_at: sql<Date>`now()` })
        .where('id', '=', hostId)
        .execute();
    },
    async hostSummary(hostId, nowMs) {
      const host = await db.selectFrom('hosts').selectAll().where('id', '=', hostId).executeTakeFirst();
      if (!host) return undefined;
      const models = await db
        .selectFrom('model_hosts')
        .select('model_id')
        .where('host_id', '=', hostId)
        .orderBy('model_id')
        .execute();
      const traffic = await db
        .selectFrom('usage_records')
        .select((eb) => [
          eb.fn.countAll<string>().as('requests'),
          eb.fn.coalesce(eb.fn.sum<string>('completion_tokens'), eb.lit(0)).as('tokens'),
        ])
        .where('host_id', '=', hostId)
        .executeTakeFirstOrThrow();
      return {
        id: host.id,
        name: host.name,
        baseUrl: host.base_url,
        lastSeenAtMs: host.last_seen_at?.getTime() ?? null,
        models: models.map((m) => m.model_id),
        requests: Number(traffic.requests),
        completionTokens: Number(traffic.tokens),
        earnings: await balanceOf(ledgerAccount.hostEarnings(hostId)),
        misses: host.misses,
        strikes: host.strikes,
        reputation: host.reputation,
        suspendedAtMs: host.suspended_at?.getTime() ?? null,
        maintenance: await listMaintenance(nowMs, [hostId]),
        capacity: await listCapacity([hostId]),
      };
    },
    async recordCapacity(m) {
      const values = {
        ttft_ms: m.ttftMs,
        prefill_tokens_per_second: m.prefillTokensPerSecond,
        decode_tokens_per_second: m.decodeTokensPerSecond,
        measured_at: new Date(m.measuredAtMs),
      };
      await db
        .insertInto('host_capacity')
        .values({ host_id: m.hostId, model_id: m.modelId, ...values })
        .onConflict((oc) => oc.columns(['host_id', 'model_id']).doUpdateSet(values))
        .execute();
    },
    listCapacity,
    async listUsage(filter, limit, after) {
      let query = db.selectFrom('usage_records').selectAll().where(usageWhere(filter));
      // Keyset paging: the rows after the cursor's row in (created_at, request_id) order. The cursor is looked up
      // within the same filter, so one naming another account's record (or none) gives an empty page, not its rows.
      if (after !== undefined) {
        const cursor = db
          .selectFrom('usage_records')
          .select(['created_at', 'request_id'])
          .where('request_id', '=', after)
          .where(usageWhere(filter));
        query = query.where(sql<SqlBool>`(created_at, request_id) < (${cursor})`);
      }
      const rows = await query.orderBy('created_at', 'desc').orderBy('request_id', 'desc').limit(limit).execute();
      return rows.map((r): UsageRow => ({
        requestId: r.request_id,
        keyPrefix: r.key_prefix,
        modelId: r.model_id,
        hostId: r.host_id,
        promptTokens: r.prompt_tokens,
        completionTokens: r.completion_tokens,
        promptPrice: r.prompt_price,
        completionPrice: r.completion_price,
        cost: r.cost,
        status: r.status,
        attempts: r.attempts,
        hedged: r.hedged,
        receipt:
          r.request_digest === null || r.response_digest === null
            ? null
            : { requestDigest: r.request_digest, responseDigest: r.response_digest, signature: r.host_signature },
        createdAtMs: r.created_at.getTime(),
        refundedBy: r.refunded_by,
      }));
    },
    async usageSeries(filter, bucket, perKey) {
      // The bucket inlined as a literal (one of three names): a parameter would make the SELECT and GROUP BY differ.
      const start = sql<Date>`date_trunc(${sql.lit(bucket)}, created_at)`;
      // A host's series sums over buyers' keys: it never sees them.
      const key = perKey ? sql<string>`key_prefix` : sql<string>`''`;
      const rows = await db
        .selectFrom('usage_records')
        .where(usageWhere(filter))
        .select((eb) => [
          start.as('bucket_start'),
          'model_id',
          key.as('key_prefix'),
          eb.fn.countAll<string>().as('requests'),
          eb.fn.sum<string>('prompt_tokens').as('prompt_tokens'),
          eb.fn.sum<string>('completion_tokens').as('completion_tokens'),
          eb.fn.sum<string>('cost').as('cost'),
        ])
        .groupBy(perKey ? [start, 'model_id', 'key_prefix'] : [start, 'model_id'])
        .orderBy(start)
        .execute();
      return rows.map((r) => ({
        bucketStartMs: r.bucket_start.getTime(),
        modelId: r.model_id,
        keyPrefix: r.key_prefix,
        requests: Number(r.requests),
        promptTokens: Number(r.prompt_tokens),
        completionTokens: Number(r.completion_tokens),
        cost: BigInt(r.cost),
      }));
    },
    async requestsByHost(sinceMs) {
      const rows = await db
        .selectFrom('usage_records')
        .select((eb) => ['host_id', eb.fn.countAll<string>().as('requests')])
        .where('created_at', '>=', new Date(sinceMs))
        .where('host_id', 'is not', null)
        .groupBy('host_id')
        .execute();
      return new Map(rows.map((r) => [r.host_id as string, Number(r.requests)]));
    },
    async getSetting(key) {
      return (await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst())?.value;
    },
    async setSetting(key, value) {
      await db
        .insertInto('settings')
        .values({ key, value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
        .execute();
    },
    async ledgerTotals() {
      const row = await db
        .selectFrom('ledger_accounts')
        .select((eb) => [
          eb.fn.coalesce(eb.fn.sum<bigint>('balance'), eb.lit(0)).as('total'),
          eb.fn.countAll<number>().as('accounts'),
        ])
        .executeTakeFirstOrThrow();
      const negative = await db
        .selectFrom('ledger_accounts')
        .select('id')
        .where('balance', '<', 0n)
        .where('allow_negative', '=', false)
        .execute();
      return { sum: BigInt(row.total), negativeAccounts: negative.map((n) => n.id) };
    },
    async ledgerByKind() {
      const rows = await db
        .selectFrom('ledger_accounts')
        .select((eb) => ['kind', eb.fn.countAll<string>().as('accounts'), eb.fn.sum<string>('balance').as('balance')])
        .groupBy('kind')
        .orderBy('kind')
        .execute();
      return rows.map((r) => ({ kind: r.kind, accounts: Number(r.accounts), balance: BigInt(r.balance) }));
    },
  };
}
