// PGlite owned by a worker thread answers as PGlite in this thread does: the same values (int8 as bigint, dates,
// bytes, json, null), the same errors with their PostgreSQL code and fields, the rows a write touched, one
// transaction at a time through the dialect, and what was written is there after a close and a reopen.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { messages } from '@electric-sql/pglite';
import { Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMarketPGlite } from './pglite-cluster.ts';
import { pgliteDialect, type PGliteSession } from './pglite-dialect.ts';
import { openPGliteOnWorker } from './pglite-worker-session.ts';

const root = mkdtempSync(join(tmpdir(), 'agora-pglite-worker-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const SCHEMA = [
  'create table t (id int primary key, amount int8 not null, at timestamptz, bytes bytea, doc jsonb, note text)',
  `create function refuse() returns trigger language plpgsql as $$
    begin raise exception 'LEDGER_UNBALANCED: refused' using errcode = '40001'; end $$`,
  'create table refused (id int)',
  'create trigger refuse before insert on refused for each row execute function refuse()',
];

/** What a failed statement threw, as the stores see it. */
async function thrown(work: Promise<unknown>): Promise<Record<string, unknown>> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('the statement did not fail');
  const { code, constraint, table, detail, severity } = error as Error & Record<string, unknown>;
  return {
    isDatabaseError: error instanceof messages.DatabaseError,
    message: error.message,
    code,
    constraint,
    table,
    detail,
    severity,
  };
}

/** Runs the same statements on a session and reports everything the market could observe. */
async function observe(session: PGliteSession) {
  const db = new Kysely<{ t: { id: number; amount: bigint } }>({ dialect: pgliteDialect(session) });
  for (const statement of SCHEMA) await session.query(statement, []);
  const bytes = Buffer.from([0, 1, 2, 255]);
  const inserted = await session.query(
    'insert into t values ($1, $2, $3, $4, $5, $6), (2, 5, null, null, null, null)',
    [1, 9_007_199_254_740_993n, new Date('2026-01-02T03:04:05.678Z'), bytes, { a: [1, 'two', null] }, null],
  );
  const rows = (await session.query('select * from t order by id', [])).rows;
  const updated = await db.updateTable('t').set({ amount: 7n }).where('id', '=', 99).executeTakeFirst();
  const unique = await thrown(session.query('insert into t (id, amount) values (1, 1)', []));
  const raised = await thrown(session.query('insert into refused values (1)', []));
  const syntax = await thrown(session.query('selec 1', []));
  const after = (await session.query('select count(*) as n from t', [])).rows;
  await db.destroy();
  return { affected: inserted.affectedRows, rows, updated: updated.numUpdatedRows, unique, raised, syntax, after };
}

describe('PGlite on a worker thread', () => {
  it('returns the values and the errors PGlite in this thread returns', async () => {
    const here = await observe(await openMarketPGlite('memory://', undefined));
    const there = await observe(await openPGliteOnWorker('memory://', undefined));
    expect(there).toEqual(here);
    expect(there.rows[0]).toMatchObject({ amount: 9_007_199_254_740_993n, doc: { a: [1, 'two', null] } });
    expect((there.rows[0] as { at: unknown }).at).toBeInstanceOf(Date);
    expect((there.rows[0] as { bytes: unknown }).bytes).toEqual(new Uint8Array([0, 1, 2, 255]));
    expect((there.rows[1] as { amount: unknown }).amount).toBe(5n);
    expect(there.unique).toMatchObject({ isDatabaseError: true, code: '23505', constraint: 't_pkey' });
    expect(there.raised).toMatchObject({ code: '40001', message: 'LEDGER_UNBALANCED: refused' });
  });

  describe('through the dialect', () => {
    let db: Kysely<{ t: { id: number; v: number } }>;
    beforeAll(async () => {
      db = new Kysely({ dialect: pgliteDialect(await openPGliteOnWorker('memory://', undefined)) });
      await sql`create table t (id int primary key, v int not null)`.execute(db);
    });
    afterAll(() => db.destroy());

    it('runs concurrent transactions one after the other, and a failed one rolls back', async () => {
      await db.insertInto('t').values({ id: 1, v: 0 }).execute();
      const increment = () =>
        db.transaction().execute(async (trx) => {
          const { v } = await trx.selectFrom('t').select('v').where('id', '=', 1).executeTakeFirstOrThrow();
          await new Promise((resolve) => setImmediate(resolve));
          await trx
            .updateTable('t')
            .set({ v: v + 1 })
            .where('id', '=', 1)
            .execute();
        });
      const failing = db.transaction().execute(async (trx) => {
        await trx.updateTable('t').set({ v: 1_000 }).where('id', '=', 1).execute();
        await trx.insertInto('t').values({ id: 1, v: 0 }).execute();
      });
      await Promise.all([...Array.from({ length: 10 }, increment), expect(failing).rejects.toThrow(/duplicate key/)]);
      expect((await db.selectFrom('t').select('v').where('id', '=', 1).executeTakeFirstOrThrow()).v).toBe(10);
    });
  });

  it('refuses a parameter that cannot cross to the thread, and goes on serving', async () => {
    const session = await openPGliteOnWorker('memory://', undefined);
    await expect(session.query('select $1::text as v', [() => 'a function'])).rejects.toThrow(/could not be cloned/);
    expect((await session.query('select 1 as one', [])).rows).toEqual([{ one: 1 }]);
    await session.close();
  });

  it('keeps what was written across a close and a reopen of the data directory', async () => {
    const dataDir = join(root, 'durable');
    const first = await openPGliteOnWorker(dataDir, undefined);
    await first.query('create table kept (id int8)', []);
    await first.query('insert into kept values (42)', []);
    await first.close();
    await expect(first.query('select 1', [])).rejects.toThrow(/stopped/);
    const second = await openPGliteOnWorker(dataDir, undefined);
    expect((await second.query('select id from kept', [])).rows).toEqual([{ id: 42n }]);
    await second.close();
  });

  it('a data directory that cannot be opened fails the open, with PGlite’s error', async () => {
    const notADirectory = join(root, 'a-file');
    writeFileSync(notADirectory, 'not a database');
    await expect(openPGliteOnWorker(notADirectory, undefined)).rejects.toThrow();
  });
});
