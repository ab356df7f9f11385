// Opens the market's database: a real PostgreSQL server when a URL is given, else embedded PGlite in a data
// directory. Both return int8 as bigint, and both run the same migrations on open (safe to re-run).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, Migrator, PostgresDialect, sql, type Migration } from 'kysely';
import pg from 'pg';
import * as initial from './migrations/001-initial.ts';
import * as keyRateLimits from './migrations/002-key-rate-limits.ts';
import * as hostAgents from './migrations/003-host-agents.ts';
import * as hostsInService from './migrations/004-hosts-in-service.ts';
import * as receiptsAndCapacity from './migrations/005-receipts-and-capacity.ts';
import * as keyProviderPreferences from './migrations/006-key-provider-preferences.ts';
import * as hostStrikes from './migrations/007-host-strikes.ts';
import * as verification from './migrations/008-verification.ts';
import * as economics from './migrations/009-economics.ts';
import * as consoleAndStatus from './migrations/010-console-and-status.ts';
import * as keyTreeLimits from './migrations/011-key-tree-limits.ts';
import * as statementLedgerTrigger from './migrations/012-statement-ledger-trigger.ts';
import * as hostLeaving from './migrations/019-host-leaving.ts';
import * as hostFormatCounts from './migrations/020-host-format-counts.ts';
import * as modelCapabilities from './migrations/021-model-capabilities.ts';
import * as storedResponses from './migrations/022-stored-responses.ts';
import * as usageClasses from './migrations/023-usage-classes.ts';
import * as modelVersions from './migrations/024-model-versions.ts';
import * as verificationProfiles from './migrations/026-verification-profiles.ts';
import * as seedEvidence from './migrations/027-seed-evidence.ts';
import * as governance from './migrations/028-governance.ts';
import * as pooledEvidence from './migrations/029-pooled-evidence.ts';
import * as governanceDelegation from './migrations/029b-governance-delegation.ts';
import { openMarketPGlite } from './pglite-cluster.ts';
import { pgliteDialect } from './pglite-dialect.ts';
import { openPGliteOnWorker } from './pglite-worker-session.ts';
import type { Schema } from './schema.ts';

export type DatabaseKind = 'pglite' | 'postgres';
export type Database = { db: Kysely<Schema>; kind: DatabaseKind; close(): Promise<void> };
/**
 * Which thread runs an embedded database: the one that opens it, or a worker thread of its own, so its statements
 * stop competing with the requests (docs/decisions/019-pglite-on-a-worker-thread.md).
 */
export type EmbeddedDatabaseThread = 'main' | 'worker';
/** `templateDir`: where a new embedded database's initialised cluster is cached (pglite-cluster.ts). */
export type DatabaseLocation =
  { url: string } | { dataDir: string; templateDir?: string | undefined; thread?: EmbeddedDatabaseThread | undefined };

const MIGRATIONS: Record<string, Migration> = {
  '001-initial': initial,
  '002-key-rate-limits': keyRateLimits,
  '003-host-agents': hostAgents,
  '004-hosts-in-service': hostsInService,
  '005-receipts-and-capacity': receiptsAndCapacity,
  '006-key-provider-preferences': keyProviderPreferences,
  '007-host-strikes': hostStrikes,
  '008-verification': verification,
  '009-economics': economics,
  '010-console-and-status': consoleAndStatus,
  '011-key-tree-limits': keyTreeLimits,
  '012-statement-ledger-trigger': statementLedgerTrigger,
  '019-host-leaving': hostLeaving,
  '020-host-format-counts': hostFormatCounts,
  '021-model-capabilities': modelCapabilities,
  '022-stored-responses': storedResponses,
  '023-usage-classes': usageClasses,
  '024-model-versions': modelVersions,
  '026-verification-profiles': verificationProfiles,
  '027-seed-evidence': seedEvidence,
  '028-governance': governance,
  '029-pooled-evidence': pooledEvidence,
  // 029 was taken by pooled evidence when delegation landed: 029b sorts after it, as migrations must run in order.
  '029b-governance-delegation': governanceDelegation,
};

/**
 * Whether the database has exactly this version's migrations: two small reads, where the migrator takes its lock
 * table and a transaction on every open (about a second on PGlite). Anything else goes to the migrator, which
 * applies what is missing or refuses what it does not know.
 */
async function isMigrated(db: Kysely<Schema>): Promise<boolean> {
  const { rows: tables } = await sql<{
    known: boolean;
  }>`select to_regclass('kysely_migration') is not null as known`.execute(db);
  if (!tables[0]?.known) return false;
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return rows.map((r) => r.name).join() === Object.keys(MIGRATIONS).sort().join();
}

async function migrate(db: Kysely<Schema>): Promise<void> {
  if (await isMigrated(db)) return;
  const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) throw new Error(`DATABASE_MIGRATION_FAILED: ${failed?.migrationName ?? ''} ${String(error)}`);
}

/** An offline command pointed at a place that holds no market: nothing there was created or changed. */
export class MarketNotFound extends Error {}

/** A URL as it may be shown: without its password. */
const displayUrl = (url: string): string => {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
};

/** Whether a PGlite data directory holds a database (every PostgreSQL data directory has PG_VERSION); opens nothing. */
export const hasEmbeddedDatabase = (pgdataDir: string): boolean => existsSync(join(pgdataDir, 'PG_VERSION'));

const whereIs = (location: DatabaseLocation): string =>
  'url' in location ? `the database ${displayUrl(location.url)}` : location.dataDir;

/** Refuses a database without the market's schema (its migrations table), so nothing is created in it. */
async function requireMarketSchema(db: Kysely<Schema>, location: DatabaseLocation): Promise<void> {
  let migrations: string | null | undefined;
  try {
    migrations = (
      await sql<{ migrations: string | null }>`select to_regclass('kysely_migration')::text as migrations`.execute(db)
    ).rows[0]?.migrations;
  } catch (error) {
    await db.destroy();
    throw new MarketNotFound(`cannot open ${whereIs(location)}: ${(error as Error).message}`);
  }
  if (migrations) return;
  await db.destroy();
  throw new MarketNotFound(
    `no market in ${whereIs(location)}: it has no Agora tables (\`agora start\` or \`agora restore\` creates a market)`,
  );
}

export type OpenOptions = {
  /** open only a market that exists (offline commands): never create a database or the schema in an empty one */
  mustExist?: boolean;
};

export async function openDatabase(location: DatabaseLocation, options: OpenOptions = {}): Promise<Database> {
  if (options.mustExist && 'dataDir' in location && !hasEmbeddedDatabase(location.dataDir)) {
    throw new MarketNotFound(
      `no market in ${location.dataDir}: it holds no database (\`agora start\` or \`agora restore\` creates a market)`,
    );
  }
  if ('url' in location) {
    const pool = new pg.Pool({
      connectionString: location.url,
      max: 10,
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === 20 ? BigInt : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
      },
    });
    const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
    if (options.mustExist) await requireMarketSchema(db, location);
    await migrate(db);
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  const client =
    location.thread === 'worker'
      ? await openPGliteOnWorker(location.dataDir, location.templateDir)
      : await openMarketPGlite(location.dataDir, location.templateDir);
  const db = new Kysely<Schema>({ dialect: pgliteDialect(client) });
  if (options.mustExist) await requireMarketSchema(db, location);
  await migrate(db);
  return { db, kind: 'pglite', close: () => db.destroy() };
}
