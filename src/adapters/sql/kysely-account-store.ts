// Buyer accounts on SQL: an account and its two ledger accounts (credits, holds) are opened together; the operator's
// credit grants are planned in the domain (planCreditGrant) and written by the one ledger writer. Also the ledger's
// read side for reports: one balance, the sum of all, the balances per kind (SQL SUMs; no money moves here).
import type { Kysely } from 'kysely';
import type { AccountStore } from '../../app/admin/account-store.ts';
import type { LedgerReportStore } from '../../app/admin/ledger-report-store.ts';
import { ledgerAccount } from '../../domain/ledger/transaction.ts';
import { planCreditGrant } from '../../domain/money/credit-grant-plan.ts';
import type { Nanos } from '../../domain/money/nanos.ts';
import { ensureLedgerAccount, writeLedgerTransaction } from './ledger-writes.ts';
import type { Schema } from './schema.ts';

export function createKyselyLedgerReportStore(db: Kysely<Schema>): LedgerReportStore {
  return {
    async balanceOf(id: string): Promise<Nanos> {
      return (
        (await db.selectFrom('ledger_accounts').select('balance').where('id', '=', id).executeTakeFirst())?.balance ??
        0n
      );
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
        .select((eb) => [
          'kind',
          'asset',
          eb.fn.countAll<string>().as('accounts'),
          eb.fn.sum<string>('balance').as('balance'),
        ])
        .groupBy(['kind', 'asset'])
        .orderBy('kind')
        .execute();
      return rows.map((r) => ({
        kind: r.kind,
        asset: r.asset,
        accounts: Number(r.accounts),
        balance: BigInt(r.balance),
      }));
    },
  };
}

export function createKyselyAccountStore(db: Kysely<Schema>): AccountStore {
  const { balanceOf } = createKyselyLedgerReportStore(db);
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
  };
}
