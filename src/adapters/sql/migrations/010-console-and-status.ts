// The console and the status page: console sign-in sessions (only hashes of their tokens and credentials), traffic
// samples per model and span (what the status page's availability, latency and uptime are computed from), and the
// incident log with its timeline.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table console_sessions (
      token_hash text primary key,
      role text not null check (role in ('buyer', 'operator', 'host')),
      credential_hash text not null,
      csrf_token text not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null
    )`.execute(db);
  await sql`create index console_sessions_expiry on console_sessions (expires_at)`.execute(db);
  await sql`
    create table traffic_samples (
      instance_id text not null,
      model_id text not null,
      started_at timestamptz not null,
      span_ms integer not null check (span_ms > 0),
      requests integer not null check (requests >= 0),
      errors integer not null check (errors >= 0 and errors <= requests),
      hosts_online integer not null check (hosts_online >= 0),
      ttft_histogram integer[] not null,
      latency_histogram integer[] not null,
      primary key (model_id, started_at, instance_id)
    )`.execute(db);
  await sql`create index traffic_samples_time on traffic_samples (started_at)`.execute(db);
  await sql`
    create table incidents (
      id text primary key,
      title text not null,
      impact text not null check (impact in ('minor', 'major', 'critical')),
      models text[] not null,
      status text not null check (status in ('investigating', 'identified', 'monitoring', 'resolved')),
      opened_at timestamptz not null,
      resolved_at timestamptz
    )`.execute(db);
  await sql`
    create table incident_updates (
      id text primary key,
      incident_id text not null references incidents(id),
      status text not null check (status in ('investigating', 'identified', 'monitoring', 'resolved')),
      message text not null,
      created_at timestamptz not null
    )`.execute(db);
  await sql`create index incident_updates_incident on incident_updates (incident_id, created_at)`.execute(db);
}
