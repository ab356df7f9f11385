// Every usage record keeps the digests of the bytes the market exchanged with the host and, for host agents, the
// host's verified signature over them: evidence of what the host answered. Capacity probes keep each host's
// latest measured speed per model.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table usage_records
      add column request_digest text,
      add column response_digest text,
      add column host_signature text`.execute(db);
  await sql`
    create table host_capacity (
      host_id text not null references hosts(id),
      model_id text not null,
      ttft_ms double precision not null check (ttft_ms > 0),
      prefill_tokens_per_second double precision not null check (prefill_tokens_per_second >= 0),
      decode_tokens_per_second double precision check (decode_tokens_per_second > 0),
      measured_at timestamptz not null,
      primary key (host_id, model_id)
    )`.execute(db);
}
