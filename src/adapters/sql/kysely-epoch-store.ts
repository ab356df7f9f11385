// Epochs and settlement on SQL. Closing an epoch is one transaction (report, miss slashes, next epoch) on a row
// locked with SKIP LOCKED, so gateway instances sharing a database never close one twice; the releases of held-back
// earnings and of unbonded bonds are idempotent ledger transactions (their keys name what they settle), so a retry
// after a crash writes nothing twice. What moves is planned in src/domain/money (epoch-close-plan.ts,
// hold-back-release-plan.ts); this file locks, loads and applies.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { EpochReport, EpochStore, HostEpochFigures } from '../../app/economics/economics-store.ts';
import { ledgerAccount } from '../../domain/ledger/transaction.ts';
import { planEpochClose, slashedOf } from '../../domain/money/epoch-close-plan.ts';
import { planEarningsRelease, planUnbondingRelease } from '../../domain/money/hold-back-release-plan.ts';
import { epochFigures, storedReport, toEpoch } from './kysely-epoch-figures.ts';
import { lockedBalance, lockedBalances } from './ledger-locks.ts';
import {
  ensureLedgerAccount,
  insertSlashes,
  writeLedgerTransaction,
  writeLedgerTransactions,
} from './ledger-writes.ts';
import type { Schema } from './schema.ts';

type Db = Kysely<Schema> | Transaction<Schema>;

const missCounts = async (db: Db) =>
  new Map((await db.selectFrom('hosts').select(['id', 'misses']).execute()).map((h) => [h.id, h.misses]));

export function createKyselyEpochStore(db: Kysely<Schema>): EpochStore {
  return {
    async ensureFirstEpoch(nowMs, lengthMs) {
      if (await db.selectFrom('epochs').select('number').limit(1).executeTakeFirst()) return;
      const opening = Object.fromEntries(await missCounts(db));
      await db
        .insertInto('epochs')
        .values({
          number: 0,
          starts_at: new Date(nowMs),
          ends_at: new Date(nowMs + lengthMs),
          opening_misses: JSON.stringify(opening),
        })
        .onConflict((oc) => oc.column('number').doNothing())
        .execute();
    },
    async closeNextEpoch(cutoffMs, nextLengthMs, bonds) {
      return db.transaction().execute(async (trx) => {
        const epoch = await trx
          .selectFrom('epochs')
          .selectAll()
          .where('closed_at', 'is', null)
          .where('ends_at', '<=', new Date(cutoffMs))
          .orderBy('number')
          .limit(1)
          .forUpdate()
          .skipLocked()
          .executeTakeFirst();
        if (!epoch) return undefined;
        const current = await missCounts(trx);
        const opening = epoch.opening_misses as Record<string, number>;
        const misses = new Map(
          [...current].map(([hostId, count]) => [hostId, Math.max(0, count - (opening[hostId] ?? 0))]),
        );
        const figures = await epochFigures(trx, epoch.starts_at, epoch.ends_at, misses);
        const bondBalances = await lockedBalances(
          trx,
          figures.hosts.map((h) => ledgerAccount.hostBond(h.hostId)),
        );
        const plan = planEpochClose(
          epoch.number,
          figures.hosts.map((h) => ({ ...h, bond: bondBalances.get(ledgerAccount.hostBond(h.hostId)) ?? 0n })),
          bonds,
        );
        await writeLedgerTransactions(trx, plan.transactions);
        await insertSlashes(trx, plan.slashes);
        const hosts: HostEpochFigures[] = figures.hosts.map((h) => ({ ...h, slashed: slashedOf(plan, h.hostId) }));
        const report: EpochReport = { ...figures, hosts };
        const closed = await trx
          .updateTable('epochs')
          .set({ report: storedReport(report), closed_at: sql<Date>`now()` })
          .where('number', '=', epoch.number)
          .returningAll()
          .executeTakeFirstOrThrow();
        await trx
          .insertInto('epochs')
          .values({
            number: epoch.number + 1,
            starts_at: epoch.ends_at,
            ends_at: new Date(epoch.ends_at.getTime() + nextLengthMs),
            opening_misses: JSON.stringify(Object.fromEntries(current)),
          })
          .onConflict((oc) => oc.column('number').doNothing())
          .execute();
        return toEpoch(closed);
      });
    },
    async unreleasedEpochs(through) {
      const rows = await db
        .selectFrom('epochs')
        .selectAll()
        .where('closed_at', 'is not', null)
        .where('released_at', 'is', null)
        .where('number', '<=', through)
        .orderBy('number')
        .execute();
      return rows.map(toEpoch);
    },
    async releaseHostEarnings(epoch, hostId, earned) {
      await db.transaction().execute(async (trx) => {
        const balance = await lockedBalance(trx, ledgerAccount.hostEarnings(hostId));
        const release = planEarningsRelease(epoch, hostId, earned, balance);
        if (!release) return;
        await ensureLedgerAccount(trx, ledgerAccount.hostPayable(hostId), null, 'host_payable');
        await writeLedgerTransaction(trx, release);
      });
    },
    async markReleased(epoch) {
      await db
        .updateTable('epochs')
        .set({ released_at: sql<Date>`now()` })
        .where('number', '=', epoch)
        .where('released_at', 'is', null)
        .execute();
    },
    async releaseUnbondings(closedEpoch) {
      return db.transaction().execute(async (trx) => {
        const due = await trx
          .selectFrom('unbondings')
          .selectAll()
          .where('release_epoch', '<=', closedEpoch)
          .where('released_at', 'is', null)
          .forUpdate()
          .skipLocked()
          .execute();
        for (const unbonding of due) {
          const balance = await lockedBalance(trx, ledgerAccount.hostUnbonding(unbonding.host_id));
          const release = planUnbondingRelease(
            { id: unbonding.id, hostId: unbonding.host_id, amount: unbonding.amount },
            balance,
          );
          if (release) {
            await ensureLedgerAccount(trx, ledgerAccount.hostPayable(unbonding.host_id), null, 'host_payable');
            await writeLedgerTransaction(trx, release);
          }
          await trx
            .updateTable('unbondings')
            .set({ released_at: sql<Date>`now()` })
            .where('id', '=', unbonding.id)
            .execute();
        }
        return due.length;
      });
    },
    async latestClosedEpoch() {
      return (
        await db
          .selectFrom('epochs')
          .select('number')
          .where('closed_at', 'is not', null)
          .orderBy('number', 'desc')
          .limit(1)
          .executeTakeFirst()
      )?.number;
    },
    async currentEpoch() {
      return (
        await db
          .selectFrom('epochs')
          .select('number')
          .where('closed_at', 'is', null)
          .orderBy('number')
          .limit(1)
          .executeTakeFirst()
      )?.number;
    },
    async listEpochs(limit) {
      return (await db.selectFrom('epochs').selectAll().orderBy('number', 'desc').limit(limit).execute()).map(toEpoch);
    },
    async findEpoch(number) {
      const row = await db.selectFrom('epochs').selectAll().where('number', '=', number).executeTakeFirst();
      return row && toEpoch(row);
    },
  };
}
