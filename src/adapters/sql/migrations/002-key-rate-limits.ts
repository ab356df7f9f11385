// Per-key rate limits (requests and tokens per minute); null means the market's default.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table api_keys add column rate_limit_rpm integer check (rate_limit_rpm > 0), add column rate_limit_tpm integer check (rate_limit_tpm > 0)`.execute(
    db,
  );
}
