// A logical copy of the market's tables, the same for PGlite and PostgreSQL, so one backup restores into either:
// rows as JSON with every number as an exact decimal string (int8 money never passes through a JS number).
// Restoring replays the ledger entries into zero balances and checks every balance against the backup.
import { sql, type Kysely } from 'kysely';
import type { Schema } from './schema.ts';

/** Parents before children, so every foreign key finds its row. */
const TABLES = [
  ['accounts', 'id'],
  ['ledger_accounts', 'id'],
  ['ledger_transactions', 'id'],
  ['ledger_entries', 'transaction_id, ledger_account_id'],
  ['api_keys', 'created_at, id'],
  ['key_daily_spend', 'key_id, day'],
  ['budget_leases', 'id'],
  ['hosts', 'id'],
  ['models', 'id'],
  ['model_hosts', 'model_id, host_id'],
  ['model_versions', 'model_id, version'],
  ['probe_runs', 'ran_at, id'],
  ['verification_profiles', 'model_id, engine_kind, hardware_class'],
  ['host_maintenance', 'id'],
  ['host_capacity', 'host_id, model_id'],
  ['host_format_counts', 'host_id, model_id, outcome'],
  ['usage_records', 'created_at, request_id'],
  ['model_pricing', 'model_id'],
  ['price_history', 'id'],
  ['epochs', 'number'],
  ['topups', 'created_at, id'],
  ['payouts', 'created_at, id'],
  ['unbondings', 'id'],
  ['slashes', 'id'],
  ['verification_checks', 'created_at, id'],
  ['verification_samples', 'served_at, request_id'],
  ['host_model_trust', 'host_id, model_id'],
  ['convictions', 'created_at, id'],
  ['disputes', 'created_at, id'],
  ['appeals', 'created_at, id'],
  ['traffic_samples', 'started_at, model_id, instance_id'],
  ['incidents', 'opened_at, id'],
  ['incident_updates', 'created_at, id'],
  ['settings', 'key'],
  ['stored_responses', 'created_at, id'],
  ['market_parameters', 'name'],
  ['governance_epochs', 'epoch'],
  ['governance_checkpoints', 'epoch, account_id'],
  ['governance_proposals', 'created_at, id'],
  ['governance_votes', 'proposal_id, voter_account_id'],
  ['governance_events', 'id'],
  ['governance_delegations', 'delegator_account_id'],
] as const;

export type TableName = (typeof TABLES)[number][0];
export type BackupRow = Record<string, unknown>;
export type BackupHeader = { format: 'agora-backup'; version: 1; migrations: string[] };

const PAGE = 2_000;
const tableNames = new Set<string>(TABLES.map(([name]) => name));
export const isTableName = (name: string): name is TableName => tableNames.has(name);

async function appliedMigrations(db: Kysely<Schema>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return rows.map((r) => r.name);
}

/** Every row of every table from one consistent snapshot (a repeatable-read transaction). */
export async function dumpTables(
  db: Kysely<Schema>,
  emit: (header: BackupHeader) => Promise<void>,
  emitRow: (table: TableName, row: BackupRow) => Promise<void>,
): Promise<Record<TableName, number>> {
  const counts = Object.fromEntries(TABLES.map(([table]) => [table, 0])) as Record<TableName, number>;
  await db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      await emit({ format: 'agora-backup', version: 1, migrations: await appliedMigrations(trx) });
      for (const [table, orderBy] of TABLES) {
        for (let offset = 0; ; offset += PAGE) {
          const { rows } = await sql<{ row: string }>`
          select (select json_object_agg(key, case json_typeof(value) when 'number' then to_json(value #>> '{}') else value end)
                  from json_each(to_json(t)))::text as row
          from ${sql.table(table)} t order by ${sql.raw(orderBy)} limit ${PAGE} offset ${offset}`.execute(trx);
          for (const { row } of rows) await emitRow(table, JSON.parse(row) as BackupRow);
          counts[table] += rows.length;
          if (rows.length < PAGE) break;
        }
      }
    });
  return counts;
}

export class RestoreRefused extends Error {}

/**
 * Loads a backup into a freshly migrated, unused database in one transaction: anything wrong (another schema
 * version, a database already in use, a truncated file, a balance that does not replay) leaves it untouched.
 */
