// The reconciliation of the whole ledger on SQL (`agora ledger check`, GET /admin/ledger/check): every balance
// against the sum of its entries, every transaction against zero, and every closed epoch's stored report against
// what the ledger and usage records say now. A read model: it moves no money.
import { sql, type Kysely } from 'kysely';
import type { LedgerCheck, LedgerCheckStore } from '../../app/economics/economics-store.ts';
import { epochFigures, loadedReport, reportMismatches } from './kysely-epoch-figures.ts';
import type { Schema } from './schema.ts';

export const createKyselyLedgerCheck = (db: Kysely<Schema>): LedgerCheckStore => ({
  async checkLedger() {
    const accounts = await db
      .selectFrom('ledger_accounts')
      .leftJoin('ledger_entries', 'ledger_entries.ledger_account_id', 'ledger_accounts.id')
      .select((eb) => [
        'ledger_accounts.id',
        'ledger_accounts.balance',
        'ledger_accounts.allow_negative',
        eb.fn.coalesce(eb.fn.sum<string>('ledger_entries.amount'), sql<string>`0`).as('entries'),
      ])
      .groupBy(['ledger_accounts.id', 'ledger_accounts.balance', 'ledger_accounts.allow_negative'])
      .execute();
    const unbalanced = await db
      .selectFrom('ledger_entries')
      .innerJoin('ledger_transactions', 'ledger_transactions.id', 'ledger_entries.transaction_id')
      .select('ledger_transactions.idempotency_key')
      .groupBy('ledger_transactions.idempotency_key')
      .having((eb) => eb.fn.sum('ledger_entries.amount'), '<>', 0)
      .execute();
    const transactions = await db
      .selectFrom('ledger_transactions')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    const epochs = await db
      .selectFrom('epochs')
      .selectAll()
      .where('closed_at', 'is not', null)
      .orderBy('number')
      .execute();
    const epochMismatches: LedgerCheck['epochMismatches'] = [];
    for (const epoch of epochs) {
      const stored = loadedReport(epoch.report);
      const misses = new Map(stored.hosts.map((h) => [h.hostId, h.misses]));
      epochMismatches.push(
        ...reportMismatches(epoch.number, stored, await epochFigures(db, epoch.starts_at, epoch.ends_at, misses)),
      );
    }
    return {
      driftedAccounts: accounts
        .filter((a) => a.balance !== BigInt(a.entries))
        .map((a) => ({ account: a.id, balance: a.balance, entries: BigInt(a.entries) })),
      sum: accounts.reduce((s, a) => s + BigInt(a.entries), 0n),
      negativeAccounts: accounts.filter((a) => a.balance < 0n && !a.allow_negative).map((a) => a.id),
      unbalancedTransactions: unbalanced.map((u) => u.idempotency_key),
      epochMismatches,
      epochsChecked: epochs.length,
      accountsChecked: accounts.length,
      transactionsChecked: Number(transactions.n),
    };
  },
});
