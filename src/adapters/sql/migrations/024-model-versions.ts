// Models launched from a manifest: every version the operator added (its manifest and its tokenizer's files, kept
// in the database so any gateway instance and any backup has them), which one is live, and the readiness probes
// run against hosts. A model is disabled without losing its versions.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table model_versions (
    model_id text not null,
    version integer not null check (version >= 1),
    manifest jsonb not null,
    tokenizer_json text not null,
    tokenizer_config text not null,
    status text not null check (status in ('pending', 'active', 'rejected', 'superseded', 'rolled_back')),
    created_at timestamptz not null default now(),
    promoted_at timestamptz,
    primary key (model_id, version)
  )`.execute(db);
  // At most one live version per model.
  await sql`create unique index model_versions_one_active on model_versions (model_id) where status = 'active'`.execute(
    db,
  );
  await sql`create table probe_runs (
    id text primary key,
    model_id text not null,
    version integer not null,
    host_id text not null,
    passed boolean not null,
    distances jsonb not null,
    reason text,
    ran_at timestamptz not null default now(),
    foreign key (model_id, version) references model_versions (model_id, version)
  )`.execute(db);
  await sql`create index probe_runs_by_version on probe_runs (model_id, version, ran_at)`.execute(db);
  await sql`alter table models add column version integer`.execute(db);
  await sql`alter table models add column disabled_at timestamptz`.execute(db);
}
