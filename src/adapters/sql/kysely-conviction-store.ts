// Convictions on SQL, in one transaction: the host's unrefunded paid responses since its last passed check and the
// balances the refunds draw on are locked and loaded, the plan (planRefunds, src/domain/money) decides what moves,
// and this file applies it — refunds and slash through the one ledger writer, usage records marked, the host
// suspended. Also hosts' appeals.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { AppealRow, ConvictionRecord, ConvictionStore } from '../../app/verification/verification-store.ts';
import { ledgerAccount } from '../../domain/ledger/transaction.ts';
import { planRefunds } from '../../domain/money/conviction-refund-plan.ts';
import { insertSlashes, writeLedgerTransactions } from './ledger-writes.ts';
import type { Schema } from './schema.ts';

const toConviction = (r: Selectable<Schema['convictions']>): ConvictionRecord => ({
  id: r.id,
  hostId: r.host_id,
  modelId: r.model_id,
  checkIds: r.check_ids as string[],
  responsesRefunded: r.responses_refunded,
  refunded: r.refunded,
  fromHost: r.from_host,
  fromTreasury: r.from_treasury,
  fromFunding: r.from_funding,
  fromBond: r.from_bond,
  slashed: r.slashed,
  createdAtMs: r.created_at.getTime(),
});

const toAppeal = (r: Selectable<Schema['appeals']>): AppealRow => ({
  id: r.id,
  convictionId: r.conviction_id,
  hostId: r.host_id,
  reason: r.reason,
  status: r.status,
  createdAtMs: r.created_at.getTime(),
});

export function createKyselyConvictionStore(db: Kysely<Schema>): ConvictionStore {
  return {
    convict(conviction, slashBps) {
      return db.transaction().execute(async (trx) => {
        const trust = await trx
          .selectFrom('host_model_trust')
          .select('last_passed_check_id')
          .where('host_id', '=', conviction.hostId)
          .where('model_id', '=', conviction.modelId)
          .forUpdate()
          .executeTakeFirst();
        // Responses after the last passed check's own responses are unverified: all of them are refunded.
        const since = trust?.last_passed_check_id
          ? ((
              await trx
                .selectFrom('usage_records')
                .innerJoin('verification_samples', 'verification_samples.request_id', 'usage_records.request_id')
                .select((eb) => eb.fn.max('usage_records.created_at').as('at'))
                .where('verification_samples.check_id', '=', trust.last_passed_check_id)
                .executeTakeFirst()
            )?.at ?? null)
          : null;
        let served = trx
          .selectFrom('usage_records')
          .select(['request_id', 'account_id', 'cost'])
          .where('host_id', '=', conviction.hostId)
          .where('model_id', '=', conviction.modelId)
          .where('refunded_by', 'is', null)
          .where('cost', '>', 0n);
        if (since) served = served.where('created_at', '>', since);
        const responses = (await served.forUpdate().execute()).map((r) => ({
          requestId: r.request_id,
          accountId: r.account_id,
          cost: r.cost,
        }));
        const balances = new Map(
          (
            await trx
              .selectFrom('ledger_accounts')
              .select(['id', 'balance'])
              .where('id', 'in', [
                ledgerAccount.hostEarnings(conviction.hostId),
                ledgerAccount.hostBond(conviction.hostId),
                ledgerAccount.hostUnbonding(conviction.hostId),
                ledgerAccount.treasury,
              ])
              .forUpdate()
              .execute()
          ).map((r) => [r.id, r.balance]),
        );
        const refunds = planRefunds(
          conviction.id,
          conviction.hostId,
          responses,
          {
            hostEarnings: balances.get(ledgerAccount.hostEarnings(conviction.hostId)) ?? 0n,
            hostBond: balances.get(ledgerAccount.hostBond(conviction.hostId)) ?? 0n,
            hostUnbonding: balances.get(ledgerAccount.hostUnbonding(conviction.hostId)) ?? 0n,
            treasury: balances.get(ledgerAccount.treasury) ?? 0n,
          },
          slashBps,
        );
        await writeLedgerTransactions(trx, refunds.transactions);
        if (refunds.refundedRequestIds.length > 0) {
          await trx
            .updateTable('usage_records')
            .set({ refunded_by: conviction.id })
            .where('request_id', 'in', refunds.refundedRequestIds)
            .execute();
        }
        // The failed checks this conviction rests on: those since the host's previous conviction for the SKU, if any.
        const previous = await trx
          .selectFrom('convictions')
          .select((eb) => eb.fn.max('created_at').as('at'))
          .where('host_id', '=', conviction.hostId)
          .where('model_id', '=', conviction.modelId)
          .executeTakeFirst();
        let failedChecks = trx
          .selectFrom('verification_checks')
          .select('id')
          .where('host_id', '=', conviction.hostId)
          .where('model_id', '=', conviction.modelId)
          .where('passed', '=', false);
        if (previous?.at) failedChecks = failedChecks.where('created_at', '>', previous.at);
        const checkIds = (await failedChecks.orderBy('created_at').execute()).map((r) => r.id);
        const row = await trx
          .insertInto('convictions')
          .values({
            id: conviction.id,
            host_id: conviction.hostId,
            model_id: conviction.modelId,
            check_ids: JSON.stringify(checkIds),
            responses_refunded: refunds.refundedRequestIds.length,
            refunded: refunds.total,
            from_host: refunds.fromHost,
            from_treasury: refunds.fromTreasury,
            from_funding: refunds.fromFunding,
            from_bond: refunds.fromBond,
            slashed: refunds.slashed,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        if (refunds.slash) await insertSlashes(trx, [refunds.slash]);
        await trx
          .updateTable('hosts')
          .set({ suspended_at: sql<Date>`now()` })
          .where('id', '=', conviction.hostId)
          .execute();
        await trx
          .updateTable('host_model_trust')
          .set({ evidence_score: 0 })
          .where('host_id', '=', conviction.hostId)
          .where('model_id', '=', conviction.modelId)
          .execute();
        return toConviction(row);
      });
    },
    async hostConvictions(hostId) {
      return (
        await db.selectFrom('convictions').selectAll().where('host_id', '=', hostId).orderBy('created_at').execute()
      ).map(toConviction);
    },
    async appeal(a) {
      const conviction = await db
        .selectFrom('convictions')
        .select('id')
        .where('id', '=', a.convictionId)
        .where('host_id', '=', a.hostId)
        .executeTakeFirst();
      if (!conviction) return undefined;
      await db
        .insertInto('appeals')
        .values({ id: a.id, conviction_id: a.convictionId, host_id: a.hostId, reason: a.reason })
        .onConflict((oc) => oc.column('conviction_id').doNothing())
        .execute();
      const row = await db
        .selectFrom('appeals')
        .selectAll()
        .where('conviction_id', '=', a.convictionId)
        .executeTakeFirstOrThrow();
      return toAppeal(row);
    },
    async listAppeals() {
      return (await db.selectFrom('appeals').selectAll().orderBy('created_at').execute()).map(toAppeal);
    },
    decideAppeal(id, granted) {
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .updateTable('appeals')
          .set({ status: granted ? 'granted' : 'denied', decided_at: sql<Date>`now()` })
          .where('id', '=', id)
          .where('status', '=', 'open')
          .returningAll()
          .executeTakeFirst();
        if (!row) return undefined;
        if (granted) await trx.updateTable('hosts').set({ suspended_at: null }).where('id', '=', row.host_id).execute();
        return toAppeal(row);
      });
    },
  };
}
