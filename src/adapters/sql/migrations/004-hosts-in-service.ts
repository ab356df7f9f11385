// Hosts in service: how each request was routed (attempts, hedged); maintenance windows; registrations awaiting
// the operator's approval; failures outside maintenance (misses).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // The market's own engine used to be a hand-registered host 'builtin'; built-in hosts are agents now.
  await sql`delete from model_hosts where host_id = 'builtin'`.execute(db);
  await sql`
    alter table usage_records
      add column attempts smallint not null default 1 check (attempts >= 0),
      add column hedged boolean not null default false`.execute(db);
  await sql`
    alter table hosts
      add column status text not null default 'active' check (status in ('active', 'pending')),
      add column misses integer not null default 0 check (misses >= 0)`.execute(db);
  await sql`
    create table host_maintenance (
      id text primary key,
      host_id text not null references hosts(id),
      starts_at timestamptz not null,
      ends_at timestamptz not null check (ends_at > starts_at),
      created_at timestamptz not null default now(),
      cancelled_at timestamptz
    )`.execute(db);
  await sql`create index host_maintenance_window on host_maintenance (ends_at) where cancelled_at is null`.execute(db);
}
