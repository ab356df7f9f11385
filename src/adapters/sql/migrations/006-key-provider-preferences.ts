// A key's standing provider preferences (OpenRouter style), as the buyer wrote them: every request made with the
// key starts from them.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table api_keys add column provider_preferences jsonb`.execute(db);
}
