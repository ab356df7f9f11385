// Responses kept for the buyer who asked (`store: true` on /v1/responses): per account, with the conversation each
// one answered, until the buyer deletes it (decision 025).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table stored_responses (
      id text primary key,
      account_id text not null references accounts(id),
      key_id text not null,
      created_at timestamptz not null,
      input jsonb not null,
      response jsonb not null
    )`.execute(db);
  await sql`create index stored_responses_account on stored_responses (account_id, created_at)`.execute(db);
}
