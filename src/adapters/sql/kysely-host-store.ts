// Hosts on SQL: operator-registered engines and host agents (each with its earnings ledger account), approval,
// heartbeats, scorecards and the summary a host reads of itself.
import { sql, type Kysely } from 'kysely';
import type { AgentHostState, HostRecord, HostStore } from '../../app/hosts/host-store.ts';
import { ledgerAccount } from '../../domain/ledger/transaction.ts';
import { REPUTATION } from '../../domain/verification/reputation.ts';
import { createKyselyLedgerReportStore } from './kysely-account-store.ts';
import { listCapacityFrom, listMaintenanceFrom } from './kysely-host-maintenance-store.ts';
import { addFormatTallies, formatScoresFrom } from './kysely-format-counts.ts';
import { ensureLedgerAccount } from './ledger-writes.ts';
import type { Schema } from './schema.ts';

export function createKyselyHostStore(db: Kysely<Schema>): HostStore {
  const { balanceOf } = createKyselyLedgerReportStore(db);
  const listMaintenance = listMaintenanceFrom(db);
  const listCapacity = listCapacityFrom(db);
  const formatScores = formatScoresFrom(db);
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
        'left_at',
        'reputation',
        'suspended_at',
        'misses',
        'strikes',
        'engine_kind',
        'hardware_class',
        'hardware_class_doubt',
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
      leftAtMs: h.left_at?.getTime() ?? null,
      reputation: h.reputation,
      suspendedAtMs: h.suspended_at?.getTime() ?? null,
      misses: h.misses,
      strikes: h.strikes,
      engineKind: h.engine_kind,
      hardwareClass: h.hardware_class,
      hardwareClassDoubt: h.hardware_class_doubt,
    }));
  };

  return {
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
    async recordHostTallies(tallies) {
      await addFormatTallies(db, tallies.formats);
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
          // A new registration is probed again: any doubt on its class is the new probes' to cast.
          hardware_class: host.hardwareClass,
          hardware_class_doubt: null,
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
    async markHostLeft(hostId) {
      await db
        .updateTable('hosts')
        .set({ left_at: sql<Date>`now()` })
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
        formats: await formatScores(hostId),
      };
    },
  };
}
