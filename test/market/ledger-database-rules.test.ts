// The database itself refuses what the ledger rules forbid, whatever the application code does: an unbalanced
// transaction, a negative balance, and changing a written entry.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/adapters/sql/open-database.ts';
import { startTestMarket, type TestMarket } from '../support/test-market.ts';

let market: TestMarket;
let database: Database;

beforeAll(async () => {
  market = await startTestMarket({ builtinHosts: 0 });
  await market.close();
  database = await openDatabase(
    market.databaseUrl ? { url: market.databaseUrl } : { dataDir: `${market.dataDir}/pgdata` },
  );
  await database.db.insertInto('accounts').values({ id: 'a1', name: 'a' }).execute();
  await database.db
    .insertInto('ledger_accounts')
    .values([{ id: 'a1:credits', owner_id: 'a1', kind: 'credits' }])
    .execute();
});
afterAll(async () => {
  await database.close();
  await market.stop().catch(() => undefined);
});

const entry = async (key: string, rows: Array<[string, bigint]>) =>
  database.db.transaction().execute(async (trx) => {
    const tx = await trx
      .insertInto('ledger_transactions')
      .values({ idempotency_key: key, kind: 'test' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('ledger_entries')
      .values(rows.map(([account, amount]) => ({ transaction_id: tx.id, ledger_account_id: account, amount })))
      .execute();
  });

describe('ledger rules in the database', () => {
  it('commits a balanced transaction and refuses an unbalanced one', async () => {
    await entry('ok', [
      ['market:funding', -500n],
      ['a1:credits', 500n],
    ]);
    await expect(
      entry('unbalanced', [
        ['market:funding', -500n],
        ['a1:credits', 400n],
      ]),
    ).rejects.toThrow(/LEDGER_UNBALANCED/);
    const credits = await database.db
      .selectFrom('ledger_accounts')
      .select('balance')
      .where('id', '=', 'a1:credits')
      .executeTakeFirstOrThrow();
    expect(credits.balance).toBe(500n);
  });

  it('refuses a transaction that would make a balance negative', async () => {
    await expect(
      entry('overdraft', [
        ['a1:credits', -501n],
        ['market:platform_fees', 501n],
      ]),
    ).rejects.toThrow(/ledger_balance_not_negative/);
  });

  it('refuses to change or delete a written entry', async () => {
    await expect(sql`update ledger_entries set amount = 1`.execute(database.db)).rejects.toThrow(/LEDGER_APPEND_ONLY/);
    await expect(sql`delete from ledger_entries`.execute(database.db)).rejects.toThrow(/LEDGER_APPEND_ONLY/);
  });
});
