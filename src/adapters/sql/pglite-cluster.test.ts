// A new embedded database starts from the cached cluster when there is one, makes the cache when there is none,
// replaces a cache that does not load, and never lays the cluster over an existing data directory.
import { PGlite } from '@electric-sql/pglite';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPGlite, saveTemplate } from './pglite-cluster.ts';

const root = mkdtempSync(join(tmpdir(), 'agora-cluster-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const hasMarker = async (client: PGlite) =>
  (await client.query<{ found: boolean }>(`select to_regclass('marker') is not null as found`)).rows[0]?.found;

describe('the cached empty cluster', () => {
  const templateDir = join(root, 'cache');
  const cached = () => readdirSync(templateDir).filter((f) => /^pglite-.+-cluster-[0-9a-f]+\.tar\.gz$/.test(f));

  it('the first new database runs initdb and leaves its cluster in the cache (0600); the next starts from it', async () => {
    const first = await openPGlite(join(root, 'first'), templateDir, {});
    // A table made after the cache was taken: a database started from the cache must not have it.
    await first.exec('create table after_cache (id int)');
    await first.close();
    expect(cached()).toHaveLength(1);
    expect(statSync(join(templateDir, cached()[0]!)).mode & 0o777).toBe(0o600);

    // Mark the cached cluster, so a database that starts from it shows it did.
    const marked = await PGlite.create({ dataDir: join(root, 'marked') });
    await marked.exec('create table marker (id int)');
    rmSync(join(templateDir, cached()[0]!));
    await saveTemplate(marked, templateDir);
    await marked.close();
    expect(cached()).toHaveLength(1);

    const second = await openPGlite(join(root, 'second'), templateDir, {});
    expect(await hasMarker(second)).toBe(true);
    expect((await second.query(`select to_regclass('after_cache') is null as absent`)).rows).toEqual([
      { absent: true },
    ]);
    await second.close();
  });

  it('an existing data directory opens as it is, not from the cache', async () => {
    const reopened = await openPGlite(join(root, 'first'), templateDir, {});
    expect(await hasMarker(reopened)).toBe(false);
    expect((await reopened.query(`select to_regclass('after_cache') is not null as present`)).rows).toEqual([
      { present: true },
    ]);
    await reopened.close();
  });

  it('a damaged cache is not loaded: it is replaced, and the new database runs initdb', async () => {
    const damaged = cached()[0]!;
    writeFileSync(join(templateDir, damaged), 'not a cluster');
    const fresh = await openPGlite(join(root, 'after-damage'), templateDir, {});
    expect(await hasMarker(fresh)).toBe(false);
    expect((await fresh.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    await fresh.close();
    expect(cached()).toHaveLength(1);
    expect(cached()[0]).not.toBe(damaged);
  });
});
