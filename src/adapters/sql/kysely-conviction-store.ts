// Convictions on SQL, in one transaction: the host's unrefunded paid responses since its last passed check and the
// balances the refunds draw on are locked and loaded, the plan (planRefunds, src/domain/money) decides what moves,
// and this file applies it — refunds and slash through the one ledger writer, usage records marked, the host
// suspended. Also hosts' appeals.
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { AppealRow, ConvictionRecord, ConvictionStore } from '../../app/verification/verification-store.ts';
import { ledgerAccount } from '../../domain/ledger/transaction.ts';
import type { ConvictionStatistic } from '../../domain/verification/host-evidence.ts';
import { planRefunds, type RefundableResponse } from '../../domain/money/conviction-refund-plan.ts';
import { lockedBalances } from './ledger-locks.ts';
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
  convictedBy: r.convicted_by as ConvictionStatistic,
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

/**
 * The facts a conviction refunds: the host's paid responses for the SKU not refunded yet, since its last passed
 * check's own responses (the ones after them were never verified), locked.
 */
async function unrefundedSinceLastPass(
  trx: Transaction<Schema>,
  hostId: string,
  modelId: string,
): Promise<RefundableResponse[]> {
  const trust = await trx
    .selectFrom('host_model_trust')
    .select('last_passed_check_id')
    .where('host_id', '=', hostId)
    .where('model_id', '=', modelId)
    .forUpdate()
    .executeTakeFirst();
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
    .where('host_id', '=', hostId)
    .where('model_id', '=', modelId)
    .where('refunded_by', 'is', null)
    .where('cost', '>', 0n);
  if (since) served = served.where('created_at', '>', since);
  return (await served.forUpdate().execute()).map((r) => ({
    requestId: r.request_id,
    accountId: r.account_id,
    cost: r.cost,
  }));
}

export function createKyselyConvictionStore(db: Kysely<Schema>): ConvictionStore {
  return {
    convict(conviction, slashBps) {
      return db.transaction().execute(async (trx) => {
        const responses = await unrefundedSinceLastPass(trx, conviction.hostId, conviction.modelId);
        const sources = {
          hostEarnings: ledgerAccount.hostEarnings(conviction.hostId),
          hostBond: ledgerAccount.hostBond(conviction.hostId),
          hostUnbonding: ledgerAccount.hostUnbonding(conviction.hostId),
          treasury: ledgerAccount.treasury,
        };
        const balances = await lockedBalances(trx, Object.values(sources));
        const balance = (account: string) => balances.get(account) ?? 0n;
        const refunds = planRefunds(
          conviction.id,
          conviction.hostId,
          responses,
          {
            hostEarnings: balance(sources.hostEarnings),
            hostBond: balance(sources.hostBond),
            hostUnbonding: balance(sources.hostUnbonding),
            treasury: balance(sources.treasury),
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
            convicted_by: conviction.convictedBy,
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
          .set({ evidence_score: 0, pooled_tv_score: 0, pooled_dlp_score: 0 })
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
