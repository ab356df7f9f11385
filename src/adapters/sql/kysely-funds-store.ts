// A host's funds on SQL, and money in and out of the market: bonds and unbonding, payouts of payable balances,
// top-ups. Each movement is planned in src/domain/money (bond-plan.ts, payout-plan.ts, top-up-plan.ts) from the
// balances read here under a row lock, and written with an idempotency key derived from what it settles.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { FundsStore, PayoutRow, TopUpRow } from '../../app/economics/economics-store.ts';
import { ledgerAccount } from '../../domain/ledger/transaction.ts';
import { planBondPost, planUnbonding } from '../../domain/money/bond-plan.ts';
import type { Nanos } from '../../domain/money/nanos.ts';
import { planPayoutRequest, planPayoutSettlement } from '../../domain/money/payout-plan.ts';
import { planTopUpConfirmation } from '../../domain/money/top-up-plan.ts';
import { lockedBalance } from './ledger-locks.ts';
import { ensureLedgerAccount, writeLedgerTransaction } from './ledger-writes.ts';
import type { Schema } from './schema.ts';

const toPayout = (r: Selectable<Schema['payouts']>): PayoutRow => ({
  id: r.id,
  hostId: r.host_id,
  amount: r.amount,
  provider: r.provider,
  status: r.status,
  reference: r.reference,
  createdAtMs: r.created_at.getTime(),
});
const toTopUp = (r: Selectable<Schema['topups']>): TopUpRow => ({
  id: r.id,
  accountId: r.account_id,
  hostId: r.host_id,
  amount: r.amount,
  provider: r.provider,
  reference: r.reference,
  status: r.status,
  createdAtMs: r.created_at.getTime(),
});

