// The database itself refuses what the ledger rules forbid, whatever the application code does: an unbalanced
// transaction (also one split across statements, or one balanced only across assets), a negative balance, an unknown
// account, and changing a written entry.
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

type Rows = Array<[string, bigint]>;

/** Writes transactions in one database transaction; each inner list of transactions is one insert statement. */
const statements = async (key: string, parts: Rows[][]) =>
  database.db.transaction().execute(async (trx) => {
    let n = 0;
    for (const part of parts) {
      const values = [];
      for (const rows of part) {
        const tx = await trx
          .insertInto('ledger_transactions')
          .values({ idempotency_key: `${key}-${n++}`, kind: 'test' })
          .returning('id')
          .executeTakeFirstOrThrow();
        values.push(
          ...rows.map(([account, amount]) => ({ transaction_id: tx.id, ledger_account_id: account, amount })),
        );
      }
      await trx.insertInto('ledger_entries').values(values).execute();
    }
  });

const entry = (key: string, rows: Rows) => statements(key, [[rows]]);

const balance = async (account: string) =>
  (
    await database.db
      .selectFrom('ledger_accounts')
      .select('balance')
      .where('id', '=', account)
      .executeTakeFirstOrThrow()
  ).balance;

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
    expect(await balance('a1:credits')).toBe(500n);
  });

  it('refuses a transaction that balances only across assets: credits never become governance units', async () => {
    await expect(
      entry('credits-to-votes', [
        ['a1:credits', -100n],
        ['market:gov_treasury', 100n],
      ]),
    ).rejects.toThrow(/LEDGER_UNBALANCED.*(credit|governance_unit)/);
    await expect(
      database.db
        .insertInto('ledger_accounts')
        .values({ id: 'a1:gov_units', owner_id: 'a1', kind: 'gov_units' })
        .execute(),
    ).rejects.toThrow(/ledger_accounts_asset_kind/);
  });

  it('moves each account by the sum of its entries when one statement holds several transactions', async () => {
    const fees = await balance('market:platform_fees');
    await statements('several', [
      [
        [
          ['market:funding', -300n],
          ['a1:credits', 300n],
        ],
        [
          ['a1:credits', -200n],
          ['market:platform_fees', 200n],
        ],
      ],
    ]);
    expect(await balance('a1:credits')).toBe(600n);
    expect(await balance('market:platform_fees')).toBe(fees + 200n);
  });

  it('refuses a statement in which one of several transactions does not balance', async () => {
    await expect(
      statements('one-unbalanced', [
        [
          [
            ['market:funding', -300n],
            ['a1:credits', 300n],
          ],
          [
            ['a1:credits', -200n],
            ['market:platform_fees', 100n],
          ],
        ],
      ]),
    ).rejects.toThrow(/LEDGER_UNBALANCED/);
    expect(await balance('a1:credits')).toBe(600n);
  });

  it("refuses a transaction's entries split across statements, even when together they balance", async () => {
    await expect(statements('split', [[[['market:funding', -300n]]], [[['a1:credits', 300n]]]])).rejects.toThrow(
      /LEDGER_UNBALANCED/,
    );
    expect(await balance('a1:credits')).toBe(600n);
  });

  it('refuses an entry for an account that does not exist', async () => {
    await expect(
      entry('nowhere', [
        ['market:funding', -1n],
        ['nobody:credits', 1n],
      ]),
    ).rejects.toThrow(/foreign key/);
  });

  it('refuses a transaction that would make a balance negative', async () => {
    await expect(
      entry('overdraft', [
        ['a1:credits', -601n],
        ['market:platform_fees', 601n],
      ]),
    ).rejects.toThrow(/ledger_balance_not_negative/);
    expect(await balance('a1:credits')).toBe(600n);
  });

  it('refuses to change or delete a written entry', async () => {
    await expect(sql`update ledger_entries set amount = 1`.execute(database.db)).rejects.toThrow(/LEDGER_APPEND_ONLY/);
    await expect(sql`delete from ledger_entries`.execute(database.db)).rejects.toThrow(/LEDGER_APPEND_ONLY/);
  });
});
