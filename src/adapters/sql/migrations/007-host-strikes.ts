// Strikes on a host's scorecard: usage claims that were not the count of its own token ids.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table hosts add column strikes integer not null default 0 check (strikes >= 0)`.execute(db);
}
