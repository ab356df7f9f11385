// Hosts that join by themselves: an Ed25519 identity, a token for the host's own calls (stored as a hash), the
// secret the market presents when it forwards a request, declared capacity, liveness, and an ask price per model.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table hosts
      add column public_key text unique,
      add column token_hash text unique,
      add column forward_secret text,
      add column engine_version text,
      add column max_concurrency integer check (max_concurrency > 0),
      add column last_seen_at timestamptz`.execute(db);
  await sql`alter table model_hosts add column ask_prompt bigint check (ask_prompt >= 0), add column ask_completion bigint check (ask_completion >= 0)`.execute(
    db,
  );
}
