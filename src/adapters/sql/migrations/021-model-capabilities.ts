// What a model is for: chat/text completions, embeddings, or both (`capabilities`), and for an embedding model the
// length of its vectors and whether `dimensions` may shorten them (`embedding`, null for other models). Every model
// listed before this migration is a chat model.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table models
      add column capabilities jsonb not null default '["chat"]'::jsonb,
      add column embedding jsonb`.execute(db);
}
