// Every usage record keeps the digests of the bytes the market exchanged with the host and, for host agents, the
// host's verified signature over them: evidence of what the host answered.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table usage_records
      add column request_digest text,
      add column response_digest text,
      add column host_signature text`.execute(db);
}
