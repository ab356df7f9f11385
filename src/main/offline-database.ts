// Operator commands that work on a stopped market's data: backup, restore, the ledger check and resetting the operator key. They
// open the database themselves, so they refuse a data directory whose market is running (PGlite has one owner).
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { resetOperatorKey } from '../app/admin/account-admin.ts';
import { readSecretFile, writeSecretFile } from '../adapters/keys/secret-files.ts';
import { lockDataDir } from '../adapters/sql/data-dir-lock.ts';
import { createKyselyMarketStore } from '../adapters/sql/kysely-market-store.ts';
import { createKyselyEconomicsStore } from '../adapters/sql/kysely-economics-store.ts';
import type { LedgerCheck } from '../app/economics/economics-store.ts';
import {
  dumpTables,
  isTableName,
  restoreTables,
  RestoreRefused,
  type BackupHeader,
  type BackupRow,
  type TableName,
} from '../adapters/sql/logical-backup.ts';
import { hasEmbeddedDatabase, MarketNotFound, openDatabase, type Database } from '../adapters/sql/open-database.ts';
import { cryptoIds, userCacheDir } from './system-ports.ts';

export type MarketData = { dataDir: string; databaseUrl?: string | undefined };

/** The data-directory secrets a market needs again after a restore. */
const SECRET_FILES = ['operator.key', 'demo.key'];
/**
 * The built-in hosts' identities (`hosts/host-N/host.key`, Ed25519 private keys): restored, the same hosts come
 * back, with their earnings, bonds and reputation, instead of new hosts registering beside the old ones.
 */
const HOST_KEY = /^hosts\/[\w-]+\/host\.key$/;
const isSecretFile = (file: string): boolean => SECRET_FILES.includes(file) || HOST_KEY.test(file);

async function secretFilesIn(dataDir: string): Promise<string[]> {
  const hosts = await readdir(join(dataDir, 'hosts'), { withFileTypes: true }).catch(() => []);
  const hostKeys = hosts.filter((entry) => entry.isDirectory()).map((entry) => `hosts/${entry.name}/host.key`);
  return [...SECRET_FILES, ...hostKeys.filter((file) => HOST_KEY.test(file)).sort()];
}

/**
 * Opens a stopped market's database for offline work. Only `create` (a restore) may make a new one: anything else
 * refuses a data directory or database that holds no market, with nothing created (a mistyped path is not a market).
 */
export async function withDatabase<T>(
  data: MarketData,
  work: (database: Database, dataDir: string) => Promise<T>,
  { create = false } = {},
): Promise<T> {
  const dataDir = resolve(data.dataDir);
  if (!create && !data.databaseUrl && !hasEmbeddedDatabase(join(dataDir, 'pgdata'))) {
    throw new MarketNotFound(
      `no market in ${dataDir}: it holds no database (check --data-dir, or --database-url for a PostgreSQL market; \`agora start\` or \`agora restore\` creates one)`,
    );
  }
  if (create) await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const unlock = data.databaseUrl ? () => undefined : lockDataDir(dataDir);
  try {
    const database = await openDatabase(
      data.databaseUrl ? { url: data.databaseUrl } : { dataDir: join(dataDir, 'pgdata'), templateDir: userCacheDir() },
      { mustExist: !create },
    );
    try {
      // A PostgreSQL market's key files live in the data directory: made once the database proved to be a market.
      await mkdir(dataDir, { recursive: true, mode: 0o700 });
      return await work(database, dataDir);
    } finally {
      await database.close();
    }
  } finally {
    unlock();
  }
}

/** Replaces the operator key offline (the old one stops working) and writes the new one to operator.key. */
export async function resetOperatorKeyOffline(data: MarketData): Promise<{ key: string; path: string }> {
  return withDatabase(data, async (database, dataDir) => {
    const key = await resetOperatorKey({ store: createKyselyMarketStore(database.db), ids: cryptoIds });
    const path = join(dataDir, 'operator.key');
    await writeSecretFile(path, key);
    return { key, path };
  });
}

type Line =
  BackupHeader | { table: TableName; row: BackupRow } | { file: string; content: string } | { end: true; rows: number };

/**
 * Writes a gzip'd JSON-lines backup: a header, every row, the key files, and an end line (a file without it is
 * truncated and is refused). Written beside the target and renamed, so a failed backup never looks complete.
 */
export async function backupMarket(
  data: MarketData,
  out: string,
  progress: (table: string, rows: number) => void,
): Promise<{ rows: number; path: string }> {
  const path = resolve(out);
  const partial = `${path}.partial`;
  return withDatabase(data, async (database, dataDir) => {
    const gzip = createGzip();
    const written = pipeline(gzip, createWriteStream(partial, { mode: 0o600 }));
    const write = async (line: Line) => {
      if (!gzip.write(`${JSON.stringify(line)}\n`)) await new Promise((done) => gzip.once('drain', done));
    };
    try {
      const counts = await dumpTables(database.db, write, (table, row) => write({ table, row }));
      for (const file of await secretFilesIn(dataDir)) {
        const content = await readSecretFile(join(dataDir, file));
        if (content) await write({ file, content });
      }
      const rows = Object.values(counts).reduce((a, b) => a + b, 0);
      await write({ end: true, rows });
      gzip.end();
      await written;
      await rename(partial, path);
      for (const [table, n] of Object.entries(counts)) progress(table, n);
      return { rows, path };
    } catch (error) {
      gzip.destroy();
      await written.catch(() => undefined);
      await rm(partial, { force: true });
      throw error;
    }
  });
}

async function* backupLines(file: string): AsyncGenerator<Line> {
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  for await (const line of lines) if (line.trim() !== '') yield JSON.parse(line) as Line;
}

/** Restores a backup into an unused database (a new data directory, or an empty PostgreSQL database). */
export async function restoreMarket(
  data: MarketData,
  from: string,
  progress: (table: string, rows: number) => void,
): Promise<{ rows: number }> {
  const lines = backupLines(resolve(from));
  const first = await lines.next().catch(() => ({ value: undefined }));
  const header = first.value;
  if (!header || !('format' in header) || header.format !== 'agora-backup' || header.version !== 1)
    throw new RestoreRefused(`${from} is not an Agora backup`);
  const files: Array<{ file: string; content: string }> = [];
  let end: { rows: number } | undefined;
  async function* rows(): AsyncGenerator<[TableName, BackupRow]> {
    let seen = 0;
    for await (const line of lines) {
      if ('table' in line && isTableName(line.table)) {
        seen += 1;
        yield [line.table, line.row];
      } else if ('file' in line && isSecretFile(line.file)) files.push(line);
      else if ('end' in line) end = line;
    }
    if (end?.rows !== seen)
      throw new RestoreRefused(
        `${from} is truncated or damaged (${seen} rows, the end line says ${end?.rows ?? 'nothing'}); nothing was restored`,
      );
  }
  return withDatabase(
    data,
    async (database, dataDir) => {
      const counts = await restoreTables(database.db, header, rows());
      for (const { file, content } of files) {
        await mkdir(dirname(join(dataDir, file)), { recursive: true, mode: 0o700 });
        await writeSecretFile(join(dataDir, file), content);
      }
      for (const [table, n] of Object.entries(counts)) progress(table, n);
      return { rows: end?.rows ?? 0 };
    },
    { create: true },
  );
}

/** Reconciles a stopped market's ledger: balances against entries, every transaction, every closed epoch's report. */
export function checkLedgerOffline(data: MarketData): Promise<LedgerCheck> {
  return withDatabase(data, (database) => createKyselyEconomicsStore(database.db).checkLedger());
}

export { MarketNotFound, RestoreRefused };