export async function restoreTables(
  db: Kysely<Schema>,
  header: BackupHeader,
  rows: AsyncIterable<[TableName, BackupRow]>,
): Promise<Record<TableName, number>> {
  const counts = Object.fromEntries(TABLES.map(([table]) => [table, 0])) as Record<TableName, number>;
  await db.transaction().execute(async (trx) => {
    const migrations = await appliedMigrations(trx);
    if (migrations.join() !== header.migrations.join()) {
      throw new RestoreRefused(
        `the backup's schema (${header.migrations.join(', ')}) is not this version's (${migrations.join(', ')})`,
      );
    }
    const { rows: used } = await sql<{
      n: string;
    }>`select (select count(*) from ledger_transactions) + (select count(*) from api_keys) as n`.execute(trx);
    if (BigInt(used[0]?.n ?? 0) > 0n)
      throw new RestoreRefused(
        'the target database is already in use (it has keys or ledger transactions); restore into a new one',
      );
    for (const [table] of [...TABLES].reverse()) await sql`delete from ${sql.table(table)}`.execute(trx);

    // Balances are replayed from the entries (the ledger trigger adds each one), with the non-negative rule
    // relaxed until the end: the entries' commit order is not recorded, only the final balances must hold.
    const expected = new Map<string, { balance: string; allowNegative: boolean }>();
    const batches = new Map<TableName, BackupRow[]>();
    const insert = async (table: TableName, batch: BackupRow[]) => {
      await sql`insert into ${sql.table(table)} select * from json_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(batch)}::json)`.execute(
        trx,
      );
      counts[table] += batch.length;
    };
    let current: TableName | undefined;
    const flush = async (table: TableName) => {
      const batch = batches.get(table) ?? [];
      batches.delete(table);
      if (table === 'api_keys') for (const layer of parentsFirst(batch)) await insert(table, layer);
      else if (batch.length > 0) await insert(table, batch);
    };
    for await (const [table, row] of rows) {
      if (current !== undefined && table !== current) await flush(current);
      current = table;
      if (table === 'ledger_accounts') {
        expected.set(String(row.id), { balance: String(row.balance), allowNegative: row.allow_negative === true });
        row.balance = '0';
        row.allow_negative = true;
      }
      const batch = batches.get(table) ?? [];
      // A transaction's entries go in one insert (the ledger trigger checks each statement's transactions balance):
      // a full batch of entries is written only where the next row starts another transaction.
      const full = batch.length >= 500 && table !== 'api_keys';
      if (full && (table !== 'ledger_entries' || batch.at(-1)?.transaction_id !== row.transaction_id)) {
        await flush(table);
        batches.set(table, [row]);
      } else {
        batch.push(row);
        batches.set(table, batch);
      }
    }
    if (current !== undefined) await flush(current);

    await sql`select setval(pg_get_serial_sequence('ledger_transactions', 'id'), coalesce(max(id), 0) + 1, false) from ledger_transactions`.execute(
      trx,
    );
    await sql`select setval(pg_get_serial_sequence('price_history', 'id'), coalesce(max(id), 0) + 1, false) from price_history`.execute(
      trx,
    );
    await sql`select setval(pg_get_serial_sequence('governance_events', 'id'), coalesce(max(id), 0) + 1, false) from governance_events`.execute(
      trx,
    );
    const { rows: replayed } = await sql<{
      id: string;
      balance: string;
    }>`select id, balance::text as balance from ledger_accounts`.execute(trx);
    for (const account of replayed) {
      const want = expected.get(account.id);
      if (want?.balance !== account.balance)
        throw new RestoreRefused(
          `ledger account ${account.id}: entries replay to ${account.balance}, the backup says ${want?.balance ?? 'nothing'}`,
        );
    }
    const strict = [...expected].filter(([, a]) => !a.allowNegative).map(([id]) => id);
    if (strict.length > 0)
      await sql`update ledger_accounts set allow_negative = false where id in (${sql.join(strict)})`.execute(trx);
  });
  return counts;
}

/** Keys in layers: each layer's parents are in an earlier one (sub-keys point at their parent key). */
function parentsFirst(keys: BackupRow[]): BackupRow[][] {
  const layers: BackupRow[][] = [];
  const placed = new Set<unknown>();
  let rest = keys;
  while (rest.length > 0) {
    const layer = rest.filter((k) => k.parent_key_id === null || placed.has(k.parent_key_id));
    if (layer.length === 0) throw new RestoreRefused('api_keys: a key names a parent that is not in the backup');
    layer.forEach((k) => placed.add(k.id));
    layers.push(layer);
    rest = rest.filter((k) => !layer.includes(k));
  }
  return layers;
}
