// Trust: sampled responses waiting for (or kept as evidence of) a re-scoring, the checks made of them, each host's
// standing per SKU, convictions with their refunds, buyers' disputes and hosts' appeals.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table hosts
      add column reputation integer not null default 0 check (reputation between 0 and 100),
      add column suspended_at timestamptz`.execute(db);
  await sql`alter table usage_records add column refunded_by text`.execute(db);
  await sql`
    create table verification_checks (
      id text primary key,
      host_id text not null references hosts(id),
      model_id text not null,
      passed boolean not null,
      positions integer not null check (positions > 0),
      mean_tv double precision not null,
      max_tv double precision not null,
      greedy_mismatches integer not null,
      implausible_stops integer not null,
      reasons jsonb not null,
      reference text not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index verification_checks_host on verification_checks (host_id, created_at)`.execute(db);
  await sql`
    create table verification_samples (
      request_id text primary key,
      host_id text not null references hosts(id),
      model_id text not null,
      payload jsonb,
      request_digest text,
      response_digest text,
      host_signature text,
      findings jsonb,
      check_id text references verification_checks(id),
      served_at timestamptz not null
    )`.execute(db);
  await sql`create index verification_samples_unscored on verification_samples (served_at) where findings is null`.execute(
    db,
  );
  await sql`create index verification_samples_pool on verification_samples (host_id, model_id) where findings is not null and check_id is null`.execute(
    db,
  );
  await sql`
    create table host_model_trust (
      host_id text not null references hosts(id),
      model_id text not null,
      evidence_score double precision not null default 0,
      checks_passed integer not null default 0,
      checks_failed integer not null default 0,
      last_passed_check_id text references verification_checks(id),
      primary key (host_id, model_id)
    )`.execute(db);
  await sql`
    create table convictions (
      id text primary key,
      host_id text not null references hosts(id),
      model_id text not null,
      check_ids jsonb not null,
      responses_refunded integer not null,
      refunded bigint not null check (refunded >= 0),
      from_host bigint not null,
      from_treasury bigint not null,
      from_funding bigint not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table disputes (
      id text primary key,
      account_id text not null references accounts(id),
      request_id text not null unique,
      host_id text not null references hosts(id),
      model_id text not null,
      reason text,
      status text not null default 'open' check (status in ('open', 'upheld', 'rejected')),
      created_at timestamptz not null default now(),
      resolved_at timestamptz
    )`.execute(db);
  await sql`create index disputes_open on disputes (host_id, model_id) where status = 'open'`.execute(db);
  await sql`
    create table appeals (
      id text primary key,
      conviction_id text not null unique references convictions(id),
      host_id text not null references hosts(id),
      reason text not null,
      status text not null default 'open' check (status in ('open', 'granted', 'denied')),
      created_at timestamptz not null default now(),
      decided_at timestamptz
    )`.execute(db);
}
