// Kysely over PGlite reports the rows a write touched (stores decide by it: cancelling a maintenance window that is
// not there is a 404), and lends the one PGlite session to one transaction at a time.
import { PGlite } from '@electric-sql/pglite';
import { Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteDialect } from './pglite-dialect.ts';

type Tables = { t: { id: number; v: number } };

describe('the PGlite dialect', () => {
  let db: Kysely<Tables>;
  beforeAll(async () => {
    db = new Kysely<Tables>({ dialect: pgliteDialect(await PGlite.create()) });
    await sql`create table t (id int primary key, v int not null)`.execute(db);
  });
  afterAll(() => db.destroy());

  it('counts the rows an insert, update and delete touched', async () => {
    expect(
      (
        await db
          .insertInto('t')
          .values([
            { id: 1, v: 1 },
            { id: 2, v: 2 },
          ])
          .executeTakeFirst()
      ).numInsertedOrUpdatedRows,
    ).toBe(2n);
    expect((await db.updateTable('t').set({ v: 5 }).where('id', '=', 1).executeTakeFirst()).numUpdatedRows).toBe(1n);
    expect((await db.updateTable('t').set({ v: 5 }).where('id', '=', 99).executeTakeFirst()).numUpdatedRows).toBe(0n);
    expect((await db.deleteFrom('t').where('id', '=', 2).executeTakeFirst()).numDeletedRows).toBe(1n);
  });

  it('runs concurrent transactions one after the other, so their statements never interleave', async () => {
    await db.deleteFrom('t').execute();
    await db.insertInto('t').values({ id: 1, v: 0 }).execute();
    // Each reads, yields, then writes what it read plus one: interleaved on one session, increments would be lost.
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
    await Promise.all(Array.from({ length: 10 }, increment));
    expect((await db.selectFrom('t').select('v').where('id', '=', 1).executeTakeFirstOrThrow()).v).toBe(10);
  });
});
