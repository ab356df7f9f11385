// Opening an embedded PGlite database. A new data directory starts from a copy of an empty, initialised cluster
// rather than running initdb, which costs about 4 s of CPU on these 2-core machines — most of a first start or a
// restore. The copy is taken once per PGlite version, right after the first initdb, and kept in the user's cache
// directory (docs/decisions/016-startup-and-offline-speed.md); it holds no market data (the migrations run on every new
// database as before), and one that is damaged or fails to load is thrown away and initdb runs instead.
import { PGlite, types, type PGliteOptions } from '@electric-sql/pglite';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The installed PGlite's version: a cluster is only valid for the PGlite (and so the PostgreSQL) that made it. */
function pgliteVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const manifest = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

/** Cached clusters are named after the PGlite version and their content's hash, so a damaged one is never loaded. */
const templatePrefix = (): string => `pglite-${pgliteVersion()}-cluster-`;
const contentHash = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex').slice(0, 16);

/** The cached cluster's bytes, if a sound one is there; damaged or partial files are removed. */
async function loadTemplate(templateDir: string): Promise<{ file: string; bytes: Buffer } | undefined> {
  const prefix = templatePrefix();
  const names = (await readdir(templateDir).catch(() => [])).filter(
    (name) => name.startsWith(prefix) && name.endsWith('.tar.gz'),
  );
  for (const name of names) {
    const file = join(templateDir, name);
    const bytes = await readFile(file);
    if (name === `${prefix}${contentHash(bytes)}.tar.gz`) return { file, bytes };
    await rm(file, { force: true });
  }
  return undefined;
}

/** Caches this new, empty cluster for the next new database (0600 in a 0700 folder). */
export async function saveTemplate(client: PGlite, templateDir: string): Promise<void> {
  await mkdir(templateDir, { recursive: true, mode: 0o700 });
  const bytes = Buffer.from(await (await client.dumpDataDir('gzip')).arrayBuffer());
  // Written beside it and renamed: two processes making it at once each write a whole file.
  const partial = join(templateDir, `${process.pid}.partial`);
  try {
    await writeFile(partial, bytes, { mode: 0o600 });
    await rename(partial, join(templateDir, `${templatePrefix()}${contentHash(bytes)}.tar.gz`));
  } finally {
    await rm(partial, { force: true });
  }
}

/** A data directory PGlite has not initialised yet: missing, or an empty folder. */
const isUnused = async (dataDir: string): Promise<boolean> => (await readdir(dataDir).catch(() => [])).length === 0;

/**
 * `templateDir`: where the empty cluster is kept; without one, a new data directory runs initdb as PGlite does.
 * A data directory already in use opens as it is.
 */
export async function openPGlite(
  dataDir: string,
  templateDir: string | undefined,
  options: Pick<PGliteOptions, 'parsers'>,
): Promise<PGlite> {
  if (templateDir === undefined || !(await isUnused(dataDir))) return PGlite.create({ dataDir, ...options });
  const template = await loadTemplate(templateDir);
  if (template) {
    try {
      return await PGlite.create({ dataDir, loadDataDir: new Blob([template.bytes]), ...options });
    } catch {
      // Only what this call just unpacked is removed: the folder was unused.
      await rm(template.file, { force: true });
      await rm(dataDir, { recursive: true, force: true });
    }
  }
  const client = await PGlite.create({ dataDir, ...options });
  // The cache is an optimisation: a read-only or full disk only means the next new database runs initdb too.
  await saveTemplate(client, templateDir).catch(() => undefined);
  return client;
}

/** The market's embedded database: PGlite returns small int8 values as JS numbers by default; money must be bigint. */
export const openMarketPGlite = (dataDir: string, templateDir: string | undefined): Promise<PGlite> =>
  openPGlite(dataDir, templateDir, { parsers: { [types.INT8]: (value: string) => BigInt(value) } });
