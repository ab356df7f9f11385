// Every test market starts from a database that is already migrated, made once per run by the global setup: the
// migrations cost about 3 s of CPU per new PGlite database (more than the rest of a market's start), and the suite
// starts dozens. The migrations still run once per run, here, on each database kind.
// - PGlite: a migrated cluster is left where the product looks for its cached empty cluster (pglite-cluster.ts), under
//   an XDG_CACHE_HOME of this run's own, which the test workers and every `agora` process they spawn inherit. A new
//   data directory loads it, finds this version's migrations there and skips the migrator, as a restart does.
// - PostgreSQL: a migrated database that startTestMarket's databases are created from (CREATE DATABASE … TEMPLATE).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase } from '../../src/adapters/sql/open-database.ts';
import { openMarketPGlite, saveTemplate } from '../../src/adapters/sql/pglite-cluster.ts';
import { userCacheDir } from '../../src/main/system-ports.ts';

export const MIGRATED_POSTGRES_TEMPLATE = 'agora_migrated';

/** Sets XDG_CACHE_HOME to a new folder holding a migrated cluster; returns what removes it. */
export async function useMigratedPGliteCluster(): Promise<() => void> {
  const home = mkdtempSync(join(tmpdir(), 'agora-test-cache-'));
  const dataDir = join(home, 'pgdata');
  // From the user's own cached empty cluster (initdb where there is none yet), as any new market would.
  await (await openDatabase({ dataDir, templateDir: userCacheDir(), thread: 'main' })).close();
  const client = await openMarketPGlite(dataDir, undefined);
  await saveTemplate(client, join(home, 'agora'));
  await client.close();
  rmSync(dataDir, { recursive: true, force: true });
  process.env.XDG_CACHE_HOME = home;
  return () => rmSync(home, { recursive: true, force: true });
}

/** Creates the migrated template database on the test server (`serverUrl`, without a database name). */
export async function createMigratedPostgresTemplate(serverUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: `${serverUrl}/postgres` });
  await admin.connect();
  await admin.query(`create database ${MIGRATED_POSTGRES_TEMPLATE}`);
  await admin.end();
  // Closed before any copy is made: PostgreSQL copies a template only while nobody is connected to it.
  await (await openDatabase({ url: `${serverUrl}/${MIGRATED_POSTGRES_TEMPLATE}` })).close();
}