export function createKyselyFundsStore(db: Kysely<Schema>): FundsStore {
  const balance = async (account: string) =>
    (await db.selectFrom('ledger_accounts').select('balance').where('id', '=', account).executeTakeFirst())?.balance ??
    0n;

  return {
    async hostFunds(hostId) {
      const [earnings, payable, bond, unbonding, payoutPending] = await Promise.all(
        [
          ledgerAccount.hostEarnings,
          ledgerAccount.hostPayable,
          ledgerAccount.hostBond,
          ledgerAccount.hostUnbonding,
          ledgerAccount.hostPayout,
        ].map((account) => balance(account(hostId))),
      );
      return {
        earnings: earnings as Nanos,
        payable: payable as Nanos,
        bond: bond as Nanos,
        unbonding: unbonding as Nanos,
        payoutPending: payoutPending as Nanos,
      };
    },
    async postBond(id, hostId, amount) {
      return db.transaction().execute(async (trx) => {
        const bond = planBondPost(id, hostId, amount, await lockedBalance(trx, ledgerAccount.hostPayable(hostId)));
        if (!bond) return false;
        await ensureLedgerAccount(trx, ledgerAccount.hostBond(hostId), null, 'host_bond');
        await writeLedgerTransaction(trx, bond);
        return true;
      });
    },
    async requestUnbonding(unbonding) {
      return db.transaction().execute(async (trx) => {
        const { id, hostId, amount } = unbonding;
        const move = planUnbonding(id, hostId, amount, await lockedBalance(trx, ledgerAccount.hostBond(hostId)));
        if (!move) return false;
        await ensureLedgerAccount(trx, ledgerAccount.hostUnbonding(hostId), null, 'host_unbonding');
        await writeLedgerTransaction(trx, move);
        await trx
          .insertInto('unbondings')
          .values({
            id,
            host_id: hostId,
            amount,
            requested_epoch: unbonding.requestedEpoch,
            release_epoch: unbonding.releaseEpoch,
          })
          .execute();
        return true;
      });
    },
    async listUnbondings(hostId) {
      const rows = await db
        .selectFrom('unbondings')
        .selectAll()
        .where('host_id', '=', hostId)
        .orderBy('release_epoch')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        hostId: r.host_id,
        amount: r.amount,
        releaseEpoch: r.release_epoch,
        releasedAtMs: r.released_at?.getTime() ?? null,
      }));
    },

    async requestPayout(payout) {
      return db.transaction().execute(async (trx) => {
        const existing = await trx.selectFrom('payouts').selectAll().where('id', '=', payout.id).executeTakeFirst();
        if (existing) return existing.host_id === payout.hostId ? toPayout(existing) : undefined;
        const payable = await lockedBalance(trx, ledgerAccount.hostPayable(payout.hostId));
        const plan = planPayoutRequest(payout.id, payout.hostId, payout.amount, payable);
        if (!plan) return undefined;
        await ensureLedgerAccount(trx, ledgerAccount.hostPayout(payout.hostId), null, 'host_payout');
        await writeLedgerTransaction(trx, plan.transaction);
        return toPayout(
          await trx
            .insertInto('payouts')
            .values({ id: payout.id, host_id: payout.hostId, amount: plan.amount, provider: payout.provider })
            .returningAll()
            .executeTakeFirstOrThrow(),
        );
      });
    },
    async settlePayout(id, outcome, reference) {
      return db.transaction().execute(async (trx) => {
        const settled = await trx
          .updateTable('payouts')
          .set({ status: outcome, reference, settled_at: sql<Date>`now()` })
          .where('id', '=', id)
          .where('status', '=', 'requested')
          .returningAll()
          .executeTakeFirst();
        if (!settled) {
          const current = await trx.selectFrom('payouts').selectAll().where('id', '=', id).executeTakeFirst();
          return current && toPayout(current);
        }
        await writeLedgerTransaction(
          trx,
          planPayoutSettlement({ id, hostId: settled.host_id, amount: settled.amount }, outcome),
        );
        return toPayout(settled);
      });
    },
    async listPayouts(filter) {
      let query = db.selectFrom('payouts').selectAll().orderBy('created_at', 'desc');
      if (filter.hostId) query = query.where('host_id', '=', filter.hostId);
      if (filter.status) query = query.where('status', '=', filter.status);
      return (await query.limit(500).execute()).map(toPayout);
    },

    async createTopUp(topUp) {
      const row = await db
        .insertInto('topups')
        .values({
          id: topUp.id,
          account_id: topUp.accountId,
          host_id: topUp.hostId,
          amount: topUp.amount,
          provider: topUp.provider,
          reference: topUp.reference,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toTopUp(row);
    },
    async settleTopUp(id, outcome, reference) {
      return db.transaction().execute(async (trx) => {
        const settled = await trx
          .updateTable('topups')
          .set({
            status: outcome,
            settled_at: sql<Date>`now()`,
            reference: sql<string>`reference || ' / ' || ${reference}`,
          })
          .where('id', '=', id)
          .where('status', '=', 'pending')
          .returningAll()
          .executeTakeFirst();
        if (!settled) {
          const current = await trx.selectFrom('topups').selectAll().where('id', '=', id).executeTakeFirst();
          return current && toTopUp(current);
        }
        if (outcome === 'confirmed') {
          const target = settled.account_id
            ? { accountId: settled.account_id, hostId: null }
            : { accountId: null, hostId: settled.host_id as string };
          const plan = planTopUpConfirmation({ id, amount: settled.amount, ...target });
          if (plan.to.kind === 'host_bond') await ensureLedgerAccount(trx, plan.to.id, null, 'host_bond');
          await writeLedgerTransaction(trx, plan.transaction);
        }
        return toTopUp(settled);
      });
    },
    async listTopUps(filter) {
      let query = db.selectFrom('topups').selectAll().orderBy('created_at', 'desc');
      if (filter.accountId) query = query.where('account_id', '=', filter.accountId);
      if (filter.hostId) query = query.where('host_id', '=', filter.hostId);
      if (filter.status) query = query.where('status', '=', filter.status);
      return (await query.limit(500).execute()).map(toTopUp);
    },
  };
}
