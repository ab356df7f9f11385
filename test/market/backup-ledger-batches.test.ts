// A restore inserts ledger entries in batches of about 500, and the database checks that each insert statement's
// transactions balance (migration 012): a transaction whose entries straddle a batch boundary still restores whole.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dumpTables,
  restoreTables,
  type BackupHeader,
  type BackupRow,
  type TableName,
} from '../../src/adapters/sql/logical-backup.ts';
import { writeLedgerTransactions } from '../../src/adapters/sql/ledger-writes.ts';
import { openDatabase, type Database } from '../../src/adapters/sql/open-database.ts';
import { plannedTransaction } from '../../src/domain/ledger/transaction.ts';
import { planCreditGrant } from '../../src/domain/money/credit-grant-plan.ts';
import { freshPostgresDatabase, onPostgres } from '../support/test-market.ts';

const open = async () => openDatabase(onPostgres() ? { url: await freshPostgresDatabase() } : { dataDir: 'memory://' });

let source: Database;
let target: Database;
beforeAll(async () => {
  [source, target] = [await open(), await open()];
});
afterAll(async () => {
  await source.close();
  await target.close();
});

describe('restoring a ledger in batches', () => {
  it('keeps each transaction in one insert when its entries straddle a batch of 500', async () => {
    await source.db.insertInto('accounts').values({ id: 'a', name: 'a' }).execute();
    await source.db.insertInto('ledger_accounts').values({ id: 'a:credits', owner_id: 'a', kind: 'credits' }).execute();
    // One transaction of 3 entries, then 2-entry grants: entries 500 and 501 are one grant's.
    const first = plannedTransaction({
      idempotencyKey: 'three',
      kind: 'test',
      entries: [
        { account: 'market:funding', amount: -2n },
        { account: 'a:credits', amount: 1n },
        { account: 'market:treasury', amount: 1n },
      ],
    });
    const grants = Array.from({ length: 300 }, (_, i) => planCreditGrant('a', 1n, `grant-${i}`));
    await source.db.transaction().execute((trx) => writeLedgerTransactions(trx, [first, ...grants]));

    let header: BackupHeader | undefined;
    const rows: Array<[TableName, BackupRow]> = [];
    await dumpTables(
      source.db,
      async (h) => {
        header = h;
      },
      async (table, row) => {
        rows.push([table, row]);
      },
    );
    async function* replay() {
      yield* rows;
    }
    const counts = await restoreTables(target.db, header as BackupHeader, replay());

    expect(counts.ledger_entries).toBe(603);
    const restored = await target.db
      .selectFrom('ledger_accounts')
      .select('balance')
      .where('id', '=', 'a:credits')
      .executeTakeFirstOrThrow();
    expect(restored.balance).toBe(301n);
  });
});
